package io.aicunet.platform.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the caller from headers: what is accepted and how each bad header is named. */
class CallerHeadersTest {

    /** Proves: a tenant UUID, a subject and roles make a single-tenant caller. */
    @Test
    void readsTenantCaller() {
        TenantId tenant = TenantId.random();
        Result<Caller> caller = CallerHeaders.parse(Map.of(
                "x-aicunet-tenant", tenant.toString(),
                "x-aicunet-subject", "svc:ledger",
                "x-aicunet-roles", "tenant-admin, tenant-viewer")::get);
        assertThat(caller.value().scope()).isEqualTo(TenantScope.of(tenant));
        assertThat(caller.value().roles()).containsExactlyInAnyOrder("tenant-admin", "tenant-viewer");
        assertThat(caller.value().subject()).isEqualTo("svc:ledger");
    }

    /** Proves: "platform" asks for platform scope. */
    @Test
    void readsPlatformCaller() {
        Result<Caller> caller = CallerHeaders.parse(Map.of(
                "x-aicunet-tenant", "platform", "x-aicunet-subject", "ops")::get);
        assertThat(caller.value().scope()).isInstanceOf(TenantScope.Platform.class);
        assertThat(caller.value().roles()).isEmpty();
    }

    /** Proves: a missing tenant and a missing subject are both named. */
    @Test
    void namesEveryMissingHeader() {
        Result<Caller> caller = CallerHeaders.parse(Map.<String, String>of()::get);
        Problem.InvalidArgument problem = (Problem.InvalidArgument) caller.problem();
        assertThat(problem.violations()).extracting(Problem.FieldViolation::field)
                .containsExactly("x-aicunet-tenant", "x-aicunet-subject");
    }

    /** Proves: a tenant that is neither a UUID nor "platform" is refused. */
    @Test
    void refusesMalformedTenant() {
        Result<Caller> caller = CallerHeaders.parse(Map.of(
                "x-aicunet-tenant", "acme", "x-aicunet-subject", "ops")::get);
        assertThat(caller.isOk()).isFalse();
        assertThat(((Problem.InvalidArgument) caller.problem()).violations().get(0).description())
                .contains("UUID");
    }
}
