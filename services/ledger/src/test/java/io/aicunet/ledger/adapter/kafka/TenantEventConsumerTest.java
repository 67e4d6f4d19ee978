package io.aicunet.ledger.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.contracts.tenant.v1.TenantSuspended;
import io.aicunet.contracts.tenant.v1.TenantUpdated;
import io.aicunet.ledger.application.tenants.TenantEvent;
import io.aicunet.platform.outbox.PoisonEvent;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How the tenant service's events are read at the edge, before the ledger applies them. */
class TenantEventConsumerTest {

    private static final TenantId TENANT = new TenantId(UUID.randomUUID());
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    /** Proves: each event type the ledger follows becomes its change, with the event's id, tenant and time. */
    @Test
    void decodesTheTypesTheLedgerFollows() {
        byte[] suspended = TenantSuspended.newBuilder().setReason("unpaid").build().toByteArray();
        TenantEvent event = TenantEventConsumer.decode(received(TenantEventConsumer.SUSPENDED, suspended));
        assertThat(event.change()).isEqualTo(new TenantEvent.Suspended("unpaid"));
        assertThat(event.tenant()).isEqualTo(TENANT);
        assertThat(event.time()).isEqualTo(AT);
        assertThat(TenantEventConsumer.decode(received(TenantEventConsumer.CREATED, new byte[0])).change())
                .isEqualTo(new TenantEvent.Created(Optional.empty()));
        assertThat(TenantEventConsumer.decode(received(TenantEventConsumer.REACTIVATED, new byte[0])).change())
                .isEqualTo(new TenantEvent.Reactivated());
        assertThat(TenantEventConsumer.decode(received(TenantEventConsumer.UPDATED, new byte[0])).change())
                .isEqualTo(new TenantEvent.Updated(Optional.empty()));
        assertThat(TenantEventConsumer.decode(received("aicunet.tenant.v1.TenantOffboarded", new byte[0])).change())
                .isEqualTo(new TenantEvent.Other("aicunet.tenant.v1.TenantOffboarded"));
    }

    /**
     * Proves: TenantCreated and TenantUpdated carry the tenant's tokens per day with its
     * version (a zero quota is a quota, not "none"); a negative quota, which the tenant
     * service refuses, and a payload that is no such message are poison.
     */
    @Test
    void createdAndUpdatedCarryTheTokenQuota() {
        Tenant tenant = Tenant.newBuilder().setVersion(7)
                .setQuotas(Quotas.newBuilder().setRequestsPerMinute(60).setTokensPerDay(1_000)).build();
        assertThat(TenantEventConsumer.decode(received(TenantEventConsumer.CREATED,
                TenantCreated.newBuilder().setTenant(tenant).build().toByteArray())).change())
                .isEqualTo(new TenantEvent.Created(Optional.of(new TenantEvent.TokenQuota(1_000, 7))));
        Tenant none = tenant.toBuilder().setVersion(8).setQuotas(Quotas.newBuilder().setTokensPerDay(0)).build();
        assertThat(TenantEventConsumer.decode(received(TenantEventConsumer.UPDATED,
                TenantUpdated.newBuilder().setTenant(none).build().toByteArray())).change())
                .isEqualTo(new TenantEvent.Updated(Optional.of(new TenantEvent.TokenQuota(0, 8))));

        Tenant negative = tenant.toBuilder().setQuotas(Quotas.newBuilder().setTokensPerDay(-1)).build();
        assertThat(catchThrowableOfType(PoisonEvent.class, () -> TenantEventConsumer.decode(received(
                TenantEventConsumer.UPDATED, TenantUpdated.newBuilder().setTenant(negative).build().toByteArray())))
                .reason()).isEqualTo(PoisonEvent.Reason.UNDECODABLE);
        assertThat(catchThrowableOfType(PoisonEvent.class, () -> TenantEventConsumer.decode(received(
                TenantEventConsumer.CREATED, new byte[] {(byte) 0xff}))).reason())
                .isEqualTo(PoisonEvent.Reason.UNDECODABLE);
    }

    /**
     * Proves: a suspension whose payload cannot be read, or whose reason holds a NUL byte,
     * is poison (dead-lettered by the platform's EventConsumption), not applied.
     */
    @Test
    void malformedSuspensionIsPoison() {
        byte[] malformed = {(byte) 0xff};
        assertThat(catchThrowableOfType(PoisonEvent.class,
                () -> TenantEventConsumer.decode(received(TenantEventConsumer.SUSPENDED, malformed))).reason())
                .isEqualTo(PoisonEvent.Reason.UNDECODABLE);
        byte[] nul = TenantSuspended.newBuilder().setReason("unpaid\u0000").build().toByteArray();
        assertThat(catchThrowableOfType(PoisonEvent.class,
                () -> TenantEventConsumer.decode(received(TenantEventConsumer.SUSPENDED, nul))).reason())
                .isEqualTo(PoisonEvent.Reason.CONTROL_CHARACTER);
    }

    private static ReceivedEvent received(String type, byte[] payload) {
        return new ReceivedEvent(UUID.randomUUID(), type, "aicunet/tenant", TENANT, "tenants/" + TENANT, AT,
                TENANT.toString(), payload);
    }
}
