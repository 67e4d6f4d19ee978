package io.aicunet.agentstate.adapter.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Integer body fields that also take a whole number written as a float ({@code 18.0},
 * {@code 1e2}): JSON Schema, and so the OpenAPI document, calls it an integer, and
 * Schemathesis sends it. A fraction ({@code 1.5}), a number out of the field's range
 * ({@code 1e999999}) and every other token are refused exactly as platform's StrictJson
 * refuses them (400, "must be a JSON integer", at the field's path); a property left out
 * is 0 (a primitive) or absent.
 *
 * <p>Belongs in platform's StrictJson for every service; requested there (issue 14, by
 * tenant, ledger, config and agent-state). A copy of tenant's {@code WholeNumbers}, with
 * the boxed forms agent-state's optional fields take; delete it when StrictJson does it.
 */
final class WholeNumbers {

    private WholeNumbers() {
    }

    /** A {@code Long} field (absent: null). */
    static final class OptionalLongValue extends Whole<Long> {
        OptionalLongValue() {
            super(Long.class, Long.class, Long.MIN_VALUE, Long.MAX_VALUE, null);
        }

        @Override
        Long of(BigDecimal whole) {
            return whole.longValueExact();
        }
    }

    /** An {@code Integer} field (absent: null). */
    static final class OptionalIntValue extends Whole<Integer> {
        OptionalIntValue() {
            super(Integer.class, Integer.class, Integer.MIN_VALUE, Integer.MAX_VALUE, null);
        }

        @Override
        Integer of(BigDecimal whole) {
            return whole.intValueExact();
        }
    }

    private abstract static class Whole<T extends Number> extends StdDeserializer<T> {

        private final Class<?> target;
        private final JsonDeserializer<?> standard;
        private final BigDecimal min;
        private final BigDecimal max;
        private final T absent;

        Whole(Class<T> type, Class<?> target, long min, long max, T absent) {
            super(type);
            this.target = target;
            this.standard = NumberDeserializers.find(target, target.getName());
            this.min = BigDecimal.valueOf(min);
            this.max = BigDecimal.valueOf(max);
            this.absent = absent;
        }

        abstract T of(BigDecimal whole);

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_NUMBER_FLOAT)) {
                return (T) standard.deserialize(parser, context);
            }
            BigDecimal value = parser.getDecimalValue();
            // The range first: it compares exponents, so 1e999999 is refused without being expanded.
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0
                    || (value.signum() != 0 && value.stripTrailingZeros().scale() > 0)) {
                throw MismatchedInputException.from(parser, target, "not a whole number in range: " + value);
            }
            return of(value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros());
        }

        @Override
        public T getNullValue(DeserializationContext context) {
            return absent;
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return absent;
        }
    }
}
