package io.aicunet.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.aicunet.platform.problem.Problem.FieldViolation;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Proves: an invalid argument with hundreds of violations (CreateTenant with 337 retention
 * entries sent up to 600 KB of details) is answered with the first 20 and a count of the
 * rest, on gRPC (BadRequest plus ErrorInfo VIOLATIONS_UNLISTED) and in problem+json
 * ({@code errors} plus {@code errors_total} and {@code errors_unlisted}); descriptions that
 * quote a huge input are cut; a few violations are answered as before.
 */
class BoundedViolationsTest {

    private static final Problem.InvalidArgument MANY = new Problem.InvalidArgument(IntStream.range(0, 337)
            .mapToObj(i -> new FieldViolation("retention[" + i + "].data_class", "must be one of " + "x".repeat(2_000)))
            .toList());

    @Test
    void grpcListsTheFirstTwentyAndCountsTheRest() throws Exception {
        com.google.rpc.Status status = GrpcProblems.toStatus(MANY);

        BadRequest badRequest = status.getDetails(0).unpack(BadRequest.class);
        assertThat(badRequest.getFieldViolationsCount()).isEqualTo(Problem.InvalidArgument.LISTED_MAX);
        assertThat(badRequest.getFieldViolations(0).getDescription()).hasSizeLessThanOrEqualTo(500);
        ErrorInfo unlisted = status.getDetails(1).unpack(ErrorInfo.class);
        assertThat(unlisted.getReason()).isEqualTo("VIOLATIONS_UNLISTED");
        assertThat(unlisted.getMetadataMap()).containsEntry("violations_total", "337")
                .containsEntry("violations_unlisted", "317");
        assertThat(status.getMessage()).contains("337 fields are invalid").contains("317 more");
        assertThat(status.getSerializedSize()).isLessThan(16_000);
    }

    @Test
    void problemJsonListsTheFirstTwentyAndCountsTheRest() {
        Map<String, Object> body = HttpProblems.toBody(MANY);

        assertThat((List<?>) body.get("errors")).hasSize(Problem.InvalidArgument.LISTED_MAX);
        assertThat(body).containsEntry("errors_total", 337).containsEntry("errors_unlisted", 317);
        assertThat(body.toString().length()).isLessThan(16_000);
    }

    @Test
    void fewViolationsAreAnsweredInFull() {
        Problem.InvalidArgument few = new Problem.InvalidArgument(List.of(
                new FieldViolation("a", "is wrong"), new FieldViolation("b", "is wrong too")));

        assertThat(HttpProblems.toBody(few)).doesNotContainKey("errors_total");
        assertThat(GrpcProblems.toStatus(few).getDetailsCount()).isEqualTo(1);
        assertThat(few.detail()).isEqualTo("2 fields are invalid");
    }
}
