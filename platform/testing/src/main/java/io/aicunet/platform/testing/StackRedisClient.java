package io.aicunet.platform.testing;

import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * Options of the Vert.x Redis clients (plain or Mutiny: {@code Redis.createClient(vertx,
 * options(user))}) of tests that open one of their own on the local stack's Redis,
 * verifying it as the services do (platform/limits' defaults, the TLS registry's
 * {@code redis} configuration): TLS, the stack's CA only, and the host name dialled in
 * the server's certificate. A class of its own, apart from {@link StackRedis}, because
 * the Vert.x Redis client is on a module's class path only where the module uses Redis
 * (platform/testing has it as {@code provided}).
 */
public final class StackRedisClient {

    /** The name check of the services' clients ({@code quarkus.tls.redis.hostname-verification-algorithm}). */
    public static final String HOSTNAME_VERIFICATION = "HTTPS";

    private StackRedisClient() {
    }

    /** Options of a client of the stack's Redis as {@code user} with its development password. */
    public static RedisOptions options(String user) {
        return options(StackRedis.connectionString(user), FleetStack.caCertificate());
    }

    /**
     * Options of a cluster-mode client of the clustered stack's Redis ({@link HaStack}) as
     * {@code user}, as a service's client has them: every node, the user and password in
     * each URL (what platform/limits' RedisClusterCredentials makes of the service's
     * {@code ?user=} URLs and password setting), TLS trusting the stack's CA.
     */
    public static RedisOptions clusterOptions(String user) {
        return new RedisOptions()
                .setType(RedisClientType.CLUSTER)
                .setEndpoints(new ArrayList<>(HaStack.redisPorts().stream()
                        .map(port -> "rediss://" + user + ":" + StackRedis.password(user) + "@" + FleetStack.host()
                                + ":" + port)
                        .toList()))
                .setNetClientOptions(tls(FleetStack.caCertificate()));
    }

    /**
     * Options of a client connecting to {@code connectionString} (a {@code rediss://} URL)
     * that trusts only the PEM CA {@code ca} and checks the host name.
     */
    public static RedisOptions options(String connectionString, Path ca) {
        return new RedisOptions()
                .setConnectionString(connectionString)
                .setNetClientOptions(tls(ca));
    }

    /** TCP options of a TLS client trusting only the PEM CA {@code ca}, checking the host name. */
    public static NetClientOptions tls(Path ca) {
        return new NetClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
                .setHostnameVerificationAlgorithm(HOSTNAME_VERIFICATION);
    }
}
