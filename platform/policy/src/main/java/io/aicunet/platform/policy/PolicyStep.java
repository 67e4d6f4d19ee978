package io.aicunet.platform.policy;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.tenancy.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The pipeline's authorization step: asks the policy ({@link Authorizer}) and
 * remembers its allows for {@code aicunet.policy.allow-cache.time-to-live-millis}
 * per exact question (every verified field of the principal, the scope, the action,
 * the resource). Refusals and outages are never remembered: a denied caller asks again,
 * and an OPA outage ends when OPA is back.
 *
 * <p>Concurrent calls asking the same question while it is not remembered share one
 * decision: the first asks OPA, the others wait for its answer (allow, refusal or
 * failure) instead of asking too. Without that, a burst of one principal's calls (a
 * service's 64 callers, an allow that just expired) sent as many identical queries to
 * OPA at once, each on its own connection, and on a busy machine some timed out.
 */
@ApplicationScoped
public class PolicyStep implements RequestStep {

    private final Authorizer authorizer;
    private final MeterRegistry meters;
    private final AllowCache allows;
    private final ConcurrentHashMap<Question, Uni<Optional<Problem>>> asking = new ConcurrentHashMap<>();

    public PolicyStep(Authorizer authorizer, PolicyConfig config, MeterRegistry meters) {
        this.authorizer = authorizer;
        this.meters = meters;
        this.allows = new AllowCache(config.allowCache().timeToLiveMillis() * 1_000_000L,
                config.allowCache().entriesMax(), System::nanoTime);
    }

    @Override
    public int order() {
        return AUTHORIZATION;
    }

    @Override
    public Uni<Optional<Problem>> admit(Caller caller, String action, Resource resource) {
        Question question = Question.of(caller, action, resource);
        if (allows.allowed(question)) {
            meters.counter("aicunet.policy.cached.allows", "action", action).increment();
            return Uni.createFrom().item(Optional.empty());
        }
        return asking.computeIfAbsent(question, asked -> authorizer.check(caller, action, resource)
                .invoke(refusal -> {
                    if (refusal.isEmpty()) {
                        allows.remember(asked);
                    }
                })
                .onTermination().invoke(() -> asking.remove(asked))
                .memoize().indefinitely());
    }

    /** Everything the policy's answer depends on. */
    record Question(String subject, Set<String> roles, String homeTenant, String service, String scope,
                    String action, Resource resource) {

        static Question of(Caller caller, String action, Resource resource) {
            return new Question(caller.subject(), caller.roles(), caller.homeTenant().map(Object::toString).orElse(""),
                    caller.service().orElse(""), caller.scope().asText(), action, resource);
        }
    }

    /** Allows, each until its deadline; emptied when full rather than grown without bound. */
    static final class AllowCache {

        private final long timeToLiveNanos;
        private final int entriesMax;
        private final LongSupplier nanoClock;
        private final ConcurrentHashMap<Question, Long> deadlines = new ConcurrentHashMap<>();

        AllowCache(long timeToLiveNanos, int entriesMax, LongSupplier nanoClock) {
            this.timeToLiveNanos = timeToLiveNanos;
            this.entriesMax = entriesMax;
            this.nanoClock = nanoClock;
        }

        boolean allowed(Question question) {
            Long deadline = deadlines.get(question);
            if (deadline == null) {
                return false;
            }
            if (deadline - nanoClock.getAsLong() > 0) {
                return true;
            }
            deadlines.remove(question, deadline);
            return false;
        }

        void remember(Question question) {
            if (timeToLiveNanos <= 0) {
                return;
            }
            if (deadlines.size() >= entriesMax) {
                deadlines.clear();
            }
            deadlines.put(question, nanoClock.getAsLong() + timeToLiveNanos);
        }
    }
}
