package io.aicunet.tenant.adapter.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aicunet.tenant.application.tenants.TenantCommands.QuotasInput;
import io.aicunet.tenant.application.tenants.TenantCommands.RetentionInput;
import io.aicunet.tenant.domain.Retention;
import io.aicunet.tenant.domain.Tenant;
import io.aicunet.tenant.domain.TenantRules;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON bodies of the REST API, in snake_case like the gRPC contract. Their
 * {@code @Schema} annotations are the OpenAPI document's account of them and say exactly
 * what the use cases enforce ({@link TenantRules}, {@link Retention}); what annotations
 * cannot say (the enumerations, taken from the domain's enums and the deployment's
 * regions, and each data class at most once) {@link TenantOpenApi} adds. Request bodies
 * have no other properties: strict JSON refuses any it does not know.
 */
final class TenantJson {

    static final String LONG_MAX = "9223372036854775807";
    static final String TIERS_DESCRIPTION = "The tier: free, standard or enterprise.";

    private TenantJson() {
    }

    @Schema(name = "Quotas", additionalProperties = Schema.False.class, description = "What a tenant may use. A figure left out is 0, which allows nothing.")
    record QuotasBody(
            @Schema(format = "int64", minimum = "0", maximum = "" + TenantRules.REQUESTS_PER_MINUTE_MAX)
            @JsonProperty("requests_per_minute") long requestsPerMinute,
            @Schema(format = "int64", minimum = "0", maximum = "" + TenantRules.TOKENS_PER_DAY_MAX)
            @JsonProperty("tokens_per_day") long tokensPerDay,
            @Schema(format = "int64", minimum = "0", maximum = "" + TenantRules.STORAGE_BYTES_MAX)
            @JsonProperty("storage_bytes") long storageBytes) {

        QuotasInput toInput() {
            return new QuotasInput(requestsPerMinute, tokensPerDay, storageBytes);
        }
    }

    @Schema(name = "TenantQuotas", description = "What a tenant may use.")
    record TenantQuotasBody(
            @Schema(required = true, format = "int64", minimum = "0", maximum = "" + TenantRules.REQUESTS_PER_MINUTE_MAX)
            @JsonProperty("requests_per_minute") long requestsPerMinute,
            @Schema(required = true, format = "int64", minimum = "0", maximum = "" + TenantRules.TOKENS_PER_DAY_MAX)
            @JsonProperty("tokens_per_day") long tokensPerDay,
            @Schema(required = true, format = "int64", minimum = "0", maximum = "" + TenantRules.STORAGE_BYTES_MAX)
            @JsonProperty("storage_bytes") long storageBytes) {
    }

    @Schema(name = "RetentionPeriod", additionalProperties = Schema.False.class, description = "How many days one data class is kept.")
    record RetentionBody(
            @Schema(required = true, description = "The data class: personal, operational, audit or financial.")
            @JsonProperty("data_class") String dataClass,
            @Schema(required = true, format = "int32", minimum = "" + Retention.DAYS_MIN,
                    maximum = "" + Retention.DAYS_MAX)
            int days) {

        static List<RetentionInput> toInputs(List<RetentionBody> bodies) {
            return bodies == null ? List.of() : bodies.stream()
                    .map(b -> new RetentionInput(b.dataClass(), b.days())).toList();
        }
    }

    @Schema(name = "CreateTenant", additionalProperties = Schema.False.class, description = "A new tenant. Quotas default to the tier's; retention periods"
            + " not named default to the data class's.")
    record CreateTenantBody(
            @Schema(required = true, minLength = TenantRules.SLUG_LENGTH_MIN, maxLength = TenantRules.SLUG_LENGTH_MAX,
                    pattern = TenantRules.SLUG_PATTERN, description = "Unique among all tenants, never changes.")
            String slug,
            @Schema(required = true, minLength = 1, maxLength = TenantRules.DISPLAY_NAME_LENGTH_MAX,
                    pattern = TenantRules.TEXT_PATTERN, description = "One line of visible text; leading and"
                    + " trailing spaces are dropped.")
            @JsonProperty("display_name") String displayName,
            @Schema(required = true, description = "One of the deployment's regions (setting tenant.regions);"
                    + " where the tenant's data lives, never changes.")
            String region,
            @Schema(required = true, description = TIERS_DESCRIPTION)
            String tier,
            QuotasBody quotas,
            @Schema(description = "Retention periods to set, each data class at most once.")
            List<RetentionBody> retention) {
    }

    @Schema(name = "UpdateTenant", additionalProperties = Schema.False.class, description = "What to change; what is left out stays as it is.")
    record UpdateTenantBody(
            @Schema(format = "int64", minimum = "1", maximum = LONG_MAX,
                    description = "Change only if the tenant is still at this version (else 409).")
            @JsonProperty("expected_version") Long expectedVersion,
            @Schema(minLength = 1, maxLength = TenantRules.DISPLAY_NAME_LENGTH_MAX, pattern = TenantRules.TEXT_PATTERN,
                    description = "One line of visible text; leading and trailing spaces are dropped.")
            @JsonProperty("display_name") String displayName,
            @Schema(description = TIERS_DESCRIPTION)
            String tier,
            @Schema(description = "The new quotas, all three figures (one left out is 0).")
            QuotasBody quotas,
            @Schema(description = "Retention periods to change, each data class at most once.")
            List<RetentionBody> retention) {
    }

    @Schema(name = "SuspendTenant", additionalProperties = Schema.False.class, description = "Why the tenant is suspended.")
    record SuspendTenantBody(
            @Schema(required = true, minLength = 1, maxLength = TenantRules.REASON_LENGTH_MAX,
                    pattern = TenantRules.TEXT_PATTERN,
                    description = "One line of visible text; it travels in the TenantSuspended event.")
            String reason) {
    }

    @Schema(name = "Tenant", description = "A tenant as it is now.")
    record TenantBody(
            @Schema(required = true, format = "uuid") String id,
            @Schema(required = true, minLength = TenantRules.SLUG_LENGTH_MIN, maxLength = TenantRules.SLUG_LENGTH_MAX,
                    pattern = TenantRules.SLUG_PATTERN)
            String slug,
            @Schema(required = true, minLength = 1, maxLength = TenantRules.DISPLAY_NAME_LENGTH_MAX)
            @JsonProperty("display_name") String displayName,
            @Schema(required = true) String region,
            @Schema(required = true, description = TIERS_DESCRIPTION) String tier,
            @Schema(required = true, description = "Where the tenant is in its life.") String status,
            @Schema(required = true) TenantQuotasBody quotas,
            @Schema(required = true, type = SchemaType.OBJECT,
                    description = "Days each data class is kept: every data class, each 1 to 36500.")
            @JsonProperty("retention_days") Map<String, Integer> retentionDays,
            @Schema(required = true, format = "int64", minimum = "1", maximum = LONG_MAX,
                    description = "Grows by one with every change.")
            long version,
            @Schema(required = true, format = "date-time") @JsonProperty("created_at") Instant createdAt,
            @Schema(required = true, format = "date-time") @JsonProperty("updated_at") Instant updatedAt) {

        static TenantBody of(Tenant tenant) {
            Map<String, Integer> retention = new java.util.TreeMap<>();
            tenant.retention().days().forEach((dataClass, days) -> retention.put(dataClass.wireName(), days));
            return new TenantBody(
                    tenant.id().toString(),
                    tenant.slug(),
                    tenant.displayName(),
                    tenant.region(),
                    tenant.tier().name().toLowerCase(Locale.ROOT),
                    tenant.status().name().toLowerCase(Locale.ROOT),
                    new TenantQuotasBody(tenant.quotas().requestsPerMinute(), tenant.quotas().tokensPerDay(),
                            tenant.quotas().storageBytes()),
                    retention,
                    tenant.version(),
                    tenant.createdAt(),
                    tenant.updatedAt());
        }
    }

    @Schema(name = "TenantPage", description = "One page of tenants, by slug.")
    record TenantPageBody(
            @Schema(required = true) List<TenantBody> tenants,
            @Schema(required = true, description = "The page_token of the next page; empty on the last page.")
            @JsonProperty("next_page_token") String nextPageToken) {
    }
}
