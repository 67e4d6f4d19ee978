package io.aicunet.config.application.namespaces;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import io.aicunet.platform.problem.Problem.FieldViolation;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON values and the JSON Schemas that constrain them (networknt json-schema-validator,
 * draft 2020-12 unless a schema names another in {@code $schema}). Violations name the
 * exact JSON path under the request field that failed, e.g. {@code value.limits.max_tokens}.
 * Compiled schemas are kept per namespace and version: a version never changes.
 */
@ApplicationScoped
public class JsonSchemas {

    /** Compiled schemas kept; beyond this the map is cleared (rare: one per namespace version in use). */
    private static final int COMPILED_MAX = 1_000;
    private static final int VIOLATIONS_MAX = 50;

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();
    private final SchemaValidatorsConfig validatorsConfig = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();

    /** The parsed value, or a violation on {@code field} saying why it is not JSON. */
    public Optional<JsonNode> parse(String field, String json, List<FieldViolation> violations) {
        if (json == null || json.isBlank()) {
            violations.add(new FieldViolation(field, "is required: a JSON value"));
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readTree(json));
        } catch (JsonProcessingException e) {
            // A parser's own limit (StreamConstraintsException) has no location.
            violations.add(new FieldViolation(field, "is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")")));
            return Optional.empty();
        }
    }

    /** Compact JSON text of a value, as it is stored and compared. */
    public String write(JsonNode value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON value cannot be written back", e);
        }
    }

    /** Whether two JSON texts mean the same value (object member order aside). */
    public boolean sameValue(String left, String right) {
        try {
            return mapper.readTree(left).equals(mapper.readTree(right));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored value is not JSON", e);
        }
    }

    /**
     * What is wrong with a schema document: not JSON, not an object, invalid against
     * its meta-schema, or referring to another document ($ref outside "#...": the
     * service never fetches schemas from the network).
     */
    public List<FieldViolation> checkSchema(String field, String schemaJson) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<JsonNode> schema = parse(field, schemaJson, violations);
        if (schema.isEmpty()) {
            return violations;
        }
        if (!schema.get().isObject()) {
            violations.add(new FieldViolation(field, "must be a JSON Schema object"));
            return violations;
        }
        Optional<VersionFlag> declared;
        try {
            declared = SpecVersionDetector.detectOptionalVersion(schema.get(), false);
        } catch (RuntimeException unknownDialect) {
            violations.add(new FieldViolation(field + ".$schema", "names a JSON Schema dialect this service does not know"));
            return violations;
        }
        remoteReferences(schema.get(), new JsonNodePath(com.networknt.schema.PathType.LEGACY), field, violations);
        if (!violations.isEmpty()) {
            return violations;
        }
        VersionFlag version = declared.orElse(VersionFlag.V202012);
        JsonSchema metaSchema = JsonSchemaFactory.getInstance(version)
                .getSchema(SchemaLocation.of(version.getId()), validatorsConfig);
        violations.addAll(toViolations(field, metaSchema.validate(schema.get())));
        if (violations.isEmpty()) {
            try {
                JsonSchemaFactory.getInstance(version).getSchema(schema.get(), validatorsConfig).initializeValidators();
            } catch (RuntimeException invalid) {
                violations.add(new FieldViolation(field, "does not compile: " + invalid.getMessage()));
            }
        }
        return violations;
    }

    /** The violations of {@code value} against version {@code version} of the namespace's schema. */
    public List<FieldViolation> validate(String namespace, int version, String schemaJson, String field,
                                         JsonNode value) {
        JsonSchema schema = compiled.computeIfAbsent(namespace + "#" + version, ignored -> compile(schemaJson));
        if (compiled.size() > COMPILED_MAX) {
            compiled.clear();
        }
        return toViolations(field, schema.validate(value));
    }

    /** A validator for a schema that is not registered yet: compiled once, not kept. */
    public java.util.function.Function<JsonNode, List<FieldViolation>> validator(String schemaJson, String field) {
        JsonSchema schema = compile(schemaJson);
        return value -> toViolations(field, schema.validate(value));
    }

    private JsonSchema compile(String schemaJson) {
        try {
            JsonNode node = mapper.readTree(schemaJson);
            VersionFlag version = SpecVersionDetector.detectOptionalVersion(node, false).orElse(VersionFlag.V202012);
            JsonSchema schema = JsonSchemaFactory.getInstance(version).getSchema(node, validatorsConfig);
            schema.initializeValidators();
            return schema;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a registered schema is not JSON", e);
        }
    }

    /** Each message as a violation on the exact path under {@code field}, in path order. */
    private static List<FieldViolation> toViolations(String field, java.util.Set<ValidationMessage> messages) {
        List<ValidationMessage> sorted = new ArrayList<>(messages);
        sorted.sort(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                .thenComparing(ValidationMessage::getMessage));
        List<FieldViolation> violations = new ArrayList<>();
        for (ValidationMessage message : sorted.subList(0, Math.min(sorted.size(), VIOLATIONS_MAX))) {
            JsonNodePath location = message.getInstanceLocation();
            String path = suffix(location);
            // "required" and "additionalProperties" fail on the object; the caller needs the
            // path of the member that is missing or not allowed.
            String property = message.getProperty();
            boolean onObject = property != null && (location.getNameCount() == 0
                    || !property.equals(String.valueOf(location.getElement(location.getNameCount() - 1))));
            if (onObject) {
                path = path + "." + property;
            }
            violations.add(new FieldViolation(field + path, message.getMessage()));
        }
        return violations;
    }

    private static String suffix(JsonNodePath path) {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) {
                suffix.append('[').append(index).append(']');
            } else {
                suffix.append('.').append(element);
            }
        }
        return suffix.toString();
    }

    private static void remoteReferences(JsonNode node, JsonNodePath path, String field,
                                         List<FieldViolation> violations) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                String name = member.getKey();
                boolean reference = name.equals("$ref") || name.equals("$dynamicRef") || name.equals("$recursiveRef");
                if (reference && member.getValue().isTextual() && !member.getValue().asText().startsWith("#")) {
                    violations.add(new FieldViolation(field + suffix(path.append(name)),
                            "refers to another document (" + member.getValue().asText()
                                    + "); only local references (#...) are allowed"));
                }
                remoteReferences(member.getValue(), path.append(name), field, violations);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                remoteReferences(node.get(i), path.append(i), field, violations);
            }
        }
    }
}
