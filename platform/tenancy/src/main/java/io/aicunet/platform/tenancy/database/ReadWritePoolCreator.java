package io.aicunet.platform.tenancy.database;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds every service's default reactive pool. With one URL in
 * {@code quarkus.datasource.reactive.url} it builds exactly what Quarkus builds. With
 * several (a primary and its standbys, comma-separated) Quarkus would round-robin new
 * connections over them, and half would land on a read-only standby; here each new
 * connection goes to the first host that answers and accepts writes, the way libpq's
 * {@code target_session_attrs=read-write} does ({@link ReadWriteTarget}): the service
 * follows a promoted standby without a restart.
 *
 * <p>Every option Quarkus derived from the configuration (TLS verify-full with the CA,
 * credentials, pipelining limit, prepared statement cache, pool size, idle timeout, max
 * lifetime) comes in through the {@link Input} and is kept; only the connect timeout is
 * bounded ({@code aicunet.database.host-check-timeout}), since Vert.x waits 60 s for a
 * host that drops packets. A connection that breaks (the primary died) is closed and
 * dropped from the pool by Vert.x; the pool's next connection checks the hosts again.
 *
 * <p>Only the default datasource: Quarkus asks for a creator with the datasource's
 * qualifier. The reporting pools, which go to a standby on purpose, have their own
 * ({@link ReportingPoolCreator}).
 */
@Singleton
public class ReadWritePoolCreator implements PgPoolCreator {


    private final Duration checkTimeout;
    private final boolean credentialsProvider;

    public ReadWritePoolCreator(
            @ConfigProperty(name = "aicunet.database.host-check-timeout", defaultValue = "PT5S") Duration checkTimeout) {
        this(checkTimeout, false);
    }

    /**
     * {@code credentialsProvider}: whether {@code quarkus.datasource.credentials-provider} is
     * set. Quarkus' own pool asks such a provider for fresh credentials per connection; the
     * {@link Input} carries only the options as built at start, so this creator refuses to
     * start rather than connect with credentials that may have been rotated. No service uses
     * one today.
     */
    @Inject
    public ReadWritePoolCreator(
            @ConfigProperty(name = "aicunet.database.host-check-timeout", defaultValue = "PT5S") Duration checkTimeout,
            @ConfigProperty(name = "quarkus.datasource.credentials-provider") Optional<String> provider) {
        this(checkTimeout, provider.isPresent());
    }

    ReadWritePoolCreator(Duration checkTimeout, boolean credentialsProvider) {
        if (checkTimeout.isNegative() || checkTimeout.isZero()) {
            throw new IllegalArgumentException("aicunet.database.host-check-timeout must be positive");
        }
        this.checkTimeout = checkTimeout;
        this.credentialsProvider = credentialsProvider;
    }

    @Override
    public Pool create(Input input) {
        if (credentialsProvider) {
            throw new IllegalStateException("a credentials provider is not supported by platform/tenancy's"
                    + " pool creators: they build the " + purpose() + " pool from the options read at start"
                    + " (set the credentials directly)");
        }
        List<PgConnectOptions> hosts = input.pgConnectOptionsList();
        if (hosts.isEmpty()) {
            throw new IllegalStateException("the " + purpose() + " names no database URL");
        }
        if (hosts.size() == 1) {
            PgConnectOptions only = hosts.get(0);
            return PgDriver.INSTANCE.createPool(input.vertx(), () -> Future.succeededFuture(only),
                    input.poolOptions());
        }
        return PgDriver.INSTANCE.createPool(input.vertx(), target(input.vertx(), hosts, checkTimeout),
                input.poolOptions());
    }

    /** What the pool is, in messages. */
    String purpose() {
        return "default datasource";
    }

    /** For each new pooled connection: the options of the host that is read-write now. */
    Supplier<Future<PgConnectOptions>> target(Vertx vertx, List<PgConnectOptions> configured, Duration checkTimeout) {
        return ReadWriteTarget.of(vertx, configured, checkTimeout, purpose());
    }
}
