package io.aicunet.config.adapter.persistence;

import io.aicunet.platform.privacy.PersonalData;
import java.util.Map;
import java.util.Set;

/**
 * Every column the config service stores, personal or not (checked against the schema
 * by DataClassificationTest); docs/config.md, Privacy, explains each choice.
 *
 * <ul>
 *   <li>A value ({@code value}) is configuration, but a tenant may write a person's
 *       address or name into one: personal. Plain values stay readable to the service
 *       (merged, validated, cached, served to every reader of the tenant); they are
 *       exported with the tenant and deleted on its erasure. Personal data meant to be
 *       unreadable after erasure belongs in a secret.</li>
 *   <li>A secret ({@code sealed_value}) may be a person's credential: personal, sealed
 *       with the tenant's data key (destroyed on erasure), never exported in the clear.</li>
 *   <li>Who wrote ({@code updated_by}, {@code author}, {@code created_by}) is a person's
 *       subject id, and a revision's {@code reason} is free text: personal.</li>
 *   <li>Names (namespace, key, scope), revision numbers, flags and times: not personal.</li>
 * </ul>
 */
public final class ConfigPersonalData {

    public static final PersonalData DECLARATION = PersonalData.withOutboxAndInbox(
            Map.of(
                    "namespaces", Set.of("created_by"),
                    "schemas", Set.of("created_by"),
                    "entries", Set.of("value", "sealed_value", "updated_by"),
                    "revisions", Set.of("value", "sealed_value", "author", "reason")),
            Map.of(
                    "namespaces", Set.of("namespace", "description", "schema_version", "created_at"),
                    "schemas", Set.of("namespace", "version", "schema", "created_at"),
                    "revision_counter", Set.of("id", "revision", "compacted_revision"),
                    "tenant_sweeps", Set.of("sweep", "resume_after", "updated_at"),
                    "tenant_storage", Set.of("tenant_id", "bytes", "updated_at"),
                    "entries", Set.of("namespace", "entry_key", "scope_id", "scope_kind", "tenant_id", "service",
                            "secret", "sealing_key_id", "schema_version", "revision", "updated_at"),
                    "revisions", Set.of("revision", "namespace", "entry_key", "scope_id", "scope_kind", "tenant_id",
                            "service", "operation", "secret", "sealing_key_id", "schema_version", "rolled_back_to",
                            "created_at")));

    private ConfigPersonalData() {
    }
}
