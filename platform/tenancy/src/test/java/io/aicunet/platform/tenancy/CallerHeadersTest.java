package io.aicunet.platform.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tenant scope a request names: what is accepted, the default, and how a bad header is named. */
class CallerHeadersTest {

    /** Proves: a tenant UUID names that tenant, whatever the principal's home tenant. */
    @Test
    void namedTenantIsTheScope() {
        TenantId named = TenantId.random();
        Result<TenantScope> scope = CallerHeaders.scope(" " + named + " ", Optional.of(TenantId.random()));
        assertThat(scope.value()).isEqualTo(TenantScope.of(named));
    }

    /** Proves: "platform" asks for platform scope (the policy decides who may have it). */
    @Test
    void platformIsTheScope() {
        assertThat(CallerHeaders.scope("platform", Optional.empty()).value()).isEqualTo(TenantScope.platform());
    }

    /** Proves: without the header a tenant-bound principal acts in its home tenant. */
    @Test
    void homeTenantIsTheDefault() {
        TenantId home = TenantId.random();
        assertThat(CallerHeaders.scope(null, Optional.of(home)).value()).isEqualTo(TenantScope.of(home));
        assertThat(CallerHeaders.scope(" ", Optional.of(home)).value()).isEqualTo(TenantScope.of(home));
    }

    /** Proves: a principal bound to no tenant must name one, and a malformed one is named in the violation. */
    @Test
    void missingOrMalformedHeaderIsAFieldViolation() {
        for (Result<TenantScope> refused : new Result[] {
                CallerHeaders.scope(null, Optional.empty()), CallerHeaders.scope("acme", Optional.empty())}) {
            assertThat(refused.isOk()).isFalse();
            Problem.InvalidArgument invalid = (Problem.InvalidArgument) refused.problem();
            assertThat(invalid.violations()).extracting(Problem.FieldViolation::field)
                    .containsExactly(CallerHeaders.TENANT);
        }
    }
}
