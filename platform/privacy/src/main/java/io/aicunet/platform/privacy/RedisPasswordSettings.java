package io.aicunet.platform.privacy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The password a service authenticates to Redis with as its own ACL user (docs/redis.md,
 * "ACL users"), for {@link ProductionKeyCheck}: every service uses Redis (the request
 * rate limit at least), and Redis's default user is off. Outside dev and test it must be
 * set by the deployment (QUARKUS_REDIS_PASSWORD from a Secret) and must not be a local
 * stack's {@code fleet-dev-redis-<service>}, so a production Redis user never has a
 * password from the repository.
 */
@ApplicationScoped
public class RedisPasswordSettings {

    @Produces
    @Singleton
    KeySettings redisPassword() {
        return KeySettings.none().setting("quarkus.redis.password");
    }
}
