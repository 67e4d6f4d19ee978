package io.aicunet.config.adapter.persistence;

import io.aicunet.config.domain.ChangeOperation;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.ConfigScope;
import io.aicunet.config.domain.Entry;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.ScopeKind;
import io.aicunet.config.domain.StoredValue;
import io.aicunet.platform.tenancy.TenantId;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/** Column lists and row mapping shared by the config tables. */
final class ConfigRows {

    /** The columns of an entry, with the value as JSON text. */
    static final String ENTRY_COLUMNS = """
            namespace, entry_key, scope_kind, tenant_id, service, value::text AS value_text, secret, sealed_value,
            sealing_key_id, schema_version, revision, updated_by, updated_at""";

    private static final String[] REVISION_COLUMN_NAMES = {
        "revision", "namespace", "entry_key", "scope_kind", "tenant_id", "service", "operation", "value",
        "secret", "sealed_value", "sealing_key_id", "schema_version", "rolled_back_to", "author", "reason",
        "created_at"};

    private ConfigRows() {
    }

    /** The columns of a revision from table alias {@code alias}, each named {@code <prefix><column>}. */
    static String revisionColumns(String alias, String prefix) {
        StringBuilder columns = new StringBuilder();
        for (String column : REVISION_COLUMN_NAMES) {
            if (columns.length() > 0) {
                columns.append(", ");
            }
            String source = alias + "." + column + (column.equals("value") ? "::text" : "");
            String name = column.equals("value") ? "value_text" : column;
            columns.append(source).append(" AS ").append(prefix).append(name);
        }
        return columns.toString();
    }

    static Entry entry(Row row) {
        EntryKey key = key(row, "");
        return new Entry(key, value(row, ""), row.getLong("revision"), row.getInteger("schema_version"),
                row.getString("updated_by"), instant(row, "updated_at"));
    }

    /** The revision in the row's {@code prefix}ed columns; empty when they are null (an outer join found none). */
    static Optional<ConfigRevision> revision(Row row, String prefix) {
        Long revision = row.getLong(prefix + "revision");
        if (revision == null) {
            return Optional.empty();
        }
        ChangeOperation operation = ChangeOperation.fromWireName(row.getString(prefix + "operation"));
        Long rolledBackTo = row.getLong(prefix + "rolled_back_to");
        return Optional.of(new ConfigRevision(
                revision,
                key(row, prefix),
                operation,
                operation == ChangeOperation.PUT ? Optional.of(value(row, prefix)) : Optional.empty(),
                row.getInteger(prefix + "schema_version"),
                row.getString(prefix + "author"),
                row.getString(prefix + "reason"),
                instant(row, prefix + "created_at"),
                rolledBackTo == null ? 0 : rolledBackTo));
    }

    static EntryKey key(Row row, String prefix) {
        ScopeKind kind = ScopeKind.fromWireName(row.getString(prefix + "scope_kind")).orElseThrow(
                () -> new IllegalStateException("unknown scope kind " + row.getString(prefix + "scope_kind")));
        UUID tenant = row.getUUID(prefix + "tenant_id");
        ConfigScope scope = new ConfigScope(kind, Optional.ofNullable(tenant).map(TenantId::new),
                Optional.ofNullable(row.getString(prefix + "service")));
        return new EntryKey(row.getString(prefix + "namespace"), row.getString(prefix + "entry_key"), scope);
    }

    static StoredValue value(Row row, String prefix) {
        if (Boolean.TRUE.equals(row.getBoolean(prefix + "secret"))) {
            return new StoredValue.Sealed(row.getString(prefix + "sealing_key_id"),
                    row.getBuffer(prefix + "sealed_value").getBytes());
        }
        return new StoredValue.Plain(row.getString(prefix + "value_text"));
    }

    /** Adds namespace, entry_key, scope_id, scope_kind, tenant_id, service. */
    static Tuple addKey(Tuple tuple, EntryKey key) {
        ConfigScope scope = key.scope();
        return tuple.addString(key.namespace())
                .addString(key.key())
                .addString(scope.id())
                .addString(scope.kind().wireName())
                .addUUID(scope.tenant().map(TenantId::value).orElse(null))
                .addString(scope.service().orElse(null));
    }

    /** Adds value (JSON text or null), secret, sealed_value, sealing_key_id. */
    static Tuple addValue(Tuple tuple, Optional<StoredValue> value) {
        if (value.isPresent() && value.get() instanceof StoredValue.Sealed sealed) {
            return tuple.addString(null).addBoolean(true).addBuffer(Buffer.buffer(sealed.sealed()))
                    .addString(sealed.keyId());
        }
        String json = value.map(v -> ((StoredValue.Plain) v).json()).orElse(null);
        return tuple.addString(json).addBoolean(false).addValue(null).addString(null);
    }

    static Instant instant(Row row, String column) {
        return row.getOffsetDateTime(column).toInstant();
    }

    static java.time.OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
