package io.aicunet.agentstate.adapter.rest;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.aicunet.agentstate.domain.AgentStateRules;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Map;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * What agent-state's annotations cannot say in its OpenAPI document. Runs at build time,
 * like platform's {@code FleetOpenApi}, in either order with it, and fails the build if
 * a schema or property it names has gone, so a rename cannot silently undo it.
 * <ul>
 *   <li>The free-form JSON values of its responses (a checkpoint's {@code state}, a
 *       task's {@code payload}) are any JSON value, the schema {@code {}}, with a
 *       description. Their fields are Java strings written raw ({@code @JsonRawValue}),
 *       so an annotation gets either a string schema or, with {@code Schema.True}, the
 *       bare schema {@code true}, which holds no description.</li>
 *   <li>Printable text ({@code AgentStateRules.PRINTABLE_CHARACTER}: ASCII printable,
 *       letters, marks, numbers, space separators) is one schema, {@code PrintableText},
 *       whose pattern lists those characters one range at a time, as this JVM's Unicode
 *       data has them: the annotations say {@code \p{L}} and the like, which a JSON
 *       Schema validator reads right but a generator (Schemathesis) approximates with
 *       characters the service refuses (a tab for {@code \p{Zs}}, unassigned code points
 *       for {@code \p{M}}). Each field that had such a pattern refers to it instead, and
 *       keeps its length and, for not-blank texts, a small pattern asking for one
 *       character that is not white space.</li>
 *   <li>The {@code x-aicunet-tenant} header as this service reads it: agents,
 *       checkpoints, leases and tasks belong to one tenant, so on their operations it
 *       takes a tenant UUID only ({@code platform} is refused with 400); and everywhere
 *       an empty value is the same as none (platform's CallerHeaders reads it so), which
 *       FleetOpenApi's pattern does not yet allow (asked of platform in issue 14).</li>
 * </ul>
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class AgentStateOpenApi implements OASFilter {

    /** Schema name, property, description: every free-form JSON value the API returns. */
    private static final String[][] ANY_JSON = {
            {"Checkpoint", "state", "The checkpoint's state: any JSON value (object, array, string, number, boolean or"
                    + " null), exactly as `state_json` saved it; so at most 1,048,576 bytes of UTF-8 as JSON text,"
                    + " nested at most 64 levels deep, with no duplicate keys, no NUL character, and numbers within"
                    + " a double's range."},
            {"Task", "payload", "The task's payload: any JSON value, exactly as `payload_json` enqueued it; so at most"
                    + " 65,536 bytes of UTF-8 as JSON text, nested at most 64 levels deep, with no duplicate keys,"
                    + " no NUL character, and numbers within a double's range."},
            {"DeadTask", "payload", "The task's payload: any JSON value, exactly as `payload_json` enqueued it."},
    };

    /** platform/tenancy's CallerHeaders.TENANT. */
    static final String TENANT_HEADER = "x-aicunet-tenant";
    private static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    /** Paths whose operations may act at platform scope: a tenant's retention and erasure. */
    private static final String PLATFORM_SCOPE_PATHS = "/v1/tenants/";

    /** The component every printable text field refers to. */
    static final String PRINTABLE_TEXT = "PrintableText";
    /** White space ({@code Character.isWhitespace}) among printable characters: what a blank text holds. */
    private static final String WHITE_SPACE = " \\u1680\\u2000-\\u2006\\u2008-\\u200A\\u205F\\u3000";
    /** With PrintableText: at least one character that is not white space ({@code String.isBlank} is false). */
    private static final String NOT_BLANK = "[^" + WHITE_SPACE + "]";
    /** With PrintableText: empty, or at least one character that is not white space. */
    private static final String EMPTY_OR_NOT_BLANK = "^$|" + NOT_BLANK;

    @Override
    public Schema filterSchema(Schema schema) {
        String pattern = schema.getPattern();
        if (AgentStateJson.PRINTABLE.equals(pattern)) {
            printable(schema, null);
        } else if (AgentStateJson.PRINTABLE_NOT_BLANK.equals(pattern)) {
            printable(schema, NOT_BLANK);
        } else if (AgentStateJson.PRINTABLE_NOT_BLANK_OR_EMPTY.equals(pattern)) {
            printable(schema, EMPTY_OR_NOT_BLANK);
        }
        return schema;
    }

    private static void printable(Schema schema, String pattern) {
        schema.setPattern(pattern);
        schema.setRef("#/components/schemas/" + PRINTABLE_TEXT);
    }

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        openApi.getComponents().addSchema(PRINTABLE_TEXT, OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                .pattern("^[" + printableCharacters() + "]*$")
                .description("Printable text: ASCII printable characters, letters, marks, numbers and space"
                        + " separators (no control, format, private-use or unassigned character), listed as this"
                        + " service's Unicode data has them. Lengths count characters (code points)."));
        if (openApi.getPaths() == null) {
            throw new IllegalStateException("the OpenAPI document has no paths");
        }
        openApi.getPaths().getPathItems().forEach((path, item) -> item.getOperations().values().forEach(
                operation -> tenantHeader(operation, path.startsWith(PLATFORM_SCOPE_PATHS))));
        freeFormJson(openApi);
    }

    private static void tenantHeader(Operation operation, boolean platformScope) {
        Schema schema = OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                .pattern(platformScope ? "^(" + UUID + "|platform)?$" : "^(" + UUID + ")?$");
        String description = platformScope
                ? "The tenant the call acts for: a tenant UUID, or `platform` for platform-wide operations. Defaults"
                        + " to the tenant the token is bound to; required with a token bound to none. Empty is the same"
                        + " as none."
                : "The tenant the call acts for: a tenant UUID (agents, checkpoints, leases and tasks belong to one"
                        + " tenant; `platform` is refused). Defaults to the tenant the token is bound to; required with"
                        + " a token bound to none. Empty is the same as none.";
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        Parameter header = parameters.stream()
                .filter(p -> p.getIn() == Parameter.In.HEADER && TENANT_HEADER.equalsIgnoreCase(p.getName()))
                .findFirst().orElse(null);
        if (header == null) {
            operation.addParameter(OASFactory.createParameter().name(TENANT_HEADER).in(Parameter.In.HEADER)
                    .required(false).description(description).schema(schema));
        } else {
            header.description(description).schema(schema);
        }
    }

    /** AgentStateRules.PRINTABLE_CHARACTER as ranges of code points, each as a regular expression writes it. */
    static String printableCharacters() {
        Pattern printable = Pattern.compile(AgentStateRules.PRINTABLE_CHARACTER);
        StringBuilder ranges = new StringBuilder();
        int start = -1;
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT + 1; codePoint++) {
            boolean in = codePoint <= Character.MAX_CODE_POINT
                    && printable.matcher(Character.toString(codePoint)).matches();
            if (in && start < 0) {
                start = codePoint;
            } else if (!in && start >= 0) {
                ranges.append(escaped(start));
                if (codePoint - 1 > start) {
                    ranges.append('-').append(escaped(codePoint - 1));
                }
                start = -1;
            }
        }
        return ranges.toString();
    }

    /**
     * A code point in a character class: a backslash-u escape of four hex digits in the Basic Multilingual Plane,
     * which ECMA-262, Python and Rust read alike; beyond it the character itself, as none
     * of them share an escape for it.
     */
    private static String escaped(int codePoint) {
        return codePoint <= 0xFFFF ? String.format("\\u%04X", codePoint) : Character.toString(codePoint);
    }

    private static void freeFormJson(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents() == null ? null : openApi.getComponents().getSchemas();
        for (String[] value : ANY_JSON) {
            Schema owner = schemas == null ? null : schemas.get(value[0]);
            if (owner == null || owner.getProperties() == null || !owner.getProperties().containsKey(value[1])) {
                throw new IllegalStateException("the OpenAPI document has no property " + value[1] + " in schema "
                        + value[0] + "; AgentStateOpenApi names what AgentStateJson returns");
            }
            owner.addProperty(value[1], OASFactory.createSchema().description(value[2]));
        }
    }
}
