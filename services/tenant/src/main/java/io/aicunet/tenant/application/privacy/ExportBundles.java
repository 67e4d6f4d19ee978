package io.aicunet.tenant.application.privacy;

import io.aicunet.platform.privacy.LocalDirectoryObjectStore;
import io.aicunet.platform.privacy.ObjectStore;
import io.aicunet.tenant.domain.PrivacyRequest;
import io.aicunet.tenant.domain.Tenant;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * Assembles an export: the tenant service's own part, a check that every service's part
 * is in the object store with the digest it reported, and the manifest that lists them
 * all. The object store blocks, so this runs on the worker pool.
 */
@ApplicationScoped
public class ExportBundles {

    /** The manifest's object key, or why the bundle cannot be trusted. */
    public record Assembly(Optional<String> manifestObject, Optional<String> failureReason) {
    }

    private final ObjectStore store;

    public ExportBundles(ObjectStore store) {
        this.store = store;
    }

    public Uni<Assembly> assemble(PrivacyRequest request, Tenant tenant, Instant completedAt) {
        return Uni.createFrom().item(() -> assembleBlocking(request, tenant, completedAt))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Assembly assembleBlocking(PrivacyRequest request, Tenant tenant, Instant completedAt) {
        try {
            for (PrivacyRequest.Part part : request.parts().values()) {
                Optional<byte[]> content = store.get(part.object());
                if (content.isEmpty()) {
                    return failed(part.service() + " reported " + part.object() + ", which is not in the object store");
                }
                if (!LocalDirectoryObjectStore.sha256Hex(content.get()).equals(part.sha256())) {
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
