package io.aicunet.platform.limits;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The token-bucket script every replica runs in Redis, one call per request: it refills
 * each bucket named in KEYS (the tenant's, and the principal's when the policy asks for
 * one) for the time since it was last touched, and takes one request from all of them
 * only if every one holds a whole request, so the buckets change together or not at all.
 * The clock is Redis' own ({@code TIME}): replicas' clocks never enter the arithmetic, so
 * skew between them cannot let a tenant exceed its limit. A bucket whose stored time is
 * ahead of the clock (a failover to a replica whose clock is behind) is not refilled until
 * the clock passes it: a tenant never gains from a clock going back.
 *
 * <p>Each bucket is a hash {@code tokens} (a real number), {@code at} (ms, Redis clock);
 * its key expires when the bucket would be full again (plus 1 s), because a full bucket
 * and no key mean the same. ARGV holds, per key, its capacity and its refill per minute.
 * Answer: {allowed 1|0, wait ms (-1: never refills), tokens left in KEYS[1] rounded down,
 * index of the refusing key (0 when allowed)}.
 */
public final class RateLimitScript {

    public static final String SOURCE = """
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local levels, stamps = {}, {}
            local wait, refused = 0, 0
            for i = 1, #KEYS do
              local capacity = tonumber(ARGV[2 * i - 1])
              local rate = tonumber(ARGV[2 * i]) / 60000
              local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
              local tokens, at = tonumber(state[1]), tonumber(state[2])
              if tokens == nil or at == nil then
                tokens, at = capacity, now
              end
              if now > at then
                tokens = tokens + (now - at) * rate
                at = now
              end
              if tokens > capacity then
                tokens = capacity
              end
              levels[i], stamps[i] = tokens, at
              if tokens < 1 then
                if refused == 0 then
                  refused = i
                end
                if rate <= 0 then
                  wait = -1
                elseif wait >= 0 then
                  wait = math.max(wait, math.ceil((1 - tokens) / rate))
                end
              end
            end
            for i = 1, #KEYS do
              local capacity = tonumber(ARGV[2 * i - 1])
              local rate = tonumber(ARGV[2 * i]) / 60000
              local tokens = levels[i]
              if refused == 0 then
                tokens = tokens - 1
              end
              redis.call('HSET', KEYS[i], 'tokens', tostring(tokens), 'at', tostring(stamps[i]))
              local ttl = 60000
              if rate > 0 then
                ttl = math.ceil((capacity - tokens) / rate)
              end
              redis.call('PEXPIRE', KEYS[i], ttl + 1000)
            end
            local left = levels[1]
            if refused == 0 then
              left = left - 1
            end
            return {refused == 0 and 1 or 0, wait, math.floor(left), refused}
            """;

    /** The script's SHA-1, as EVALSHA names it. */
    public static final String SHA1 = sha1(SOURCE);

    private RateLimitScript() {
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
