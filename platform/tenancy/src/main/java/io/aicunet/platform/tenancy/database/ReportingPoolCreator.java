package io.aicunet.platform.tenancy.database;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the {@code reporting} reactive pool (the ledger's statements and FinOps reports,
 * audit's queries and exports). With one URL it builds what Quarkus builds. With several (a
 * standby and its primary, comma-separated) each new connection goes to a host that
 * answers read-only, a standby, and when none does to any host that answers
 * ({@link ReadWriteTarget#preferStandby}): reports keep working while the standby is
 * down, promoted, or rebuilt, and go back to a standby once one answers again. The
 * options Quarkus derived (TLS, credentials, pool size) are kept as in
 * {@link ReadWritePoolCreator}.
 */
@Singleton
@ReactiveDataSource("reporting")
public class ReportingPoolCreator extends ReadWritePoolCreator {

    @Inject
    public ReportingPoolCreator(
            @ConfigProperty(name = "aicunet.database.host-check-timeout", defaultValue = "PT5S") Duration checkTimeout,
            @ConfigProperty(name = "quarkus.datasource.reporting.credentials-provider") Optional<String> provider) {
        super(checkTimeout, provider.isPresent());
    }

    @Override
    String purpose() {
        return "reporting datasource";
    }

    @Override
    Supplier<Future<PgConnectOptions>> target(Vertx vertx, List<PgConnectOptions> configured, Duration checkTimeout) {
        return ReadWriteTarget.preferStandby(vertx, configured, checkTimeout, purpose());
    }
}
