package io.aicunet.config.adapter.persistence;

import io.aicunet.config.application.port.Namespaces;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Namespaces and their schema versions in PostgreSQL. */
@ApplicationScoped
public class PgNamespaces implements Namespaces {

    @Override
    public Uni<Optional<NamespaceRecord>> find(SqlConnection connection, String namespace, LockMode lock) {
        String locking = switch (lock) {
            case NONE -> "";
            case SHARE -> " FOR SHARE OF n";
            case UPDATE -> " FOR UPDATE OF n";
        };
        return connection.preparedQuery("""
                        SELECT n.namespace, n.description, n.schema_version, n.created_by, n.created_at,
                               s.schema::text AS schema_text
                          FROM namespaces n
                          LEFT JOIN schemas s ON s.namespace = n.namespace AND s.version = n.schema_version
                         WHERE n.namespace = $1""" + locking)
                .execute(Tuple.of(namespace))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toNamespace(rows.iterator().next())));
    }

    @Override
    public Uni<Boolean> insert(SqlConnection connection, NamespaceRecord namespace) {
        return connection.preparedQuery("""
                        INSERT INTO namespaces (namespace, description, schema_version, created_by, created_at)
                        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (namespace) DO NOTHING""")
                .execute(Tuple.of(namespace.name(), namespace.description(), namespace.schemaVersion(),
                        namespace.createdBy(), ConfigRows.utc(namespace.createdAt())))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Uni<Void> insertSchema(SqlConnection connection, SchemaRecord schema) {
        return connection.preparedQuery("""
                        WITH inserted AS (
                            INSERT INTO schemas (namespace, version, schema, created_by, created_at)
                            VALUES ($1, $2, $3::text::jsonb, $4, $5) RETURNING namespace, version)
                        UPDATE namespaces n SET schema_version = i.version
                          FROM inserted i WHERE n.namespace = i.namespace""")
                .execute(Tuple.of(schema.namespace(), schema.version(), schema.schemaJson(), schema.createdBy(),
                        ConfigRows.utc(schema.createdAt())))
                .map(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("schema " + schema.namespace() + " v" + schema.version()
                                + " updated " + rows.rowCount() + " namespaces");
                    }
                    return null;
                });
    }

    @Override
    public Uni<Optional<SchemaRecord>> findSchema(SqlConnection connection, String namespace, int version) {
        return connection.preparedQuery("""
                        SELECT namespace, version, schema::text AS schema_text, created_by, created_at FROM schemas
                         WHERE namespace = $1 AND ($2 = 0 OR version = $2)
                         ORDER BY version DESC LIMIT 1""")
                .execute(Tuple.of(namespace, version))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new SchemaRecord(row.getString("namespace"), row.getInteger("version"),
                            row.getString("schema_text"), row.getString("created_by"),
                            ConfigRows.instant(row, "created_at")));
                });
    }

    private static NamespaceRecord toNamespace(Row row) {
        return new NamespaceRecord(row.getString("namespace"), row.getString("description"),
                row.getInteger("schema_version"), Optional.ofNullable(row.getString("schema_text")),
                row.getString("created_by"), ConfigRows.instant(row, "created_at"));
    }
}
