package io.aicunet.agentstate.adapter.persistence;

import io.aicunet.agentstate.application.port.StatusChanges;
import io.aicunet.agentstate.domain.AgentId;
import io.aicunet.agentstate.domain.AgentStatus;
import io.aicunet.agentstate.domain.StatusChange;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.database.ReadWriteTarget;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Status changes through PostgreSQL LISTEN/NOTIFY: a change is published with
 * pg_notify in the transaction that makes it, so PostgreSQL delivers it only when
 * that commits, in commit order, to every replica. Each replica keeps one listening
 * connection and hands notifications to its local watchers; when that connection had
 * to be re-established, every watcher is told it may have missed changes.
 */
@ApplicationScoped
public class PgStatusChanges implements StatusChanges {

    static final String CHANNEL = "agent_state_status";

    private static final Logger LOG = Logger.getLogger(PgStatusChanges.class);
    private static final long RECONNECT_DELAY_MILLIS = 500;
    /** Reconnects to the same host before choosing the read-write host again. */
    private static final int RECONNECT_ATTEMPTS = 3;

    private final io.vertx.core.Vertx vertx;
    private final ReadWriteTarget target;
    private final Map<AgentId, Set<Watcher>> watchers = new ConcurrentHashMap<>();
    private volatile PgSubscriber subscriber;
    private volatile boolean stopped;

    /**
     * Listens with the datasource's own URL, credentials and TLS settings: the server must
     * prove its name with a certificate of the datasource's CA, as for the pool (docs/tls.md).
     * Where the URL names several hosts (a primary and its standbys), on the one that accepts
     * writes, as the pool does (platform/tenancy's ReadWriteTarget): a standby cannot LISTEN,
     * and the notifications are sent on the primary.
     */
    public PgStatusChanges(io.vertx.core.Vertx vertx, SmallRyeConfig config) {
        this.vertx = vertx;
        List<PgConnectOptions> hosts = new ArrayList<>();
        for (String url : config.getValues("quarkus.datasource.reactive.url", String.class)) {
            hosts.add(listeningOptions(url, config));
        }
        this.target = ReadWriteTarget.of(vertx, hosts,
                config.getOptionalValue("aicunet.database.host-check-timeout", Duration.class)
                        .orElse(Duration.ofSeconds(5)), "status change listener");
    }

    private static PgConnectOptions listeningOptions(String url, SmallRyeConfig config) {
        PgConnectOptions listening = PgConnectOptions.fromUri(url)
                .setUser(config.getValue("quarkus.datasource.username", String.class))
                .setPassword(config.getValue("quarkus.datasource.password", String.class));
        listening.setSslMode(SslMode.of(
                config.getValue("quarkus.datasource.reactive.postgresql.ssl-mode", String.class)));
        if (listening.getSslMode() != SslMode.DISABLE) {
            listening.setHostnameVerificationAlgorithm(
                    config.getValue("quarkus.datasource.reactive.hostname-verification-algorithm", String.class));
            PemTrustOptions trust = new PemTrustOptions();
            config.getOptionalValues("quarkus.datasource.reactive.trust-certificate-pem.certs", String.class)
                    .orElseThrow(() -> new IllegalStateException("quarkus.datasource.reactive.postgresql.ssl-mode is "
                            + listening.getSslMode() + " but quarkus.datasource.reactive.trust-certificate-pem.certs"
                            + " names no CA certificate"))
                    .forEach(trust::addCertPath);
            listening.setPemTrustOptions(trust);
        }
        return listening;
    }

    void onStart(@Observes StartupEvent event) {
        listen();
    }

    /**
     * Connects a subscriber to the host that accepts writes now. It reconnects to that host a
     * few times; when it gives up (the host is gone: a failover), every watcher is told it may
     * have missed changes and the host is chosen again. Retried until the service stops.
     */
    private void listen() {
        if (stopped) {
            return;
        }
        target.get().onComplete(chosen -> {
            if (chosen.failed()) {
                LOG.warnf("cannot listen for status changes yet, retrying: %s", chosen.cause().toString());
                listenAgainLater();
                return;
            }
            PgSubscriber listening = PgSubscriber.subscriber(Vertx.newInstance(vertx), chosen.result())
                    .reconnectPolicy(attempts -> attempts < RECONNECT_ATTEMPTS ? RECONNECT_DELAY_MILLIS : -1L);
            listening.channel(CHANNEL)
                    .handler(this::deliver)
                    .subscribeHandler(this::tellEveryoneOfGap);
            listening.closeHandler(() -> {
                if (!stopped) {
                    LOG.warn("the status change listener lost its connection; choosing the read-write host again");
                    tellEveryoneOfGap();
                    listenAgainLater();
                }
            });
            subscriber = listening;
            listening.connect().subscribe().with(
                    ignored -> LOG.debug("listening for agent status changes"),
                    failure -> {
                        LOG.warnf("cannot listen for status changes yet, retrying: %s", failure.toString());
                        listening.closeAndForget();
                        listenAgainLater();
                    });
        });
    }

    private void listenAgainLater() {
        if (!stopped) {
            vertx.setTimer(RECONNECT_DELAY_MILLIS, id -> listen());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        PgSubscriber listening = subscriber;
        if (listening != null) {
            listening.closeAndForget();
        }
    }

    @Override
    public Uni<Void> publish(SqlConnection connection, StatusChange change) {
        return connection.preparedQuery("SELECT pg_notify($1, $2)")
                .execute(Tuple.of(CHANNEL, encode(change)))
                .replaceWithVoid();
    }

    @Override
    public Subscription subscribe(AgentId agent, Consumer<StatusChange> onChange, Runnable onGap) {
        Watcher watcher = new Watcher(onChange, onGap);
        watchers.computeIfAbsent(agent, ignored -> new CopyOnWriteArraySet<>()).add(watcher);
        return () -> watchers.computeIfPresent(agent, (ignored, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }

    private void deliver(String payload) {
        StatusChange change;
        try {
            change = decode(payload);
        } catch (RuntimeException malformed) {
            LOG.errorf(malformed, "ignoring a malformed status notification: %s", payload);
            return;
        }
        Set<Watcher> interested = watchers.get(change.agentId());
        if (interested != null) {
            interested.forEach(watcher -> watcher.onChange().accept(change));
        }
    }

    private void tellEveryoneOfGap() {
        watchers.values().forEach(set -> set.forEach(watcher -> watcher.onGap().run()));
    }

    /** tenant,agent,previous status (or -),status,version,changed-at in epoch microseconds. */
    static String encode(StatusChange change) {
        return change.tenant() + "," + change.agentId() + ","
                + change.previousStatus().map(AgentStatus::wireName).orElse("-") + ","
                + change.status().wireName() + "," + change.version() + ","
                + ChronoUnit.MICROS.between(Instant.EPOCH, change.changedAt());
    }

    static StatusChange decode(String payload) {
        String[] parts = payload.split(",", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("a status notification has 6 parts, not " + parts.length);
        }
        return new StatusChange(
                TenantId.parse(parts[0]).orElseThrow(),
                AgentId.parse(parts[1]).orElseThrow(),
                "-".equals(parts[2]) ? Optional.empty() : Optional.of(AgentStatus.fromWireName(parts[2]).orElseThrow()),
                AgentStatus.fromWireName(parts[3]).orElseThrow(),
                Long.parseLong(parts[4]),
                Instant.EPOCH.plus(Long.parseLong(parts[5]), ChronoUnit.MICROS));
    }

    private record Watcher(Consumer<StatusChange> onChange, Runnable onGap) {
    }
}
