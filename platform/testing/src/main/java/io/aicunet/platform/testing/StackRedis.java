package io.aicunet.platform.testing;

/**
 * The local stack's Redis users (docs/redis.md, "ACL users"): one per service, limited
 * to its keys and commands, and {@link #ADMIN} for checks of what the services left.
 * Services under test connect as their own user ({@link #hosts}, {@link #password}), so
 * their tests run under their real permissions. The stack's Redis speaks only TLS
 * (docs/tls.md, "Redis"): every URL here is {@code rediss://}, and a client verifies the
 * server with {@link FleetStack#caCertificate()} and the host name
 * ({@link StackRedisClient} for Vert.x clients).
 */
public final class StackRedis {

    /** The stack's Redis administrator: all keys, channels and commands. */
    public static final String ADMIN = "fleet-admin";

    private StackRedis() {
    }

    /**
     * The development password of a user of the stack's Redis, {@code fleet-dev-redis-<user>}:
     * the value devstack's redis.sh renders into the stack's ACL file (as its SHA-256), and
     * the services' {@code %dev}/{@code %test} {@code quarkus.redis.password} (platform/limits).
     */
    public static String password(String user) {
        return "fleet-dev-redis-" + user;
    }

    /**
     * {@code quarkus.redis.hosts} for a service connecting to the stack's Redis as its own
     * user; the password goes in {@code quarkus.redis.password} ({@link #password}). The
     * Quarkus Redis client has no username setting: Vert.x takes the user from the URL's
     * {@code user} parameter (and the password from the setting when the URL has none).
     */
    public static String hosts(String user) {
        return hosts(user, FleetStack.redisPort());
    }

    /** As {@link #hosts(String)}, for a Redis on another port of 127.0.0.1 (a test's own, a proxy). */
    public static String hosts(String user, int port) {
        return "rediss://" + FleetStack.host() + ":" + port + "?user=" + user;
    }

    /**
     * A Vert.x connection string to the stack's Redis as {@code user} with its development
     * password, for tests that open a client of their own; TLS needs the options of
     * {@link StackRedisClient#options(String)} too (a connection string alone verifies nothing).
     */
    public static String connectionString(String user) {
        return "rediss://" + user + ":" + password(user) + "@" + FleetStack.host() + ":" + FleetStack.redisPort();
    }

    /** A TLS connection to the stack's Redis, authenticated as {@code user} with its development password. */
    static RedisConnection connect(String user) {
        return connect(user, password(user));
    }

    /** A TLS connection to the stack's Redis, not authenticated (the default user, which is off). */
    static RedisConnection connectAnonymously() {
        return RedisConnection.open(FleetStack.host(), FleetStack.redisPort(), FleetStack.caCertificate());
    }

    /** A TLS connection to the stack's Redis after {@code AUTH user password} (which must succeed). */
    static RedisConnection connect(String user, String password) {
        RedisConnection redis = connectAnonymously();
        try {
            redis.call("AUTH", user, password);
            return redis;
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }
}
