package io.aicunet.agentstate.application.access;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.aicunet.platform.problem.InputChecks;
import io.aicunet.platform.problem.Problem.FieldViolation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;

/**
 * Checks that a text is one JSON document PostgreSQL's jsonb stores as it is meant:
 * well-formed, no trailing data, no duplicate keys (jsonb would silently keep the last)
 * and no NUL character (jsonb refuses it), within a size in UTF-8 bytes.
 */
public final class JsonDocuments {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonDocuments() {
    }

    /** The document's size in UTF-8 bytes, or empty after adding a violation for {@code field}. */
    public static OptionalInt check(String field, String text, int bytesMax, List<FieldViolation> violations) {
        if (text == null || text.isBlank()) {
            violations.add(new FieldViolation(field, "is required: a JSON document"));
            return OptionalInt.empty();
        }
        // A cheap bound first: a UTF-8 character takes at most 3 bytes per UTF-16 char.
        if (text.length() > bytesMax) {
            violations.add(new FieldViolation(field, "must be at most " + bytesMax + " bytes of UTF-8, was "
                    + "at least " + text.length()));
            return OptionalInt.empty();
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > bytesMax) {
            violations.add(new FieldViolation(field, "must be at most " + bytesMax + " bytes of UTF-8, was " + bytes));
            return OptionalInt.empty();
        }
        // Depth, lone surrogates (PostgreSQL stored them as "?"), \u0000 escapes and numbers
        // jsonb cannot store (1e999999, an exponent beyond an int, 0e-99999999), checked on the
        // text before the parser sees it.
        String hostile = InputChecks.jsonProblem(text, bytesMax);
        if (hostile != null) {
            violations.add(new FieldViolation(field, hostile));
            return OptionalInt.empty();
        }
        try (JsonParser parser = FACTORY.createParser(text)) {
            int depth = 0;
            int rootValues = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (depth == 0 && (token.isScalarValue() || token.isStructStart()) && ++rootValues > 1) {
                    violations.add(new FieldViolation(field, "is not one JSON document: data follows it"));
                    return OptionalInt.empty();
                }
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                } else if ((token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME)
                        && parser.getText().indexOf('\0') >= 0) {
                    violations.add(new FieldViolation(field, "must not contain the NUL character (\\u0000)"));
                    return OptionalInt.empty();
                }
            }
            if (rootValues == 0) {
                violations.add(new FieldViolation(field, "is not JSON: it holds no value"));
                return OptionalInt.empty();
            }
            return OptionalInt.of(bytes);
        } catch (JsonProcessingException malformed) {
            violations.add(new FieldViolation(field, "is not JSON: " + malformed.getOriginalMessage()));
            return OptionalInt.empty();
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }
}
