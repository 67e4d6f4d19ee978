package io.aicunet.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Proves how every service reads query parameters: whole numbers, flags and the names an operation declares. */
class QueryParametersTest {

    @Test
    void aWholeNumberIsReadInAnyNotationOfAnIntegerAndOnlyInRange() {
        assertThat(QueryParameters.wholeNumber(null, 7, 0, 500)).hasValue(7);
        assertThat(QueryParameters.wholeNumber("", 7, 0, 500)).hasValue(7);
        assertThat(QueryParameters.wholeNumber("20", 0, 0, 500)).hasValue(20);
        assertThat(QueryParameters.wholeNumber("20.0", 0, 0, 500)).hasValue(20);
        assertThat(QueryParameters.wholeNumber("2e1", 0, 0, 500)).hasValue(20);
        assertThat(QueryParameters.wholeNumber("-9223372036854775808", 0, Long.MIN_VALUE, Long.MAX_VALUE))
                .hasValue(Long.MIN_VALUE);
        for (String refused : List.of("20.5", "abc", "0x10", "501", "-1", "1e999999", "9223372036854775808",
                "1".repeat(41), " 20", "NaN", "Infinity")) {
            assertThat(QueryParameters.wholeNumber(refused, 0, 0, 500)).as(refused).isEqualTo(OptionalLong.empty());
        }
    }

    @Test
    void aMalformedNumberOrFlagIsAViolationNamingItsField() {
        List<Problem.FieldViolation> violations = new ArrayList<>();

        long size = QueryParameters.wholeNumber("page_size", "many", 0, 0, 500, violations);
        boolean layers = QueryParameters.flag("include_layers", "yes", false, violations);

        assertThat(size).isZero();
        assertThat(layers).isFalse();
        assertThat(violations).extracting(Problem.FieldViolation::field).containsExactly("page_size", "include_layers");
        assertThat(QueryParameters.flag("include_layers", "true", false, violations)).isTrue();
        assertThat(QueryParameters.flag("include_layers", null, true, violations)).isTrue();
        assertThat(violations).hasSize(2);
    }

    static class Scope {
        @QueryParam("scope")
        String scope;
        @PathParam("key")
        String key;
    }

    static class TenantScope extends Scope {
        @QueryParam("tenant_id")
        String tenantId;
    }

    @SuppressWarnings("unused")
    void operation(@PathParam("id") String id, @QueryParam("page_size") String pageSize,
                   @QueryParam("status") String status, @BeanParam TenantScope scope, String body) {
    }

    @Test
    void anOperationTakesTheQueryParametersItDeclaresAndNoOther() throws Exception {
        Set<String> declared = QueryParameters.declaredBy(getClass().getDeclaredMethod("operation",
                String.class, String.class, String.class, TenantScope.class, String.class));

        assertThat(declared).containsExactlyInAnyOrder("page_size", "status", "scope", "tenant_id");
        Problem unknown = QueryParameters.unknown("statuss", declared);
        assertThat(unknown).isInstanceOf(Problem.InvalidArgument.class);
        assertThat(((Problem.InvalidArgument) unknown).violations())
                .singleElement().satisfies(violation -> {
                    assertThat(violation.field()).isEqualTo("statuss");
                    assertThat(violation.description()).isEqualTo(
                            "is not a parameter of this operation; it takes page_size, scope, status, tenant_id");
                });
        assertThat(((Problem.InvalidArgument) QueryParameters.unknown("x".repeat(300), Set.of()))
                .violations().get(0).field()).hasSize(100);
    }
}
