package io.aicunet.platform.tenancy.database;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * How far the service's {@code reporting} datasource lags the primary, as the gauge
 * {@code aicunet_reporting_replica_lag_seconds}: 0 when it is the primary itself (a
 * single node) or a standby that has replayed all it received, else the age of the last
 * transaction it replayed. Sampled every {@code aicunet.database.replica-lag-interval} on
 * the reporting pool, never during a scrape; NaN while a sample fails (the standby is
 * away or the role is missing). Only in services with a reporting datasource (the
 * ledger, audit).
 *
 * <p>Why not only {@code now() - pg_last_xact_replay_timestamp()}: while the primary
 * writes nothing that timestamp stays old and the lag would grow without anything
 * being missing; when everything received is replayed the lag is 0 instead. What this
 * cannot see is WAL the standby has not received yet (a broken replication
 * connection): the primary's pg_stat_replication shows that.
 */
@Singleton
public class ReplicaLag {

    static final String METRIC = "aicunet.reporting.replica.lag";
    static final String QUERY = """
            SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
                        WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8
                   END""";
    private static final Logger LOG = Logger.getLogger(ReplicaLag.class);

    private final Instance<Pool> pools;
    private final MeterRegistry meters;
    private final Duration interval;
    private final AtomicReference<Double> seconds = new AtomicReference<>(Double.NaN);
    private final AtomicBoolean sampling = new AtomicBoolean();
    private long timer = -1;

    public ReplicaLag(@Any Instance<Pool> pools, MeterRegistry meters,
                      @ConfigProperty(name = "aicunet.database.replica-lag-interval", defaultValue = "PT15S")
                      Duration interval) {
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("aicunet.database.replica-lag-interval must be positive");
        }
        this.pools = pools;
        this.meters = meters;
        this.interval = interval;
    }

    void onStart(@Observes StartupEvent event, Vertx vertx) {
        Instance<Pool> reporting = pools.select(new ReactiveDataSource.ReactiveDataSourceLiteral("reporting"));
        if (!reporting.isResolvable()) {
            return;
        }
        Pool pool = reporting.get();
        Gauge.builder(METRIC, seconds, AtomicReference::get)
                .baseUnit("seconds")
                .description("How far the reporting datasource (a standby in production) lags the primary;"
                        + " reports may be this stale. NaN while it cannot be sampled")
                .register(meters);
        sample(pool);
        timer = vertx.setPeriodic(interval.toMillis(), id -> sample(pool));
    }

    void onStop(@Observes ShutdownEvent event, Vertx vertx) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The last sample, in seconds; NaN before the first or after a failed one. */
    public double seconds() {
        return seconds.get();
    }

    private void sample(Pool pool) {
        if (!sampling.compareAndSet(false, true)) {
            return;
        }
        pool.query(QUERY).execute()
                .ifNoItem().after(interval).fail()
                .subscribe().with(rows -> {
                    seconds.set(rows.iterator().next().getDouble(0));
                    sampling.set(false);
                }, failure -> {
                    if (!Double.isNaN(seconds.getAndSet(Double.NaN))) {
                        LOG.warnf("replica lag of the reporting datasource cannot be sampled: %s",
                                failure.getMessage());
                    }
                    sampling.set(false);
                });
    }
}
