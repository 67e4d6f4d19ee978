package io.aicunet.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseRequest;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.HeartbeatRequest;
import io.aicunet.contracts.agentstate.v1.RegisterAgentRequest;
import io.aicunet.contracts.agentstate.v1.RenewLeaseRequest;
import io.aicunet.contracts.agentstate.v1.Task;
import io.aicunet.contracts.audit.v1.AppendRequest;
import io.aicunet.contracts.audit.v1.AuditRecord;
import io.aicunet.contracts.audit.v1.AuditServiceGrpc;
import io.aicunet.contracts.audit.v1.AuditServiceGrpc.AuditServiceBlockingStub;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.audit.v1.QueryRecordsResponse;
import io.aicunet.contracts.ledger.v1.Balances;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.GetAccountBalanceRequest;
import io.aicunet.contracts.ledger.v1.GetTransferRequest;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc.LedgerServiceBlockingStub;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.platform.testing.AuditFixtures;
import io.aicunet.platform.testing.FleetCommand;
import io.aicunet.platform.testing.HaStack;
import io.aicunet.platform.testing.LedgerFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The failover drills of docs/failover.md, each under load with ids the callers chose and
 * their acknowledgements recorded: a node of the clustered stack is killed with SIGKILL (no
 * chance to flush or hand over), the stack recovers by itself (Redis Cluster promotes a
 * replica, Kafka elects new leaders among the in-sync replicas) or by the runbook's command
 * (Postgres: {@code ./fleet failover postgres} promotes the standby), and nothing that was
 * acknowledged may be lost. The services are never restarted. Each drill prints its recovery
 * time ("drill: ... recovered in ..."), recorded in docs/BENCHMARKS.md.
 *
 * <p>The Postgres drills run last. Each leaves the pair with one node (the promoted
 * standby); the second rebuilds the pair with an asynchronous standby to measure what is
 * lost without synchronous replication, and the module's end rebuilds it synchronous
 * again ({@code ./fleet failover rebuild-standby}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverDrillsTest {

    private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STEADY = Duration.ofSeconds(3);
    private static HaFleet fleet;

    @BeforeAll
    static void startFleet() {
        fleet = HaFleet.shared();
    }

    @AfterAll
    static void restoreStack() {
        fleet.close();
        // The killed nodes back (a Redis node rejoins as a replica, a broker catches up),
        // and the Postgres pair whole again: the old primary made a standby of the new one.
        FleetCommand.run("failover", "rebuild-standby").succeeded();
        HaStack.ensureUp();
    }

    @Test
    @Order(1)
    void aKilledRedisMasterIsReplacedByItsReplicaAndNoAcknowledgedLeaseOrTaskIsLost() throws Exception {
        String tenant = fleet.createTenant();
        AgentStateServiceBlockingStub agents = AgentStateServiceGrpc.newBlockingStub(
                fleet.as("agent-state", TestCallers.ofTenant(tenant, "tenant-admin")));
        String agent = agents.registerAgent(RegisterAgentRequest.newBuilder().setIdempotencyKey("drill-agent")
                .setKind("drill").build()).getAgent().getId();
        long token = agents.claimLease(ClaimLeaseRequest.newBuilder().setAgentId(agent).setWorkerId("worker-1")
                .setTtlMillis(120_000).build()).getFencingToken();
        String queue = "drill";
        int master = HaStack.redisMasterOf("t:{" + tenant + "}:agent-state:queue:" + queue);

        try (Load tasks = Load.start("enqueue", 4, n -> "task-" + n, id -> deadline(agents)
                        .enqueueTask(EnqueueTaskRequest.newBuilder().setQueue(queue)
                                .setPayloadJson("{\"id\": \"" + id + "\"}").build()));
                Load leases = Load.start("lease and heartbeat", 1, n -> "renewal-" + n, id -> {
                    deadline(agents).renewLease(RenewLeaseRequest.newBuilder().setAgentId(agent)
                            .setWorkerId("worker-1").setFencingToken(token).setTtlMillis(120_000).build());
                    deadline(agents).heartbeat(HeartbeatRequest.newBuilder().setAgentId(agent).build());
                })) {
            tasks.awaitAcknowledged(200, Duration.ofSeconds(60));
            long killedAt = kill("redis master on port " + master, HaStack.pidListeningOn(master));
            Duration tasksBack = tasks.awaitRecovery(killedAt, STEADY, RECOVERY_TIMEOUT);
            Duration leasesBack = leases.awaitRecovery(killedAt, STEADY, RECOVERY_TIMEOUT);
            tasks.close();
            leases.close();
            await().atMost(Duration.ofSeconds(30)).until(HaStack::redisClusterOk);
            System.out.printf("drill: redis master killed (port %d): enqueue recovered in %d ms, lease renewal and"
                            + " heartbeat in %d ms; %d tasks acknowledged of %d calls, new master of the slot: %d%n",
                    master, tasksBack.toMillis(), leasesBack.toMillis(), tasks.acknowledged().size(), tasks.calls(),
                    HaStack.redisMasterOf("t:{" + tenant + "}:agent-state:queue:" + queue));

            assertThat(HaStack.redisMasterOf("t:{" + tenant + "}:agent-state:queue:" + queue))
                    .as("the replica was promoted").isNotEqualTo(master);
            // The lease held before the kill is still held with the same fencing token.
            assertThat(agents.renewLease(RenewLeaseRequest.newBuilder().setAgentId(agent).setWorkerId("worker-1")
                    .setFencingToken(token).setTtlMillis(120_000).build()).hasExpiresAt()).isTrue();
            Set<String> queued = new HashSet<>();
            List<Task> claimed;
            do {
                claimed = agents.claimTasks(ClaimTasksRequest.newBuilder().setQueue(queue).setConsumer("checker")
                        .setCount(100).build()).getTasksList();
                for (Task task : claimed) {
                    queued.add(task.getPayloadJson().replaceAll(".*\"id\": \"([^\"]+)\".*", "$1"));
                }
            } while (!claimed.isEmpty());
            assertThat(queued).as("every acknowledged task is still queued").containsAll(tasks.acknowledged());
        } finally {
            HaStack.ensureUp();
        }
        assertThat(fleet.alive("agent-state")).as("the service was not restarted").isTrue();
    }

    @Test
    @Order(2)
    void aKilledKafkaBrokerLosesNoEventAndTheInboxAbsorbsDuplicates() throws Exception {
        String tenant = fleet.createTenant();
        LedgerServiceBlockingStub ledger = ledgerWriter(tenant);
        Load.Call transfer = transfers(ledger, tenant, account(ledger, tenant), account(ledger, tenant));
        Set<String> acknowledged;
        long killedAt;
        int broker;
        try (Load transfers = Load.start("transfers", 4, n -> UUID.randomUUID().toString(), transfer)) {
            transfers.awaitAcknowledged(200, Duration.ofSeconds(60));
            String topic = fleet.topicPrefix + "ledger.transfers.v1";
            broker = await().atMost(Duration.ofSeconds(30)).until(() -> HaStack.kafkaLeaderPort(topic, 0), port -> port > 0);
            killedAt = kill("kafka broker on port " + broker + " (leader of " + topic + "/0)",
                    HaStack.pidListeningOn(broker));
            // An event written after the kill reaches audit through the surviving brokers.
            String marker = UUID.randomUUID().toString();
            transfer.run(marker);
            await().atMost(RECOVERY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> auditRecords(tenant).containsKey(marker));
            Duration delivered = Duration.ofNanos(System.nanoTime() - killedAt);
            transfers.awaitAcknowledged(transfers.acknowledged().size() + 200, Duration.ofSeconds(60));
            transfers.close();
            acknowledged = new HashSet<>(transfers.acknowledged());
            acknowledged.add(marker);
            System.out.printf("drill: kafka broker on port %d killed: an event written after the kill reached audit in %d ms;"
                    + " %d transfers acknowledged%n", broker, delivered.toMillis(), acknowledged.size());
        } finally {
            HaStack.ensureUp();
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> auditRecords(tenant).keySet().containsAll(acknowledged));
        Map<String, Integer> records = auditRecords(tenant);
        assertThat(acknowledged).allSatisfy(id -> assertThat(records.get(id))
                .as("audit records of transfer %s (a duplicate delivery is absorbed by its inbox)", id).isEqualTo(1));
        assertThat(fleet.alive("ledger") && fleet.alive("audit")).as("no service was restarted").isTrue();
    }

    @Test
    @Order(3)
    void aKilledPostgresPrimaryIsReplacedByThePromotedStandbyAndNoAcknowledgedWriteIsLost() throws Exception {
        String tenant = fleet.createTenant();
        LedgerServiceBlockingStub ledger = ledgerWriter(tenant);
        AuditServiceBlockingStub audit = AuditServiceGrpc.newBlockingStub(
                fleet.as("audit", AuditFixtures.platformService()));
        try (Load transfers = Load.start("transfers", 4, n -> UUID.randomUUID().toString(),
                        transfers(ledger, tenant, account(ledger, tenant), account(ledger, tenant)));
                Load records = Load.start("audit appends", 2, n -> UUID.randomUUID().toString(), id ->
                        deadline(audit).append(AppendRequest.newBuilder().setTenantId(tenant)
                                .addRecords(AuditFixtures.aRecord().setRecordId(id).setResource("drill/" + id))
                                .build()))) {
            transfers.awaitAcknowledged(200, Duration.ofSeconds(60));
            records.awaitAcknowledged(50, Duration.ofSeconds(60));
            long killedAt = kill("postgres primary", HaStack.postgresPid(HaStack.postgresPrimaryPort()));
            FleetCommand.Result promoted = FleetCommand.run("failover", "postgres").succeeded();
            Duration transfersBack = transfers.awaitRecovery(killedAt, STEADY, RECOVERY_TIMEOUT);
            Duration recordsBack = records.awaitRecovery(killedAt, STEADY, RECOVERY_TIMEOUT);
            transfers.close();
            records.close();
            System.out.printf("drill: postgres primary killed, standby promoted (./fleet failover postgres took %d"
                            + " ms): transfers recovered in %d ms, audit appends in %d ms; %d transfers and %d records"
                            + " acknowledged%n", promoted.took().toMillis(), transfersBack.toMillis(),
                    recordsBack.toMillis(), transfers.acknowledged().size(), records.acknowledged().size());

            // Synchronous replication: every acknowledged write is on the promoted standby.
            for (String id : transfers.acknowledged()) {
                assertThat(ledger.getTransfer(GetTransferRequest.newBuilder().setTenantId(tenant).setTransferId(id)
                        .build()).getTransfer().getId()).isEqualTo(id);
            }
            Map<String, Integer> stored = auditRecords(tenant);
            assertThat(records.acknowledged()).allSatisfy(id -> assertThat(stored.get("drill/" + id))
                    .as("audit record %s", id).isEqualTo(1));
        }
        assertThat(fleet.alive("ledger") && fleet.alive("audit")).as("no service was restarted").isTrue();
    }

    /**
     * The same kill without synchronous replication ({@code FLEET_PG_HA_SYNC=off}): the
     * primary acknowledges a commit once its own disk has it, so what it had not yet sent
     * to the standby dies with it. The drill measures that window instead of asserting it
     * away: the standby's lag behind the primary under load just before the kill, how many
     * acknowledged transfers the promoted standby does not have, and how many of those had
     * already reached audit through Kafka. It asserts what must hold even so: the books of
     * the survivors balance (no half of a transfer survives), and a lost transfer's retry
     * with its id creates it again, once.
     */
    @Test
    @Order(4)
    void withoutSynchronousReplicationTheLossWindowIsMeasured() throws Exception {
        FleetCommand.run(Map.of("FLEET_PG_HA_SYNC", "off"), "failover", "rebuild-standby").succeeded();
        await("the rebuilt standby streams asynchronously").atMost(Duration.ofSeconds(30))
                .until(() -> HaStack.postgresReplication().map(standby -> standby.syncState().equals("async"))
                        .orElse(false));
        String tenant = fleet.createTenant();
        LedgerServiceBlockingStub ledger = ledgerWriter(tenant);
        String debit = account(ledger, tenant);
        String credit = account(ledger, tenant);
        Load.Call transfer = transfers(ledger, tenant, debit, credit);
        List<HaStack.PostgresReplication> lag = new ArrayList<>();
        Set<String> acknowledged;
        try (Load transfers = Load.start("transfers", 4, n -> UUID.randomUUID().toString(), transfer)) {
            transfers.awaitAcknowledged(200, Duration.ofSeconds(60));
            long sampleUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < sampleUntil) {
                // Back to back: each sample opens a connection of its own (some 100 ms).
                HaStack.postgresReplication().ifPresent(lag::add);
            }
            long killedAt = kill("postgres primary (asynchronous standby)",
                    HaStack.postgresPid(HaStack.postgresPrimaryPort()));
            FleetCommand.Result promoted = FleetCommand.run("failover", "postgres").succeeded();
            Duration back = transfers.awaitRecovery(killedAt, STEADY, RECOVERY_TIMEOUT);
            transfers.close();
            acknowledged = transfers.acknowledged();
            Set<String> lost = new HashSet<>();
            for (String id : acknowledged) {
                try {
                    ledger.getTransfer(GetTransferRequest.newBuilder().setTenantId(tenant).setTransferId(id).build());
                } catch (StatusRuntimeException missing) {
                    assertThat(missing.getStatus().getCode()).as("transfer %s", id).isEqualTo(Status.Code.NOT_FOUND);
                    lost.add(id);
                }
            }
            Map<String, Integer> audited = auditRecords(tenant);
            long lostButAudited = lost.stream().filter(audited::containsKey).count();
            System.out.printf("drill: asynchronous replication, postgres primary killed, standby promoted (./fleet"
                            + " failover postgres took %d ms): transfers recovered in %d ms; %d of %d acknowledged"
                            + " transfers lost, %d of them already in audit; before the kill over %d samples the"
                            + " standby was at most %d bytes and %.3f ms (write lag) behind, at the last %d bytes%n",
                    promoted.took().toMillis(), back.toMillis(), lost.size(), acknowledged.size(), lostButAudited,
                    lag.size(), lag.stream().mapToLong(HaStack.PostgresReplication::bytesNotFlushed).max().orElse(-1),
                    lag.stream().mapToDouble(HaStack.PostgresReplication::writeLagMillis).max().orElse(-1),
                    lag.isEmpty() ? -1 : lag.get(lag.size() - 1).bytesNotFlushed());

            assertThat(lag).as("samples of the standby's lag before the kill").isNotEmpty();
            assertThat(debitsPosted(ledger, tenant, debit)).as("what survived is whole: the debits of the survivors"
                    + " are the credits of the survivors").isEqualTo(creditsPosted(ledger, tenant, credit));
            for (String id : lost) {
                transfer.run(id);
            }
        }
        for (String id : acknowledged) {
            assertThat(ledger.getTransfer(GetTransferRequest.newBuilder().setTenantId(tenant).setTransferId(id)
                    .build()).getTransfer().getId()).isEqualTo(id);
        }
        assertThat(debitsPosted(ledger, tenant, debit)).isEqualTo(creditsPosted(ledger, tenant, credit))
                .isGreaterThanOrEqualTo(acknowledged.size());
        assertThat(fleet.alive("ledger") && fleet.alive("audit")).as("no service was restarted").isTrue();
    }

    private static LedgerServiceBlockingStub ledgerWriter(String tenant) {
        return LedgerServiceGrpc.newBlockingStub(fleet.as("ledger", TestCallers.ofTenant(tenant, "ledger-writer")));
    }

    private static String account(LedgerServiceBlockingStub ledger, String tenant) {
        return ledger.createAccount(LedgerFixtures.anAccount("EUR").setTenantId(tenant).build()).getAccount().getId();
    }

    /** A transfer of 1 from {@code debit} to {@code credit} under the caller's id, acknowledged when the ledger says OK. */
    private static Load.Call transfers(LedgerServiceBlockingStub ledger, String tenant, String debit, String credit) {
        return id -> {
            TransferOutcome outcome = deadline(ledger).createTransfers(CreateTransfersRequest.newBuilder()
                    .setTenantId(tenant).addTransfers(LedgerFixtures.aTransfer(debit, credit, 1).setId(id)).build())
                    .getResults(0);
            if (outcome.getResult() != TransferResult.TRANSFER_RESULT_OK) {
                throw new IllegalStateException(outcome.getResult() + ": " + outcome.getDetail());
            }
        };
    }

    private static long debitsPosted(LedgerServiceBlockingStub ledger, String tenant, String account) {
        return balances(ledger, tenant, account).getDebitsPosted();
    }

    private static long creditsPosted(LedgerServiceBlockingStub ledger, String tenant, String account) {
        return balances(ledger, tenant, account).getCreditsPosted();
    }

    private static Balances balances(LedgerServiceBlockingStub ledger, String tenant, String account) {
        return ledger.getAccountBalance(GetAccountBalanceRequest.newBuilder().setTenantId(tenant).setAccountId(account)
                .build()).getBalances();
    }

    /** The tenant's audit records, counted per resource. */
    private static Map<String, Integer> auditRecords(String tenant) {
        AuditServiceBlockingStub auditor = AuditServiceGrpc.newBlockingStub(
                fleet.as("audit", AuditFixtures.platformAuditor()));
        Map<String, Integer> counts = new HashMap<>();
        String token = "";
        do {
            QueryRecordsResponse page = auditor.withDeadlineAfter(10, TimeUnit.SECONDS).queryRecords(
                    QueryRecordsRequest.newBuilder().setTenantId(tenant).setPageSize(500).setPageToken(token).build());
            for (AuditRecord record : page.getRecordsList()) {
                counts.merge(record.getResource(), 1, Integer::sum);
            }
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return counts;
    }

    /** Kills the process with SIGKILL and returns when (System.nanoTime) it was killed. */
    private static long kill(String what, long pid) throws InterruptedException {
        ProcessHandle process = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException(what + ": no process " + pid));
        long killedAt = System.nanoTime();
        assertThat(process.destroyForcibly()).as("kill -9 " + what).isTrue();
        process.onExit().join();
        System.out.printf("drill: killed %s (pid %d) with SIGKILL%n", what, pid);
        return killedAt;
    }

    private static <S extends io.grpc.stub.AbstractStub<S>> S deadline(S stub) {
        return stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
}
