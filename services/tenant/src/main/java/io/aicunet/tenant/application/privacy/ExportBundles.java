package io.aicunet.tenant.application.privacy;

import io.aicunet.platform.privacy.ExpiredObjects;
import io.aicunet.platform.privacy.ObjectStore;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.tenant.domain.PrivacyRequest;
import io.aicunet.tenant.domain.Tenant;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Assembles an export: the tenant service's own part, a check that every service's part
 * is in the object store with the digest it reported, and the manifest that lists them
 * all; and deletes bundles, expired ones ({@code aicunet.privacy.exports.expire-after}) and
 * all of a tenant's at its erasure. Parts are checked as they stream from the store, never
 * held whole in memory. The object store blocks, so this runs on the worker pool.
 */
@ApplicationScoped
public class ExportBundles {

    /** The manifest's object key, or why the bundle cannot be trusted. */
    public record Assembly(Optional<String> manifestObject, Optional<String> failureReason) {
    }

    /** Where every bundle lies: {@code exports/<request id>/}. */
    static final String EXPORTS_PREFIX = "exports/";
    /** The most objects one expiry sweep deletes; the next sweep goes on. */
    static final int SWEEP_DELETED_MAX = 10_000;
    /** The most objects one bundle may hold (a part per service and a manifest, with room to spare). */
    static final int BUNDLE_OBJECTS_MAX = 100;

    private static final Logger LOG = Logger.getLogger(ExportBundles.class);

    private final ObjectStore store;
    private final Duration expireAfter;

    public ExportBundles(ObjectStore store,
                         @ConfigProperty(name = "aicunet.privacy.exports.expire-after") Duration expireAfter) {
        if (expireAfter.isNegative() || expireAfter.isZero()) {
            throw new IllegalArgumentException("aicunet.privacy.exports.expire-after must be positive, not " + expireAfter);
        }
        this.store = store;
        this.expireAfter = expireAfter;
    }

    /** Deletes the bundles written more than expire-after before {@code now}; the number of objects deleted. */
    public Uni<Integer> deleteExpired(Instant now) {
        return Uni.createFrom().item(() -> {
            try {
                return ExpiredObjects.delete(store, EXPORTS_PREFIX, expireAfter, now, SWEEP_DELETED_MAX);
            } catch (IOException e) {
                throw new UncheckedIOException("the object store failed while deleting expired export bundles", e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * Deletes the bundles of these export requests (a tenant's, at its erasure): every
     * object under each one's prefix; the number deleted. An object store that fails
     * fails this, so the erasure is retried rather than completed with bundles left behind.
     */
    public Uni<Integer> deleteBundles(TenantId tenant, List<UUID> exportIds) {
        return Uni.createFrom().item(() -> {
            int deleted = 0;
            try {
                for (UUID id : exportIds) {
                    deleted += ExpiredObjects.deleteAll(store, PrivacyRequest.exportPrefixOf(id), BUNDLE_OBJECTS_MAX);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("the object store failed while deleting the export bundles of tenant "
                        + tenant, e);
            }
            LOG.infof("deleted %d objects of %d export bundles of tenant %s", deleted, exportIds.size(), tenant);
            return deleted;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    public Uni<Assembly> assemble(PrivacyRequest request, Tenant tenant, Instant completedAt) {
        return Uni.createFrom().item(() -> assembleBlocking(request, tenant, completedAt))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Assembly assembleBlocking(PrivacyRequest request, Tenant tenant, Instant completedAt) {
        try {
            for (PrivacyRequest.Part part : request.parts().values()) {
                Optional<String> sha256 = sha256Of(part.object());
                if (sha256.isEmpty()) {
                    return failed(part.service() + " reported " + part.object() + ", which is not in the object store");
                }
                if (!sha256.get().equals(part.sha256())) {
                    return failed(part.service() + "'s part " + part.object() + " does not match its reported SHA-256");
                }
            }
            String tenantObject = request.exportPrefix() + "tenant.jsonl";
            byte[] tenantPart = tenantPart(request, tenant);
            String tenantSha256 = store.put(tenantObject, new ByteArrayInputStream(tenantPart));

            JsonArray parts = new JsonArray().add(new JsonObject()
                    .put("service", "tenant").put("object", tenantObject).put("sha256", tenantSha256)
                    .put("counts", new JsonObject().put("tenants", request.subjectId().isEmpty() ? 1 : 0)));
            request.parts().values().stream()
                    .sorted(java.util.Comparator.comparing(PrivacyRequest.Part::service))
                    .forEach(part -> {
                        JsonObject counts = new JsonObject();
                        part.counts().forEach(counts::put);
                        parts.add(new JsonObject().put("service", part.service()).put("object", part.object())
                                .put("sha256", part.sha256()).put("counts", counts));
                    });
            JsonObject manifest = new JsonObject()
                    .put("request_id", request.id().toString())
                    .put("tenant_id", request.tenant().toString())
                    .put("subject_id", request.subjectId())
                    .put("created_at", request.createdAt().toString())
                    .put("completed_at", completedAt.toString())
                    .put("parts", parts);
            String manifestObject = request.exportPrefix() + "manifest.json";
            store.put(manifestObject, new ByteArrayInputStream(manifest.encodePrettily().getBytes(StandardCharsets.UTF_8)));
            return new Assembly(Optional.of(manifestObject), Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException("the object store failed while assembling export " + request.id(), e);
        }
    }

    /** The SHA-256 in hex of an object, read as a stream; empty when there is no such object. */
    private Optional<String> sha256Of(String object) throws IOException {
        Optional<InputStream> content;
        try {
            content = store.get(object);
        } catch (IllegalArgumentException notAKey) {
            return Optional.empty();
        }
        if (content.isEmpty()) {
            return Optional.empty();
        }
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(content.get(), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return Optional.of(HexFormat.of().formatHex(sha256.digest()));
    }

    /** The tenant record itself for a tenant export; nothing for a subject (tenants hold no subject data). */
    private static byte[] tenantPart(PrivacyRequest request, Tenant tenant) {
        if (!request.subjectId().isEmpty()) {
            return new byte[0];
        }
        JsonObject quotas = new JsonObject()
                .put("requests_per_minute", tenant.quotas().requestsPerMinute())
                .put("tokens_per_day", tenant.quotas().tokensPerDay())
                .put("storage_bytes", tenant.quotas().storageBytes());
        JsonObject retention = new JsonObject();
        tenant.retention().days().forEach((dataClass, days) -> retention.put(dataClass.wireName(), days));
        JsonObject line = new JsonObject()
                .put("table", "tenants")
                .put("id", tenant.id().toString())
                .put("slug", tenant.slug())
                .put("display_name", tenant.displayName())
                .put("region", tenant.region())
                .put("tier", tenant.tier().name().toLowerCase(java.util.Locale.ROOT))
                .put("status", tenant.status().name().toLowerCase(java.util.Locale.ROOT))
                .put("quotas", quotas)
                .put("retention_days", retention)
                .put("created_at", tenant.createdAt().toString());
        return (line.encode() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static Assembly failed(String reason) {
        return new Assembly(Optional.empty(), Optional.of(reason));
    }
}
