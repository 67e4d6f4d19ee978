package io.aicunet.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The clustered infrastructure of {@code ./fleet up --ha} (docs/failover.md): a Redis
 * Cluster of three masters with a replica each, three Kafka brokers (replication factor 3,
 * {@code min.insync.replicas=2}) and a Postgres primary with a synchronous streaming standby, each on
 * ports of its own beside the single-node stack, sharing its CA, object store, OPA and
 * identity provider. {@link #ensureUp()} starts them with {@code ./fleet up --only}; the
 * ports are the FLEET_* variables ./fleet reads, with the same defaults.
 */
public final class HaStack {

    /** The components of {@code ./fleet up --only} that make the clustered stack. */
    public static final String COMPONENTS = "redis-cluster,postgres-ha,kafka-cluster";
    /** Redis Cluster nodes: three masters and three replicas. */
    public static final int REDIS_NODES = 6;
    public static final int KAFKA_BROKERS = 3;

    private static boolean up;

    private HaStack() {
    }

    /**
     * Starts the single-node stack if needed (for the CA, OPA, Keycloak and the object store),
     * then whatever of the clustered components is not running: a node killed by a drill is
     * started again and rejoins (a Redis node as a replica, a broker catching up).
     */
    public static synchronized void ensureUp() {
        FleetStack.ensureRunning();
        FleetCommand.run("up", "--only", COMPONENTS).succeeded();
        awaitRedisReplicasInSync();
        up = true;
    }

    /**
     * Waits until every Redis replica has finished its sync with its master ({@code
     * master_link_status:up}) and every node's CLUSTER SHARDS calls each node online: `up`
     * returns once the cluster's slots are served, while a replica just created (or
     * rejoining after a drill) may still be loading its master's data, and the other nodes
     * call it "loading" until the cluster bus gossips its replication offset.
     */
    private static void awaitRedisReplicasInSync() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            List<Integer> syncing = new ArrayList<>();
            for (int port : redisPorts()) {
                String replication = String.valueOf(redisCall(port, "INFO", "replication"));
                if (replication.contains("role:slave") && !replication.contains("master_link_status:up")
                        || String.valueOf(redisCall(port, "CLUSTER", "SHARDS")).contains("loading")) {
                    syncing.add(port);
                }
            }
            if (syncing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis replicas on " + syncing + " still not in sync with their masters");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Redis replicas", e);
            }
        }
    }

    /** Whether {@link #ensureUp()} ran in this JVM. */
    public static synchronized boolean started() {
        return up;
    }

    /** Stops the clustered components ({@code ./fleet down --only}). */
    public static synchronized void stop() {
        FleetCommand.run("down", "--only", COMPONENTS).succeeded();
        up = false;
    }

    // --- Redis Cluster -------------------------------------------------------------

    public static List<Integer> redisPorts() {
        int first = port("FLEET_REDIS_CLUSTER_PORT", 17001);
        return IntStream.range(0, REDIS_NODES).mapToObj(i -> first + i).toList();
    }

    /** {@code quarkus.redis.hosts} for a service in cluster mode: every node, as its own ACL user. */
    public static String redisHosts(String user) {
        return redisPorts().stream().map(port -> StackRedis.hosts(user, port)).collect(Collectors.joining(","));
    }

    /** A command to one node as the administrator (fleet-admin); RESP2 replies as text. */
    public static Object redisCall(int port, String... command) {
        try (RedisConnection redis = RedisConnection.open(FleetStack.host(), port, FleetStack.caCertificate())) {
            redis.call("AUTH", StackRedis.ADMIN, StackRedis.password(StackRedis.ADMIN));
            return redis.call(command);
        }
    }

    /** The port of the node that is master of {@code key}'s slot now, asked of any node that answers. */
    public static int redisMasterOf(String key) {
        RuntimeException last = null;
        for (int port : redisPorts()) {
            try {
                long slot = Long.parseLong(String.valueOf(redisCall(port, "CLUSTER", "KEYSLOT", key)));
                for (String line : String.valueOf(redisCall(port, "CLUSTER", "NODES")).split("\n")) {
                    String[] fields = line.trim().split(" ");
                    if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
                        continue;
                    }
                    for (int i = 8; i < fields.length; i++) {
                        String[] range = fields[i].split("-");
                        if (range[0].startsWith("[")) {
                            continue;
                        }
                        long low = Long.parseLong(range[0]);
                        long high = range.length > 1 ? Long.parseLong(range[1]) : low;
                        if (slot >= low && slot <= high) {
                            String address = fields[1].split("@")[0];
                            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
                        }
                    }
                }
            } catch (RuntimeException unreachable) {
                last = unreachable;
            }
        }
        throw new IllegalStateException("no Redis node names a master for " + key, last);
    }

    /** Whether every node that answers reports {@code cluster_state:ok}. */
    public static boolean redisClusterOk() {
        boolean any = false;
        for (int port : redisPorts()) {
            try {
                if (!String.valueOf(redisCall(port, "CLUSTER", "INFO")).contains("cluster_state:ok")) {
                    return false;
                }
                any = true;
            } catch (RuntimeException down) {
                // A killed node does not answer; the others decide.
            }
        }
        return any;
    }

    // --- Kafka -----------------------------------------------------------------------

    /** The brokers' ports: FLEET_KAFKA_CLUSTER_PORT as ./fleet reads it, one port per broker, comma-separated. */
    public static List<Integer> kafkaPorts() {
        String value = System.getenv("FLEET_KAFKA_CLUSTER_PORT");
        String listed = value == null || value.isBlank() ? "19192,19292,19392" : value;
        List<Integer> ports = Arrays.stream(listed.split(",")).map(String::trim).map(Integer::parseInt).toList();
        if (ports.size() != KAFKA_BROKERS) {
            throw new IllegalStateException("FLEET_KAFKA_CLUSTER_PORT must name " + KAFKA_BROKERS
                    + " broker ports, comma-separated, not '" + listed + "'");
        }
        return ports;
    }

    public static String kafkaBootstrapServers() {
        return kafkaPorts().stream().map(port -> FleetStack.host() + ":" + port).collect(Collectors.joining(","));
    }

    /**
     * The port of the broker that leads {@code topic}'s {@code partition} now, or -1 while the
     * topic does not exist yet or the partition has no leader.
     */
    public static int kafkaLeaderPort(String topic, int partition) {
        try (Admin admin = Admin.create(kafkaAdminSettings())) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic);
            Node leader = description.partitions().get(partition).leader();
            return leader == null || leader.isEmpty() ? -1 : leader.port();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return -1;
            }
            throw new IllegalStateException("cannot describe " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot describe " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + topic, e);
        }
    }

    /** {@link FleetStack#kafkaAdminSettings()} for the brokers of the cluster. */
    public static Map<String, Object> kafkaAdminSettings() {
        Map<String, Object> settings = new HashMap<>(FleetStack.kafkaAdminSettings());
        settings.put("bootstrap.servers", kafkaBootstrapServers());
        return settings;
    }

    /** The fleet's ACLs on the run's topics and groups, on the cluster ({@link FleetStack#grantKafkaRun}). */
    public static void grantKafkaRun(String topicPrefix) {
        KafkaAcls.grantRun(FleetStack.kafkaAclsFile(), topicPrefix, kafkaAdminSettings());
    }

    // --- Postgres ----------------------------------------------------------------------

    /** The ports of the pair's two nodes: the first is the primary until a failover promotes the other. */
    public static List<Integer> postgresPorts() {
        return List.of(port("FLEET_PG_HA_PORT", 15532), port("FLEET_PG_STANDBY_PORT", 15533));
    }

    /** The port of the node that accepts writes now (a failover swaps the roles), asked of the nodes. */
    public static int postgresPrimaryPort() {
        for (int port : postgresPorts()) {
            if (postgresAnswers(port, "SELECT NOT pg_is_in_recovery()")) {
                return port;
            }
        }
        throw new IllegalStateException("no node of the Postgres pair on " + postgresPorts() + " accepts writes");
    }

    /** The port of the other node: the standby while the pair is whole. */
    public static int postgresStandbyPort() {
        int primary = postgresPrimaryPort();
        return postgresPorts().stream().filter(port -> port != primary).findFirst().orElseThrow();
    }

    private static boolean postgresAnswers(int port, String booleanQuery) {
        try (Connection connection = postgresSuperuser(port);
                Statement statement = connection.createStatement();
                ResultSet answer = statement.executeQuery(booleanQuery)) {
            return answer.next() && answer.getBoolean(1);
        } catch (SQLException unreachable) {
            return false;
        }
    }

    private static Connection postgresSuperuser(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + FleetStack.host() + ":" + port + "/postgres?"
                + FleetStack.postgresTlsParameters(), "postgres", FleetStack.postgresSuperuserPassword());
    }

    /**
     * The primary's view of its standby ({@code pg_stat_replication}): whether the standby is
     * synchronous, how many bytes of WAL the primary has that the standby has not flushed,
     * and the last write lag (the time from the primary's flush of a commit until the standby
     * reported having written it; 0 when nothing was waiting). Without synchronous
     * replication those bytes and that time are what a killed primary takes with it.
     */
    public record PostgresReplication(String syncState, long bytesNotFlushed, double writeLagMillis) {
    }

    /** The primary's standby as it sees it now; empty when no standby streams from it. */
    public static Optional<PostgresReplication> postgresReplication() {
        try (Connection connection = postgresSuperuser(postgresPrimaryPort());
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT sync_state,"
                        + " pg_wal_lsn_diff(pg_current_wal_flush_lsn(), flush_lsn)::bigint,"
                        + " coalesce(extract(epoch FROM write_lag) * 1000, 0)::float8 FROM pg_stat_replication"
                        + " WHERE state = 'streaming'")) {
            return row.next()
                    ? Optional.of(new PostgresReplication(row.getString(1), row.getLong(2), row.getDouble(3)))
                    : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read pg_stat_replication on the primary", e);
        }
    }

    /** The process id of the postmaster serving 127.0.0.1:{@code port}: the parent of a backend it forked. */
    public static long postgresPid(int port) {
        try (Connection connection = postgresSuperuser(port);
                Statement statement = connection.createStatement();
                ResultSet backend = statement.executeQuery("SELECT pg_backend_pid()")) {
            backend.next();
            long pid = backend.getLong(1);
            return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                    .orElseThrow(() -> new IllegalStateException("backend " + pid + " has no parent process"));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the Postgres on port " + port, e);
        }
    }

    /**
     * The process that listens on 127.0.0.1:{@code port} (TCP), from /proc (Linux): the
     * socket's inode in /proc/net/tcp, then the process holding it. A drill kills that one.
     */
    public static long pidListeningOn(int port) {
        String inode = null;
        try {
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] fields = line.trim().split("\\s+");
                    // local_address is HEXIP:HEXPORT, state 0A is LISTEN, field 9 the inode.
                    if (fields.length > 9 && fields[1].endsWith(String.format(":%04X", port))
                            && fields[3].equals("0A")) {
                        inode = fields[9];
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/net/tcp", e);
        }
        if (inode == null) {
            throw new IllegalStateException("nothing listens on port " + port);
        }
        String socket = "socket:[" + inode + "]";
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path descriptor : descriptors) {
                        if (socket.equals(Files.readSymbolicLink(descriptor).toString())) {
                            return Long.parseLong(process.getFileName().toString());
                        }
                    }
                } catch (IOException vanishedOrNotOurs) {
                    // A process that ended meanwhile, or another user's.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc", e);
        }
        throw new IllegalStateException("no process of ours holds the socket listening on port " + port);
    }

    // --- A service on the clustered stack -------------------------------------------------

    /**
     * {@code settings} (a service's {@link ServiceProcess#fleetSettings}, whose database was
     * made on the pair's primary) moved onto the clustered stack: the reactive pool and
     * Liquibase given both Postgres hosts (they follow the read-write one), the reporting
     * pool the standby, Redis in cluster mode with every node, Kafka with every broker.
     */
    public static Map<String, String> serviceSettings(Map<String, String> settings, TestDatabase database) {
        Map<String, String> moved = new HashMap<>(settings);
        List<String> reactive = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        for (int port : postgresPorts()) {
            reactive.add(database.reactiveUrlOnPort(port));
            hosts.add(FleetStack.host() + ":" + port);
        }
        moved.put("quarkus.datasource.reactive.url", String.join(",", reactive));
        moved.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + String.join(",", hosts) + "/"
                + database.name() + "?targetServerType=primary&" + FleetStack.postgresTlsParameters());
        // Both nodes, the standby first: the reporting pool reads a standby, else the primary.
        moved.put("quarkus.datasource.reporting.reactive.url", database.reactiveUrlOnPort(postgresStandbyPort()) + ","
                + database.reactiveUrlOnPort(postgresPrimaryPort()));
        moved.put("quarkus.redis.client-type", "cluster");
        moved.put("quarkus.redis.hosts", redisHosts(database.service()));
        moved.put("kafka.bootstrap.servers", kafkaBootstrapServers());
        if (database.service().equals("agent-state")) {
            // Lease and task writes acknowledged once a replica has them, as ./fleet env --ha sets.
            moved.put("agent-state.redis.wait-replicas", "1");
        }
        return moved;
    }

    private static int port(String variable, int fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }
}
