package io.aicunet.platform.limits;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's request buckets in Redis, shared by every replica of every service:
 * {@code t:{<tenant>}:limits:requests} (the tenant's) and
 * {@code t:{<tenant>}:limits:requests:principal:<hash>} (one principal's, when the policy
 * gives it one; the hash is of the token's subject, so no name is stored). Both keys carry
 * the tenant's hash tag: one cluster slot, so the script may touch both. One call of
 * {@link RateLimitScript} per request: EVALSHA, and EVAL once when Redis does not know the
 * script yet (a restart, a failover).
 */
public final class RedisBuckets {

    /** Sends one command to Redis; the service's Redis client in production, any client in tests. */
    @FunctionalInterface
    public interface Commands {
        Uni<Response> send(Command command, List<String> arguments);
    }

    private final Commands redis;
    private final Duration timeout;

    public RedisBuckets(Commands redis, Duration timeout) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The tenant's bucket. */
    public static String tenantKey(TenantId tenant) {
        return "t:{" + tenant + "}:limits:requests";
    }

    /** One principal's bucket within the tenant. */
    public static String principalKey(TenantId tenant, String subject) {
        return tenantKey(tenant) + ":principal:" + subjectHash(subject);
    }

    /**
     * Takes one request from the tenant's bucket and, when {@code principal} is present,
     * from the principal's too (both or neither). Fails when Redis does not answer within
     * the timeout.
     */
    public Uni<BucketAnswer> take(TenantId tenant, BucketShape tenantShape, Optional<Principal> principal) {
        List<String> keys = new ArrayList<>(2);
        List<String> shapes = new ArrayList<>(4);
        keys.add(tenantKey(tenant));
        shapes.add(Long.toString(tenantShape.capacity()));
        shapes.add(Long.toString(tenantShape.perMinute()));
        principal.ifPresent(p -> {
            keys.add(principalKey(tenant, p.subject()));
            shapes.add(Long.toString(p.shape().capacity()));
            shapes.add(Long.toString(p.shape().perMinute()));
        });
        List<String> evalsha = new ArrayList<>();
        evalsha.add(RateLimitScript.SHA1);
        evalsha.add(Integer.toString(keys.size()));
        evalsha.addAll(keys);
        evalsha.addAll(shapes);
        List<String> eval = new ArrayList<>(evalsha);
        eval.set(0, RateLimitScript.SOURCE);
        return redis.send(Command.EVALSHA, evalsha)
                .onFailure(RedisBuckets::scriptUnknown).recoverWithUni(() -> redis.send(Command.EVAL, eval))
                .ifNoItem().after(timeout).fail()
                .map(RedisBuckets::answer);
    }

    /** A principal with a bucket of its own. */
    public record Principal(String subject, BucketShape shape) {
        public Principal {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(shape, "shape");
        }
    }

    static BucketAnswer answer(Response reply) {
        long left = Math.max(0, reply.get(2).toLong());
        if (reply.get(0).toInteger() == 1) {
            return BucketAnswer.allowed(left);
        }
        return BucketAnswer.refused(reply.get(3).toInteger() - 1, reply.get(1).toLong(), left);
    }

    private static boolean scriptUnknown(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    private static String subjectHash(String subject) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
