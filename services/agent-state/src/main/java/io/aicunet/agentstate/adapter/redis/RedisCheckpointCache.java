package io.aicunet.agentstate.adapter.redis;

import com.google.protobuf.InvalidProtocolBufferException;
import io.aicunet.agentstate.application.access.TenantCipher;
import io.aicunet.agentstate.application.contract.AgentStateProtos;
import io.aicunet.agentstate.application.port.CheckpointCache;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.agentstate.domain.Checkpoint;
import io.aicunet.agentstate.domain.CheckpointSummary;
import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.agentstate.domain.ThreadId;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * The latest-checkpoint cache as one Redis hash per thread: {@code version},
 * {@code checkpoint} (the contract's Checkpoint message, its {@code state_json} holding
 * the state's ciphertext, never the state in clear) and {@code fence}. Every write sets
 * the TTL, since a state holds personal data.
 */
@ApplicationScoped
public class RedisCheckpointCache implements CheckpointCache {

    /**
     * Raises the fence to ARGV[1] (never lowers it) and drops a cached checkpoint below it:
     * it would never be served again, and a deleted thread's state should not linger.
     */
    private static final RedisScript FENCE = RedisScript.of("cache fence", """
            local fence = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
            if tonumber(ARGV[1]) > fence then
              redis.call('HSET', KEYS[1], 'fence', ARGV[1])
            end
            local cached = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
            if cached < tonumber(ARGV[1]) then
              redis.call('HDEL', KEYS[1], 'version', 'checkpoint')
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """);

    /** Stores checkpoint ARGV[2] of version ARGV[1], unless the fence or the cached version is newer. */
    private static final RedisScript PUT = RedisScript.of("cache put", """
            local version = tonumber(ARGV[1])
            local fence = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
            local cached = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
            if version < fence or version <= cached then
              return 0
            end
            redis.call('HSET', KEYS[1], 'version', ARGV[1], 'fence', ARGV[1], 'checkpoint', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """);

    private final RedisCommands redis;
    private final long ttlMillis;

    public RedisCheckpointCache(RedisCommands redis, AgentStateServiceConfig config) {
        this.redis = redis;
        this.ttlMillis = config.cache().ttlMillis();
    }

    @Override
    public Uni<Optional<StoredCheckpoint>> latest(TenantId tenant, ThreadId thread) {
        return redis.send(Command.HMGET, RedisKeys.latestCheckpoint(tenant, thread), "version", "fence", "checkpoint")
                .map(reply -> {
                    Response version = reply.get(0);
                    Response fence = reply.get(1);
                    Response checkpoint = reply.get(2);
                    if (version == null || checkpoint == null
                            || fence != null && fence.toLong() > version.toLong()) {
                        return Optional.empty();
                    }
                    StoredCheckpoint cached = parse(checkpoint.toBytes(), tenant);
                    if (cached.summary().version() != version.toLong() || !cached.summary().threadId().equals(thread)) {
                        throw new IllegalStateException("cache entry of thread " + thread + " holds version "
                                + cached.summary().version() + " of thread " + cached.summary().threadId()
                                + " under version " + version.toLong());
                    }
                    return Optional.of(cached);
                });
    }

    @Override
    public Uni<Void> fence(TenantId tenant, ThreadId thread, long version) {
        return redis.eval(FENCE, List.of(RedisKeys.latestCheckpoint(tenant, thread)), version, ttlMillis)
                .replaceWithVoid();
    }

    @Override
    public Uni<Boolean> put(StoredCheckpoint stored) {
        if (!TenantCipher.isSealed(stored.sealedState())) {
            // A row from before encryption: not worth caching in clear.
            return Uni.createFrom().item(false);
        }
        CheckpointSummary checkpoint = stored.summary();
        byte[] bytes = AgentStateProtos.toProto(stored.withState(stored.sealedState())).toByteArray();
        return redis.eval(PUT, List.of(RedisKeys.latestCheckpoint(checkpoint.tenant(), checkpoint.threadId())),
                        checkpoint.version(), bytes, ttlMillis)
                .map(reply -> reply.toLong() == 1);
    }

    @Override
    public Uni<Void> evict(TenantId tenant, ThreadId thread) {
        return redis.send(Command.DEL, RedisKeys.latestCheckpoint(tenant, thread)).replaceWithVoid();
    }

    @Override
    public Uni<Boolean> ping() {
        return redis.send(Command.PING).map(reply -> "PONG".equals(reply.toString()));
    }

    private static StoredCheckpoint parse(byte[] bytes, TenantId tenant) {
        try {
            Checkpoint sealed = AgentStateProtos.fromProto(io.aicunet.contracts.agentstate.v1.Checkpoint.parseFrom(bytes),
                    tenant);
            return new StoredCheckpoint(sealed.summary(), sealed.stateJson());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a cached checkpoint is not a Checkpoint message", e);
        }
    }
}
