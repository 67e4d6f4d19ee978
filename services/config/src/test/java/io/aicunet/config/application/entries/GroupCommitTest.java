package io.aicunet.config.application.entries;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import io.aicunet.config.ConfigTestBase;
import io.aicunet.config.WatchRecorder;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.aicunet.contracts.config.v1.Entry;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.config.v1.PutEntryRequest;
import io.aicunet.contracts.config.v1.PutEntryResponse;
import io.aicunet.contracts.config.v1.Revision;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.platform.testing.GroupedCalls;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.StorageQuotaChecks;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit of entry writes ({@link EntryWrites}): 64 concurrent callers, whose writes
 * the service commits together in shared transactions, each keep every semantic of a
 * write committed alone: their own entry and revision, their own refusal, the watch's
 * order. Each test ends by checking that its calls were in fact grouped (fewer groups
 * than calls, from the service's own metric), so none passes by running them one by one;
 * run with {@code -Daicunet.group-commit.max-calls=1} every test fails there.
 */
@QuarkusTest
class GroupCommitTest extends ConfigTestBase {

    private static final int CALLERS = GroupedCalls.CALLERS;
    /** Entries shared by the callers in the tests of several writes of one entry. */
    private static final int KEYS = 8;

    @Inject
    MeterRegistry meters;

    private GroupedCalls calls;

    @BeforeEach
    void startCallers() {
        calls = GroupedCalls.start(meters, EntryWrites.GROUP);
    }

    @AfterEach
    void stopCallers() {
        calls.close();
    }

    /**
     * Proves: 64 puts of distinct keys at once all succeed; each caller hears its own
     * entry (key and value) and a revision of its own; the 64 revisions are contiguous
     * (grouped writes take consecutive numbers, nothing in between), and each is the
     * revision the database holds for that key.
     */
    @Test
    void distinctKeysAllCommitEachCallerHearingItsOwnEntryAndRevision() throws Exception {
        String namespace = newNamespace();

        List<PutEntryResponse> heard = calls.concurrently(i -> () -> put(namespace, "key-" + i, globalScope(),
                Integer.toString(i)));

        List<Long> revisions = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            PutEntryResponse response = heard.get(i);
            assertThat(response.getChanged()).isTrue();
            assertThat(response.getEntry().getKey()).isEqualTo("key-" + i);
            assertThat(response.getEntry().getValue().getJson()).isEqualTo(Integer.toString(i));
            assertThat(revisionOf(namespace, "key-" + i)).isEqualTo(response.getEntry().getRevision());
            revisions.add(response.getEntry().getRevision());
        }
        assertThat(revisions).doesNotHaveDuplicates();
        long first = revisions.stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(revisions).as("contiguous revisions")
                .containsExactlyInAnyOrderElementsOf(LongStream.range(first, first + CALLERS).boxed().toList());
        calls.assertGrouped();
    }

    /**
     * Proves: 64 compare-and-set writes of one entry, all expecting the revision it is at,
     * behave as if one after the other even within one transaction: exactly one wins, the
     * 63 others hear ALREADY_EXISTS / REVISION_MISMATCH (each sees the winner's write), the
     * entry holds the winner's value at the winner's revision, and exactly one revision
     * was made.
     */
    @Test
    void compareAndSetOfOneEntryHasExactlyOneWinner() throws Exception {
        String namespace = newNamespace();
        long start = put(namespace, "hot", globalScope(), "0").getEntry().getRevision();

        List<Object> heard = calls.concurrently(i -> () -> outcome(() -> admin().putEntry(entry(namespace, "hot",
                globalScope(), Integer.toString(i + 1)).setExpectedRevision(start).build())));

        List<PutEntryResponse> won = heard.stream().filter(PutEntryResponse.class::isInstance)
                .map(PutEntryResponse.class::cast).toList();
        assertThat(won).hasSize(1);
        assertThat(heard).filteredOn(String.class::isInstance).hasSize(CALLERS - 1)
                .containsOnly(refusal(Status.Code.ALREADY_EXISTS, EntryWrites.REVISION_MISMATCH));
        PutEntryResponse winner = won.get(0);
        assertThat(winner.getEntry().getRevision()).isGreaterThan(start);
        Entry stored = admin().getEntry(GetEntryRequest.newBuilder()
                .setNamespace(namespace).setKey("hot").setScope(globalScope()).build()).getEntry();
        assertThat(stored.getRevision()).isEqualTo(winner.getEntry().getRevision());
        assertThat(stored.getValue().getJson()).isEqualTo(winner.getEntry().getValue().getJson());
        assertThat(revisionsOf(namespace)).as("the first put and the winner's").isEqualTo(2);
        calls.assertGrouped();
    }

    /**
     * Proves: compare-and-set within one group behaves as one write after the other. Eight
     * entries, each written by 8 of the 64 callers expecting the revision it is at: per
     * entry exactly one caller wins and 7 hear ALREADY_EXISTS / REVISION_MISMATCH. Grouped,
     * most of an entry's callers share a transaction, so its losers see the winner's write
     * before it committed, exactly as they would see it committed.
     */
    @Test
    void compareAndSetWithinAGroupSeesTheWritesBeforeIt() throws Exception {
        String namespace = newNamespace();
        List<Long> starts = new ArrayList<>();
        for (int key = 0; key < KEYS; key++) {
            starts.add(put(namespace, "hot-" + key, globalScope(), "0").getEntry().getRevision());
        }

        List<Object> heard = calls.concurrently(i -> () -> outcome(() -> admin().putEntry(entry(namespace,
                "hot-" + i % KEYS, globalScope(), Integer.toString(i + 1)).setExpectedRevision(starts.get(i % KEYS))
                .build())));

        for (int key = 0; key < KEYS; key++) {
            List<Object> ofKey = new ArrayList<>();
            for (int i = key; i < CALLERS; i += KEYS) {
                ofKey.add(heard.get(i));
            }
            List<PutEntryResponse> won = ofKey.stream().filter(PutEntryResponse.class::isInstance)
                    .map(PutEntryResponse.class::cast).toList();
            assertThat(won).as("winners on hot-" + key).hasSize(1);
            assertThat(ofKey).filteredOn(String.class::isInstance).hasSize(CALLERS / KEYS - 1)
                    .containsOnly(refusal(Status.Code.ALREADY_EXISTS, EntryWrites.REVISION_MISMATCH));
            Entry stored = admin().getEntry(GetEntryRequest.newBuilder().setNamespace(namespace).setKey("hot-" + key)
                    .setScope(globalScope()).build()).getEntry();
            assertThat(stored.getRevision()).isEqualTo(won.get(0).getEntry().getRevision());
            assertThat(stored.getValue().getJson()).isEqualTo(won.get(0).getEntry().getValue().getJson());
        }
        assertThat(revisionsOf(namespace)).as("each entry's first put and its winner's").isEqualTo(2L * KEYS);
        calls.assertGrouped();
    }

    /**
     * Proves: writing the value an entry already holds makes no revision, also within a
     * group. Eight entries, each given one value by 8 of the 64 callers at once: per entry
     * exactly one caller hears a change, the 7 others hear "unchanged" with that same
     * revision (grouped, they see the first write before it committed), and one revision
     * per entry was made.
     */
    @Test
    void theSameValueWrittenByManyCallersMakesOneRevision() throws Exception {
        String namespace = newNamespace();

        List<PutEntryResponse> heard = calls.concurrently(i -> () -> put(namespace, "same-" + i % KEYS, globalScope(),
                "{\"model\": \"small-" + i % KEYS + "\"}"));

        for (int key = 0; key < KEYS; key++) {
            List<PutEntryResponse> ofKey = new ArrayList<>();
            for (int i = key; i < CALLERS; i += KEYS) {
                ofKey.add(heard.get(i));
            }
            assertThat(ofKey).filteredOn(PutEntryResponse::getChanged).as("changes of same-" + key).hasSize(1);
            long revision = ofKey.stream().filter(PutEntryResponse::getChanged).findFirst().orElseThrow()
                    .getEntry().getRevision();
            assertThat(ofKey).extracting(response -> response.getEntry().getRevision()).containsOnly(revision);
        }
        assertThat(revisionsOf(namespace)).isEqualTo(KEYS);
        calls.assertGrouped();
    }

    /**
     * Proves: refusals decided inside the shared transaction are each the answer of their
     * own caller only, and roll back only their own write. A tenant with a storage quota of
     * 1,024 bytes gets 64 writes at once from its admin: 24 of 1 byte each (all fit, whatever
     * the order), 8 of 200 bytes (exactly 5 fit, whatever the order: 24 + 5 x 200 = 1,024),
     * and 32 that expect a revision their (absent) entries are not at. The 24 small and 5
     * large commit, each caller hearing its own key; 3 large hear RESOURCE_EXHAUSTED, the 32
     * others ALREADY_EXISTS / REVISION_MISMATCH; the tenant stores exactly 1,024 bytes in
     * exactly the 29 entries and revisions that committed, each with its own revision.
     */
    @Test
    void refusalsInsideTheTransactionAreTheirOwnCallersAnswerOnly() throws Exception {
        String tenant = StorageQuotaChecks.aTenantWithStorageQuota(1_024);
        String namespace = newNamespace();
        Scope scope = tenantScope(tenant);
        ConfigServiceBlockingStub tenantAdmin = client.as(TestCallers.ofTenant(tenant, "tenant-admin"));

        List<Object> heard = calls.concurrently(i -> () -> outcome(() -> {
            PutEntryRequest.Builder request = entry(namespace, "key-" + i, scope, "1");
            if (i % 8 == 0) {
                request.setValueJson("\"" + "x".repeat(200 - 2) + "\"");
            } else if (i % 2 == 1) {
                request.setExpectedRevision(5);
            }
            return tenantAdmin.putEntry(request.build());
        }));

        List<Object> large = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            if (i % 8 == 0) {
                large.add(heard.get(i));
            } else if (i % 2 == 1) {
                assertThat(heard.get(i))
                        .isEqualTo(refusal(Status.Code.ALREADY_EXISTS, EntryWrites.REVISION_MISMATCH));
            } else {
                assertThat(heard.get(i)).isInstanceOf(PutEntryResponse.class);
                assertThat(((PutEntryResponse) heard.get(i)).getEntry().getKey()).isEqualTo("key-" + i);
            }
        }
        assertThat(large).filteredOn(PutEntryResponse.class::isInstance).hasSize(5);
        assertThat(large).filteredOn(String.class::isInstance).hasSize(3)
                .containsOnly(refusal(Status.Code.RESOURCE_EXHAUSTED, "tenant.quotas.storage_bytes"));
        assertThat(StorageQuotaChecks.storedBytes("config", tenant)).isEqualTo(1_024);
        assertThat(numberFrom("SELECT count(*) FROM config.entries WHERE tenant_id = ?::uuid", tenant))
                .isEqualTo(29);
        assertThat(numberFrom("SELECT count(*) FROM config.revisions WHERE tenant_id = ?::uuid", tenant))
                .isEqualTo(29);
        assertThat(heard).filteredOn(PutEntryResponse.class::isInstance)
                .extracting(response -> ((PutEntryResponse) response).getEntry().getRevision())
                .doesNotHaveDuplicates();
        calls.assertGrouped();
    }

    /**
     * Proves: a group holds one tenant's writes. Two tenants' admins write the same 32 keys
     * at the same moment, each in its own tenant's scope (their calls grouped per tenant);
     * read back as each tenant, every key holds that tenant's own value, and the database
     * holds exactly 32 entries per tenant, each with its own revision.
     */
    @Test
    void twoTenantsWritingAtOnceEachLandInTheirOwnTenant() throws Exception {
        List<String> tenants = List.of(StorageQuotaChecks.aTenantWithStorageQuota(1_000_000),
                StorageQuotaChecks.aTenantWithStorageQuota(1_000_000));
        String namespace = newNamespace();

        List<PutEntryResponse> heard = calls.concurrently(i -> () -> {
            String tenant = tenants.get(i % 2);
            return client.as(TestCallers.ofTenant(tenant, "tenant-admin")).putEntry(entry(namespace,
                    "key-" + i / 2, tenantScope(tenant), "\"" + tenant + "\"").build());
        });

        assertThat(heard).extracting(response -> response.getEntry().getRevision()).doesNotHaveDuplicates();
        for (String tenant : tenants) {
            ConfigServiceBlockingStub viewer = client.as(TestCallers.ofTenant(tenant, "tenant-viewer"));
            for (int key = 0; key < CALLERS / 2; key++) {
                assertThat(viewer.getEntry(GetEntryRequest.newBuilder().setNamespace(namespace).setKey("key-" + key)
                        .setScope(tenantScope(tenant)).build()).getEntry().getValue().getJson())
                        .isEqualTo("\"" + tenant + "\"");
            }
            assertThat(numberFrom("SELECT count(*) FROM config.entries"
                    + " WHERE tenant_id = ?::uuid AND value = to_jsonb(?::text)", tenant, tenant))
                    .isEqualTo(CALLERS / 2);
        }
        calls.assertGrouped();
    }

    /**
     * Proves: a watcher sees a grouped burst as it would 64 writes one by one: all 64
     * revisions, in revision order, none missing, none twice (the feed is told of a
     * group's commit once, with its newest revision, and reads everything up to it).
     */
    @Test
    void aWatcherSeesEveryRevisionOfAGroupedBurstInOrder() throws Exception {
        String namespace = newNamespace();
        long start = head();
        try (WatchRecorder watcher = client.watch(TestCallers.platformAdmin(), WatchRequest.newBuilder()
                .setAfterRevision(start).setAllTenants(true).addNamespaces(namespace).build())) {
            watcher.awaitLive();

            List<PutEntryResponse> heard = calls.concurrently(i -> () -> put(namespace, "key-" + i, globalScope(),
                    Integer.toString(i)));

            List<Long> written = heard.stream().map(response -> response.getEntry().getRevision()).sorted().toList();
            List<Revision> seen = watcher.awaitChanges(CALLERS);
            assertThat(watcher.revisions()).as("every revision, in order, once").containsExactlyElementsOf(written);
            for (Revision revision : seen) {
                assertThat(revision.getValue().getJson()).isEqualTo(revision.getKey().substring("key-".length()));
            }
        }
        calls.assertGrouped();
    }

    /** A write's response, or its refusal as "CODE/reason" (the ErrorInfo reason). */
    private static Object outcome(Supplier<PutEntryResponse> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException refused) {
            return refusal(refused.getStatus().getCode(), GrpcCalls.detail(refused, ErrorInfo.class).getReason());
        }
    }

    private static String refusal(Status.Code code, String reason) {
        return code + "/" + reason;
    }




    /** The revision the database holds for a global entry. */
    private static long revisionOf(String namespace, String key) throws SQLException {
        return numberFrom("SELECT revision FROM config.entries"
                + " WHERE namespace = ? AND entry_key = ? AND tenant_id IS NULL", namespace, key);
    }

    private static long revisionsOf(String namespace) throws SQLException {
        return numberFrom("SELECT count(*) FROM config.revisions WHERE namespace = ?", namespace);
    }

    /** A number read from the database as its superuser (past row-level security). */
    private static long numberFrom(String sql, String... parameters) throws SQLException {
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).as("a row for " + sql).isTrue();
                return rows.getLong(1);
            }
        }
    }
}
