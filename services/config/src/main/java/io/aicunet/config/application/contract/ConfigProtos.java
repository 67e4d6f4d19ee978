package io.aicunet.config.adapter.grpc;

import com.google.protobuf.Timestamp;
import io.aicunet.config.application.ConfigCommands.ScopeInput;
import io.aicunet.config.application.ConfigEvents;
import io.aicunet.config.application.ConfigViews.EntryView;
import io.aicunet.config.application.ConfigViews.RevisionView;
import io.aicunet.config.application.ConfigViews.ValueView;
import io.aicunet.config.application.Namespaces.NamespaceRecord;
import io.aicunet.config.application.Namespaces.SchemaRecord;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.contracts.config.v1.ChangeOperation;
import io.aicunet.contracts.config.v1.EffectiveValue;
import io.aicunet.contracts.config.v1.Entry;
import io.aicunet.contracts.config.v1.Namespace;
import io.aicunet.contracts.config.v1.Revision;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.SchemaVersion;
import io.aicunet.contracts.config.v1.Value;
import java.time.Instant;
import java.util.Locale;

/** Between the contracts' messages and the use cases' values. */
final class ConfigProtos {

    private static final String KIND_PREFIX = "SCOPE_KIND_";

    private ConfigProtos() {
    }

    /** The scope as sent: kind as a wire name (null when unspecified), empty strings kept for validation. */
    static ScopeInput scope(Scope scope) {
        String kind = switch (scope.getKind()) {
            case SCOPE_KIND_UNSPECIFIED -> null;
            case UNRECOGNIZED -> "unrecognized(" + scope.getKindValue() + ")";
            default -> scope.getKind().name().substring(KIND_PREFIX.length()).toLowerCase(Locale.ROOT);
        };
        return new ScopeInput(kind, scope.getTenantId(), scope.getService());
    }

    static Value value(ValueView view) {
        return Value.newBuilder().setJson(view.json()).setSecret(view.secret()).setMasked(view.masked()).build();
    }

    static Entry entry(EntryView view) {
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

    static EffectiveValue effective(EntryView view) {
        return EffectiveValue.newBuilder()
                .setNamespace(view.key().namespace())
                .setKey(view.key().key())
                .setValue(value(view.value()))
                .setScope(ConfigEvents.scope(view.key().scope()))
                .setRevision(view.revision())
                .build();
    }

    static Revision revision(RevisionView view) {
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

    static Namespace namespace(NamespaceRecord record) {
        return Namespace.newBuilder()
                .setName(record.name())
                .setDescription(record.description())
                .setSchemaVersion(record.schemaVersion())
                .setCreatedBy(record.createdBy())
                .setCreatedAt(timestamp(record.createdAt()))
                .build();
    }

    static SchemaVersion schema(SchemaRecord record) {
        return SchemaVersion.newBuilder()
                .setNamespace(record.namespace())
                .setVersion(record.version())
                .setSchemaJson(record.schemaJson())
                .setCreatedBy(record.createdBy())
                .setCreatedAt(timestamp(record.createdAt()))
                .build();
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
