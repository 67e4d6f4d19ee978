package io.aicunet.config.application.access;

import java.util.List;
import java.util.OptionalLong;

/** What callers ask of the config service, as the edges received it (not yet validated). */
public final class ConfigCommands {

    private ConfigCommands() {
    }

    /**
     * A scope as sent: kind is a wire name (global, service, tenant, tenant_service),
     * null when missing; tenant and service are empty or null when not sent.
     */
    public record ScopeInput(String kind, String tenantId, String service) {
    }

    /**
     * @param valueField the request field that holds the value ({@code value_json} on gRPC,
     *                   {@code value} on REST), so every violation names the caller's own field
     */
    public record PutEntryCommand(String namespace, String key, ScopeInput scope, String valueJson,
                                  String valueField, boolean secret, String reason, OptionalLong expectedRevision) {
    }

    public record DeleteEntryCommand(String namespace, String key, ScopeInput scope, String reason,
                                     OptionalLong expectedRevision) {
    }

    public record GetEntryQuery(String namespace, String key, ScopeInput scope) {
    }

    public record RollbackEntryCommand(String namespace, String key, ScopeInput scope, long toRevision, String reason,
                                       OptionalLong expectedRevision) {
    }

    public record EffectiveConfigQuery(String tenantId, String service, List<String> namespaces,
                                       boolean includeLayers) {
    }

    public record ListRevisionsQuery(String tenantId, String namespace, String key, int pageSize, String pageToken) {
    }

    public record DiffRevisionsQuery(long fromRevision, long toRevision, String tenantId, String namespace) {
    }

    public record CompactRevisionsCommand(long upToRevision) {
    }

    public record WatchQuery(long afterRevision, String tenantId, String service, List<String> namespaces,
                             boolean allTenants) {
    }

    /** @param schemaField the request field that holds the schema ({@code schema_json} on gRPC, {@code schema} on REST) */
    public record CreateNamespaceCommand(String namespace, String description, String schemaJson, String schemaField) {
    }

    /** @param schemaField the request field that holds the schema ({@code schema_json} on gRPC, {@code schema} on REST) */
    public record RegisterSchemaCommand(String namespace, String schemaJson, String schemaField) {
    }

    public record GetSchemaQuery(String namespace, int version) {
    }

    public record GetNamespaceQuery(String namespace) {
    }
}
