package io.aicunet.config;

import static io.aicunet.platform.testing.ConfigFixtures.globalScope;
import static io.aicunet.platform.testing.ConfigFixtures.tenantScope;
import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.config.v1.ChangeOperation;
import io.aicunet.contracts.config.v1.DeleteEntryRequest;
import io.aicunet.contracts.config.v1.DiffRevisionsRequest;
import io.aicunet.contracts.config.v1.EntryDiff;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.config.v1.ListRevisionsRequest;
import io.aicunet.contracts.config.v1.ListRevisionsResponse;
import io.aicunet.contracts.config.v1.PutEntryResponse;
import io.aicunet.contracts.config.v1.Revision;
import io.aicunet.contracts.config.v1.RollbackEntryRequest;
import io.aicunet.contracts.config.v1.RollbackEntryResponse;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Revisions: immutable, with author and reason; history, diff, rollback, compare-and-set, no gaps. */
@QuarkusTest
class RevisionsTest extends ConfigTestBase {

    /**
     * Proves: every change is a revision with its author and reason; the history lists
     * them newest first, page by page; the diff between two revisions gives each
     * changed entry's value at both ends (absent where it did not exist).
     */
    @Test
    void historyAndDiff() {
        String namespace = newNamespace();
        long first = put(namespace, "model", globalScope(), "\"small\"").getEntry().getRevision();
        long second = admin().putEntry(entry(namespace, "model", globalScope(), "\"medium\"")
                .setReason("more capacity").build()).getEntry().getRevision();
        long added = put(namespace, "retries", globalScope(), "3").getEntry().getRevision();
        long deleted = admin().deleteEntry(DeleteEntryRequest.newBuilder().setNamespace(namespace).setKey("retries")
                .setScope(globalScope()).setReason("retries are the caller's job").build()).getRevision();

        ListRevisionsResponse page1 = admin().listRevisions(ListRevisionsRequest.newBuilder()
                .setNamespace(namespace).setPageSize(3).build());
        assertThat(page1.getRevisionsList()).extracting(Revision::getRevision).containsExactly(deleted, added, second);
        Revision deletion = page1.getRevisions(0);
        assertThat(deletion.getOperation()).isEqualTo(ChangeOperation.CHANGE_OPERATION_DELETE);
        assertThat(deletion.getAuthor()).isEqualTo("ops@aicunet.io");
        assertThat(deletion.getReason()).isEqualTo("retries are the caller's job");
        assertThat(deletion.hasValue()).isFalse();
        assertThat(page1.getRevisions(2).getReason()).isEqualTo("more capacity");
        ListRevisionsResponse page2 = admin().listRevisions(ListRevisionsRequest.newBuilder()
                .setNamespace(namespace).setPageSize(3).setPageToken(page1.getNextPageToken()).build());
        assertThat(page2.getRevisionsList()).extracting(Revision::getRevision).containsExactly(first);
        assertThat(page2.getNextPageToken()).isEmpty();

        List<EntryDiff> diffs = admin().diffRevisions(DiffRevisionsRequest.newBuilder()
                .setNamespace(namespace).setFromRevision(first).setToRevision(added).build()).getDiffsList();
        assertThat(diffs).extracting(EntryDiff::getKey).containsExactly("model", "retries");
        assertThat(diffs.get(0).getBefore().getJson()).isEqualTo("\"small\"");
        assertThat(diffs.get(0).getAfter().getJson()).isEqualTo("\"medium\"");
        assertThat(diffs.get(1).hasBefore()).as("retries did not exist at the start").isFalse();
        assertThat(diffs.get(1).getAfter().getJson()).isEqualTo("3");
        // Added and deleted again within the range: no difference at all.
        assertThat(admin().diffRevisions(DiffRevisionsRequest.newBuilder().setNamespace(namespace)
                .setFromRevision(second).setToRevision(deleted).build()).getDiffsList()).isEmpty();
    }

    /**
     * Proves: rollback restores the value an earlier revision wrote as a NEW revision
     * that names it, validated and written like any other; rolling back to a delete
     * deletes; rolling back to the value it already holds changes nothing.
     */
    @Test
    void rollbackIsANewRevision() {
        String namespace = newNamespace();
        String tenant = aTenant();
        long good = put(namespace, "model", tenantScope(tenant), "\"small\"").getEntry().getRevision();
        put(namespace, "model", tenantScope(tenant), "\"broken\"");

        RollbackEntryResponse rolledBack = admin().rollbackEntry(RollbackEntryRequest.newBuilder()
                .setNamespace(namespace).setKey("model").setScope(tenantScope(tenant)).setToRevision(good)
                .setReason("broken model").build());
        assertThat(rolledBack.getChanged()).isTrue();
        assertThat(rolledBack.getRevision()).isEqualTo(head());
        assertThat(rolledBack.getEntry().getValue().getJson()).isEqualTo("\"small\"");
        Revision made = admin().listRevisions(ListRevisionsRequest.newBuilder().setTenantId(tenant)
                .setNamespace(namespace).setKey("model").setPageSize(1).build()).getRevisions(0);
        assertThat(made.getRevision()).isEqualTo(rolledBack.getRevision());
        assertThat(made.getRolledBackTo()).isEqualTo(good);
        assertThat(made.getReason()).isEqualTo("broken model");

        RollbackEntryResponse again = admin().rollbackEntry(RollbackEntryRequest.newBuilder()
                .setNamespace(namespace).setKey("model").setScope(tenantScope(tenant)).setToRevision(good)
                .setReason("broken model").build());
        assertThat(again.getChanged()).as("a retried rollback changes nothing").isFalse();
        assertThat(head()).isEqualTo(rolledBack.getRevision());

        long deletion = admin().deleteEntry(DeleteEntryRequest.newBuilder().setNamespace(namespace).setKey("model")
                .setScope(tenantScope(tenant)).setReason("gone").build()).getRevision();
        put(namespace, "model", tenantScope(tenant), "\"back\"");
        RollbackEntryResponse toDeletion = admin().rollbackEntry(RollbackEntryRequest.newBuilder()
                .setNamespace(namespace).setKey("model").setScope(tenantScope(tenant)).setToRevision(deletion)
                .setReason("it should not exist").build());
        assertThat(toDeletion.getChanged()).isTrue();
        assertThat(toDeletion.hasEntry()).isFalse();
        refusedWithoutChange(Status.Code.NOT_FOUND, () -> admin().getEntry(GetEntryRequest.newBuilder()
                .setNamespace(namespace).setKey("model").setScope(tenantScope(tenant)).build()));
    }

    /**
     * Proves: compare-and-set: a write naming the entry's current revision succeeds,
     * one naming an older revision is refused (ALREADY_EXISTS, nothing changed), 0
     * means "must not exist yet"; writing the value an entry already holds makes no revision.
     */
    @Test
    void compareAndSetOnExpectedRevision() {
        String namespace = newNamespace();
        PutEntryResponse created = admin().putEntry(entry(namespace, "model", globalScope(), "\"small\"")
                .setExpectedRevision(0).build());
        long revision = created.getEntry().getRevision();
        PutEntryResponse updated = admin().putEntry(entry(namespace, "model", globalScope(), "\"large\"")
                .setExpectedRevision(revision).build());
        assertThat(updated.getEntry().getRevision()).isGreaterThan(revision);

        refusedWithoutChange(Status.Code.ALREADY_EXISTS, () -> admin().putEntry(
                entry(namespace, "model", globalScope(), "\"lost update\"").setExpectedRevision(revision).build()));
        refusedWithoutChange(Status.Code.ALREADY_EXISTS, () -> admin().deleteEntry(DeleteEntryRequest.newBuilder()
                .setNamespace(namespace).setKey("model").setScope(globalScope()).setReason("stale")
                .setExpectedRevision(revision).build()));

        long before = head();
        PutEntryResponse same = put(namespace, "model", globalScope(), "\"large\"");
        assertThat(same.getChanged()).isFalse();
        assertThat(same.getEntry().getRevision()).isEqualTo(updated.getEntry().getRevision());
        assertThat(head()).isEqualTo(before);
    }

    /**
     * Proves: under concurrent writers from several threads, revisions form one gap-free
     * sequence (as many revisions as writes, no number skipped, each stored once), and a
     * watcher receives every one of them exactly once, in increasing order.
     */
    @Test
    void concurrentWritesMakeAGapFreeSequenceThatAWatcherSeesInOrder() throws Exception {
        String namespace = newNamespace();
        String tenant = aTenant();
        long start = head();
        int threads = 4;
        int writesPerThread = 15;
        try (WatchRecorder watcher = client.watch(TestCallers.platformAdmin(), WatchRequest.newBuilder()
                .setAfterRevision(start).setAllTenants(true).addNamespaces(namespace).build()).awaitLive()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Long> written = Collections.synchronizedList(new ArrayList<>());
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit((Callable<Void>) () -> {
                        for (int i = 0; i < writesPerThread; i++) {
                            written.add(put(namespace, "key-" + thread + "-" + i,
                                    thread % 2 == 0 ? globalScope() : tenantScope(tenant), Integer.toString(i))
                                    .getEntry().getRevision());
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            int total = threads * writesPerThread;
            List<Long> sorted = written.stream().sorted().toList();
            assertThat(sorted).hasSize(total).doesNotHaveDuplicates();
            assertThat(sorted.get(total - 1) - sorted.get(0)).as("no number skipped").isEqualTo(total - 1);
            assertThat(storedRevisionsAfter(start)).containsExactlyElementsOf(sorted);

            watcher.awaitChanges(total);
            assertThat(watcher.revisions()).containsExactlyElementsOf(sorted);
        }
    }

    private static List<Long> storedRevisionsAfter(long start) throws Exception {
        List<Long> revisions = new ArrayList<>();
        try (Connection db = FleetTestResource.database().connectAsSuperuser();
                PreparedStatement select = db.prepareStatement(
                        "SELECT revision FROM config.revisions WHERE revision > ? ORDER BY revision")) {
            select.setLong(1, start);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    revisions.add(rows.getLong(1));
                }
            }
        }
        return revisions;
    }
}
