package io.aicunet.tenant.adapter.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aicunet.tenant.application.tenants.TenantCommands.QuotasInput;
import io.aicunet.tenant.application.tenants.TenantCommands.RetentionInput;
import io.aicunet.tenant.domain.Tenant;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON bodies of the REST API, in snake_case like the gRPC contract. */
final class TenantJson {

    private TenantJson() {
    }

    record QuotasBody(
            @JsonProperty("requests_per_minute") long requestsPerMinute,
            @JsonProperty("tokens_per_day") long tokensPerDay,
            @JsonProperty("storage_bytes") long storageBytes) {

        QuotasInput toInput() {
            return new QuotasInput(requestsPerMinute, tokensPerDay, storageBytes);
        }
    }

    record RetentionBody(@JsonProperty("data_class") String dataClass, int days) {

        static List<RetentionInput> toInputs(List<RetentionBody> bodies) {
            return bodies == null ? List.of() : bodies.stream()
                    .map(b -> new RetentionInput(b.dataClass(), b.days())).toList();
        }
    }

    record CreateTenantBody(
            String slug,
            @JsonProperty("display_name") String displayName,
            String region,
            String tier,
            QuotasBody quotas,
            List<RetentionBody> retention) {
    }

    record UpdateTenantBody(
            @JsonProperty("expected_version") Long expectedVersion,
            @JsonProperty("display_name") String displayName,
            String tier,
            QuotasBody quotas,
            List<RetentionBody> retention) {
    }

    record SuspendTenantBody(String reason) {
    }

    record TenantBody(
            String id,
            String slug,
            @JsonProperty("display_name") String displayName,
            String region,
            String tier,
            String status,
            QuotasBody quotas,
            @JsonProperty("retention_days") Map<String, Integer> retentionDays,
            long version,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("updated_at") Instant updatedAt) {

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
                    new QuotasBody(tenant.quotas().requestsPerMinute(), tenant.quotas().tokensPerDay(),
                            tenant.quotas().storageBytes()),
                    retention,
                    tenant.version(),
                    tenant.createdAt(),
                    tenant.updatedAt());
        }
    }

    record TenantPageBody(List<TenantBody> tenants, @JsonProperty("next_page_token") String nextPageToken) {
    }
}
