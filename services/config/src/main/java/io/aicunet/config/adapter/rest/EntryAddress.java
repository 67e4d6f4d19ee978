package io.aicunet.config.adapter.rest;

import io.aicunet.config.application.access.ConfigCommands.ScopeInput;
import io.aicunet.config.domain.ConfigRules;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * Where an entry lives, as every entry operation takes it: its namespace and key in the
 * path, its scope in the query ({@code @BeanParam} of ConfigResource).
 */
public class EntryAddress {

    @Parameter(description = ConfigResource.NAMESPACE, schema = @Schema(type = SchemaType.STRING,
            pattern = ConfigJson.NAMESPACE_PATTERN, maxLength = ConfigRules.NAMESPACE_LENGTH_MAX))
    @PathParam("namespace")
    String namespace;

    @Parameter(description = ConfigResource.KEY, schema = @Schema(type = SchemaType.STRING,
            pattern = ConfigJson.KEY_PATTERN, maxLength = ConfigRules.KEY_LENGTH_MAX))
    @PathParam("key")
    String key;

    @Parameter(description = ConfigResource.SCOPE, required = true,
            schema = @Schema(type = SchemaType.STRING, enumeration = {"global", "service", "tenant", "tenant_service"}))
    @QueryParam("scope")
    String scope;

    @Parameter(description = ConfigResource.SCOPE_TENANT,
            schema = @Schema(type = SchemaType.STRING, pattern = ConfigResource.OPTIONAL_TENANT_PATTERN))
    @QueryParam("tenant_id")
    String tenantId;

    @Parameter(description = ConfigResource.SCOPE_SERVICE, schema = @Schema(type = SchemaType.STRING,
            pattern = ConfigResource.OPTIONAL_SERVICE_PATTERN, maxLength = ConfigRules.SERVICE_LENGTH_MAX))
    @QueryParam("service")
    String service;

    ScopeInput scopeInput() {
        return new ScopeInput(scope, tenantId, service);
    }
}
