package io.aicunet.platform.privacy;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Erasures that survive a restore (issue 16, docs/privacy-requests.md "Erasures and
 * restores"). The tenant service {@link #record records} a tombstone in the object store
 * when an erasure completes, before it destroys the tenant's data keys; every service, at
 * each start, lists the tombstones and has its {@link ErasureReplay} erase each again
 * (idempotent, nothing answered on Kafka). A database restored to an instant before an
 * erasure so loses the erased rows and keys again before the service reports ready: the
 * readiness check {@link ErasureTombstonesReadiness} is DOWN until the first pass has
 * gone through every tombstone. A store that cannot be reached is retried every
 * {@code aicunet.privacy.tombstones.retry-seconds} (logged as WARN) and readiness stays
 * DOWN; a malformed tombstone is logged and skipped, it never stops the pass.
 *
 * <p>The tombstones live under {@code aicunet.privacy.tombstones.prefix} (by default
 * {@code tombstones/}), which no expiry sweep touches ({@link ExpiredObjects} refuses it).
 */
@ApplicationScoped
public class ErasureTombstones {

    /** Where every tombstone prefix starts; {@link ExpiredObjects} never deletes below it. */
    public static final String ROOT = "tombstones/";

    /** A tombstone is a few hundred bytes; anything far larger is not one. */
    static final int TOMBSTONE_BYTES_MAX = 4096;

    private static final Logger LOG = Logger.getLogger(ErasureTombstones.class);

    /** What one pass did. */
    public record Pass(int tombstones, int tenants, int subjects, int malformed, Map<String, Long> erased,
                       Duration took) {
    }

    private final ObjectStore store;
    private final Optional<ErasureReplay> replay;
    private final String prefix;
    private final Duration retry;
    private final Duration replayTimeout;

    private ScheduledExecutorService passes;
    private volatile Pass firstPass;
    private volatile int failedPasses;
    private volatile String lastFailure;
    private final CountDownLatch firstAttempt = new CountDownLatch(1);

    @Inject
    public ErasureTombstones(ObjectStore store, Instance<ErasureReplay> replay,
                             @ConfigProperty(name = "aicunet.privacy.tombstones.prefix") String prefix,
                             @ConfigProperty(name = "aicunet.privacy.tombstones.retry-seconds") long retrySeconds,
                             @ConfigProperty(name = "aicunet.privacy.tombstones.replay-timeout-seconds")
                             long replayTimeoutSeconds) {
        this(store, replay.isResolvable() ? Optional.of(replay.get()) : Optional.empty(), prefix,
                Duration.ofSeconds(retrySeconds), Duration.ofSeconds(replayTimeoutSeconds));
    }

    /** For tests: the store, the service's replay (empty: the service keeps nothing to erase) and the settings. */
    public ErasureTombstones(ObjectStore store, Optional<ErasureReplay> replay, String prefix, Duration retry,
                             Duration replayTimeout) {
        this.store = store;
        this.replay = replay;
        this.prefix = requirePrefix(prefix);
        if (retry.isNegative() || retry.isZero() || replayTimeout.isNegative() || replayTimeout.isZero()) {
            throw new IllegalArgumentException("aicunet.privacy.tombstones.retry-seconds and replay-timeout-seconds"
                    + " must be positive");
        }
        this.retry = retry;
        this.replayTimeout = replayTimeout;
    }

    /** The prefix, or an IllegalArgumentException naming the setting: it must lie under {@link #ROOT}. */
    static String requirePrefix(String prefix) {
        ObjectKeys.requirePrefix(prefix);
        if (!prefix.startsWith(ROOT) || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("aicunet.privacy.tombstones.prefix must start with " + ROOT
                    + " and end with /, not " + prefix);
        }
        return prefix;
    }

    public String prefix() {
        return prefix;
    }

    /**
     * Writes the tombstone (on a worker thread); fails, naming the store and the key, when it
     * cannot be written, so that the erasure it records does not complete without it.
     */
    public Uni<Void> record(ErasureTombstone tombstone) {
        String key = tombstone.key(prefix);
        return Uni.createFrom().item(() -> {
            try (InputStream content = new ByteArrayInputStream(tombstone.toJson())) {
                store.put(key, content);
                return key;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write erasure tombstone " + key + ": " + e.getMessage(), e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .invoke(written -> LOG.infof("erasure tombstone %s written", written))
                .replaceWithVoid();
    }

    /**
     * At start the first pass runs before the application takes traffic, for at most
     * {@code aicunet.privacy.tombstones.start-wait-seconds}: usually it is one LIST and
     * done, and the service is ready as soon as it is up. A pass that fails or takes longer
     * goes on in the background, and readiness stays DOWN until one goes through.
     */
    void start(@Observes StartupEvent startup,
               @ConfigProperty(name = "aicunet.privacy.tombstones.start-wait-seconds") long startWaitSeconds) {
        start();
        try {
            if (!firstAttempt.await(startWaitSeconds, TimeUnit.SECONDS)) {
                LOG.warnf("erasure tombstones: the first pass takes longer than %d s; it goes on, not ready until"
                        + " it is done", startWaitSeconds);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the passes: the first at once, then again every retry period until one goes through. */
    public synchronized void start() {
        if (passes != null) {
            return;
        }
        passes = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "erasure-tombstones");
            thread.setDaemon(true);
            return thread;
        });
        passes.execute(this::passUntilDone);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stop();
    }

    public synchronized void stop() {
        if (passes != null) {
            passes.shutdownNow();
        }
    }

    private void passUntilDone() {
        try {
            Pass pass = reapplyAll();
            firstPass = pass;
            LOG.infof("erasure tombstones: %d re-applied (%d tenants, %d subjects), %d malformed skipped, erased %s,"
                            + " in %d ms", pass.tombstones(), pass.tenants(), pass.subjects(), pass.malformed(),
                    pass.erased(), pass.took().toMillis());
            firstAttempt.countDown();
            passes.shutdown();
        } catch (IOException | RuntimeException failed) {
            firstAttempt.countDown();
            failedPasses++;
            lastFailure = failed.getMessage();
            LOG.warnf("erasure tombstones: pass %d failed, not ready; retrying in %d s: %s", failedPasses,
                    retry.toSeconds(), failed.getMessage());
            if (!passes.isShutdown()) {
                passes.schedule(this::passUntilDone, retry.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * One pass: every tombstone under the prefix, in key order, erased again by the service's
     * replay. A malformed tombstone is logged and skipped; a store or database failure ends
     * the pass with an exception (the next pass starts over; replays are idempotent).
     */
    public Pass reapplyAll() throws IOException {
        long started = System.nanoTime();
        int tenants = 0;
        int subjects = 0;
        int malformed = 0;
        Map<String, Long> erased = new TreeMap<>();
        String after = "";
        while (true) {
            List<ObjectStore.StoredObject> page = store.list(prefix, after, ObjectStore.LIST_COUNT_MAX);
            if (page.isEmpty()) {
                break;
            }
            for (ObjectStore.StoredObject object : page) {
                Optional<ErasureTombstone> tombstone = read(object.key());
                if (tombstone.isEmpty()) {
                    malformed++;
                    continue;
                }
                if (replay.isPresent()) {
                    Map<String, Long> counts = replay.get().replay(tombstone.get()).await().atMost(replayTimeout);
                    counts.forEach((kind, count) -> erased.merge(kind, count, Long::sum));
                }
                if (tombstone.get().kind() == ErasureTombstone.Kind.TENANT) {
                    tenants++;
                } else {
                    subjects++;
                }
            }
            after = page.get(page.size() - 1).key();
        }
        return new Pass(tenants + subjects, tenants, subjects, malformed, Map.copyOf(erased),
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** The tombstone at {@code key}; empty (and logged) when it is malformed or went away since the listing. */
    private Optional<ErasureTombstone> read(String key) throws IOException {
        Optional<InputStream> content = store.get(key);
        if (content.isEmpty()) {
            LOG.warnf("erasure tombstone %s was listed but is gone; skipped", key);
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream stream = content.get()) {
            bytes = stream.readNBytes(TOMBSTONE_BYTES_MAX + 1);
        }
        if (bytes.length > TOMBSTONE_BYTES_MAX) {
            LOG.warnf("erasure tombstone %s is larger than %d bytes; skipped", key, TOMBSTONE_BYTES_MAX);
            return Optional.empty();
        }
        try {
            return Optional.of(ErasureTombstone.parse(prefix, key, bytes));
        } catch (IllegalArgumentException malformed) {
            LOG.warnf("%s; skipped", malformed.getMessage());
            return Optional.empty();
        }
    }

    /** The first pass that went through every tombstone; empty while none has. */
    public Optional<Pass> firstPass() {
        return Optional.ofNullable(firstPass);
    }

    public int failedPasses() {
        return failedPasses;
    }

    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }
}
