package io.aicunet.ledger.outage;

import static io.aicunet.platform.testing.LedgerFixtures.aTransfer;
import static io.aicunet.platform.testing.LedgerFixtures.anAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.ledger.v1.Account;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc.LedgerServiceBlockingStub;
import io.aicunet.contracts.ledger.v1.Transfer;
import io.aicunet.contracts.ledger.v1.TransferCreated;
import io.aicunet.contracts.ledger.v1.TransferOutcome;
import io.aicunet.contracts.ledger.v1.TransferResult;
import io.aicunet.ledger.LedgerTestBase;
import io.aicunet.ledger.application.contract.LedgerEvents;
import io.aicunet.platform.outbox.ReceivedEvent;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.KafkaOutage;
import io.aicunet.platform.testing.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Kafka stopped for {@link #OUTAGE} while the ledger takes a steady stream of transfers
 * (the "Kafka stopped under load: readiness UP, nothing lost"): readiness and
 * liveness stay UP throughout, every write succeeds (its event waits in the outbox), and
 * once Kafka is back every event of every write reaches ledger.transfers.v1 as it was
 * committed, within {@link #DRAIN_MAX}. At least once: a duplicate is allowed, a gap is not.
 *
 * <p>It stops the shared Kafka of the local stack: it must run in the build that holds the
 * machine's Maven lock, and KafkaOutage starts Kafka again (and waits until it serves
 * clients) whatever happens here.
 */
@QuarkusTest
class KafkaOutageTest extends LedgerTestBase {

    /** How long Kafka stays away: the 60 s. */
    static final Duration OUTAGE = Duration.ofSeconds(60);
    /** Pause between two writes of the steady stream. */
    static final Duration WRITE_INTERVAL = Duration.ofMillis(100);
    /** How often readiness and liveness are asked during the outage. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    /** Bound on a write and on a probe: a call that waits on Kafka would pass it. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** Bound from Kafka serving clients again until every event has arrived. */
    static final Duration DRAIN_MAX = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();

    /**
     * Proves: with Kafka stopped for 60 s under a steady stream of transfers,
     * /q/health/ready and /q/health/live answer UP every time, every transfer is
     * accepted, the outbox group shows the backlog, and after Kafka returns every
     * transfer's TransferCreated event arrives with the committed transfer, none missing,
     * among them every event id that waited in the outbox.
     */
    @Test
    void kafkaStoppedUnderLoadKeepsReadinessAndLosesNothing() throws Exception {
        Account funding = open(anAccount("CREDIT"));
        Account usage = open(anAccount("CREDIT"));
        LedgerServiceBlockingStub writer = writer();
        String topic = FleetTestResource.topicPrefix() + LedgerEvents.TOPIC;

        // One write delivered before the outage: the relay's producer knows the topic.
        Transfer before = write(writer, funding, usage).getTransfer();
        try (TopicReader reader = new TopicReader(topic)) {
            reader.readUntil(records -> subjects(records).contains(before.getId()), DRAIN_MAX);
        }

        List<Transfer> written = Collections.synchronizedList(new ArrayList<>());
        written.add(before);
        List<String> failedWrites = Collections.synchronizedList(new ArrayList<>());
        List<String> probesNotUp = Collections.synchronizedList(new ArrayList<>());
        int[] probes = {0};
        Set<UUID> waitingEventIds;
        String outboxGroup;
        Duration restartTook;
        int writesDuringOutage;
        Instant kafkaBack;
        try (KafkaOutage outage = KafkaOutage.begin()) {
            ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
            CountDownLatch over = new CountDownLatch(1);
            try {
                load.scheduleWithFixedDelay(() -> {
                    try {
                        TransferOutcome outcome = write(writer, funding, usage);
                        if (outcome.getResult() == TransferResult.TRANSFER_RESULT_OK) {
                            written.add(outcome.getTransfer());
                        } else {
                            failedWrites.add(outcome.getResult().name());
                        }
                    } catch (RuntimeException e) {
                        failedWrites.add(e.toString());
                    }
                }, 0, WRITE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                load.scheduleAtFixedRate(() -> {
                    for (String probe : List.of("/q/health/ready", "/q/health/live")) {
                        String answer = get(probe);
                        if (answer == null) {
                            return; // interrupted: the test is ending
                        }
                        if (!answer.startsWith("200 ")) {
                            probesNotUp.add(Duration.between(outage.stoppedAt(), Instant.now()).toMillis()
                                    + " ms " + probe + ": " + answer);
                        }
                    }
                    probes[0]++;
                }, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                load.schedule(over::countDown,
                        Duration.between(Instant.now(), outage.stoppedAt().plus(OUTAGE)).toMillis(),
                        TimeUnit.MILLISECONDS);
                assertThat(over.await(OUTAGE.toSeconds() + 30, TimeUnit.SECONDS)).isTrue();
            } finally {
                // shutdown, not shutdownNow: a write in flight finishes and is recorded. Interrupted,
                // its call would end CANCELLED on this side while the ledger commits it, and its
                // event would arrive for a transfer this test never recorded.
                load.shutdown();
                assertThat(load.awaitTermination(CALL_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)).isTrue();
            }
            writesDuringOutage = written.size() - 1;
            waitingEventIds = waitingEventIds();
            outboxGroup = get("/q/health/group/outbox");
            restartTook = outage.end();
            kafkaBack = Instant.now();
        }

        Map<String, Transfer> expected = new HashMap<>();
        written.forEach(transfer -> expected.put(transfer.getId(), transfer));
        List<ConsumerRecord<String, byte[]>> records;
        Duration drain;
        try (TopicReader reader = new TopicReader(topic)) {
            records = reader.readUntil(received -> subjects(received).containsAll(expected.keySet()), DRAIN_MAX);
            drain = Duration.between(kafkaBack, Instant.now());
        }
        List<ConsumerRecord<String, byte[]>> mine = records.stream().filter(r -> r.key().equals(tenant)).toList();
        Set<UUID> receivedEventIds = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : mine) {
            ReceivedEvent event = ReceivedEvent.from(record);
            receivedEventIds.add(event.eventId());
            if (event.type().equals("aicunet.ledger.v1.TransferCreated")) {
                Transfer published = TransferCreated.parseFrom(event.payload()).getTransfer();
                assertThat(published).as("event of transfer %s as committed", event.subject())
                        .isEqualTo(expected.get(event.subject()));
            }
        }
        System.out.printf("Kafka outage of %d s: %d writes during it, %d failed; %d readiness/liveness probe rounds,"
                        + " %d not UP; %d events waited in the outbox; Kafka restart took %d ms; all %d events of"
                        + " the writes arrived %d ms after Kafka served again (%d records of this tenant, %d duplicates)"
                        + "%noutbox group at the end of the outage: %s%n",
                OUTAGE.toSeconds(), writesDuringOutage, failedWrites.size(), probes[0], probesNotUp.size(),
                waitingEventIds.size(), restartTook.toMillis(), expected.size(), drain.toMillis(), mine.size(),
                mine.size() - receivedEventIds.size(), outboxGroup);

        assertThat(probesNotUp).as("readiness and liveness answers other than UP during the outage").isEmpty();
        assertThat(probes[0]).as("probe rounds during the outage").isGreaterThan((int) OUTAGE.toSeconds());
        assertThat(failedWrites).as("writes refused or failed during the outage").isEmpty();
        assertThat(writesDuringOutage).as("writes during the outage").isGreaterThan(100);
        assertThat(waitingEventIds).as("events waiting in the outbox when Kafka came back")
                .hasSizeGreaterThanOrEqualTo(writesDuringOutage);
        assertThat(outboxGroup).as("the outbox health group shows the backlog")
                .contains("consecutiveFailedPasses").contains("backlogEvents");
        assertThat(receivedEventIds).as("every event that waited in the outbox arrived").containsAll(waitingEventIds);
        assertThat(subjects(mine)).containsAll(expected.keySet());
    }

    private TransferOutcome write(LedgerServiceBlockingStub writer, Account funding, Account usage) {
        return writer.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .createTransfers(CreateTransfersRequest.newBuilder()
                        .addTransfers(aTransfer(funding.getId(), usage.getId(), 1).build())
                        .build())
                .getResults(0);
    }

    /** "status body" of a GET on the service, the failure, or null when interrupted (the outage is over). */
    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                            "https://" + service.getHost() + ":" + service.getPort() + path))
                    .timeout(CALL_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().replaceAll("\\s+", " ");
        } catch (java.io.IOException e) {
            return "failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The event ids of this tenant waiting in the outbox, read past row-level security. */
    private Set<UUID> waitingEventIds() throws Exception {
        Set<UUID> ids = new HashSet<>();
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement statement = db.prepareStatement(
                        "SELECT event_id FROM ledger.outbox_events WHERE tenant_id = ?::uuid")) {
            statement.setString(1, tenant);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    private static Set<String> subjects(List<ConsumerRecord<String, byte[]>> records) {
        Set<String> subjects = new HashSet<>();
        records.forEach(record -> subjects.add(ReceivedEvent.from(record).subject()));
        return subjects;
    }
}
