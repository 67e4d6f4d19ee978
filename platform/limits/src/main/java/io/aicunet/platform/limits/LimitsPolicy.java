package io.aicunet.platform.limits;

import io.aicunet.platform.policy.OpaDocuments;
import io.aicunet.platform.policy.PolicyConfig;
import io.aicunet.platform.policy.Resource;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Asks the policy which bucket a request is counted in
 * ({@code data.aicunet.limits.decision}, platform/policy's aicunet/limits/limits.rego):
 * the tenant's, the tenant's and the principal's own (at a share of the tenant's limit), or
 * none (the fleet's own services, platform staff, the reads the policy leaves unmetered).
 * The input is the authorization's (Authorizer), without the resource's id: the answer
 * depends on who calls, where, which action and which type of resource, so it is kept for
 * {@code aicunet.limits.decision-cache-millis} per such question. Fails when OPA cannot
 * be reached or does not answer in time, and when its answer is malformed; the step then
 * refuses the request (UNAVAILABLE), as authorization does.
 */
public final class LimitsPolicy {

    /** Which buckets count a request. */
    public enum Bucket {
        TENANT, PRINCIPAL, NONE
    }

    /** The policy's answer; {@code sharePercent} is the principal bucket's share of the tenant's limit (1-100). */
    public record Decision(Bucket bucket, int sharePercent, String reason) {

        public Decision {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(reason, "reason");
            if (bucket == Bucket.PRINCIPAL && (sharePercent < 1 || sharePercent > 100)) {
                throw new IllegalArgumentException("a principal's share is 1 to 100 percent, was " + sharePercent);
            }
        }

        /**
         * Read from the plain map the OPA client returns: {@code {"bucket": "tenant"|"principal"|"none",
         * "share_percent": n, "reason": text}}. A document without a known bucket is malformed.
         */
        static Decision from(Map<?, ?> document) {
            if (document == null) {
                throw new IllegalStateException("the limits policy defines no decision for this input");
            }
            Object bucket = document.get("bucket");
            Bucket parsed = switch (String.valueOf(bucket)) {
                case "tenant" -> Bucket.TENANT;
                case "principal" -> Bucket.PRINCIPAL;
                case "none" -> Bucket.NONE;
                default -> throw new IllegalStateException("the limits policy named no known bucket: " + bucket);
            };
            int share = document.get("share_percent") instanceof Number number ? number.intValue() : 100;
            Object reason = document.get("reason");
            return new Decision(parsed, share, reason == null ? "" : String.valueOf(reason));
        }
    }

    /** What the answer depends on. */
    record Question(String subject, Set<String> roles, String homeTenant, String service, String scope,
                    String action, String resourceType, String resourceTenant) {

        static Question of(Caller caller, String action, Resource resource) {
            return new Question(caller.subject(), caller.roles(), caller.homeTenant().map(Object::toString).orElse(""),
                    caller.service().orElse(""), caller.scope().asText(), action, resource.type(),
                    resource.tenant().map(Object::toString).orElse(""));
        }

        Map<String, Object> input() {
            return Map.of(
                    "subject", subject,
                    "roles", List.copyOf(roles),
                    "principal_tenant", homeTenant,
                    "service", service,
                    "tenant", scope,
                    "action", action,
                    "resource", Map.of("type", resourceType, "id", "", "tenant", resourceTenant));
        }
    }

    /** Asks the policy engine one question. */
    @FunctionalInterface
    public interface Engine {
        Uni<Decision> ask(Map<String, Object> input);
    }

    private record Kept(Decision decision, long deadlineNanos) {
    }

    private final Engine engine;
    private final long keepNanos;
    private final int entriesMax;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Question, Kept> kept = new ConcurrentHashMap<>();

    public LimitsPolicy(Engine engine, Duration keep, int entriesMax, LongSupplier nanoClock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.keepNanos = keep.toNanos();
        this.entriesMax = entriesMax;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (entriesMax < 1 || keep.isNegative()) {
            throw new IllegalArgumentException("limits decision cache: " + keep + ", at most " + entriesMax);
        }
    }

    /** Which buckets count this request. */
    public Uni<Decision> decide(Caller caller, String action, Resource resource) {
        Question question = Question.of(caller, action, resource);
        Kept answer = kept.get(question);
        long now = nanoClock.getAsLong();
        if (answer != null && answer.deadlineNanos() - now > 0) {
            return Uni.createFrom().item(answer.decision());
        }
        return engine.ask(question.input()).invoke(decision -> {
            if (keepNanos <= 0) {
                return;
            }
            if (kept.size() >= entriesMax) {
                kept.clear();
            }
            kept.put(question, new Kept(decision, nanoClock.getAsLong() + keepNanos));
        });
    }

    /**
     * An engine with a client of its own (tests, benchmarks): OPA at
     * {@code aicunet.policy.opa-url} with its bearer token, queried for {@code decisionPath}
     * on the worker pool (the OPA client blocks), bounded by {@code aicunet.policy.timeout-millis}.
     */
    public static Engine opa(PolicyConfig config, String decisionPath) {
        return opa(new OpaDocuments(config), decisionPath);
    }

    /** The engine of a running service: the service's one OPA client ({@code OpaClient}), queried for {@code decisionPath}. */
    public static Engine opa(OpaDocuments opa, String decisionPath) {
        return input -> opa.query(decisionPath, input).map(Decision::from);
    }
}
