package io.aicunet.platform.problem;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import jakarta.inject.Inject;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * The JSON every REST edge of the fleet accepts: exactly what the body's type says, no
 * guessing. A boolean or number where a string is required, a string where a number or
 * boolean is required, a fraction where an integer is required, {@code null} inside an
 * array or object, a property the body does not have and anything after the body are
 * refused by Jackson itself, and {@link JsonProblems} answers each as a 400 naming the
 * field. Without this, {@code {"reason": false}} suspended a tenant with the reason
 * "false" and {@code {"records": [null]}} failed with a 500.
 *
 * <p>Free-form JSON values (config's {@code value} and {@code schema}, read as
 * {@code JsonNode}) are not affected: a tree keeps every JSON value, {@code null}s
 * included, as it was sent. An explicit {@code null} for any other property is refused
 * ({@link NullRefused}), while leaving the property out still means "absent" (0, false,
 * none): no body property of the fleet is nullable, and the OpenAPI documents say so.
 *
 * <p>Only REST bodies: Quarkus REST reads and writes them with the mapper this
 * {@link ContextResolver} gives, a strict copy of the application's ObjectMapper (its
 * modules and settings kept). The application's mapper itself stays as it was, because
 * Vert.x decodes JSON with it too (jsonb columns, {@code new JsonObject(text)}), where a
 * {@code null} member is data: making that mapper strict (an ObjectMapperCustomizer)
 * broke agent-state's privacy exports, whose records hold {@code "owner": null}.
 */
@Provider
public class StrictJson implements ContextResolver<ObjectMapper> {

    private final ObjectMapper strict;

    @Inject
    public StrictJson(ObjectMapper applicationMapper) {
        this.strict = applyTo(applicationMapper.copy());
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return strict;
    }

    /** Makes {@code mapper} strict as described above, and returns it. */
    public static ObjectMapper applyTo(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        // null as an element of a list or a value of a map is a field violation, never an element.
        mapper.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        // null as a property's value too; Nulls.FAIL cannot say it, because it refuses an absent property of a record.
        mapper.registerModule(new SimpleModule("strict-json-nulls").setDeserializerModifier(new NullRefused()));
        // 18.0 is an integer to JSON Schema, so to the OpenAPI documents; 1.5 is not.
        mapper.registerModule(WholeNumbers.module());

        mapper.coercionConfigDefaults()
                .setAcceptBlankAsEmpty(false)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        // A string is a JSON string: true, 0 and 1.5 are not "true", "0" and "1.5".
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        // Numbers and booleans are JSON numbers and booleans, not strings that look like them;
        // an integer is not a fraction (an integer is a valid decimal, so Float accepts Integer).
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Float)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }
}
