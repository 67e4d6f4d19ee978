package io.aicunet.config.application.port;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.Optional;

/**
 * Namespaces and their versioned JSON Schemas (platform-level, not tenant data).
 * Every method works in the caller's transaction.
 */
public interface Namespaces {

    /** A namespace with its latest schema (none when {@code schemaVersion} is 0). */
    record NamespaceRecord(String name, String description, int schemaVersion, Optional<String> schemaJson,
                           String createdBy, Instant createdAt) {
    }

    record SchemaRecord(String namespace, int version, String schemaJson, String createdBy, Instant createdAt) {
    }

    /**
     * The namespace and its latest schema. {@code lock}: SHARE lets writes of entries
     * run side by side while no new schema version can commit under them; UPDATE is
     * for registering a schema.
     */
    Uni<Optional<NamespaceRecord>> find(SqlConnection connection, String namespace, LockMode lock);

    /** False when the namespace exists. */
    Uni<Boolean> insert(SqlConnection connection, NamespaceRecord namespace);

    Uni<Void> insertSchema(SqlConnection connection, SchemaRecord schema);

    /** The version, or the latest when {@code version} is 0. */
    Uni<Optional<SchemaRecord>> findSchema(SqlConnection connection, String namespace, int version);

    enum LockMode {
        NONE,
        SHARE,
        UPDATE
    }
}
