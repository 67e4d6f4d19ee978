package io.aicunet.ledger.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.aicunet.contracts.tenant.v1.TenantSuspended;
import io.aicunet.ledger.application.tenants.TenantEvent;
import io.aicunet.platform.outbox.PoisonEvent;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
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
                .isEqualTo(new TenantEvent.Created());
        assertThat(TenantEventConsumer.decode(received(TenantEventConsumer.REACTIVATED, new byte[0])).change())
                .isEqualTo(new TenantEvent.Reactivated());
        assertThat(TenantEventConsumer.decode(received("aicunet.tenant.v1.TenantUpdated", new byte[0])).change())
                .isEqualTo(new TenantEvent.Other("aicunet.tenant.v1.TenantUpdated"));
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
