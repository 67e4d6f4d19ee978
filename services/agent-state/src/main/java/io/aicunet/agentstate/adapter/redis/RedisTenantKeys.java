package io.aicunet.agentstate.adapter.redis;

import io.aicunet.agentstate.application.port.TenantKeys;
import io.aicunet.agentstate.config.AgentStateServiceConfig;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Deletes a tenant's keys a SCAN step at a time (UNLINK frees their memory in the background). */
@ApplicationScoped
public class RedisTenantKeys implements TenantKeys {

    private final RedisCommands redis;
    private final int scanCount;

    public RedisTenantKeys(RedisCommands redis, AgentStateServiceConfig config) {
        this.redis = redis;
        this.scanCount = config.erasure().redisScanCount();
    }

    @Override
    public Uni<Step> deleteStep(TenantId tenant, String cursor) {
        return redis.send(Command.SCAN, cursor, "MATCH", RedisKeys.pattern(tenant), "COUNT", scanCount)
                .flatMap(reply -> {
                    String next = reply.get(0).toString();
                    List<Object> keys = new ArrayList<>();
                    for (Response key : reply.get(1)) {
                        keys.add(key.toString());
                    }
                    return keys.isEmpty()
                            ? Uni.createFrom().item(new Step(next, 0))
                            : redis.send(Command.UNLINK, keys.toArray())
                                    .map(unlinked -> new Step(next, unlinked.toInteger()));
                });
    }
}
