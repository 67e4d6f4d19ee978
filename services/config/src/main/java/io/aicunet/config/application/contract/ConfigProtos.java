package io.aicunet.config.application.contract;

import com.google.protobuf.Timestamp;
import io.aicunet.config.application.access.ConfigCommands.ScopeInput;
import io.aicunet.config.application.access.ConfigViews.EntryView;
import io.aicunet.config.application.access.ConfigViews.RevisionView;
import io.aicunet.config.application.access.ConfigViews.ValueView;
import io.aicunet.config.application.port.Namespaces.NamespaceRecord;
import io.aicunet.config.application.port.Namespaces.SchemaRecord;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.contracts.config.v1.ChangeOperation;
import io.aicunet.contracts.config.v1.EffectiveValue;
import io.aicunet.contracts.config.v1.Entry;
import io.aicunet.contracts.config.v1.Namespace;
import io.aicunet.contracts.config.v1.Revision;
import io.aicunet.contracts.config.v1.SchemaVersion;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.Value;
import java.time.Instant;
import java.util.Locale;

/** Between the contracts' messages and the use cases' values. */
public final class ConfigProtos {

    private static final String KIND_PREFIX = "SCOPE_KIND_";

    private ConfigProtos() {
    }

    /** The scope as sent: kind as a wire name (null when unspecified), empty strings kept for validation. */
    public static ScopeInput scope(Scope scope) {
        String kind = switch (scope.getKind()) {
            case SCOPE_KIND_UNSPECIFIED -> null;
            case UNRECOGNIZED -> "unrecognized(" + scope.getKindValue() + ")";
            default -> scope.getKind().name().substring(KIND_PREFIX.length()).toLowerCase(Locale.ROOT);
        };
        return new ScopeInput(kind, scope.getTenantId(), scope.getService());
    }

    public static Value value(ValueView view) {
        return Value.newBuilder().setJson(view.json()).setSecret(view.secret()).setMasked(view.masked()).build();
    }

    public static Entry entry(EntryView view) {
        return Entry.newBuilder()
                .setNamespace(view.key().namespace())
                .setKey(view.key().key())
                .setScope(ConfigEvents.scope(view.key().scope()))
                .setValue(value(view.value()))
                .setRevision(view.revision())
                .setSchemaVersion(view.schemaVersion())
                .setUpdatedBy(view.updatedBy())
                .setUpdatedAt(timestamp(view.updatedAt()))
                .build();
    }

    public static EffectiveValue effective(EntryView view) {
        return EffectiveValue.newBuilder()
                .setNamespace(view.key().namespace())
                .setKey(view.key().key())
                .setValue(value(view.value()))
                .setScope(ConfigEvents.scope(view.key().scope()))
                .setRevision(view.revision())
                .build();
    }

    public static Revision revision(RevisionView view) {
        ConfigRevision revision = view.revision();
        Revision.Builder builder = Revision.newBuilder()
                .setRevision(revision.revision())
                .setNamespace(revision.key().namespace())
                .setKey(revision.key().key())
                .setScope(ConfigEvents.scope(revision.key().scope()))
                .setOperation(revision.operation() == io.aicunet.config.domain.ChangeOperation.PUT
                        ? ChangeOperation.CHANGE_OPERATION_PUT : ChangeOperation.CHANGE_OPERATION_DELETE)
                .setAuthor(revision.author())
                .setReason(revision.reason())
                .setCreatedAt(timestamp(revision.createdAt()))
                .setRolledBackTo(revision.rolledBackTo());
        view.value().ifPresent(v -> builder.setValue(value(v)));
        return builder.build();
    }

    public static Namespace namespace(NamespaceRecord record) {
        return Namespace.newBuilder()
                .setName(record.name())
                .setDescription(record.description())
                .setSchemaVersion(record.schemaVersion())
                .setCreatedBy(record.createdBy())
                .setCreatedAt(timestamp(record.createdAt()))
                .build();
    }

    public static SchemaVersion schema(SchemaRecord record) {
        return SchemaVersion.newBuilder()
                .setNamespace(record.namespace())
                .setVersion(record.version())
                .setSchemaJson(record.schemaJson())
                .setCreatedBy(record.createdBy())
                .setCreatedAt(timestamp(record.createdAt()))
                .build();
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
