package io.aicunet.config.client;

import io.aicunet.contracts.config.v1.ChangeOperation;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.config.v1.Entry;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.contracts.config.v1.GetEffectiveConfigResponse;
import io.aicunet.contracts.config.v1.Revision;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.ScopeKind;
import io.aicunet.contracts.config.v1.Value;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.contracts.config.v1.WatchResponse;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Metadata;
import java.util.function.Supplier;
import io.grpc.ForwardingClientCall;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A service's view of its effective configuration, kept current by the config
 * service's watch. It loads the layers (every scope that reaches its tenant and
 * service), merges them as the service does (global &lt; service &lt; tenant &lt;
 * tenant+service), and applies each change once, in revision order. When the stream
 * breaks it reconnects with back-off and resumes after the last revision it applied,
 * so it neither misses nor repeats a change; when the service says that revision was
 * compacted, it reloads. While the service is down it keeps answering with the last
 * known values ({@link #connected()} tells whether they are live); with
 * {@link Builder#lastKnownFile} it also starts from them when the service is down at
 * start (secret values are never written to that file).
 *
 * <p>Plain Java and grpc-java: the caller owns the {@link Channel} (and should give it
 * keep-alive so a silent network failure is noticed).
 */
public final class ConfigClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConfigClient.class.getName());
    private static final String REVISION_COMPACTED = "REVISION_COMPACTED";

    private final ConfigServiceGrpc.ConfigServiceBlockingStub blocking;
    private final ConfigServiceGrpc.ConfigServiceStub async;
    private final String tenantId;
    private final String service;
    private final List<String> namespaces;
    private final Duration callTimeout;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final Optional<Path> lastKnownFile;
    private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();

    /** Every layer by namespace/key/scope id; guarded by lock. */
    private final Map<String, Entry> layers = new TreeMap<>();
    private volatile Map<String, ConfigValue> effective = Map.of();
    private volatile long revision = -1;
    private volatile boolean connected;
    private volatile boolean live;
    private volatile boolean closed;
    private volatile Duration backoff;
    private Context.CancellableContext watchContext;

    private ConfigClient(Builder builder) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-aicunet-tenant", Metadata.ASCII_STRING_MARSHALLER), builder.tenantHeader);
        Channel channel = ClientInterceptors.intercept(builder.channel,
                MetadataUtils.newAttachHeadersInterceptor(headers), bearer(builder.bearerToken));
        this.blocking = ConfigServiceGrpc.newBlockingStub(channel);
        this.async = ConfigServiceGrpc.newStub(channel);
        this.tenantId = builder.tenantId;
        this.service = builder.service;
        this.namespaces = List.copyOf(builder.namespaces);
        this.callTimeout = builder.callTimeout;
        this.backoffMin = builder.backoffMin;
        this.backoffMax = builder.backoffMax;
        this.lastKnownFile = Optional.ofNullable(builder.lastKnownFile);
        this.backoff = backoffMin;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "config-client");
            thread.setDaemon(true);
            return thread;
        });
    }

    public static Builder builder(Channel channel) {
        return new Builder(channel);
    }

    /**
     * Loads the configuration and starts following it. True when it was loaded from
     * the service; false when the service could not be reached (the client then serves
     * the last-known file's values, if any, and keeps trying in the background).
     */
    public boolean start() {
        boolean loaded;
        try {
            load();
            live = true;
            loaded = true;
        } catch (StatusRuntimeException unreachable) {
            LOG.log(Level.WARNING, "config service unreachable at start: " + unreachable.getStatus());
            readLastKnownFile();
            loaded = false;
        }
        if (loaded) {
            scheduler.execute(this::watch);
        } else {
            scheduleReconnect(true);
        }
        return loaded;
    }

    /** The effective value, or empty when no scope holds the key (or nothing was ever loaded). */
    public Optional<ConfigValue> value(String namespace, String key) {
        return Optional.ofNullable(effective.get(namespace + "/" + key));
    }

    /** The effective value's JSON text, or empty. */
    public Optional<String> json(String namespace, String key) {
        return value(namespace, key).map(ConfigValue::json);
    }

    /** Every effective value by "namespace/key". */
    public Map<String, ConfigValue> snapshot() {
        return effective;
    }

    /** The revision the values are consistent with; -1 before anything was loaded. */
    public long revision() {
        return revision;
    }

    /** Whether the watch stream is live, i.e. the values are current rather than last known. */
    public boolean connected() {
        return connected && live;
    }

    public void addListener(ConfigListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            if (watchContext != null) {
                watchContext.cancel(null);
            }
        }
        scheduler.shutdownNow();
    }

    /** Replaces everything with a fresh answer of the service. */
    private void load() {
        GetEffectiveConfigResponse response = blocking.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .getEffectiveConfig(GetEffectiveConfigRequest.newBuilder()
                        .setTenantId(tenantId)
                        .setService(service)
                        .addAllNamespaces(namespaces)
                        .setIncludeLayers(true)
                        .build());
        synchronized (lock) {
            Map<String, ConfigValue> before = effective;
            layers.clear();
            response.getLayersList().forEach(layer -> layers.put(layerKey(layer), layer));
            revision = response.getRevision();
            publish();
            // A reload after a compaction may have skipped changes: tell listeners what differs.
            notifyDifferences(before, effective, response.getRevision());
        }
        writeLastKnownFile();
    }

    private void watch() {
        if (closed) {
            return;
        }
        Context.CancellableContext context = Context.current().withCancellation();
        synchronized (lock) {
            watchContext = context;
        }
        WatchRequest request = WatchRequest.newBuilder()
                .setAfterRevision(revision)
                .setTenantId(tenantId)
                .setService(service)
                .addAllNamespaces(namespaces)
                .build();
        context.run(() -> async.watch(request, new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse response) {
                apply(response);
                connected = true;
                live = true;
                backoff = backoffMin;
            }

            @Override
            public void onError(Throwable failure) {
                connected = false;
                Status status = Status.fromThrowable(failure);
                boolean compacted = compacted(failure);
                if (!closed) {
                    LOG.log(Level.INFO, "config watch ended (" + status.getCode() + "); "
                            + (compacted ? "reloading" : "resuming after revision " + revision));
                }
                scheduleReconnect(compacted);
            }

            @Override
            public void onCompleted() {
                connected = false;
                scheduleReconnect(false);
            }
        }));
    }

    /** Applies one response: each change after the last applied revision, once. */
    private void apply(WatchResponse response) {
        List<ConfigChange> changes = new ArrayList<>();
        synchronized (lock) {
            for (Revision change : response.getChangesList()) {
                if (change.getRevision() <= revision) {
                    continue;
                }
                Entry layer = Entry.newBuilder()
                        .setNamespace(change.getNamespace())
                        .setKey(change.getKey())
                        .setScope(change.getScope())
                        .setValue(change.getValue())
                        .setRevision(change.getRevision())
                        .build();
                if (change.getOperation() == ChangeOperation.CHANGE_OPERATION_DELETE) {
                    layers.remove(layerKey(layer));
                } else {
                    layers.put(layerKey(layer), layer);
                }
                revision = change.getRevision();
                publish();
                changes.add(new ConfigChange(change.getRevision(), change.getNamespace(), change.getKey(),
                        value(change.getNamespace(), change.getKey())));
            }
            revision = Math.max(revision, response.getRevision());
        }
        for (ConfigChange change : changes) {
            listeners.forEach(listener -> notify(listener, change));
        }
        if (!changes.isEmpty()) {
            writeLastKnownFile();
        }
    }

    private void scheduleReconnect(boolean reload) {
        if (closed) {
            return;
        }
        Duration delay = backoff;
        backoff = backoff.multipliedBy(2).compareTo(backoffMax) > 0 ? backoffMax : backoff.multipliedBy(2);
        try {
            scheduler.schedule(() -> reconnect(reload), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            // closed meanwhile
        }
    }

    private void reconnect(boolean reload) {
        if (closed) {
            return;
        }
        // Without a live revision (nothing loaded, or the file only) the client must load first.
        if (reload || !live) {
            try {
                load();
                live = true;
            } catch (StatusRuntimeException unreachable) {
                scheduleReconnect(true);
                return;
            }
        }
        watch();
    }

    /** Recomputes the effective values from the layers; callers hold the lock. */
    private void publish() {
        Map<String, Entry> winners = new LinkedHashMap<>();
        for (Entry layer : layers.values()) {
            winners.merge(layer.getNamespace() + "/" + layer.getKey(), layer, (current, candidate) ->
                    precedence(candidate.getScope()) > precedence(current.getScope()) ? candidate : current);
        }
        Map<String, ConfigValue> values = new TreeMap<>();
        winners.forEach((name, layer) -> values.put(name, toValue(layer)));
        effective = Collections.unmodifiableMap(values);
    }

    private void notifyDifferences(Map<String, ConfigValue> before, Map<String, ConfigValue> after, long atRevision) {
        if (before.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(before.keySet());
        after.keySet().stream().filter(name -> !before.containsKey(name)).forEach(names::add);
        for (String name : names) {
            ConfigValue old = before.get(name);
            ConfigValue now = after.get(name);
            if (!Objects.equals(old, now)) {
                ConfigValue any = now != null ? now : old;
                ConfigChange change = new ConfigChange(atRevision, any.namespace(), any.key(), Optional.ofNullable(now));
                listeners.forEach(listener -> notify(listener, change));
            }
        }
    }

    /** Whether the service refused the watch because the revision was compacted away (then: reload). */
    private static boolean compacted(Throwable failure) {
        com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(failure);
        if (status == null || status.getCode() != Status.Code.FAILED_PRECONDITION.value()) {
            return false;
        }
        for (com.google.protobuf.Any detail : status.getDetailsList()) {
            if (detail.is(com.google.rpc.PreconditionFailure.class)) {
                try {
                    return detail.unpack(com.google.rpc.PreconditionFailure.class).getViolationsList().stream()
                            .anyMatch(v -> REVISION_COMPACTED.equals(v.getType()));
                } catch (com.google.protobuf.InvalidProtocolBufferException malformed) {
                    return false;
                }
            }
        }
        return false;
    }

    private static void notify(ConfigListener listener, ConfigChange change) {
        try {
            listener.changed(change);
        } catch (RuntimeException bug) {
            LOG.log(Level.WARNING, "a config listener failed on revision " + change.revision(), bug);
        }
    }

    private static int precedence(Scope scope) {
        return switch (scope.getKind()) {
            case SCOPE_KIND_TENANT_SERVICE -> 4;
            case SCOPE_KIND_TENANT -> 3;
            case SCOPE_KIND_SERVICE -> 2;
            case SCOPE_KIND_GLOBAL -> 1;
            default -> 0;
        };
    }

    private static ConfigValue toValue(Entry layer) {
        Value value = layer.getValue();
        return new ConfigValue(layer.getNamespace(), layer.getKey(), value.getJson(), scopeKind(layer.getScope()),
                layer.getRevision(), value.getSecret(), value.getMasked());
    }

    private static String scopeKind(Scope scope) {
        return scope.getKind() == ScopeKind.SCOPE_KIND_UNSPECIFIED || scope.getKind() == ScopeKind.UNRECOGNIZED
                ? "unknown"
                : scope.getKind().name().substring("SCOPE_KIND_".length()).toLowerCase(java.util.Locale.ROOT);
    }

    private static String layerKey(Entry layer) {
        Scope scope = layer.getScope();
        return layer.getNamespace() + "/" + layer.getKey() + "@" + scope.getKindValue() + ":" + scope.getTenantId()
                + ":" + scope.getService();
    }

    /** Writes the layers (secret values masked) and revision, atomically, for a start without the service. */
    private void writeLastKnownFile() {
        if (lastKnownFile.isEmpty()) {
            return;
        }
        GetEffectiveConfigResponse.Builder snapshot = GetEffectiveConfigResponse.newBuilder();
        synchronized (lock) {
            snapshot.setRevision(revision);
            for (Entry layer : layers.values()) {
                snapshot.addLayers(layer.getValue().getSecret()
                        ? layer.toBuilder().setValue(Value.newBuilder().setSecret(true).setMasked(true)).build()
                        : layer);
            }
        }
        Path file = lastKnownFile.get();
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            snapshot.build().writeTo(out);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot write last known configuration to " + temporary, e);
            return;
        }
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot replace last known configuration " + file, e);
        }
    }

    private void readLastKnownFile() {
        if (lastKnownFile.isEmpty() || !Files.isRegularFile(lastKnownFile.get())) {
            return;
        }
        try (InputStream in = Files.newInputStream(lastKnownFile.get())) {
            GetEffectiveConfigResponse snapshot = GetEffectiveConfigResponse.parseFrom(in);
            synchronized (lock) {
                layers.clear();
                snapshot.getLayersList().forEach(layer -> layers.put(layerKey(layer), layer));
                revision = snapshot.getRevision();
                publish();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read last known configuration " + lastKnownFile.get(), e);
        }
    }

    /** How to build a client. Tenant and service name whose configuration it follows. */
    /** Sends {@code authorization: Bearer <token>} with every call, the token asked for each time. */
    private static ClientInterceptor bearer(Supplier<String> token) {
        Metadata.Key<String> authorization = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                                                         Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(authorization, "Bearer " + token.get());
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    public static final class Builder {

        private final Channel channel;
        private String tenantHeader;
        private Supplier<String> bearerToken;
        private String tenantId = "";
        private String service = "";
        private List<String> namespaces = List.of();
        private Duration callTimeout = Duration.ofSeconds(5);
        private Duration backoffMin = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(5);
        private Path lastKnownFile;

        private Builder(Channel channel) {
            this.channel = Objects.requireNonNull(channel, "channel");
        }

        /**
         * Who calls: the tenant scope to act in (x-aicunet-tenant: a tenant UUID, or
         * {@code platform}) and the caller's bearer token, asked for before every call (so
         * a token source that refreshes, such as an OAuth2 client-credentials client, keeps
         * a long watch authenticated across reconnections).
         */
        public Builder caller(String tenantHeader, Supplier<String> bearerToken) {
            this.tenantHeader = Objects.requireNonNull(tenantHeader, "tenantHeader");
            this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken");
            return this;
        }

        public Builder tenant(String tenantId) {
            this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
            return this;
        }

        public Builder service(String service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        public Builder namespaces(List<String> namespaces) {
            this.namespaces = List.copyOf(namespaces);
            return this;
        }

        /** How long one load may take. */
        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
            return this;
        }

        /** The first and the longest wait between reconnection attempts (doubling in between). */
        public Builder reconnectBackoff(Duration min, Duration max) {
            this.backoffMin = Objects.requireNonNull(min, "min");
            this.backoffMax = Objects.requireNonNull(max, "max");
            return this;
        }

        /** Where to keep the last known values (secrets masked) for a start while the service is down. */
        public Builder lastKnownFile(Path file) {
            this.lastKnownFile = file;
            return this;
        }

        public ConfigClient build() {
            if (tenantHeader == null) {
                throw new IllegalStateException("the caller is required: call caller(...)");
            }
            return new ConfigClient(this);
        }
    }
}
