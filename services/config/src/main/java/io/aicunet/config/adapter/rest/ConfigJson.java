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
import io.aicunet.config.domain.ConfigRules;
import io.aicunet.config.domain.ConfigScope;
import io.aicunet.platform.problem.FleetOpenApi;
import io.aicunet.platform.tenancy.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON bodies of the REST API, in snake_case like the gRPC contract. Values and
 * schemas are JSON embedded as they are (not as text); a masked secret's value is null.
 *
 * <p>The {@link Schema} annotations are the OpenAPI document's word for each field and
 * say exactly what the service enforces (ConfigRules, the use cases, platform
 * StrictJson: no unknown property, no explicit {@code null} except as a free-form
 * value): OpenApiConformanceTest holds the service to them.
 */
final class ConfigJson {

    /** The free-form value's description: any JSON, and the limits PutEntry puts on it. */
    static final String VALUE_DESCRIPTION = "The entry's value: any JSON value (object, array, string, number,"
            + " boolean or `null`; an explicit `null` is stored as the JSON value null, while leaving `value`"
            + " out is refused). At most 65536 bytes as compact UTF-8 JSON, at most 64 levels of nested arrays"
            + " and objects, no `\\u0000` or lone surrogate in its strings, no number beyond a double's range"
            + " (about 1.8e308); valid against the namespace's latest JSON Schema, if it has one (each failing"
            + " JSON path is a 400 violation under `value`).";
    static final String MASKED_VALUE_DESCRIPTION = "Any JSON value; `null` when `masked` (a secret the caller"
            + " may not read).";
    static final String SCHEMA_DESCRIPTION = "A JSON Schema document (an object; draft 2020-12 unless `$schema`"
            + " names another draft): valid against its meta-schema, only local `$ref`s (`#...`). At most 262144"
            + " bytes as compact UTF-8 JSON, at most 64 levels deep, no `\\u0000` or lone surrogate in its"
            + " strings, no number beyond a double's range. A document that breaks one of these is a 400"
            + " violation of `schema` (naming the path for meta-schema violations).";

    /** A reason: one line of printable text with at least one character that is not a space. */
    static final String REASON_PATTERN = "^[^\\u0000-\\u001F\\u007F-\\u009F]*"
            + "[^\\u0000-\\u0020\\u007F-\\u009F\\u1680\\u2000-\\u2006\\u2008-\\u200A\\u2028\\u2029\\u205F\\u3000]"
            + "[^\\u0000-\\u001F\\u007F-\\u009F]*$";
    /** A description: printable text over several lines (line feed, carriage return and tab allowed). */
    static final String DESCRIPTION_PATTERN = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
    static final String NAMESPACE_PATTERN = "^" + ConfigRules.NAMESPACE_REGEX + "$";
    static final String KEY_PATTERN = "^" + ConfigRules.KEY_REGEX + "$";
    static final String SERVICE_PATTERN = "^" + ConfigRules.SERVICE_REGEX + "$";
    static final String UUID_PATTERN =
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    static final String REVISION_MAX = "9223372036854775807";

    private ConfigJson() {
    }

    @Schema(name = "CreateNamespaceRequest", additionalProperties = Schema.False.class)
    record CreateNamespaceBody(
            @Schema(required = true, description = "The namespace's name: dot-separated lower-case words.",
                    pattern = NAMESPACE_PATTERN, maxLength = ConfigRules.NAMESPACE_LENGTH_MAX,
                    example = "llm.routing")
            String namespace,
            @Schema(description = "What the namespace configures, for people (kept trimmed); none when absent.",
                    pattern = DESCRIPTION_PATTERN, maxLength = ConfigRules.DESCRIPTION_LENGTH_MAX)
            String description,
            @Schema(type = SchemaType.OBJECT, implementation = Map.class,
                    description = "The namespace's first JSON Schema (version 1); none when absent. "
                            + SCHEMA_DESCRIPTION)
            JsonNode schema) {
    }

    @Schema(name = "RegisterSchemaRequest", additionalProperties = Schema.False.class)
    record RegisterSchemaBody(
            @Schema(required = true, type = SchemaType.OBJECT, implementation = Map.class,
                    description = "The namespace's next JSON Schema. " + SCHEMA_DESCRIPTION
                            + " Refused (400) when an existing entry of the namespace would violate it.")
            JsonNode schema) {
    }

    @Schema(name = "PutEntryRequest", additionalProperties = Schema.False.class)
    record PutEntryBody(
            @Schema(required = true, description = VALUE_DESCRIPTION, extensions = @Extension(
                    name = FleetOpenApi.ANY_JSON_EXTENSION, value = "true"),
                    implementation = Void.class) // Void: no component for Jackson's JsonNode bean
            JsonNode value,
            @Schema(description = "Whether the value is a secret: stored sealed, shown in the clear only to callers"
                    + " that may read secrets, never echoed. Default false.")
            Boolean secret,
            @Schema(required = true, description = "Why: kept with the revision.", pattern = REASON_PATTERN,
                    minLength = 1, maxLength = ConfigRules.REASON_LENGTH_MAX)
            String reason,
            @Schema(description = "Write only if the entry is still at this revision (0: it must not exist), else"
                    + " 409.", format = "int64", minimum = "0", maximum = REVISION_MAX)
            @JsonProperty("expected_revision") Long expectedRevision) {
    }

    @Schema(name = "RollbackEntryRequest", additionalProperties = Schema.False.class)
    record RollbackEntryBody(
            @Schema(required = true, description = "The revision of this entry whose value (or deletion) to"
                    + " restore.", format = "int64", minimum = "1", maximum = REVISION_MAX)
            @JsonProperty("to_revision") Long toRevision,
            @Schema(required = true, description = "Why: kept with the revision.", pattern = REASON_PATTERN,
                    minLength = 1, maxLength = ConfigRules.REASON_LENGTH_MAX)
            String reason,
            @Schema(description = "Restore only if the entry is still at this revision (0: it must not exist),"
                    + " else 409.", format = "int64", minimum = "0", maximum = REVISION_MAX)
            @JsonProperty("expected_revision") Long expectedRevision) {
    }

    @Schema(name = "CompactRevisionsRequest", additionalProperties = Schema.False.class)
    record CompactRevisionsBody(
            @Schema(required = true, description = "Forget revisions up to this one (each entry keeps its last);"
                    + " beyond the newest revision is a 400.", format = "int64", minimum = "1",
                    maximum = REVISION_MAX)
            @JsonProperty("up_to_revision") Long upToRevision) {
    }

    @Schema(name = "Scope", description = "Where an entry applies.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ScopeBody(
            @Schema(required = true, enumeration = {"global", "service", "tenant", "tenant_service"})
            String kind,
            @Schema(description = "The tenant, for the tenant and tenant_service scopes only.", format = "uuid")
            @JsonProperty("tenant_id") String tenantId,
            @Schema(description = "The service, for the service and tenant_service scopes only.")
            String service) {

        static ScopeBody of(ConfigScope scope) {
            return new ScopeBody(scope.kind().wireName(), scope.tenant().map(TenantId::toString).orElse(null),
                    scope.service().orElse(null));
        }
    }

    /** {@code unavailable} (only when set) says why a masked secret cannot be read by anyone, e.g. TENANT_KEY_DESTROYED. */
    @Schema(name = "Value", description = "A value as the caller may see it.")
    record ValueBody(
            @Schema(required = true, description = MASKED_VALUE_DESCRIPTION, extensions = @Extension(
                    name = FleetOpenApi.ANY_JSON_EXTENSION, value = "true"))
            @JsonRawValue String value,
            @Schema(required = true) boolean secret,
            @Schema(required = true, description = "Whether the value is withheld from this caller.")
            boolean masked,
            @Schema(description = "Only for a masked secret nobody can read any more: why (e.g."
                    + " TENANT_KEY_DESTROYED).")
            @JsonInclude(JsonInclude.Include.NON_EMPTY) String unavailable) {

        static ValueBody of(ValueView view) {
            return new ValueBody(view.masked() ? null : view.json(), view.secret(), view.masked(), view.unavailable());
        }
    }

    @Schema(name = "Entry", description = "An entry at one scope.")
    record EntryBody(
            @Schema(required = true) String namespace,
            @Schema(required = true) String key,
            @Schema(required = true) ScopeBody scope,
            @Schema(required = true, description = MASKED_VALUE_DESCRIPTION, extensions = @Extension(
                    name = FleetOpenApi.ANY_JSON_EXTENSION, value = "true"))
            @JsonRawValue String value,
            @Schema(required = true) boolean secret,
            @Schema(required = true, description = "Whether the value is withheld from this caller.")
            boolean masked,
            @Schema(description = "Only for a masked secret nobody can read any more: why (e.g."
                    + " TENANT_KEY_DESTROYED).")
            @JsonInclude(JsonInclude.Include.NON_EMPTY) String unavailable,
            @Schema(required = true, description = "The revision that wrote this value.") long revision,
            @Schema(required = true, description = "The namespace's schema version it was validated against (0:"
                    + " none).")
            @JsonProperty("schema_version") int schemaVersion,
            @Schema(required = true) @JsonProperty("updated_by") String updatedBy,
            @Schema(required = true) @JsonProperty("updated_at") Instant updatedAt) {

        static EntryBody of(EntryView view) {
            return new EntryBody(view.key().namespace(), view.key().key(), ScopeBody.of(view.key().scope()),
                    view.value().masked() ? null : view.value().json(), view.value().secret(), view.value().masked(),
                    view.value().unavailable(), view.revision(), view.schemaVersion(), view.updatedBy(),
                    view.updatedAt());
        }
    }

    @Schema(name = "Written", description = "The outcome of a write.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WrittenBody(
            @Schema(description = "The entry after the write (a secret masked); absent after a delete.")
            EntryBody entry,
            @Schema(required = true, description = "The revision made, or the entry's current one when nothing"
                    + " changed.")
            long revision,
            @Schema(required = true, description = "False when the entry already held this value (no revision"
                    + " was made).")
            boolean changed) {
    }

    @Schema(name = "EffectiveConfig")
    record EffectiveBody(
            @Schema(required = true, description = "The merged values, the most specific scope winning.")
            List<EntryBody> values,
            @Schema(required = true, description = "The revision the answer is consistent with.") long revision,
            @Schema(required = true, description = "Every layer (with include_layers), else empty.")
            List<EntryBody> layers) {
    }

    @Schema(name = "Revision")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RevisionBody(
            @Schema(required = true) long revision,
            @Schema(required = true) String namespace,
            @Schema(required = true) String key,
            @Schema(required = true) ScopeBody scope,
            @Schema(required = true, enumeration = {"put", "delete"}) String operation,
            @Schema(description = "The value written; absent for a delete.") ValueBody value,
            @Schema(required = true) String author,
            @Schema(required = true) String reason,
            @Schema(required = true) @JsonProperty("created_at") Instant createdAt,
            @Schema(description = "The revision this one restored, for a rollback.", format = "int64")
            @JsonProperty("rolled_back_to") Long rolledBackTo) {

        static RevisionBody of(RevisionView view) {
            var revision = view.revision();
            return new RevisionBody(revision.revision(), revision.key().namespace(), revision.key().key(),
                    ScopeBody.of(revision.key().scope()), revision.operation().wireName(),
                    view.value().map(ValueBody::of).orElse(null), revision.author(), revision.reason(),
                    revision.createdAt(), revision.rolledBackTo() == 0 ? null : revision.rolledBackTo());
        }
    }

    @Schema(name = "RevisionPage")
    record RevisionPageBody(
            @Schema(required = true) List<RevisionBody> revisions,
            @Schema(required = true, description = "Pass as page_token for the next page; empty on the last.")
            @JsonProperty("next_page_token") String nextPageToken) {
    }

    @Schema(name = "EntryDiff", description = "One entry's state at both ends; a side is absent where the entry"
            + " did not exist.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EntryDiffBody(
            @Schema(required = true) String namespace,
            @Schema(required = true) String key,
            @Schema(required = true) ScopeBody scope,
            ValueBody before,
            @Schema(required = true, description = "0 where the entry did not exist.")
            @JsonProperty("before_revision") long beforeRevision,
            ValueBody after,
            @Schema(required = true, description = "0 where the entry did not exist.")
            @JsonProperty("after_revision") long afterRevision) {

        static EntryDiffBody of(DiffRevisions.EntryDiff diff) {
            return new EntryDiffBody(diff.key().namespace(), diff.key().key(), ScopeBody.of(diff.key().scope()),
                    diff.before().map(ValueBody::of).orElse(null), diff.beforeRevision(),
                    diff.after().map(ValueBody::of).orElse(null), diff.afterRevision());
        }
    }

    @Schema(name = "Diff")
    record DiffBody(@Schema(required = true) List<EntryDiffBody> diffs) {
    }

    @Schema(name = "Namespace")
    record NamespaceBody(
            @Schema(required = true) String name,
            @Schema(required = true, description = "Empty when none was given.") String description,
            @Schema(required = true, description = "The latest schema version (0: none).")
            @JsonProperty("schema_version") int schemaVersion,
            @Schema(required = true) @JsonProperty("created_by") String createdBy,
            @Schema(required = true) @JsonProperty("created_at") Instant createdAt) {

        static NamespaceBody of(NamespaceRecord record) {
            return new NamespaceBody(record.name(), record.description(), record.schemaVersion(), record.createdBy(),
                    record.createdAt());
        }
    }

    @Schema(name = "NamespaceSchema")
    record SchemaBody(
            @Schema(required = true) String namespace,
            @Schema(required = true) int version,
            @Schema(required = true, type = SchemaType.OBJECT, implementation = Map.class,
                    description = "The JSON Schema document.")
            @JsonRawValue String schema,
            @Schema(required = true) @JsonProperty("created_by") String createdBy,
            @Schema(required = true) @JsonProperty("created_at") Instant createdAt) {

        static SchemaBody of(SchemaRecord record) {
            return new SchemaBody(record.namespace(), record.version(), record.schemaJson(), record.createdBy(),
                    record.createdAt());
        }
    }

    @Schema(name = "Compacted")
    record CompactedBody(
            @Schema(required = true, description = "Where the compaction mark stands.")
            @JsonProperty("compacted_revision") long compactedRevision,
            @Schema(required = true, description = "How many revisions this call deleted.")
            @JsonProperty("revisions_deleted") long revisionsDeleted) {
    }
}
