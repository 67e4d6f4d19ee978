package io.aicunet.platform.problem;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * What every REST operation of the fleet has in common, written into each service's
 * OpenAPI document once, here, so the document says what the request pipeline and
 * {@link HttpProblems} really do:
 * <ul>
 *   <li>the bearer scheme, required by every operation except those marked
 *       {@code @Extension(name = "x-aicunet-public", value = "true")} (the pipeline's
 *       {@code @PublicResource}s);</li>
 *   <li>the optional {@code x-aicunet-tenant} header naming the scope of a call;</li>
 *   <li>the errors any operation can answer: 400 (a malformed request or header), 401
 *       and 403 (authentication and policy), 413 and 415 (a body too large or of another
 *       media type), 500
 *       (an incident) and 503 (an outage, with {@code Retry-After});</li>
 *   <li>the {@code Problem} schema ({@code application/problem+json}, RFC 9457) on every
 *       4xx/5xx response, and no problem media type on a success.</li>
 * </ul>
 * A service's resources declare only their successes with their bodies and their own
 * errors (404, 409...) by description.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class FleetOpenApi implements OASFilter {

    /** Marks an operation any caller may use without a token. */
    public static final String PUBLIC_EXTENSION = "x-aicunet-public";
    /**
     * Marks a property whose value is any JSON value (an object, array, string, number,
     * boolean or null), whatever its Java type: {@code @Schema(description = "...",
     * extensions = @Extension(name = FleetOpenApi.ANY_JSON_EXTENSION, value = "true"))}.
     * The document then gives it the schema {@code {}} with that description.
     */
    public static final String ANY_JSON_EXTENSION = "x-aicunet-any-json";

    static final String SECURITY_SCHEME = "bearer";
    static final String PROBLEM_SCHEMA = "Problem";
    static final String VIOLATION_SCHEMA = "FieldViolation";
    private static final String SCHEMA_REF = "#/components/schemas/";
    /** platform/tenancy's CallerHeaders.TENANT (this module cannot depend on that one). */
    private static final String TENANT_HEADER = "x-aicunet-tenant";

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        Components components = openApi.getComponents() == null ? OASFactory.createComponents()
                : openApi.getComponents();
        openApi.setComponents(components);
        // Quarkus adds its own bearer scheme (named "SecurityScheme") when smallrye-jwt is
        // present; one scheme with a telling name replaces it.
        components.setSecuritySchemes(Map.of(SECURITY_SCHEME, OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                .description("An access token of the fleet's identity provider (RS256, audience"
                        + " aicunet-<service>); `./fleet token` prints one on the local stack.")));
        components.addSchema(VIOLATION_SCHEMA, violationSchema());
        components.addSchema(PROBLEM_SCHEMA, problemSchema());
        openApi.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(SECURITY_SCHEME)));
        if (components.getSchemas() != null) {
            components.getSchemas().values().forEach(FleetOpenApi::freeFormProperties);
        }
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().getPathItems().values().forEach(item -> item.getOperations().forEach(
                (method, operation) -> complete(method, operation)));
    }

    private static void complete(PathItem.HttpMethod method, Operation operation) {
        boolean open = isPublic(operation);
        if (open) {
            operation.setSecurity(List.<SecurityRequirement>of());
        } else if (!hasHeader(operation, TENANT_HEADER)) {
            operation.addParameter(OASFactory.createParameter()
                    .name(TENANT_HEADER).in(Parameter.In.HEADER).required(false)
                    .description("The tenant the call acts for: a tenant UUID, or `platform` for platform-wide"
                            + " operations. Left out (or empty), the tenant the token is bound to; required"
                            + " with a token bound to none.")
                    .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                            .pattern("^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                                    + "[0-9a-fA-F]{12}|platform)?$")));
        }
        APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses()
                : operation.getResponses();
        operation.setResponses(responses);
        addIfAbsent(responses, "400", "The request is malformed: a field, parameter or header is invalid"
                + " (`errors` names each one).");
        if (!open) {
            addIfAbsent(responses, "401", "No valid access token.")
                    .addHeader("WWW-Authenticate", header("The bearer challenge (RFC 6750).", Schema.SchemaType.STRING));
            addIfAbsent(responses, "403", "The caller may not do this for this tenant.");
            addIfAbsent(responses, "429", "A bound of the tenant is reached: its request rate (retry after `Retry-After`"
                    + " seconds) or what it may hold (`limit`, `bound` and `current` say which); nothing was done.")
                    .addHeader("Retry-After", header("Seconds until a rate-limited request can pass again.",
                            Schema.SchemaType.INTEGER));
        }
        if (operation.getRequestBody() != null) {
            addIfAbsent(responses, "413", "The body is larger than the service accepts (its `quarkus.http.limits.max-body-size`).");
            addIfAbsent(responses, "415", "The body is not `application/json`.");
        }
        addIfAbsent(responses, "500", "An unexpected failure; `incident` identifies it in the service's log.");
        addIfAbsent(responses, "503", "A store the service needs is unavailable; retry after `Retry-After` seconds.")
                .addHeader("Retry-After", header("Seconds to wait before retrying.", Schema.SchemaType.INTEGER));
        responses.getAPIResponses().forEach((status, response) -> shapeContent(status, response));
    }

    /** Properties marked {@link #ANY_JSON_EXTENSION} become {@code {}}, keeping their description. */
    private static void freeFormProperties(Schema schema) {
        if (schema.getProperties() == null) {
            return;
        }
        Map.copyOf(schema.getProperties()).forEach((name, property) -> {
            if (property.getExtensions() != null && property.getExtensions().containsKey(ANY_JSON_EXTENSION)) {
                schema.addProperty(name, OASFactory.createSchema().description(property.getDescription()));
            }
        });
    }

    private static boolean isPublic(Operation operation) {
        Map<String, Object> extensions = operation.getExtensions();
        if (extensions == null) {
            return false;
        }
        Object value = extensions.get(PUBLIC_EXTENSION);
        return value != null && Boolean.parseBoolean(value.toString());
    }

    private static boolean hasHeader(Operation operation, String name) {
        return operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(p -> p.getIn() == Parameter.In.HEADER && name.equalsIgnoreCase(p.getName()));
    }

    private static APIResponse addIfAbsent(APIResponses responses, String status, String description) {
        APIResponse existing = responses.getAPIResponse(status);
        if (existing != null) {
            return existing;
        }
        APIResponse response = OASFactory.createAPIResponse().description(description);
        responses.addAPIResponse(status, response);
        return response;
    }

    /** Errors are problem+json with the shared schema; successes never are. */
    private static void shapeContent(String status, APIResponse response) {
        if (status.startsWith("4") || status.startsWith("5")) {
            if (response.getContent() == null || response.getContent().getMediaTypes().values().stream()
                    .allMatch(media -> media.getSchema() == null)) {
                response.setContent(OASFactory.createContent().addMediaType(HttpProblems.PROBLEM_JSON,
                        OASFactory.createMediaType().schema(ref(PROBLEM_SCHEMA))));
            }
        } else if (response.getContent() != null) {
            Content content = response.getContent();
            content.removeMediaType(HttpProblems.PROBLEM_JSON);
            if (content.getMediaTypes().isEmpty()) {
                response.setContent(null);
            }
        }
    }

    private static Header header(String description, Schema.SchemaType type) {
        return OASFactory.createHeader().description(description).required(true)
                .schema(OASFactory.createSchema().addType(type));
    }

    private static Schema ref(String name) {
        return OASFactory.createSchema().ref(SCHEMA_REF + name);
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(description);
    }

    private static Schema integer(String description) {
        return OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32").minimum(
                java.math.BigDecimal.ZERO).description(description);
    }

    private static Schema violationSchema() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("One invalid field: its JSON path (or parameter or header name) and why.")
                .addProperty("field", string("The field's JSON path, e.g. `records[0].action`, or a parameter"
                        + " or header name."))
                .addProperty("detail", string("Why the value is refused."))
                .required(List.of("field", "detail"));
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem detail.")
                .addProperty("type", string("A URI naming the kind of problem.").format("uri-reference"))
                .addProperty("title", string("The HTTP reason phrase of the status."))
                .addProperty("status", integer("The HTTP status code."))
                .addProperty("detail", string("What went wrong, for a person."))
                .addProperty("incident", string("The incident id of an unexpected failure (500), to quote."))
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .items(ref(VIOLATION_SCHEMA))
                        .description("The invalid fields (400), at most 20 of them."))
                .addProperty("errors_total", integer("How many fields were invalid in all (when more than listed)."))
                .addProperty("errors_unlisted", integer("How many invalid fields `errors` leaves out."))
                .required(List.of("type", "title", "status"));
    }
}
