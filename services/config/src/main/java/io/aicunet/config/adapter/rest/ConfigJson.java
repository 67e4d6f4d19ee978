package io.aicunet.config.adapter.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.aicunet.config.application.access.ConfigViews.EntryView;
import io.aicunet.config.application.access.ConfigViews.RevisionView;
import io.aicunet.config.application.access.ConfigViews.ValueView;
import io.aicunet.config.application.entries.DiffRevisions;
import io.aicunet.config.application.port.Namespaces.NamespaceRecord;
import io.aicunet.config.application.port.Namespaces.SchemaRecord;
import io.aicunet.config.domain.ConfigScope;
import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.List;

/**
 * The JSON bodies of the REST API, in snake_case like the gRPC contract. Values and
 * schemas are JSON embedded as they are (not as text); a masked secret's value is null.
 */
final class ConfigJson {

    private ConfigJson() {
    }

    record CreateNamespaceBody(String namespace, String description, JsonNode schema) {
    }

    record RegisterSchemaBody(JsonNode schema) {
    }

    record PutEntryBody(JsonNode value, Boolean secret, String reason,
                        @JsonProperty("expected_revision") Long expectedRevision) {
    }

    record RollbackEntryBody(@JsonProperty("to_revision") Long toRevision, String reason,
                             @JsonProperty("expected_revision") Long expectedRevision) {
    }

    record CompactRevisionsBody(@JsonProperty("up_to_revision") Long upToRevision) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ScopeBody(String kind, @JsonProperty("tenant_id") String tenantId, String service) {

        static ScopeBody of(ConfigScope scope) {
            return new ScopeBody(scope.kind().wireName(), scope.tenant().map(TenantId::toString).orElse(null),
                    scope.service().orElse(null));
        }
    }

    /** {@code unavailable} (only when set) says why a masked secret cannot be read by anyone, e.g. TENANT_KEY_DESTROYED. */
    record ValueBody(@JsonRawValue String value, boolean secret, boolean masked,
                     @JsonInclude(JsonInclude.Include.NON_EMPTY) String unavailable) {

        static ValueBody of(ValueView view) {
            return new ValueBody(view.masked() ? null : view.json(), view.secret(), view.masked(), view.unavailable());
        }
    }

    record EntryBody(String namespace, String key, ScopeBody scope, @JsonRawValue String value, boolean secret,
                     boolean masked, @JsonInclude(JsonInclude.Include.NON_EMPTY) String unavailable, long revision,
                     @JsonProperty("schema_version") int schemaVersion,
                     @JsonProperty("updated_by") String updatedBy, @JsonProperty("updated_at") Instant updatedAt) {

        static EntryBody of(EntryView view) {
            return new EntryBody(view.key().namespace(), view.key().key(), ScopeBody.of(view.key().scope()),
                    view.value().masked() ? null : view.value().json(), view.value().secret(), view.value().masked(),
                    view.value().unavailable(), view.revision(), view.schemaVersion(), view.updatedBy(),
                    view.updatedAt());
        }
    }

    record WrittenBody(EntryBody entry, long revision, boolean changed) {
    }

    record EffectiveBody(List<EntryBody> values, long revision, List<EntryBody> layers) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RevisionBody(long revision, String namespace, String key, ScopeBody scope, String operation,
                        ValueBody value, String author, String reason, @JsonProperty("created_at") Instant createdAt,
                        @JsonProperty("rolled_back_to") Long rolledBackTo) {

        static RevisionBody of(RevisionView view) {
            var revision = view.revision();
            return new RevisionBody(revision.revision(), revision.key().namespace(), revision.key().key(),
                    ScopeBody.of(revision.key().scope()), revision.operation().wireName(),
                    view.value().map(ValueBody::of).orElse(null), revision.author(), revision.reason(),
                    revision.createdAt(), revision.rolledBackTo() == 0 ? null : revision.rolledBackTo());
        }
    }

    record RevisionPageBody(List<RevisionBody> revisions, @JsonProperty("next_page_token") String nextPageToken) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EntryDiffBody(String namespace, String key, ScopeBody scope, ValueBody before,
                         @JsonProperty("before_revision") long beforeRevision, ValueBody after,
                         @JsonProperty("after_revision") long afterRevision) {

        static EntryDiffBody of(DiffRevisions.EntryDiff diff) {
            return new EntryDiffBody(diff.key().namespace(), diff.key().key(), ScopeBody.of(diff.key().scope()),
                    diff.before().map(ValueBody::of).orElse(null), diff.beforeRevision(),
                    diff.after().map(ValueBody::of).orElse(null), diff.afterRevision());
        }
    }

    record DiffBody(List<EntryDiffBody> diffs) {
    }

    record NamespaceBody(String name, String description, @JsonProperty("schema_version") int schemaVersion,
                         @JsonProperty("created_by") String createdBy, @JsonProperty("created_at") Instant createdAt) {

        static NamespaceBody of(NamespaceRecord record) {
            return new NamespaceBody(record.name(), record.description(), record.schemaVersion(), record.createdBy(),
                    record.createdAt());
        }
    }

    record SchemaBody(String namespace, int version, @JsonRawValue String schema,
                      @JsonProperty("created_by") String createdBy, @JsonProperty("created_at") Instant createdAt) {

        static SchemaBody of(SchemaRecord record) {
            return new SchemaBody(record.namespace(), record.version(), record.schemaJson(), record.createdBy(),
                    record.createdAt());
        }
    }

    record CompactedBody(@JsonProperty("compacted_revision") long compactedRevision,
                         @JsonProperty("revisions_deleted") long revisionsDeleted) {
    }
}
