package io.aicunet.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves: an exception no other mapper knows is a 500 application/problem+json with an
 * incident id, and its own text (which may name internals) is not sent.
 */
class UnexpectedProblemsTest {

    @Test
    void anUnexpectedExceptionIsAProblemWithoutItsText() {
        Response answer = new UnexpectedProblems().toResponse(new NullPointerException("secret internals"));

        assertThat(answer.getStatus()).isEqualTo(500);
        assertThat(answer.getMediaType()).hasToString(HttpProblems.PROBLEM_JSON);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) answer.getEntity();
        assertThat(body).containsEntry("status", 500).containsKey("incident");
        assertThat(body.toString()).doesNotContain("secret internals").doesNotContain("NullPointerException");
    }
}
