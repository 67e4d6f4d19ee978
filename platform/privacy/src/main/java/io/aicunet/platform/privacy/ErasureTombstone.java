package io.aicunet.platform.privacy;

import io.aicunet.platform.tenancy.TenantId;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The record, kept in the object store and not in any service's database, that an erasure
 * completed: a whole tenant's ({@link Kind#TENANT}) or one data subject's
 * ({@link Kind#SUBJECT}). A restore of a backup taken before the erasure brings the erased
 * rows and the wrapped data key back; every service re-applies the tombstones at start
 * ({@link ErasureTombstones}), so they are gone again before it reports ready.
 *
 * <p>Stored at {@code <prefix><tenant id>/<request id>.json} as
 * {@code {"kind":"tenant","tenant_id":...,"subject_id":...,"request_id":...,"erased_at":...}}.
 */
public record ErasureTombstone(Kind kind, TenantId tenant, Optional<String> subject, UUID requestId,
                               Instant erasedAt) {

    /** What was erased. */
    public enum Kind {
        TENANT, SUBJECT;

        String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ErasureTombstone {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(tenant, "tenant");
        subject = Objects.requireNonNull(subject, "subject").filter(id -> !id.isBlank());
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(erasedAt, "erasedAt");
        if (kind == Kind.SUBJECT && subject.isEmpty()) {
            throw new IllegalArgumentException("a subject's tombstone needs the subject id");
        }
        if (kind == Kind.TENANT && subject.isPresent()) {
            throw new IllegalArgumentException("a tenant's tombstone names no subject");
        }
    }

    /** The tombstone of a completed erasure request: of the tenant when {@code subject} is empty. */
    public static ErasureTombstone of(UUID requestId, TenantId tenant, Optional<String> subject, Instant erasedAt) {
        Optional<String> named = subject.filter(id -> !id.isBlank());
        return new ErasureTombstone(named.isPresent() ? Kind.SUBJECT : Kind.TENANT, tenant, named, requestId,
                erasedAt);
    }

    /** Its object key under {@code prefix}. */
    public String key(String prefix) {
        return ObjectKeys.requireKey(prefix + tenant.value() + "/" + requestId + ".json");
    }

    /** The scope a service erases again: the tenant, or the subject within it. */
    public PrivacyScope scope() {
        return new PrivacyScope(requestId, tenant, subject);
    }

    public byte[] toJson() {
        JsonObject json = new JsonObject().put("kind", kind.json()).put("tenant_id", tenant.value().toString());
        subject.ifPresent(id -> json.put("subject_id", id));
        return json.put("request_id", requestId.toString()).put("erased_at", erasedAt.toString()).encode()
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The tombstone stored at {@code key} (under {@code prefix}), or an IllegalArgumentException
     * saying what is wrong with it: not JSON, a field missing or malformed, or content that
     * names another tenant or request than its key.
     */
    public static ErasureTombstone parse(String prefix, String key, byte[] content) {
        JsonObject json;
        try {
            json = new JsonObject(new String(content, StandardCharsets.UTF_8));
        } catch (DecodeException | ClassCastException notJson) {
            throw new IllegalArgumentException("tombstone " + key + " is not a JSON object");
        }
        try {
            String kind = text(json, "kind");
            Kind parsedKind = switch (kind) {
                case "tenant" -> Kind.TENANT;
                case "subject" -> Kind.SUBJECT;
                default -> throw new IllegalArgumentException("kind must be tenant or subject, not " + kind);
            };
            TenantId tenant = TenantId.parse(text(json, "tenant_id")).orElseThrow(
                    () -> new IllegalArgumentException("tenant_id is not a tenant id"));
            UUID request = UUID.fromString(text(json, "request_id"));
            Optional<String> subject = json.getValue("subject_id") == null ? Optional.empty()
                    : Optional.of(text(json, "subject_id"));
            ErasureTombstone tombstone = new ErasureTombstone(parsedKind, tenant, subject, request,
                    Instant.parse(text(json, "erased_at")));
            if (!tombstone.key(prefix).equals(key)) {
                throw new IllegalArgumentException("its content names " + tombstone.key(prefix));
            }
            return tombstone;
        } catch (IllegalArgumentException | DateTimeParseException | ClassCastException malformed) {
            throw new IllegalArgumentException("tombstone " + key + " is malformed: " + malformed.getMessage());
        }
    }

    private static String text(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException(field + " is missing or not a string");
        }
        return text;
    }
}
