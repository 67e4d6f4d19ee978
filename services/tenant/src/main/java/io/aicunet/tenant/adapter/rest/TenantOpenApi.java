package io.aicunet.tenant.adapter.rest;

import io.aicunet.platform.privacy.DataClass;
import io.aicunet.tenant.config.TenantServiceConfig;
import io.aicunet.tenant.domain.Retention;
import io.aicunet.tenant.domain.TenantStatus;
import io.aicunet.tenant.domain.Tier;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * What the tenant API's OpenAPI document says that annotations cannot: the enumerations,
 * taken from the domain's enums so the document never lists a value the service refuses
 * (or leaves out one it takes); the regions and largest page of this deployment
 * ({@code tenant.regions}, {@code tenant.page-size-max}); and that a retention list names
 * each data class at most once, as {@code contains}/{@code maxContains} per class.
 *
 * <p>It runs when the document is built (the published artifact, with the settings' defaults
 * unless the build sets them) and again when the service starts, so {@code /q/openapi}
 * states the settings the service really runs with. Every change replaces what was there,
 * so running twice changes nothing. A schema or parameter it expects and does not find is a
 * bug (a renamed body or parameter) and fails the build.
 */
@OpenApiFilter(stages = {OpenApiFilter.RunStage.BUILD, OpenApiFilter.RunStage.RUNTIME_STARTUP})
public class TenantOpenApi implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        List<Object> tiers = wireNames(Tier.values());
        List<Object> dataClasses = wireNames(DataClass.values());
        List<Object> statuses = wireNames(TenantStatus.values());
        property(schemas, "CreateTenant", "tier").setEnumeration(tiers);
        property(schemas, "UpdateTenant", "tier").setEnumeration(tiers);
        property(schemas, "Tenant", "tier").setEnumeration(tiers);
        property(schemas, "Tenant", "status").setEnumeration(statuses);
        property(schemas, "RetentionPeriod", "data_class").setEnumeration(dataClasses);
        property(schemas, "CreateTenant", "region").setEnumeration(new ArrayList<>(regions()));
        eachDataClassAtMostOnce(property(schemas, "CreateTenant", "retention"));
        eachDataClassAtMostOnce(property(schemas, "UpdateTenant", "retention"));
        everyDataClass(property(schemas, "Tenant", "retention_days"));

        Operation list = openApi.getPaths().getPathItem(TenantResource.PATH).getGET();
        // An empty status=, like none, filters nothing (Quarkus REST reads it as absent).
        List<Object> statusFilters = new ArrayList<>(List.of(""));
        statusFilters.addAll(statuses);
        parameter(list, "status").getSchema().setEnumeration(statusFilters);
        parameter(list, "page_size").getSchema().setMaximum(BigDecimal.valueOf(pageSizeMax()));
    }

    /** At most one entry per data class, so at most as many entries as there are classes. */
    private static void eachDataClassAtMostOnce(Schema retention) {
        List<Schema> once = new ArrayList<>();
        for (DataClass dataClass : DataClass.values()) {
            once.add(OASFactory.createSchema()
                    .contains(OASFactory.createSchema()
                            .addProperty("data_class", OASFactory.createSchema().constValue(dataClass.wireName()))
                            .required(new ArrayList<>(List.of("data_class"))))
                    .minContains(0)
                    .maxContains(1));
        }
        retention.maxItems(DataClass.values().length).setAllOf(once);
    }

    /** A response's retention: a period for every data class, and nothing else. */
    private static void everyDataClass(Schema retentionDays) {
        Schema days = OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32")
                .minimum(BigDecimal.valueOf(Retention.DAYS_MIN)).maximum(BigDecimal.valueOf(Retention.DAYS_MAX));
        retentionDays.setProperties(null);
        for (DataClass dataClass : DataClass.values()) {
            retentionDays.addProperty(dataClass.wireName(), days);
        }
        retentionDays.required(new ArrayList<>(wireNames(DataClass.values()).stream().map(Object::toString).toList()))
                .additionalPropertiesBoolean(false);
    }

    private static Schema property(Map<String, Schema> schemas, String schema, String property) {
        Schema body = schemas == null ? null : schemas.get(schema);
        Schema found = body == null || body.getProperties() == null ? null : body.getProperties().get(property);
        if (found == null) {
            throw new IllegalStateException("the OpenAPI document has no property " + property + " in schema "
                    + schema + "; TenantOpenApi and TenantJson disagree");
        }
        return found;
    }

    private static Parameter parameter(Operation operation, String name) {
        return operation.getParameters().stream().filter(p -> p.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the OpenAPI document has no parameter " + name
                        + " in " + operation.getOperationId() + "; TenantOpenApi and TenantResource disagree"));
    }

    private static List<String> regions() {
        Config config = ConfigProvider.getConfig();
        return config.getOptionalValues("tenant.regions", String.class)
                .orElse(Arrays.asList(TenantServiceConfig.REGIONS_DEFAULT.split(",")))
                .stream().sorted().toList();
    }

    private static int pageSizeMax() {
        return ConfigProvider.getConfig().getOptionalValue("tenant.page-size-max", Integer.class)
                .orElse(Integer.parseInt(TenantServiceConfig.PAGE_SIZE_MAX_DEFAULT));
    }

    private static List<Object> wireNames(Enum<?>[] values) {
        return new ArrayList<>(Arrays.stream(values).map(v -> (Object) v.name().toLowerCase(Locale.ROOT)).toList());
    }
}
