package io.aicunet.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.QuotaFailure;
import com.google.rpc.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapping of problems to gRPC statuses and RFC 9457 bodies. */
class ProblemMappingTest {

    /** Proves: field violations become INVALID_ARGUMENT with BadRequest details and a 400 body listing each field. */
    @Test
    void invalidArgumentNamesEveryField() throws Exception {
        Problem problem = new Problem.InvalidArgument(List.of(
                new Problem.FieldViolation("slug", "too short"), new Problem.FieldViolation("region", "unknown")));

        Status status = GrpcProblems.toStatus(problem);
        assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
        assertThat(status.getDetails(0).unpack(BadRequest.class).getFieldViolationsList())
                .extracting(BadRequest.FieldViolation::getField).containsExactly("slug", "region");

        Map<String, Object> body = HttpProblems.toBody(problem);
        assertThat(body).containsEntry("status", 400).containsEntry("detail", "2 fields are invalid");
        assertThat(body.get("errors")).asList().hasSize(2);
    }

    /** Proves: a conflict keeps its machine-readable reason on both edges. */
    @Test
    void conflictKeepsItsReason() throws Exception {
        Problem problem = new Problem.Conflict("IDEMPOTENCY_KEY_REUSED", "key k was used for another request");

        Status status = GrpcProblems.toStatus(problem);
        assertThat(status.getCode()).isEqualTo(Code.ALREADY_EXISTS_VALUE);
        assertThat(status.getDetails(0).unpack(ErrorInfo.class).getReason()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(HttpProblems.toBody(problem)).containsEntry("status", 409)
                .containsEntry("type", "https://aicunet.io/problems/conflict/idempotency-key-reused");
    }

    /** Proves: a failed precondition carries its type and subject; unavailable is 503 / UNAVAILABLE. */
    @Test
    void preconditionAndUnavailable() throws Exception {
        Status precondition = GrpcProblems.toStatus(
                new Problem.FailedPrecondition("ILLEGAL_STATUS_TRANSITION", "tenants/1", "no"));
        PreconditionFailure.Violation violation =
                precondition.getDetails(0).unpack(PreconditionFailure.class).getViolations(0);
        assertThat(violation.getType()).isEqualTo("ILLEGAL_STATUS_TRANSITION");
        assertThat(violation.getSubject()).isEqualTo("tenants/1");

        Problem unavailable = new Problem.Unavailable("down");
        assertThat(GrpcProblems.toStatus(unavailable).getCode()).isEqualTo(Code.UNAVAILABLE_VALUE);
        assertThat(HttpProblems.toResponse(unavailable).getStatus()).isEqualTo(503);
    }

    /**
     * Proves: a reached bound is RESOURCE_EXHAUSTED with QuotaFailure (what is bounded) and
     * ErrorInfo (the setting, its value, the count now), and a 429 body with those members.
     */
    @Test
    void resourceExhaustedNamesTheBoundAndTheCount() throws Exception {
        Problem problem = new Problem.ResourceExhausted("agent-state.tasks.queues-per-tenant-max", "tenants/1/queues",
                20, 20, "tenant 1 has 20 queues, the most it may have");

        Status status = GrpcProblems.toStatus(problem);
        assertThat(status.getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED_VALUE);
        assertThat(status.getDetails(0).unpack(QuotaFailure.class).getViolations(0).getSubject())
                .isEqualTo("tenants/1/queues");
        ErrorInfo info = status.getDetails(1).unpack(ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("agent-state.tasks.queues-per-tenant-max");
        assertThat(info.getMetadataMap()).containsEntry("bound", "20").containsEntry("current", "20");

        assertThat(HttpProblems.toResponse(problem).getStatus()).isEqualTo(429);
        assertThat(HttpProblems.toBody(problem)).containsEntry("type", "https://aicunet.io/problems/resource-exhausted")
                .containsEntry("limit", "agent-state.tasks.queues-per-tenant-max")
                .containsEntry("bound", 20L).containsEntry("current", 20L);
    }

    /**
     * Proves: a rate limit's refusal carries when to retry: RetryInfo with the exact delay on
     * gRPC, a Retry-After header in whole seconds rounded up (at least 1) and
     * retry_after_millis on REST; a bound without a delay has neither.
     */
    @Test
    void resourceExhaustedWithADelaySaysWhenToRetry() throws Exception {
        Problem limited = new Problem.ResourceExhausted("quotas.requests_per_minute", "tenants/1/requests", 60, 60,
                "tenant 1 made its 60 requests of this minute", java.util.Optional.of(java.time.Duration.ofMillis(1_200)));

        Status status = GrpcProblems.toStatus(limited);
        com.google.rpc.RetryInfo retry = status.getDetailsList().stream()
                .filter(detail -> detail.is(com.google.rpc.RetryInfo.class)).findFirst().orElseThrow()
                .unpack(com.google.rpc.RetryInfo.class);
        assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
        assertThat(retry.getRetryDelay().getNanos()).isEqualTo(200_000_000);
        jakarta.ws.rs.core.Response response = HttpProblems.toResponse(limited);
        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("2");
        assertThat(HttpProblems.toBody(limited)).containsEntry("retry_after_millis", 1_200L);

        Problem soon = new Problem.ResourceExhausted("quotas.requests_per_minute", "tenants/1/requests", 6000, 6000,
                "soon", java.util.Optional.of(java.time.Duration.ofMillis(3)));
        assertThat(HttpProblems.toResponse(soon).getHeaderString("Retry-After")).isEqualTo("1");

        Problem held = new Problem.ResourceExhausted("agent-state.tasks.queues-per-tenant-max", "tenants/1/queues",
                20, 20, "full");
        assertThat(HttpProblems.toResponse(held).getHeaderString("Retry-After")).isNull();
        assertThat(GrpcProblems.toStatus(held).getDetailsList())
                .noneMatch(detail -> detail.is(com.google.rpc.RetryInfo.class));
        assertThat(HttpProblems.toBody(held)).doesNotContainKey("retry_after_millis");
    }
}
