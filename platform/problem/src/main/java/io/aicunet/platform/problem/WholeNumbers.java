package io.aicunet.platform.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.function.Function;

/**
 * Part of {@link StrictJson}: an integer property also takes a whole number written
 * with a fraction or an exponent ({@code 18.0}, {@code 1e2}), because JSON Schema, and
 * so every OpenAPI 3.1 document of the fleet, calls that an integer and clients and
 * fuzzers send it. A fraction ({@code 1.5}), a number beyond the property's type
 * ({@code 1e999999}, checked by exponent before anything is expanded), a string and a
 * boolean stay refused, by the same "must be ..." violation at the property's path;
 * every other token goes to Jackson's own deserializer under StrictJson's coercion rules.
 */
final class WholeNumbers {

    private WholeNumbers() {
    }

    /** Registers the whole-number reading for {@code long}, {@code int} and {@code short}, boxed or not. */
    static SimpleModule module() {
        SimpleModule module = new SimpleModule("strict-json-whole-numbers");
        add(module, long.class, Long.class, Long.MIN_VALUE, Long.MAX_VALUE, BigDecimal::longValueExact);
        add(module, int.class, Integer.class, Integer.MIN_VALUE, Integer.MAX_VALUE, BigDecimal::intValueExact);
        add(module, short.class, Short.class, Short.MIN_VALUE, Short.MAX_VALUE, BigDecimal::shortValueExact);
        return module;
    }

    private static <T extends Number> void add(SimpleModule module, Class<T> primitive, Class<T> boxed,
                                               long min, long max, Function<BigDecimal, T> exact) {
        module.addDeserializer(primitive, new Whole<>(primitive, min, max, exact));
        module.addDeserializer(boxed, new Whole<>(boxed, min, max, exact));
    }

    private static final class Whole<T extends Number> extends StdDeserializer<T> {

        private final transient JsonDeserializer<?> standard;
        private final BigDecimal min;
        private final BigDecimal max;
        private final transient Function<BigDecimal, T> exact;

        Whole(Class<T> type, long min, long max, Function<BigDecimal, T> exact) {
            super(type);
            this.standard = NumberDeserializers.find(type, type.getName());
            this.min = BigDecimal.valueOf(min);
            this.max = BigDecimal.valueOf(max);
            this.exact = exact;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_NUMBER_FLOAT)) {
                return (T) standard.deserialize(parser, context);
            }
            BigDecimal value = parser.getDecimalValue();
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0
                    || (value.signum() != 0 && value.stripTrailingZeros().scale() > 0)) {
                throw MismatchedInputException.from(parser, handledType(), "not a whole number in range: " + value);
            }
            return exact.apply(value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros().setScale(0));
        }

        @Override
        @SuppressWarnings("unchecked")
        public T getNullValue(DeserializationContext context) {
            // A primitive left out is 0, as Jackson's own deserializer has it; a boxed one is absent.
            return handledType().isPrimitive() ? (T) exact.apply(BigDecimal.ZERO) : null;
        }
    }
}
