package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local stack's Redis users (platform/devstack's users.acl.template, docs/redis.md
 * "ACL users") against the real Redis of {@code ./fleet up}: each service reaches its own
 * keys and no other service's, the default user is off and a wrong password gets nothing.
 * Here, in platform/testing, because the ACLs are the stack's and not a service's: this
 * runs once, not once per service, with plain RESP connections whose refusals show
 * exactly what Redis answered.
 *
 * <p>Every attack is tried for real (GET, HSET, DEL, EVAL, PUBLISH, SUBSCRIBE on another
 * service's key or channel); only commands that would harm the shared Redis if the ACL
 * let them through (FLUSHALL, CONFIG SET, KEYS, ...) are asked with ACL DRYRUN, which
 * checks a user's permission without running the command.
 */
class RedisAclTest {

    private static final List<String> SERVICES = List.of("agent-state", "config", "tenant", "ledger", "audit");
    private static final List<String> LIMITS_ONLY = List.of("tenant", "ledger", "audit");

    private final String tenant = UUID.randomUUID().toString();
    private final String configKey = "t:{" + tenant + "}:config:effective";
    private final String platformConfigKey = "t:{platform}:config:effective";
    private final String checkpointKey = "t:{" + tenant + "}:agent-state:thread:" + UUID.randomUUID() + ":latest";
    private final String heartbeatKey = "t:{" + tenant + "}:agent-state:agent:" + UUID.randomUUID() + ":heartbeat";
    private final String limitsKey = "t:{" + tenant + "}:limits:requests";

    @BeforeAll
    static void stack() {
        FleetStack.ensureRunning();
    }

    /** Proves: as agent-state's user, reading, writing or deleting config's cache (directly or from a script) is refused with NOPERM. */
    @Test
    void agentStateCannotReadOrWriteConfigKeys() {
        try (RedisConnection agentState = StackRedis.connect("agent-state")) {
            assertNoPermission(agentState, "GET", configKey);
            assertNoPermission(agentState, "HGET", configKey, "ledger|*");
            assertNoPermission(agentState, "HSET", configKey, "ledger|*", "{\"poisoned\":true}");
            assertNoPermission(agentState, "DEL", configKey);
            assertNoPermission(agentState, "HSET", platformConfigKey, "ledger|*", "{\"poisoned\":true}");
            assertNoPermission(agentState, "EVAL", "return redis.call('HSET', KEYS[1], 'ledger|*', 'x')", "1",
                    configKey);
        }
        assertAbsent(configKey);
    }

    /** Proves: as config's user, reading, writing or deleting agent-state's keys (directly or from a script) is refused with NOPERM. */
    @Test
    void configCannotReadOrWriteAgentStateKeys() {
        try (RedisConnection config = StackRedis.connect("config")) {
            assertNoPermission(config, "GET", heartbeatKey);
            assertNoPermission(config, "HGET", checkpointKey, "checkpoint");
            assertNoPermission(config, "HSET", checkpointKey, "version", "999", "fence", "999");
            assertNoPermission(config, "DEL", checkpointKey);
            assertNoPermission(config, "EVAL", "return redis.call('SET', KEYS[1], '1')", "1", heartbeatKey);
        }
        assertAbsent(checkpointKey);
        assertAbsent(heartbeatKey);
    }

    /** Proves: tenant's, ledger's and audit's users touch neither config's nor agent-state's keys. */
    @Test
    void limitsOnlyServicesCannotTouchConfigOrAgentStateKeys() {
        for (String service : LIMITS_ONLY) {
            try (RedisConnection redis = StackRedis.connect(service)) {
                assertNoPermission(redis, "HGET", configKey, "ledger|*");
                assertNoPermission(redis, "EVAL", "return redis.call('HSET', KEYS[1], 'ledger|*', 'x')", "1",
                        configKey);
                assertNoPermission(redis, "GET", heartbeatKey);
                assertNoPermission(redis, "EVAL", "return redis.call('SET', KEYS[1], '1')", "1", heartbeatKey);
            }
        }
        assertAbsent(configKey);
        assertAbsent(heartbeatKey);
    }

    /**
     * Proves: the refusals above are the ACL's, not a broken user: each service reaches
     * its own keys and the rate limit's buckets with the commands it uses (the keys are
     * this test's own, with a short TTL).
     */
    @Test
    void eachServiceReachesItsOwnKeysAndTheRateLimitBuckets() {
        try (RedisConnection agentState = StackRedis.connect("agent-state")) {
            assertThat(agentState.call("SET", heartbeatKey, "1", "PX", "5000")).isEqualTo("OK");
            assertThat(agentState.call("EXISTS", heartbeatKey)).isEqualTo(1L);
            assertThat(agentState.call("DEL", heartbeatKey)).isEqualTo(1L);
        }
        try (RedisConnection config = StackRedis.connect("config")) {
            assertThat(config.call("EVAL", "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) "
                    + "redis.call('PEXPIRE', KEYS[1], 5000) return 1", "1", configKey, "ledger|*", "{}")).isEqualTo(1L);
            assertThat(config.call("HGET", configKey, "ledger|*")).isEqualTo("{}");
            assertThat(config.call("DEL", configKey)).isEqualTo(1L);
        }
        for (String service : SERVICES) {
            try (RedisConnection redis = StackRedis.connect(service)) {
                assertThat(redis.call("EVAL", "redis.call('HSET', KEYS[1], 'tokens', '1', 'at', "
                        + "redis.call('TIME')[1]) redis.call('PEXPIRE', KEYS[1], 5000) "
                        + "return redis.call('HMGET', KEYS[1], 'tokens')", "1", limitsKey))
                        .as(service).isEqualTo(List.of("1"));
            }
        }
    }

    /** Proves: only config may announce or hear configuration revisions; agent-state may neither publish nor subscribe. */
    @Test
    void onlyConfigUsesTheRevisionsChannel() {
        String channel = "t:{platform}:config:revisions";
        try (RedisConnection agentState = StackRedis.connect("agent-state")) {
            assertNoPermission(agentState, "PUBLISH", channel, "999999999");
            assertNoPermission(agentState, "SUBSCRIBE", channel);
        }
        try (RedisConnection admin = StackRedis.connect(StackRedis.ADMIN)) {
            assertThat(admin.call("ACL", "DRYRUN", "config", "PUBLISH", channel, "1")).isEqualTo("OK");
            assertThat(admin.call("ACL", "DRYRUN", "config", "PUBLISH", "t:{platform}:other", "1"))
                    .asString().contains("no permissions to access the 't:{platform}:other' channel");
        }
    }

    /**
     * Proves: no service user may run the commands that reach beyond its keys or change the
     * server (asked with ACL DRYRUN, never run), and none may manage ACLs.
     */
    @Test
    void noServiceMayRunServerWideCommands() {
        try (RedisConnection admin = StackRedis.connect(StackRedis.ADMIN)) {
            for (String service : SERVICES) {
                for (List<String> command : List.of(List.of("FLUSHALL"), List.of("FLUSHDB"), List.of("KEYS", "*"),
                        List.of("CONFIG", "SET", "appendonly", "no"), List.of("CONFIG", "GET", "requirepass"),
                        List.of("ACL", "SETUSER", service, "+@all"), List.of("ACL", "LIST"),
                        List.of("SCRIPT", "FLUSH"), List.of("SHUTDOWN"), List.of("DEBUG", "SLEEP", "0"),
                        List.of("CLIENT", "LIST"), List.of("MONITOR"), List.of("REPLICAOF", "NO", "ONE"),
                        List.of("MIGRATE", "127.0.0.1", "1", limitsKey, "0", "1"))) {
                    String[] dryRun = new String[command.size() + 3];
                    dryRun[0] = "ACL";
                    dryRun[1] = "DRYRUN";
                    dryRun[2] = service;
                    for (int i = 0; i < command.size(); i++) {
                        dryRun[i + 3] = command.get(i);
                    }
                    assertThat(admin.call(dryRun)).as("%s may run %s", service, command).asString()
                            .startsWith("This user has no permissions to run the");
                }
            }
        }
    }

    /**
     * Proves: the audit service's user may read Redis's ACL LOG (it counts the refusals:
     * services/audit RedisAclLog) and no other service's user may. (Redis grants ACL LOG with
     * its RESET argument: docs/redis.md says what that leaves open.)
     */
    @Test
    void onlyAuditMayReadTheAclLog() {
        try (RedisConnection admin = StackRedis.connect(StackRedis.ADMIN)) {
            for (String service : SERVICES) {
                String answer = String.valueOf(admin.call("ACL", "DRYRUN", service, "ACL", "LOG"));
                if (service.equals("audit")) {
                    assertThat(answer).isEqualTo("OK");
                } else {
                    assertThat(answer).as("%s may read the ACL LOG", service)
                            .startsWith("This user has no permissions to run the");
                }
            }
        }
    }

    /** Proves: the default user is off: an unauthenticated connection gets NOAUTH for reads, writes and PING. */
    @Test
    void defaultUserIsOff() {
        try (RedisConnection anonymous = StackRedis.connectAnonymously()) {
            for (List<String> command : List.of(List.of("PING"), List.of("GET", configKey),
                    List.of("HSET", configKey, "ledger|*", "x"), List.of("SCAN", "0"))) {
                assertThatThrownBy(() -> anonymous.call(command.toArray(String[]::new)))
                        .as("unauthenticated %s", command)
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("NOAUTH");
            }
            assertThatThrownBy(() -> anonymous.call("AUTH", "default", ""))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("WRONGPASS");
        }
        assertAbsent(configKey);
    }

    /** Proves: a wrong password, another service's password, or the password alone (no user name) is refused. */
    @Test
    void wrongPasswordsAreRefused() {
        for (List<String> credentials : List.of(List.of("agent-state", "wrong"),
                List.of("config", StackRedis.password("agent-state")),
                List.of(StackRedis.ADMIN, StackRedis.password("config")),
                List.of("no-such-user", "fleet-dev-redis-no-such-user"))) {
            assertThatThrownBy(() -> StackRedis.connect(credentials.get(0), credentials.get(1)).close())
                    .as("AUTH %s", credentials.get(0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("WRONGPASS");
        }
        try (RedisConnection anonymous = StackRedis.connectAnonymously()) {
            // AUTH <password> alone authenticates the default user, which is off.
            assertThatThrownBy(() -> anonymous.call("AUTH", StackRedis.password("config")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("WRONGPASS");
        }
    }

    private static void assertNoPermission(RedisConnection redis, String... command) {
        assertThatThrownBy(() -> redis.call(command)).as(String.join(" ", command))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("NOPERM");
    }

    private static void assertAbsent(String key) {
        try (RedisConnection admin = StackRedis.connect(StackRedis.ADMIN)) {
            assertThat(admin.call("EXISTS", key)).as("%s exists", key).isEqualTo(0L);
        }
    }
}
