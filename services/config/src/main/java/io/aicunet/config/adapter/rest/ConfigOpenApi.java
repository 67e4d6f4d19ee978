package io.aicunet.config.adapter.rest;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.math.BigDecimal;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * The limits of this deployment in config's OpenAPI document, from the settings the
 * service runs with rather than the annotations' defaults: the largest and the default
 * page of ListRevisions ({@code config.page-size-max}, {@code config.page-size-default})
 * and the most namespaces one effective-configuration request names
 * ({@code config.namespaces-per-request-max}).
 *
 * <p>It runs when the document is built (the published artifact: the settings' defaults
 * unless the build sets them) and again when the service starts, so {@code /q/openapi}
 * says what the running service enforces. A parameter it expects and does not find is a
 * bug (a renamed parameter) and fails the build.
 */
@OpenApiFilter(stages = {OpenApiFilter.RunStage.BUILD, OpenApiFilter.RunStage.RUNTIME_STARTUP})
public class ConfigOpenApi implements OASFilter {

    static final String REVISIONS_PATH = "/v1/config/revisions";
    static final String EFFECTIVE_PATH = "/v1/config/effective";

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        int pageSizeMax = setting("config.page-size-max", 100);
        int pageSizeDefault = setting("config.page-size-default", 20);
        Parameter pageSize = parameter(openApi.getPaths().getPathItem(REVISIONS_PATH).getGET(), "page_size");
        pageSize.setDescription("Revisions per page, at most " + pageSizeMax + "; 0 or none: " + pageSizeDefault + ".");
        pageSize.getSchema().setMaximum(BigDecimal.valueOf(pageSizeMax));
        parameter(openApi.getPaths().getPathItem(EFFECTIVE_PATH).getGET(), "namespace").getSchema()
                .setMaxItems(setting("config.namespaces-per-request-max", 50));
    }

    /** The setting as the service reads it, or the default of ConfigServiceConfig where it is not set. */
    private static int setting(String name, int defaultValue) {
        return ConfigProvider.getConfig().getOptionalValue(name, Integer.class).orElse(defaultValue);
    }

    private static Parameter parameter(Operation operation, String name) {
        return operation.getParameters().stream().filter(p -> p.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the OpenAPI document has no parameter " + name
                        + " in " + operation.getOperationId() + "; ConfigOpenApi and ConfigResource disagree"));
    }
}
