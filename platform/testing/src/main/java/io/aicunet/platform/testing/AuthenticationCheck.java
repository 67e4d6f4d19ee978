package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The authentication check every service runs on one of its write calls, over gRPC and
 * over REST: every caller without a verified identity is refused as unauthenticated
 * (UNAUTHENTICATED / 401 with a {@code Bearer} challenge) and counted under the reason it
 * was refused for, a verified principal of one tenant may not act on another, and the
 * control token, which differs from each refused token in one thing only, is not refused
 * as unauthenticated: each refusal is for the flaw it names.
 *
 * <p>The service's test gives two probes that make the same write with the headers they
 * are handed, and proves around {@link #assertUnverifiedCallersRefused()} and
 * {@link #assertOtherTenantRefused()} that nothing changed; after
 * {@link #assertVerifiedCallerAccepted()} it may prove that the probe does write, so
 * that "nothing changed" would have seen a write.
 */
public final class AuthenticationCheck {

    /** What a REST probe answers: the status and the {@code WWW-Authenticate} header (null when absent). */
    public record RestAnswer(int status, String challenge) {
    }

    /** The refusal counter as {@code /q/metrics} shows it. */
    public static final String REFUSALS_METRIC = "aicunet_authentication_refusals_total";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern METRIC_LINE =
            Pattern.compile("^" + REFUSALS_METRIC + "\\{([^}]*)}\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern REASON_LABEL = Pattern.compile("(?:^|,)\\s*reason=\"([^\"]*)\"");

    private final String service;
    private final URL serviceUrl;
    private final String tenant;
    private final Set<String> roles;
    private final Function<Map<String, String>, Status.Code> grpc;
    private final Function<Map<String, String>, RestAnswer> rest;

    private AuthenticationCheck(String service, URL serviceUrl, String tenant, Set<String> roles,
                                Function<Map<String, String>, Status.Code> grpc,
                                Function<Map<String, String>, RestAnswer> rest) {
        this.service = service;
        this.serviceUrl = serviceUrl;
        this.tenant = tenant;
        this.roles = Set.copyOf(roles);
        this.grpc = grpc;
        this.rest = rest;
    }

    /**
     * The check of {@code service} (its application name, e.g. {@code agent-state}) at
     * {@code serviceUrl}, whose probes act on {@code tenant} (the {@code x-aicunet-tenant}
     * header; a tenant id, or {@code platform}) and may do so with {@code roles}. The probes
     * return the call's status code (OK when it succeeded) and the response's status and
     * challenge.
     */
    public static AuthenticationCheck of(String service, URL serviceUrl, String tenant, Set<String> roles,
                                         Function<Map<String, String>, Status.Code> grpc,
                                         Function<Map<String, String>, RestAnswer> rest) {
        return new AuthenticationCheck(service, serviceUrl, tenant, roles, grpc, rest);
    }

    /**
     * Every token flaw, no token at all, identity headers without a token (a platform
     * administrator's and the tenant's own) and Basic credentials: each is UNAUTHENTICATED
     * on gRPC and 401 with a Bearer challenge on REST, and each raises the refusal counter
     * of its own reason by one per call.
     */
    public void assertUnverifiedCallersRefused() {
        ForgedTokens tokens = ForgedTokens.of(service, subject(), tenantClaim(), roles);
        for (ForgedTokens.Flaw flaw : ForgedTokens.Flaw.values()) {
            assertRefusedAsUnauthenticated(flaw + " token", reasonOf(flaw),
                    TestCallers.withToken(tokens.with(flaw), tenant));
        }
        assertRefusedAsUnauthenticated("no token", "missing", TestCallers.withToken(null, tenant));
        assertRefusedAsUnauthenticated("platform identity headers without a token", "missing",
                Map.of(TestCallers.TENANT, "platform", "x-aicunet-subject", "ops",
                        "x-aicunet-roles", "platform-admin"));
        Map<String, String> tenantHeaders = new LinkedHashMap<>(TestCallers.withToken(null, tenant));
        tenantHeaders.put("x-aicunet-subject", subject());
        tenantHeaders.put("x-aicunet-roles", String.join(",", roles));
        assertRefusedAsUnauthenticated("the tenant's identity headers without a token", "missing", tenantHeaders);
        Map<String, String> basic = new LinkedHashMap<>(TestCallers.withToken(null, tenant));
        basic.put(TestCallers.AUTHORIZATION, "Basic " + Base64.getEncoder()
                .encodeToString("ops:platform-admin".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertRefusedAsUnauthenticated("Basic credentials", "malformed", basic);
    }

    /**
     * A real token of the identity provider, for a user of another tenant with the same
     * roles, acting on this check's tenant: PERMISSION_DENIED / 403, or NOT_FOUND / 404
     * where a service does not let on that the resource exists.
     */
    public void assertOtherTenantRefused() {
        String otherTenant = UUID.randomUUID().toString();
        String token = TestTokens.user("intruder@" + otherTenant.substring(0, 8), Optional.of(otherTenant), roles);
        Map<String, String> headers = TestCallers.withToken(token, tenant);
        assertThat(grpc.apply(headers))
                .as("gRPC: a user of tenant %s acting on %s", otherTenant, tenant)
                .isIn(Status.Code.PERMISSION_DENIED, Status.Code.NOT_FOUND);
        assertThat(rest.apply(headers).status())
                .as("REST: a user of tenant %s acting on %s", otherTenant, tenant)
                .isIn(403, 404);
    }

    /**
     * The control token (each refused token's twin without its flaw) is not refused as
     * unauthenticated, on gRPC nor on REST: the refusals above are for their flaws. The
     * probes run once each, so a probe that writes has written twice afterwards.
     */
    public void assertVerifiedCallerAccepted() {
        ForgedTokens tokens = ForgedTokens.of(service, subject(), tenantClaim(), roles);
        Map<String, String> headers = TestCallers.withToken(tokens.control(), tenant);
        assertThat(grpc.apply(headers)).as("gRPC: the control token").isNotEqualTo(Status.Code.UNAUTHENTICATED);
        RestAnswer answer = rest.apply(headers);
        assertThat(answer.status()).as("REST: the control token (challenge %s)", answer.challenge()).isNotEqualTo(401);
    }

    /** The service's metrics show the refusal counter for each of these reasons, above zero. */
    public static void assertRefusalsCounted(URL serviceUrl, Set<String> reasons) {
        Map<String, Double> counted = refusals(serviceUrl);
        for (String reason : reasons) {
            assertThat(counted.getOrDefault(reason, 0.0))
                    .as("%s{reason=\"%s\"} in %s/q/metrics", REFUSALS_METRIC, reason, serviceUrl)
                    .isPositive();
        }
    }

    /** The refusal counter by reason, as the service's {@code /q/metrics} shows it now. */
    public static Map<String, Double> refusals(URL serviceUrl) {
        String metrics = metricsText(serviceUrl);
        Map<String, Double> counts = new LinkedHashMap<>();
        Matcher line = METRIC_LINE.matcher(metrics);
        while (line.find()) {
            Matcher reason = REASON_LABEL.matcher(line.group(1));
            if (reason.find()) {
                counts.merge(reason.group(1), Double.parseDouble(line.group(2)), Double::sum);
            }
        }
        return counts;
    }

    private void assertRefusedAsUnauthenticated(String caller, String reason, Map<String, String> headers) {
        double before = refusals(serviceUrl).getOrDefault(reason, 0.0);
        assertThat(grpc.apply(headers)).as("gRPC: %s", caller).isEqualTo(Status.Code.UNAUTHENTICATED);
        RestAnswer answer = rest.apply(headers);
        assertThat(answer.status()).as("REST: %s", caller).isEqualTo(401);
        assertThat(answer.challenge()).as("REST: the challenge to %s", caller).isNotNull().startsWith("Bearer");
        Map<String, Double> after = refusals(serviceUrl);
        assertThat(after.getOrDefault(reason, 0.0) - before)
                .as("refusals of %s counted under reason \"%s\" (all refusals now: %s)", caller, reason, after)
                .isEqualTo(2.0);
    }

    private static String reasonOf(ForgedTokens.Flaw flaw) {
        return switch (flaw) {
            case EXPIRED -> "expired";
            case NOT_YET_VALID -> "not-yet-valid";
            case WRONG_ISSUER -> "issuer";
            case WRONG_AUDIENCE -> "audience";
            case WRONG_SIGNATURE -> "signature";
            case UNSIGNED, HMAC_WITH_PUBLIC_KEY -> "algorithm";
        };
    }

    private String subject() {
        return "forger@" + tenant.substring(0, Math.min(8, tenant.length()));
    }

    /** The control token binds its user to the check's tenant, unless the check acts at platform scope. */
    private Optional<String> tenantClaim() {
        return "platform".equals(tenant) ? Optional.empty() : Optional.of(tenant);
    }

    private static String metricsText(URL serviceUrl) {
        URI metrics = URI.create(serviceUrl.toString().replaceAll("/+$", "") + "/q/metrics");
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(20))
                    .header("accept", "text/plain").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as("GET %s", metrics).isEqualTo(200);
            return answer.body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + metrics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
