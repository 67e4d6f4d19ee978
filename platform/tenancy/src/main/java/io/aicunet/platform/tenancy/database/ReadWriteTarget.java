package io.aicunet.platform.tenancy.database;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Where a new connection to one of several configured hosts (a primary and its standbys)
 * goes: the host that answers and accepts writes now ({@link ReadWriteHosts}), each check
 * bounded by a timeout. The default pool asks it for every new connection
 * ({@link ReadWritePoolCreator}); a service's own long-lived connections (agent-state's
 * LISTEN for status changes) ask it on every reconnect, so they follow a promoted standby
 * too. With one host it answers that host's options without a check.
 *
 * <p>{@link #preferStandby} chooses the other way round, for read-only work that should
 * spare the primary (the reporting pools): a host that answers read-only (a standby), and
 * when none does, any host that answers (libpq's {@code target_session_attrs=prefer-standby}).
 * After the standby was promoted or died, reports read the remaining node instead of failing.
 */
public final class ReadWriteTarget implements Supplier<Future<PgConnectOptions>> {

    private static final Logger LOG = Logger.getLogger(ReadWriteTarget.class);
    /** Whether the server accepts writes: {@code off} on a primary, {@code on} on a standby. */
    static final String READ_ONLY_QUERY = "SHOW transaction_read_only";

    private final Vertx vertx;
    private final List<PgConnectOptions> hosts;
    private final boolean preferStandby;
    private final ReadWriteHosts choice;
    private final ReadWriteHosts fallback;
    /** The host the last connection went to (the first configured one before any). */
    private final AtomicInteger current = new AtomicInteger();
    private final int timeoutMillis;
    private final String purpose;

    private ReadWriteTarget(Vertx vertx, List<PgConnectOptions> hosts, boolean preferStandby, int timeoutMillis,
                            String purpose) {
        this.vertx = vertx;
        this.hosts = hosts;
        this.preferStandby = preferStandby;
        this.timeoutMillis = timeoutMillis;
        this.purpose = purpose;
        List<String> names = hosts.stream().map(ReadWriteTarget::name).toList();
        this.choice = preferStandby ? new ReadWriteHosts(names, "standby") : new ReadWriteHosts(names);
        // Only a standby-preferring target falls back to any host that answers.
        this.fallback = preferStandby ? new ReadWriteHosts(names, "reachable") : null;
    }

    /**
     * The read-write host among {@code configured} (in order; the connect timeout of each
     * bounded by {@code checkTimeout}); {@code purpose} names the connections in log lines.
     */
    public static ReadWriteTarget of(Vertx vertx, List<PgConnectOptions> configured, Duration checkTimeout,
                                     String purpose) {
        return create(vertx, configured, checkTimeout, purpose, false);
    }

    /**
     * A standby among {@code configured} when one answers, else any host that answers (the
     * primary); otherwise as {@link #of}.
     */
    public static ReadWriteTarget preferStandby(Vertx vertx, List<PgConnectOptions> configured, Duration checkTimeout,
                                                String purpose) {
        return create(vertx, configured, checkTimeout, purpose, true);
    }

    private static ReadWriteTarget create(Vertx vertx, List<PgConnectOptions> configured, Duration checkTimeout,
                                          String purpose, boolean preferStandby) {
        if (checkTimeout.isNegative() || checkTimeout.isZero()) {
            throw new IllegalArgumentException("the host check timeout must be positive");
        }
        int timeoutMillis = Math.toIntExact(Math.min(Integer.MAX_VALUE, checkTimeout.toMillis()));
        List<PgConnectOptions> hosts = configured.stream().map(options -> bounded(options, timeoutMillis)).toList();
        if (hosts.size() > 1) {
            LOG.infof("%s: connecting to the %s host among %s", purpose,
                    preferStandby ? "standby (else any answering)" : "read-write",
                    hosts.stream().map(ReadWriteTarget::name).toList());
        }
        return new ReadWriteTarget(vertx, hosts, preferStandby, timeoutMillis, purpose);
    }

    @Override
    public Future<PgConnectOptions> get() {
        if (hosts.size() == 1) {
            return Future.succeededFuture(hosts.get(0));
        }
        Future<Integer> chosen = preferStandby
                ? choice.choose(index -> readOnly(hosts.get(index)))
                        .recover(noStandby -> fallback.choose(index -> readOnly(hosts.get(index)).map(true)))
                : choice.choose(index -> readOnly(hosts.get(index)).map(readOnly -> !readOnly));
        return chosen.map(index -> {
            int before = current.getAndSet(index);
            if (index != before) {
                LOG.warnf("%s: now connecting to %s (%s), not %s", purpose, name(hosts.get(index)),
                        preferStandby ? "standby, or the only host answering" : "read-write", name(hosts.get(before)));
            }
            return hosts.get(index);
        });
    }

    static String name(PgConnectOptions options) {
        return options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    }

    private static PgConnectOptions bounded(PgConnectOptions options, int timeoutMillis) {
        PgConnectOptions copy = new PgConnectOptions(options);
        copy.setConnectTimeout(Math.min(copy.getConnectTimeout(), timeoutMillis));
        return copy;
    }

    /**
     * Connects to one host with the pool's own options (TLS, credentials) and asks whether
     * it is read-only (a standby in recovery); the whole check fails after the timeout, and
     * its connection is always closed.
     */
    private Future<Boolean> readOnly(PgConnectOptions host) {
        Promise<Boolean> answer = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, id -> answer.tryFail(
                "no answer within " + timeoutMillis + " ms"));
        PgConnection.connect(vertx, host)
                .onFailure(failure -> answer.tryFail(failure))
                .onSuccess(connection -> connection.query(READ_ONLY_QUERY).execute()
                        .map(rows -> "on".equalsIgnoreCase(rows.iterator().next().getString(0)))
                        .onComplete(result -> {
                            connection.close();
                            if (result.succeeded()) {
                                answer.tryComplete(result.result());
                            } else {
                                answer.tryFail(result.cause());
                            }
                        }));
        return answer.future().onComplete(done -> vertx.cancelTimer(timer));
    }
}
