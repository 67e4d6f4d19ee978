package io.aicunet.audit.application.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.audit.AuditGrpcClient;
import io.aicunet.contracts.audit.v1.AppendRequest;
import io.aicunet.contracts.audit.v1.AppendResponse;
import io.aicunet.contracts.audit.v1.AppendedRecord;
import io.aicunet.contracts.audit.v1.QueryRecordsRequest;
import io.aicunet.contracts.audit.v1.QueryRecordsResponse;
import io.aicunet.contracts.audit.v1.VerifyLogRequest;
import io.aicunet.platform.auditlog.AuditRecord;
import io.aicunet.platform.auditlog.RecordEncoding;
import io.aicunet.platform.testing.AuditFixtures;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Direct appends: gap-free sequences, a hash chain over the canonical encoding, idempotency, concurrency. */
@QuarkusTest
class AppendTest {

    @TestHTTPResource(tls = true)
    URL service;

    /** Proves: a batch gets sequences 1..n in order, and each record links to its predecessor's hash. */
    @Test
    void batchIsNumberedAndChained() {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            AppendResponse response = client.asService().append(AuditFixtures.anAppend(tenant, 20).build());
            assertThat(response.getRecordsList()).extracting(AppendedRecord::getSequence)
                    .containsExactlyElementsOf(range(1, 20));
            AppendResponse more = client.asService().append(AuditFixtures.anAppend(tenant, 3).build());
            assertThat(more.getRecordsList()).extracting(AppendedRecord::getSequence).containsExactly(21L, 22L, 23L);

            List<io.aicunet.contracts.audit.v1.AuditRecord> records = client.asAuditor().queryRecords(
                    QueryRecordsRequest.newBuilder().setTenantId(tenant).setPageSize(100).build()).getRecordsList();
            assertThat(records).hasSize(23);
            byte[] previous = AuditRecord.GENESIS_HASH;
            for (io.aicunet.contracts.audit.v1.AuditRecord proto : records) {
                AuditRecord record = fromProto(proto);
                assertThat(record.previousHash()).as("link of record %d", record.sequence()).isEqualTo(previous);
                assertThat(RecordEncoding.recordHash(record)).as("hash of record %d", record.sequence())
                        .isEqualTo(record.recordHash());
                previous = record.recordHash();
            }
        }
    }

    /** Proves: appending a record id again returns its first sequence, marked replayed, and adds nothing. */
    @Test
    void recordIdIsIdempotent() {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            AppendRequest request = AuditFixtures.anAppend(tenant, 3).build();
            AppendResponse first = client.asService().append(request);
            AppendRequest retry = request.toBuilder().addRecords(AuditFixtures.aRecord()).build();
            AppendResponse second = client.asService().append(retry);
            assertThat(second.getRecords(0).getSequence()).isEqualTo(first.getRecords(0).getSequence());
            assertThat(second.getRecordsList().subList(0, 3)).allMatch(AppendedRecord::getReplayed);
            assertThat(second.getRecords(3).getSequence()).isEqualTo(4);
            assertThat(second.getRecords(3).getReplayed()).isFalse();
            assertThat(client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant)
                    .build()).getRecordsCount()).isEqualTo(4);
        }
    }

    /** Proves: concurrent appends of one tenant from 6 threads yield one gap-free, verifiable chain. */
    @Test
    void concurrentAppendsStayGapFree() throws Exception {
        String tenant = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            List<Future<AppendResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                futures.add(pool.submit(() -> client.asService().append(AuditFixtures.anAppend(tenant, 5).build())));
            }
            List<Long> sequences = new ArrayList<>();
            for (Future<AppendResponse> future : futures) {
                future.get(60, TimeUnit.SECONDS).getRecordsList().forEach(r -> sequences.add(r.getSequence()));
            }
            assertThat(sequences).containsExactlyInAnyOrderElementsOf(range(1, 150));
            assertThat(client.asAuditor().verifyLog(VerifyLogRequest.newBuilder().setTenantId(tenant).build())
                    .getVerified()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Proves: queries filter by actor, action, resource and outcome, and page by cursor without gaps or repeats. */
    @Test
    void queriesFilterAndPage() {
        String tenant = UUID.randomUUID().toString();
        try (AuditGrpcClient client = new AuditGrpcClient(service.getPort())) {
            AppendRequest.Builder request = AppendRequest.newBuilder().setTenantId(tenant);
            for (int i = 0; i < 12; i++) {
                request.addRecords(AuditFixtures.aRecord().setActor(i % 3 == 0 ? "bob" : "carol")
                        .setOutcome(i % 2 == 0 ? "success" : "denied").setResource("doc/" + (i % 4)));
            }
            client.asService().append(request.build());
            List<Long> bobs = new ArrayList<>();
            String token = "";
            do {
                QueryRecordsResponse page = client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder()
                        .setTenantId(tenant).setActor("bob").setPageSize(1).setPageToken(token).build());
                page.getRecordsList().forEach(r -> bobs.add(r.getSequence()));
                token = page.getNextPageToken();
            } while (!token.isEmpty());
            assertThat(bobs).containsExactly(1L, 4L, 7L, 10L);
            assertThat(client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant)
                    .setOutcome("denied").setResource("doc/1").build()).getRecordsList())
                    .extracting(io.aicunet.contracts.audit.v1.AuditRecord::getSequence).containsExactly(2L, 6L, 10L);
            assertThat(client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant)
                    .setAction("ledger.transfers.post").setRecordedTo(AuditFixturesTime.now()).build()).getRecordsCount())
                    .isEqualTo(12);
            assertThat(client.asAuditor().queryRecords(QueryRecordsRequest.newBuilder().setTenantId(tenant)
                    .setRecordedFrom(AuditFixturesTime.now()).build()).getRecordsCount()).isZero();
        }
    }

    static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            values.add(i);
        }
        return values;
    }

    static AuditRecord fromProto(io.aicunet.contracts.audit.v1.AuditRecord p) {
        return new AuditRecord(UUID.fromString(p.getTenantId()), p.getSequence(), UUID.fromString(p.getRecordId()),
                Instant.ofEpochSecond(p.getOccurredAt().getSeconds(), p.getOccurredAt().getNanos()),
                Instant.ofEpochSecond(p.getRecordedAt().getSeconds(), p.getRecordedAt().getNanos()),
                p.getOrigin(), p.getActor(), p.getAction(), p.getResource(), p.getOutcome(), p.getReason(),
                p.getCorrelationId(), p.getDetails().toByteArray(), p.getPreviousHash().toByteArray(),
                p.getRecordHash().toByteArray());
    }

    /** Protobuf timestamps of now, for time-range filters. */
    static final class AuditFixturesTime {
        private AuditFixturesTime() {
        }

        static com.google.protobuf.Timestamp now() {
            Instant now = Instant.now().plusSeconds(1);
            return com.google.protobuf.Timestamp.newBuilder().setSeconds(now.getEpochSecond()).build();
        }
    }
}
