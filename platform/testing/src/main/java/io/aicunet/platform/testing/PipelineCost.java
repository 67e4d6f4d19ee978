package io.aicunet.platform.testing;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.CallerAuthentication;
import io.aicunet.platform.tenancy.CallerHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * What the request pipeline adds to every call, measured in process with warm caches:
 * the services' own classes ({@link CallerAuthentication} on SmallRye JWT, and the
 * policy step the benchmark hands in) against the local stack's Keycloak and OPA, no
 * service running. Each step is warmed up first (the JIT compiles it), then timed call
 * by call; the figures are the median and the 99th percentile in microseconds.
 *
 * <ul>
 *   <li>before: the caller headers of the old pipeline. The old parser
 *       ({@code CallerHeaders.parse}, before issue 12) is gone; what is left of it is the
 *       tenant header's parse ({@link CallerHeaders#scope}), measured here. The old
 *       subject and roles checks (one regular expression match, one split) are not
 *       measured: well under a microsecond.</li>
 *   <li>token: {@link CallerAuthentication#authenticate} of a real Keycloak token (RS256
 *       signature, issuer, audience, expiry, claims into a {@link Caller}), the issuer's
 *       keys cached (fetched once from the JWKS at the first call, as in a running service).</li>
 *   <li>policy, cache miss: the policy step with its allow cache off, so every call is
 *       an OPA round trip (HTTP, bearer token, Rego evaluation).</li>
 *   <li>policy, cache hit: the policy step answering from its allow cache.</li>
 *   <li>token + policy, warm and cold: both steps in one timed call, as a request pays them.</li>
 * </ul>
 *
 * <p>The policy step comes from the benchmark ({@link PolicySteps}): this module cannot
 * depend on platform/policy, whose tests depend on this module. Each service's
 * benchmark builds the real {@code PolicyStep} with {@link #policyConfig} and asks the
 * question its own hot call asks.
 */
public final class PipelineCost {

    private static final int FAST_WARM_UP = 200_000;
    private static final int FAST_CALLS = 200_000;
    private static final int TOKEN_WARM_UP = 20_000;
    private static final int TOKEN_CALLS = 20_000;
    private static final int OPA_WARM_UP = 1_000;
    private static final int OPA_CALLS = 2_000;

    /** The service's policy step asking its question (action, resource) for a verified caller. */
    @FunctionalInterface
    public interface Admission {
        Uni<Optional<Problem>> admit(Caller caller);
    }

    /** Builds the service's policy step with an allow cache that keeps allows this long (0: never). */
    @FunctionalInterface
    public interface PolicySteps {
        Admission withAllowCacheMillis(long millis);
    }

    /** One step's figures, in microseconds. */
    public record Figure(String name, int calls, double medianMicros, double p99Micros) {

        String line() {
            return String.format(Locale.ROOT, "  %-44s median %9.2f µs   p99 %9.2f µs   (%,d calls)", name,
                    medianMicros, p99Micros, calls);
        }
    }

    /** What one measurement found. */
    public record Report(String service, List<Figure> figures) {

        public Figure figure(String name) {
            return figures.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
        }

        /** The figures, one a line, under a heading. */
        public String text() {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                    "== pipeline cost per call (%s; in process, warm JIT, issuer keys cached) ==%n", service));
            figures.forEach(f -> text.append(f.line()).append(System.lineSeparator()));
            Figure before = figure(BEFORE);
            Figure token = figure(TOKEN);
            Figure warm = figure(WARM);
            Figure cold = figure(COLD);
            text.append(String.format(Locale.ROOT,
                    "  added per call, warm allow cache (token + hit): median %.2f µs, p99 %.2f µs%n",
                    warm.medianMicros(), warm.p99Micros()));
            text.append(String.format(Locale.ROOT,
                    "  added per call, cold allow cache (token + OPA): median %.2f µs, p99 %.2f µs%n",
                    cold.medianMicros(), cold.p99Micros()));
            text.append(String.format(Locale.ROOT,
                    "  before (tenant header parse): median %.2f µs; token verification replaces it: +%.2f µs%n",
                    before.medianMicros(), token.medianMicros() - before.medianMicros()));
            return text.toString();
        }
    }

    static final String BEFORE = "before: caller headers (tenant header parse)";
    static final String TOKEN = "token verification (RS256, cached JWKS)";
    static final String MISS = "policy, allow-cache miss (OPA round trip)";
    static final String HIT = "policy, allow-cache hit";
    static final String WARM = "token + policy, warm allow cache";
    static final String COLD = "token + policy, cold allow cache";

    private PipelineCost() {
    }

    /**
     * Measures the pipeline of {@code service} (its audience is {@code aicunet-<service>})
     * for a user of a new tenant with {@code roles}, acting on that tenant; the policy
     * steps must allow that caller the question they ask.
     */
    public static Report measure(String service, Set<String> roles, PolicySteps policy) {
        // The policy step queries OPA on Mutiny's worker pool (Quarkus' worker pool in the
        // services). Mutiny's own default keeps a non-daemon scheduler thread that would keep
        // this JVM, and exec:java, alive after the benchmark ends: daemon threads instead.
        Infrastructure.setDefaultExecutor(Executors.newScheduledThreadPool(4, work -> {
            Thread thread = new Thread(work, "pipeline-cost-worker");
            thread.setDaemon(true);
            return thread;
        }), true);
        String tenant = UUID.randomUUID().toString();
        String authorization = "Bearer " + TestTokens.user("pipeline-cost", Optional.of(tenant), roles);
        CallerAuthentication authentication = authentication(service);
        Admission miss = policy.withAllowCacheMillis(0);
        // Long enough that no entry expires while the hits are timed (production keeps allows 1 s).
        Admission hit = policy.withAllowCacheMillis(600_000);
        Caller caller = verified(authentication.authenticate(authorization, tenant));
        allowed(hit.admit(caller));

        List<Figure> figures = new ArrayList<>();
        figures.add(time(BEFORE, FAST_WARM_UP, FAST_CALLS,
                () -> CallerHeaders.scope(tenant, Optional.empty()).value()));
        figures.add(time(TOKEN, TOKEN_WARM_UP, TOKEN_CALLS,
                () -> verified(authentication.authenticate(authorization, tenant))));
        figures.add(time(MISS, OPA_WARM_UP, OPA_CALLS, () -> allowed(miss.admit(caller))));
        figures.add(time(HIT, FAST_WARM_UP, FAST_CALLS, () -> allowed(hit.admit(caller))));
        figures.add(time(WARM, TOKEN_WARM_UP, TOKEN_CALLS,
                () -> allowed(hit.admit(verified(authentication.authenticate(authorization, tenant))))));
        figures.add(time(COLD, OPA_WARM_UP, OPA_CALLS,
                () -> allowed(miss.admit(verified(authentication.authenticate(authorization, tenant))))));
        return new Report(service, List.copyOf(figures));
    }

    /**
     * The caller authentication of {@code service} as its settings configure it (platform/tenancy's
     * defaults: RS256 only, audience {@code aicunet-<service>}, 30 s clock skew, roles from
     * {@code roles}, keys refreshed hourly), against the local stack's issuer.
     */
    public static CallerAuthentication authentication(String service) {
        return new CallerAuthentication(new DefaultJWTParser(jwtSettings(service)), new SimpleMeterRegistry(),
                Set.of("RS256"));
    }

    /** The SmallRye JWT settings {@link #authentication} verifies with. */
    public static JWTAuthContextInfo jwtSettings(String service) {
        JWTAuthContextInfo settings = new JWTAuthContextInfo(
                FleetStack.issuer() + "/protocol/openid-connect/certs", FleetStack.issuer());
        settings.setExpectedAudience(Set.of("aicunet-" + service));
        settings.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
        settings.setGroupsPath("roles");
        settings.setClockSkew(30);
        settings.setJwksRefreshInterval(60);
        settings.setForcedJwksRefreshInterval(1);
        settings.setTlsCertificatePath(FleetStack.caCertificate().toString());
        return settings;
    }

    /**
     * The policy module's settings ({@code aicunet.policy.*}, a SmallRye config mapping such
     * as {@code PolicyConfig}) for the local stack's OPA with its token, allows kept
     * {@code allowCacheMillis}; this JVM then trusts the stack's CA
     * ({@link ServiceTls#trustStackCaInThisJvm()}).
     */
    public static <T> T policyConfig(Class<T> mapping, long allowCacheMillis) {
        // OPA serves HTTPS with the stack's certificate: the client, built outside an
        // application (no TLS registry), verifies it with this JVM's default trust.
        ServiceTls.trustStackCaInThisJvm();
        return new SmallRyeConfigBuilder()
                .withMapping(mapping)
                .withDefaultValues(Map.of(
                        "aicunet.policy.opa-url", FleetStack.opaUrl(),
                        "aicunet.policy.bearer-token", FleetStack.opaToken(),
                        "aicunet.policy.allow-cache.time-to-live-millis", Long.toString(allowCacheMillis)))
                .build()
                .getConfigMapping(mapping);
    }

    private static Figure time(String name, int warmUp, int calls, Supplier<Object> step) {
        // Every answer is kept for a while, so the JIT cannot drop a call whose answer goes unused.
        Object[] answers = new Object[1024];
        for (int i = 0; i < warmUp; i++) {
            answers[i & 1023] = step.get();
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            answers[i & 1023] = step.get();
            nanos[i] = System.nanoTime() - start;
        }
        if (Arrays.stream(answers).anyMatch(answer -> answer == null)) {
            throw new IllegalStateException(name + " answered nothing");
        }
        Arrays.sort(nanos);
        return new Figure(name, calls, nanos[calls / 2] / 1e3,
                nanos[(int) Math.ceil(calls * 0.99) - 1] / 1e3);
    }

    private static Caller verified(Result<Caller> caller) {
        if (!caller.isOk()) {
            throw new IllegalStateException("the benchmark's token was refused: " + caller.problem());
        }
        return caller.value();
    }

    private static Boolean allowed(Uni<Optional<Problem>> decision) {
        Optional<Problem> refusal = decision.await().indefinitely();
        if (refusal.isPresent()) {
            throw new IllegalStateException("the policy refused the benchmark's caller: " + refusal.get());
        }
        return Boolean.TRUE;
    }
}
