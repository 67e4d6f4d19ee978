package io.aicunet.ledger.application.tenants;

import static io.aicunet.platform.testing.LedgerFixtures.aPendingTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.aVoid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import com.google.rpc.PreconditionFailure;
import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.contracts.tenant.v1.Tenant;
import io.aicunet.contracts.tenant.v1.TenantCreated;
import io.aicunet.contracts.tenant.v1.TenantReactivated;
import io.aicunet.contracts.tenant.v1.TenantSuspended;
import io.aicunet.ledger.LedgerTestBase;
import io.aicunet.platform.outbox.KafkaEventPublisher;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger following the tenant service's events, published here to the run's
 * tenant topic on the real Kafka, as the tenant service's relay would.
 */
@QuarkusTest
class TenantEventsTest extends LedgerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private KafkaEventPublisher publisher;

    @BeforeEach
    void connectPublisher() {
        publisher = KafkaEventPublisher.connect(FleetStack.kafkaAdminSettings(), Map.of());
    }

    @AfterEach
    void closePublisher() {
        publisher.close();
    }

    /**
     * Proves: TenantCreated opens the configured default accounts (ids derived from
     * tenant and code, "available" with its no-overdraft flag), and the same event
     * delivered again is recognised by the inbox and opens nothing more.
     */
    @Test
    void tenantCreatedOpensDefaultAccountsOnce() throws Exception {
        OutboxEvent created = event(TenantCreated.newBuilder().setTenant(tenantMessage()).build());
        publish(created);

        Account available = await().atMost(WAIT).ignoreExceptions()
                .until(() -> account("available"), found -> found != null);
        assertThat(available.getUnit()).isEqualTo("CREDIT");
        assertThat(available.getDebitsMustNotExceedCredits()).isTrue();
        assertThat(account("funding").getDebitsMustNotExceedCredits()).isFalse();
        assertThat(account("usage").getCode()).isEqualTo("usage");
        assertThat(account("tokens").getUnit()).as("the token budget's account").isEqualTo("TOKEN");
        assertThat(account("tokens-used").getUnit()).isEqualTo("TOKEN");

        // Redelivered, then a second TenantCreated: same partition (keyed by tenant), in
        // order, so once the second is in the inbox the redelivery was handled too.
        OutboxEvent again = event(TenantCreated.newBuilder().setTenant(tenantMessage()).build());
        publish(created);
        publish(again);
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM ledger.inbox_events WHERE consumer = ?"
                + " AND event_id = ?::uuid", ApplyTenantEvent.CONSUMER, again.eventId().toString()) == 1);
        assertThat(count("SELECT count(*) FROM ledger.inbox_events WHERE event_id = ?::uuid",
                created.eventId().toString())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ledger.accounts WHERE tenant_id = ?::uuid", tenant)).isEqualTo(DEFAULT_ACCOUNTS);
    }

    /**
     * Proves: after TenantSuspended, a batch with new debits is refused as a whole with
     * FAILED_PRECONDITION TENANT_SUSPENDED naming the reason, writing nothing, while a
     * pending reservation can still be voided; after TenantReactivated debits work again.
     */
    @Test
    void suspendedTenantTakesNoNewDebitsUntilReactivated() throws Exception {
        publish(event(TenantCreated.newBuilder().setTenant(tenantMessage()).build()));
        Account funding = await().atMost(WAIT).ignoreExceptions().until(() -> account("funding"), a -> a != null);
        Account available = account("available");
        assertThat(post(aTransfer(funding.getId(), available.getId(), 50)).get(0).getResult())
                .isEqualTo(TransferResult.TRANSFER_RESULT_OK);
        String reserved = post(aPendingTransfer(available.getId(), account("usage").getId(), 20, 0)).get(0).getId();
        long rowsBefore = transferRows();

        publish(event(TenantSuspended.newBuilder().setTenant(tenantMessage()).setReason("unpaid invoice").build()));
        StatusRuntimeException refused = await().atMost(WAIT).until(
                () -> refusal(funding, available), failure -> failure != null);
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        PreconditionFailure.Violation violation = GrpcCalls.statusOf(refused).getDetails(0)
                .unpack(PreconditionFailure.class).getViolations(0);
        assertThat(violation.getType()).isEqualTo("TENANT_SUSPENDED");
        assertThat(violation.getDescription()).contains("unpaid invoice").contains("no new debits");
        assertThat(transferRows()).isEqualTo(rowsBefore);
        assertThat(post(aVoid(reserved)).get(0).getResult()).isEqualTo(TransferResult.TRANSFER_RESULT_OK);

        publish(event(TenantReactivated.newBuilder().setTenant(tenantMessage()).build()));
        await().atMost(WAIT).until(() -> refusal(funding, available) == null);
    }

    /** The refusal of a new debit, or null when it was accepted. */
    private StatusRuntimeException refusal(Account from, Account to) {
        try {
            post(aTransfer(from.getId(), to.getId(), 1));
            return null;
        } catch (StatusRuntimeException failure) {
            return failure;
        }
    }

    private Account account(String code) {
        try {
            return writer().getAccount(GetAccountRequest.newBuilder().setAccountId(
                    ApplyTenantEvent.defaultAccountId(TenantId.parse(tenant).orElseThrow(), code).toString()).build())
                    .getAccount();
        } catch (StatusRuntimeException notYet) {
            if (notYet.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return null;
            }
            throw notYet;
        }
    }

    private Tenant tenantMessage() {
        return Tenant.newBuilder().setId(tenant).setSlug("t-" + tenant.substring(0, 8)).build();
    }

    private OutboxEvent event(Message payload) {
        return new OutboxEvent(UUID.randomUUID(), FleetTestResource.topicPrefix() + "tenant.tenants.v1",
                payload.getDescriptorForType().getFullName(), "/aicunet/tenant",
                TenantId.parse(tenant).orElseThrow(), tenant, Instant.now(), payload.toByteArray());
    }

    private void publish(OutboxEvent event) {
        publisher.publish(List.of(event)).await().atMost(Duration.ofSeconds(30));
    }
}
