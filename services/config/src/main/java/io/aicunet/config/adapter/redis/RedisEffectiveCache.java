package io.aicunet.config.adapter.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aicunet.config.application.port.EffectiveCache;
import io.aicunet.config.application.port.Entries;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.config.domain.ConfigScope;
import io.aicunet.config.domain.Entry;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.ScopeKind;
import io.aicunet.config.domain.StoredValue;
import io.aicunet.platform.tenancy.TenantId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Effective-configuration layers in Redis: one hash per tenant,
 * {@code t:{<tenant>}:config:effective} (platform-level reads without a tenant under
 * {@code t:{platform}:config:effective}), one field per service and namespace
 * selection. The hash tag keeps a tenant's cache on one cluster slot, and one DEL
 * invalidates all of it. Secrets are cached sealed, exactly as stored.
 */
@ApplicationScoped
public class RedisEffectiveCache implements EffectiveCache {

    private static final Logger LOG = Logger.getLogger(RedisEffectiveCache.class);
    private static final String PLATFORM = "platform";

    /**
     * One field and the hash's expiry in one step: written as two commands, a replica that
     * died between them (or a failed second one) left the hash without a TTL.
     */
    private static final String PUT = "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1";

    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactiveKeyCommands<String> keys;
    private final ConfigServiceConfig.Cache settings;
    private final Duration timeout;
    private final ObjectMapper mapper = new ObjectMapper();

    public RedisEffectiveCache(ReactiveRedisDataSource redis, ConfigServiceConfig settings) {
        this.redis = redis;
        this.hashes = redis.hash(String.class);
        this.keys = redis.key();
        this.settings = settings.cache();
        this.timeout = Duration.ofMillis(settings.cache().timeoutMillis());
    }

    /** The hash of a tenant's cached configurations. */
    public static String hashKey(Optional<TenantId> tenant) {
        return "t:{" + tenant.map(TenantId::toString).orElse(PLATFORM) + "}:config:effective";
    }

    @Override
    public Uni<Optional<Entries.Layers>> get(Optional<TenantId> tenant, Optional<String> service,
                                             List<String> namespaces) {
        if (!settings.enabled()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return hashes.hget(hashKey(tenant), field(service, namespaces))
                .ifNoItem().after(timeout).fail()
                .map(text -> text == null ? Optional.<Entries.Layers>empty() : Optional.of(decode(text)))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("effective-config cache read skipped: %s", failure.toString());
                    return Optional.empty();
                });
    }

    @Override
    public Uni<Void> put(Optional<TenantId> tenant, Optional<String> service, List<String> namespaces,
                         Entries.Layers layers) {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return redis.execute(Command.EVAL, PUT, "1", hashKey(tenant), field(service, namespaces), encode(layers),
                        Long.toString(settings.ttl().toMillis()))
                .ifNoItem().after(timeout).fail()
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("effective-config cache write skipped: %s", failure.toString());
                    return null;
                });
    }

    @Override
    public Uni<Void> invalidate(ConfigScope scope) {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return keys.del(hashKey(scope.tenant()))
                .ifNoItem().after(timeout).fail()
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    // Readers still check each cached answer's revision against the changes
                    // their replica saw, so a missed DEL cannot serve a stale value for long.
                    LOG.warnf("effective-config cache invalidation for %s failed: %s", scope, failure.toString());
                    return null;
                });
    }

    @Override
    public Uni<Long> forget(TenantId tenant) {
        // Deleted even when caching is switched off: an earlier configuration may have filled it.
        return keys.del(hashKey(Optional.of(tenant))).map(Integer::longValue).ifNoItem().after(timeout).fail();
    }

    /** The service and the sorted namespace selection; long selections by their SHA-256. */
    private static String field(Optional<String> service, List<String> namespaces) {
        List<String> sorted = new ArrayList<>(namespaces);
        sorted.sort(null);
        String selection = sorted.isEmpty() ? "*" : String.join(",", sorted);
        if (selection.length() > 200) {
            try {
                selection = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(selection.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
        return service.orElse("-") + "|" + selection;
    }

    private String encode(Entries.Layers layers) {
        ObjectNode root = mapper.createObjectNode();
        root.put("r", layers.revision());
        ArrayNode entries = root.putArray("e");
        for (Entry entry : layers.entries()) {
            ObjectNode node = entries.addObject();
            EntryKey key = entry.key();
            node.put("n", key.namespace());
            node.put("k", key.key());
            node.put("s", key.scope().kind().wireName());
            key.scope().tenant().ifPresent(t -> node.put("t", t.toString()));
            key.scope().service().ifPresent(s -> node.put("v", s));
            if (entry.value() instanceof StoredValue.Sealed sealed) {
                node.put("kid", sealed.keyId());
                node.put("x", Base64.getEncoder().encodeToString(sealed.sealed()));
            } else {
                node.put("j", ((StoredValue.Plain) entry.value()).json());
            }
            node.put("r", entry.revision());
            node.put("sv", entry.schemaVersion());
            node.put("by", entry.updatedBy());
            // The update time as numbers: parsing an ISO-8601 text per entry was 8% of a
            // cached read's CPU (docs/BENCHMARKS.md, config). Layers cached as text by an
            // older replica do not decode here: they are misses, read again and re-cached.
            node.put("as", entry.updatedAt().getEpochSecond());
            node.put("an", entry.updatedAt().getNano());
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode cached layers", e);
        }
    }

    private Entries.Layers decode(String text) {
        try {
            JsonNode root = mapper.readTree(text);
            List<Entry> entries = new ArrayList<>();
            for (JsonNode node : root.get("e")) {
                ScopeKind kind = ScopeKind.fromWireName(node.get("s").asText()).orElseThrow();
                ConfigScope scope = new ConfigScope(kind,
                        node.has("t") ? Optional.of(new TenantId(UUID.fromString(node.get("t").asText())))
                                : Optional.empty(),
                        node.has("v") ? Optional.of(node.get("v").asText()) : Optional.empty());
                StoredValue value = node.has("x")
                        ? new StoredValue.Sealed(node.get("kid").asText(), Base64.getDecoder().decode(node.get("x").asText()))
                        : new StoredValue.Plain(node.get("j").asText());
                entries.add(new Entry(new EntryKey(node.get("n").asText(), node.get("k").asText(), scope), value,
                        node.get("r").asLong(), node.get("sv").asInt(), node.get("by").asText(),
                        Instant.ofEpochSecond(node.get("as").asLong(), node.get("an").asInt())));
            }
            return new Entries.Layers(entries, root.get("r").asLong());
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("cached layers are not readable", e);
        }
    }
}
