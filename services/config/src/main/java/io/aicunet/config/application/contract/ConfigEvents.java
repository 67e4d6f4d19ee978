package io.aicunet.config.application.contract;

import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.application.port.Namespaces.NamespaceRecord;
import io.aicunet.config.application.port.Namespaces.SchemaRecord;
import io.aicunet.config.domain.ConfigScope;
import io.aicunet.contracts.config.v1.ChangeOperation;
import io.aicunet.contracts.config.v1.ConfigChanged;
import io.aicunet.contracts.config.v1.ConfigNamespaceCreated;
import io.aicunet.contracts.config.v1.ConfigRevisionsCompacted;
import io.aicunet.contracts.config.v1.ConfigSchemaRegistered;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.ScopeKind;
import io.aicunet.platform.tenancy.TenantId;
import java.util.UUID;

/**
 * Where the config service announces its changes, and how: the topic, the key, and each
 * event built from the values the use cases hold (the only events the service writes).
 */
public final class ConfigEvents {

    /** Every config event, keyed by the entry's tenant id (the nil UUID for platform-level ones). */
    public static final String TOPIC = "config.entries.v1";

    /** The key of platform-level events: global and service scopes, namespaces, schemas. */
    public static final TenantId PLATFORM_KEY = new TenantId(new UUID(0, 0));

    private ConfigEvents() {
    }

    /** ConfigChanged: what changed and by whom, never the value. */
    public static ConfigChanged changed(ConfigRevision revision) {
        return ConfigChanged.newBuilder()
                .setRevision(revision.revision())
                .setNamespace(revision.key().namespace())
                .setKey(revision.key().key())
                .setScope(scope(revision.key().scope()))
                .setOperation(revision.operation() == io.aicunet.config.domain.ChangeOperation.PUT
                        ? ChangeOperation.CHANGE_OPERATION_PUT : ChangeOperation.CHANGE_OPERATION_DELETE)
                .setSecret(revision.value().map(v -> v.secret()).orElse(false))
                .setAuthor(revision.author())
                .setReason(revision.reason())
                .setRolledBackTo(revision.rolledBackTo())
                .build();
    }

    /** The event key of a scope's changes: its tenant, or {@link #PLATFORM_KEY}. */
    public static TenantId keyOf(ConfigScope scope) {
        return scope.tenant().orElse(PLATFORM_KEY);
    }

    /** ConfigNamespaceCreated: the namespace, its first schema version (0: none), its author. */
    public static ConfigNamespaceCreated namespaceCreated(NamespaceRecord namespace) {
        return ConfigNamespaceCreated.newBuilder()
                .setNamespace(namespace.name())
                .setSchemaVersion(namespace.schemaVersion())
                .setAuthor(namespace.createdBy())
                .build();
    }

    /** ConfigSchemaRegistered: the namespace's new schema version and its author, never the schema. */
    public static ConfigSchemaRegistered schemaRegistered(SchemaRecord schema) {
        return ConfigSchemaRegistered.newBuilder()
                .setNamespace(schema.namespace())
                .setVersion(schema.version())
                .setAuthor(schema.createdBy())
                .build();
    }

    /** ConfigRevisionsCompacted: revisions up to the mark may be gone (compaction, retention, erasure). */
    public static ConfigRevisionsCompacted revisionsCompacted(long compactedRevision, String author) {
        return ConfigRevisionsCompacted.newBuilder().setCompactedRevision(compactedRevision).setAuthor(author).build();
    }

    /** The scope as the contracts spell it. */
    public static Scope scope(ConfigScope scope) {
        ScopeKind kind = switch (scope.kind()) {
            case GLOBAL -> ScopeKind.SCOPE_KIND_GLOBAL;
            case SERVICE -> ScopeKind.SCOPE_KIND_SERVICE;
            case TENANT -> ScopeKind.SCOPE_KIND_TENANT;
            case TENANT_SERVICE -> ScopeKind.SCOPE_KIND_TENANT_SERVICE;
        };
        return Scope.newBuilder()
                .setKind(kind)
                .setTenantId(scope.tenant().map(TenantId::toString).orElse(""))
                .setService(scope.service().orElse(""))
                .build();
    }
}
