package io.aicunet.tenant.domain;

import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A GDPR export or erasure of a tenant, or of one data subject within it. It is
 * pending until every expected service has answered, then completed; or failed when
 * the deadline passes first, or an answer does not hold up (a digest that does not
 * match its object).
 */
public record PrivacyRequest(
        UUID id,
        TenantId tenant,
        Kind kind,
        String subjectId,
        Status status,
        List<String> expectedServices,
        Instant createdAt,
        Instant deadline,
        Optional<Instant> completedAt,
        Optional<String> failureReason,
        Optional<String> manifestObject,
        Optional<Instant> keyDestroyedAt,
        Map<String, Part> parts) {

    public enum Kind { EXPORT, ERASE }

    public enum Status { PENDING, COMPLETED, FAILED }

    /** One service's answer: what it exported, removed or anonymised. */
    public record Part(String service, Instant fulfilledAt, String object, String sha256, Map<String, Long> counts) {
        public Part {
            counts = Map.copyOf(counts);
        }
    }

    public PrivacyRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        expectedServices = List.copyOf(expectedServices);
        parts = Map.copyOf(parts);
    }

    /** An erasure of the whole tenant: it ends with the tenant's data key destroyed. */
    public boolean isTenantErasure() {
        return kind == Kind.ERASE && subjectId.isEmpty();
    }

    /** Expected services that have not answered yet, in the order they were expected. */
    public List<String> missingServices() {
        return expectedServices.stream().filter(service -> !parts.containsKey(service)).toList();
    }

    /** Where services write their export parts: {@code exports/<request id>/<service>.jsonl}. */
    public String exportPrefix() {
        return exportPrefixOf(id);
    }

    /** The export prefix of request {@code id}. */
    public static String exportPrefixOf(UUID id) {
        return "exports/" + id + "/";
    }
}
