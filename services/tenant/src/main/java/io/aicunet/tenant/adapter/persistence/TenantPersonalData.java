package io.aicunet.tenant.adapter.persistence;

import io.aicunet.platform.privacy.PersonalData;
import java.util.Map;
import java.util.Set;

/**
 * Every column the tenant service stores, personal or not (checked against the schema by
 * DataClassificationTest). A tenant's display name may name a person (a sole trader);
 * it is replaced on tenant erasure. Callers' subjects are personal: the idempotency keys
 * expire after a day; privacy requests keep who asked and about whom as the record of
 * the request (the legal obligation to prove it), and are not erased with the tenant.
 */
public final class TenantPersonalData {

    public static final PersonalData DECLARATION = PersonalData.withOutboxAndInbox(
            Map.of(
                    "tenants", Set.of("display_name"),
                    "idempotency_keys", Set.of("subject"),
                    "privacy_requests", Set.of("subject_id", "requested_by")),
            Map.of(
                    "tenants", Set.of("tenant_id", "slug", "region", "tier", "status", "requests_per_minute",
                            "tokens_per_day", "storage_bytes", "retention_days", "version", "created_at",
                            "updated_at"),
                    "idempotency_keys", Set.of("idempotency_key", "request_sha256", "tenant_id", "created_at"),
                    "tenant_data_keys", Set.of("tenant_id", "key_id", "wrapped_key", "master_key_id", "created_at",
                            "destroyed_at"),
                    "privacy_requests", Set.of("request_id", "tenant_id", "kind", "status", "idempotency_key",
                            "request_sha256", "expected_services", "created_at", "deadline", "completed_at",
                            "failure_reason", "manifest_object", "key_destroyed_at"),
                    "privacy_request_parts", Set.of("request_id", "tenant_id", "service", "fulfilled_at", "object",
                            "sha256", "counts")));

    private TenantPersonalData() {
    }
}
