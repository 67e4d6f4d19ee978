package io.aicunet.platform.limits;

import io.aicunet.platform.policy.OpaDocuments;
import io.aicunet.platform.policy.RequestStep;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The request rate limit of every gRPC and REST call of every service, a step of the
 * request pipeline before authorization ({@link RequestStep#RATE_LIMIT}). The limits policy
 * ({@link LimitsPolicy}) says which buckets count the call; the tenant's quota
 * ({@link TenantQuotas}, {@code requests_per_minute}) sizes them; one script in Redis
 * ({@link RedisBuckets}) takes a request from them for every replica at once. Over the
 * limit the call is RESOURCE_EXHAUSTED / 429 with the limit and when to retry
 * (RetryInfo, {@code Retry-After}), and nothing behind this step runs.
 *
 * <p>Counted in {@code aicunet.limits.decisions{outcome}}: {@code allowed} (by Redis),
 * {@code degraded} (allowed by this replica's own buckets while Redis is unreachable),
 * {@code limited} (refused, either way), {@code exempt} (no bucket: platform scope, or the
 * policy says none). Health, metrics and OpenAPI endpoints never enter the pipeline, so
 * they are never counted nor limited.
 */
@ApplicationScoped
public class RateLimitStep implements RequestStep {

    private static final Logger LOG = Logger.getLogger(RateLimitStep.class);

    /** The setting a refusal names: the tenant's quota as the tenant service stores it. */
    public static final String LIMIT = "quotas.requests_per_minute";

    /** What a request refused at a limit of 0 is told to wait: the quota must change first. */
    static final Duration RETRY_AT_ZERO = Duration.ofSeconds(60);

    private final LimitsPolicy policy;
    private final TenantQuotas quotas;
    private final RequestRateLimiter limiter;
    private final LimitedTenants limitedTenants;
    private final int burstPercent;
    private final Counter allowed;
    private final Counter degraded;
    private final Counter limited;
    private final Counter exempt;
    private final Counter policyUnavailable;

    @Inject
    public RateLimitStep(LimitsConfig config, OpaDocuments opa, TenantQuotas quotas,
                         ReactiveRedisDataSource redis, MeterRegistry meters) {
        this(config, LimitsPolicy.opa(opa, config.decisionPath()), quotas,
                (command, arguments) -> redis.execute(command, arguments.toArray(String[]::new)), meters);
    }

    public RateLimitStep(LimitsConfig config, LimitsPolicy.Engine engine, TenantQuotas quotas,
                         RedisBuckets.Commands redis, MeterRegistry meters) {
        this.policy = new LimitsPolicy(engine, Duration.ofMillis(config.decisionCacheMillis()),
                config.decisionCacheEntriesMax(), System::nanoTime);
        this.quotas = quotas;
        this.limiter = new RequestRateLimiter(new RedisBuckets(redis, Duration.ofMillis(config.redisTimeoutMillis())),
                new LocalBuckets(config.localBucketsMax(), System::nanoTime), config.redisDownSharePercent(),
                Duration.ofMillis(config.redisRetryMillis()), System::nanoTime, meters);
        this.limitedTenants = new LimitedTenants(meters, config.topTenants(), config.topTrackedMax(),
                Duration.ofSeconds(config.topWindowSeconds()).toNanos(), System::nanoTime);
        BucketShape.of(1, config.burstPercent());
        this.burstPercent = config.burstPercent();
        this.allowed = decisions(meters, "allowed");
        this.degraded = decisions(meters, "degraded");
        this.limited = decisions(meters, "limited");
        this.exempt = decisions(meters, "exempt");
        this.policyUnavailable = meters.counter("aicunet.limits.policy.unavailable");
    }

    @Override
    public int order() {
        return RATE_LIMIT;
    }

    @Override
    public Uni<Optional<Problem>> admit(Caller caller, String action, Resource resource) {
        Optional<TenantId> charged = chargedTenant(caller);
        if (charged.isEmpty()) {
            // Bound to no tenant and acting at platform scope: only platform staff and the
            // fleet's services do, and authorization refuses anyone else right after.
            exempt.increment();
            return Uni.createFrom().item(Optional.empty());
        }
        TenantId tenant = charged.get();
        limitedTenants.tick();
        return policy.decide(caller, action, resource)
                .onFailure().invoke(failure -> {
                    policyUnavailable.increment();
                    LOG.warnf("the limits policy could not be asked for %s (%s): refused", action, failure.toString());
                })
                .flatMap(decision -> decision.bucket() == LimitsPolicy.Bucket.NONE
                        ? exempted()
                        : limit(caller, tenant, decision))
                .onFailure().recoverWithItem(failure -> Optional.of(new Problem.Unavailable(
                        "the request rate limit cannot be decided right now; nothing was changed")));
    }

    /**
     * The tenant whose bucket counts the caller: the tenant its token binds it to (verified),
     * whatever scope it names, so its calls on another tenant (which authorization refuses)
     * still count against its own; otherwise the tenant it acts on. The policy exempts the
     * callers bound to no tenant that may act there (the fleet's services, platform staff).
     */
    static Optional<TenantId> chargedTenant(Caller caller) {
        if (caller.homeTenant().isPresent()) {
            return caller.homeTenant();
        }
        return caller.scope() instanceof TenantScope.SingleTenant single ? Optional.of(single.tenant()) : Optional.empty();
    }

    private Uni<Optional<Problem>> exempted() {
        exempt.increment();
        return Uni.createFrom().item(Optional.empty());
    }

    private Uni<Optional<Problem>> limit(Caller caller, TenantId tenant, LimitsPolicy.Decision decision) {
        return quotas.of(tenant).flatMap(quota -> {
            BucketShape tenantShape = BucketShape.of(quota.requestsPerMinute(), burstPercent);
            Optional<RedisBuckets.Principal> principal = decision.bucket() == LimitsPolicy.Bucket.PRINCIPAL
                    ? Optional.of(new RedisBuckets.Principal(caller.subject(), tenantShape.share(decision.sharePercent())))
                    : Optional.empty();
            return limiter.take(tenant, tenantShape, principal).map(verdict -> {
                if (verdict.answer().allowed()) {
                    (verdict.local() ? degraded : allowed).increment();
                    return Optional.<Problem>empty();
                }
                limited.increment();
                limitedTenants.record(tenant);
                return Optional.<Problem>of(refusal(tenant, quota, tenantShape, principal, verdict.answer()));
            });
        });
    }

    static Problem refusal(TenantId tenant, Quotas quota, BucketShape tenantShape,
                           Optional<RedisBuckets.Principal> principal, BucketAnswer answer) {
        Duration retryAfter = answer.retryAfterMillis().map(Duration::ofMillis).orElse(RETRY_AT_ZERO);
        String retry = "; retry in " + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + " s; nothing was done";
        if (quota.requestsPerMinute() == 0) {
            return new Problem.ResourceExhausted(LIMIT, "tenants/" + tenant + "/requests", 0, 0,
                    "tenant " + tenant + " may make no requests (its quota is 0 a minute): only the reads the"
                            + " policy leaves unmetered pass" + retry, Optional.of(retryAfter));
        }
        if (answer.refusedBucket() == 1 && principal.isPresent()) {
            BucketShape own = principal.get().shape();
            return new Problem.ResourceExhausted(LIMIT, "tenants/" + tenant + "/principals/requests", own.perMinute(),
                    own.perMinute(), "this principal made the most requests its share of tenant " + tenant
                    + "'s limit allows: " + own.perMinute() + " a minute, " + own.capacity() + " at once" + retry,
                    Optional.of(retryAfter));
        }
        long used = Math.max(0, tenantShape.capacity() - answer.tokensLeft());
        return new Problem.ResourceExhausted(LIMIT, "tenants/" + tenant + "/requests", quota.requestsPerMinute(),
                Math.min(used, quota.requestsPerMinute()), "tenant " + tenant + " made the most requests its quota"
                + " allows: " + quota.requestsPerMinute() + " a minute, " + tenantShape.capacity() + " at once"
                + retry, Optional.of(retryAfter));
    }

    private static Counter decisions(MeterRegistry meters, String outcome) {
        return Counter.builder("aicunet.limits.decisions").tag("outcome", outcome)
                .description("Request rate limit decisions of this replica").register(meters);
    }
}
