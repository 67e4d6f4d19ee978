package io.aicunet.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proves: with StrictJson, Jackson refuses every coercion and stray value the fleet's
 * request bodies must not take, and JsonProblems names each by its JSON path; a body
 * that fits, and free-form JsonNode values of any shape, are read as sent.
 */
class StrictJsonTest {

    record Retention(@JsonProperty("data_class") String dataClass, int days) {
    }

    record Body(String reason, List<Retention> retention, Map<String, String> labels, JsonNode value,
                Boolean secret, long count, java.math.BigDecimal amount) {
    }

    private static final ObjectMapper MAPPER = strict();

    private static ObjectMapper strict() {
        return StrictJson.applyTo(new ObjectMapper());
    }

    @ParameterizedTest(name = "{0} is refused at {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"reason\": false}                                  | reason",
        "{\"reason\": 0}                                      | reason",
        "{\"reason\": 1.5}                                    | reason",
        "{\"retention\": [null]}                              | retention[0]",
        "{\"retention\": [{\"days\": \"5\"}]}                 | retention[0].days",
        "{\"retention\": [{\"days\": 1.5}]}                   | retention[0].days",
        "{\"retention\": [{\"data_class\": \"x\", \"y\": 1}]} | retention[0].y",
        "{\"labels\": {\"env\": null}}                        | labels.env",
        "{\"labels\": {\"env\": true}}                        | labels.env",
        "{\"secret\": \"true\"}                               | secret",
        "{\"secret\": 1}                                      | secret",
        "{\"count\": \"7\"}                                   | count",
        "{\"count\": true}                                    | count",
        "{\"amount\": \"1\"}                                  | amount",
        "{\"nope\": 1}                                        | nope",
        "{\"reason\": null}                                   | reason",
        "{\"count\": 1e999999}                                | count",
        "{\"count\": 9.3e18}                                  | count",
        "{\"retention\": [{\"days\": 3e9}]}                 | retention[0].days",
        "{\"retention\": [{\"days\": 2.5e0}]}               | retention[0].days",
        "{\"count\": null}                                    | count",
        "{\"secret\": null}                                   | secret",
        "{\"retention\": null}                                | retention",
        "{\"retention\": [{\"days\": null}]}                | retention[0].days",
        "{\"labels\": null}                                   | labels",
    })
    void refusedAtItsPath(String json, String field) {
        DatabindException refused = catchThrowableOfType(DatabindException.class,
                () -> MAPPER.readValue(json, Body.class));
        assertThat(refused).as(json).isNotNull();
        Problem.InvalidArgument problem = JsonProblems.problemOf(refused);
        assertThat(problem.violations()).extracting(Problem.FieldViolation::field).containsExactly(field);
    }

    @Test
    void aFittingBodyAndFreeFormValuesAreReadAsSent() throws Exception {
        Body body = MAPPER.readValue("{\"reason\": \"r\", \"retention\": [{\"data_class\": \"personal\", \"days\": 3}],"
                + " \"value\": {\"a\": [null, 1, true, \"x\"], \"b\": null}, \"secret\": true, \"count\": 2,"
                + " \"amount\": 42}", Body.class);
        assertThat(body.reason()).isEqualTo("r");
        assertThat(body.retention()).containsExactly(new Retention("personal", 3));
        assertThat(body.value().toString()).isEqualTo("{\"a\":[null,1,true,\"x\"],\"b\":null}");
        assertThat(body.amount()).isEqualByComparingTo("42");
        assertThat(MAPPER.readValue("{\"value\": 0}", Body.class).value().intValue()).isZero();
        assertThat(MAPPER.readValue("{\"value\": \"text\"}", Body.class).value().asText()).isEqualTo("text");
    }

    @ParameterizedTest(name = "{0} is not JSON")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"{\"reason\":", "{\"reason\": \"r\" x}",
        "{\"reason\": 'r'}", "{\"count\": 01}"})
    void aBodyThatIsNotJsonSaysWhere(String json) {
        com.fasterxml.jackson.core.exc.StreamReadException refused = catchThrowableOfType(
                com.fasterxml.jackson.core.exc.StreamReadException.class, () -> MAPPER.readValue(json, Body.class));
        assertThat(refused).as(json).isNotNull();
        assertThat(JsonProblems.syntaxError(refused)).startsWith("not valid JSON at line 1, column ")
                .doesNotContain("\n").hasSizeLessThan(300);
    }

    @Test
    void aWholeNumberWithAFractionOrExponentIsAnInteger() throws Exception {
        Body body = MAPPER.readValue("{\"count\": 18.0, \"retention\": [{\"days\": 1e2}, {\"days\": -0.0},"
                + " {\"days\": 2.50e1}]}", Body.class);
        assertThat(body.count()).isEqualTo(18L);
        assertThat(body.retention()).extracting(Retention::days).containsExactly(100, 0, 25);
        assertThat(MAPPER.readValue("{\"count\": 9.2e18}", Body.class).count()).isEqualTo(9_200_000_000_000_000_000L);
    }

    @Test
    void aPropertyLeftOutIsAbsentNotRefused() throws Exception {
        Body body = MAPPER.readValue("{\"retention\": [{\"data_class\": \"personal\"}]}", Body.class);
        assertThat(body.reason()).isNull();
        assertThat(body.count()).isZero();
        assertThat(body.secret()).isNull();
        assertThat(body.retention()).containsExactly(new Retention("personal", 0));
        JsonNode sentNull = MAPPER.readValue("{\"value\": null}", Body.class).value();
        assertThat(sentNull == null || sentNull.isNull()).as("a free-form null is a JSON value").isTrue();
    }
}
