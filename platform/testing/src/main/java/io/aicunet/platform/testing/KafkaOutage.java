package io.aicunet.platform.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Stops the local stack's Kafka broker (SIGTERM to its process under FLEET_HOME, through
 * platform/devstack/bin/kafka.sh's own {@code kafka_stop}) and starts it again on the same
 * data directory ({@code kafka_start}, then {@code kafka_wait}: until the broker logs that
 * it serves clients). Use it as a resource, so Kafka comes back whatever the test does:
 *
 * <pre>{@code
 * try (KafkaOutage outage = KafkaOutage.begin()) {
 *     ... Kafka is down here ...
 *     outage.end();   // optional: restart earlier, and learn how long it took
 * }
 * }</pre>
 *
 * <p>Only on the local stack: where {@link FleetInfrastructure} chose containers it refuses,
 * saying so.
 *
 * <p>Every test of the fleet shares this broker: a test that stops it must run alone
 * (in the build that holds the machine's Maven lock) and must not outlive its block.
 */
public final class KafkaOutage implements AutoCloseable {

    private static final long SCRIPT_TIMEOUT_SECONDS = 180;

    private final Instant stoppedAt;
    private Duration restartTook;

    private KafkaOutage(Instant stoppedAt) {
        this.stoppedAt = stoppedAt;
    }

    /** Stops Kafka and waits until its port is closed. */
    public static KafkaOutage begin() {
        if (FleetInfrastructure.current().kind() == FleetInfrastructure.Kind.CONTAINERS) {
            throw new IllegalStateException("KafkaOutage stops the local stack's Kafka process, and this JVM runs"
                    + " against containers (" + FleetInfrastructure.current().reason() + "): run this test against"
                    + " the local stack, -D" + FleetInfrastructure.PROPERTY + "=local");
        }
        if (!FleetStack.listening(FleetStack.kafkaPort())) {
            throw new IllegalStateException("Kafka is not running on " + FleetStack.kafkaBootstrapServers());
        }
        run("kafka_stop");
        if (FleetStack.listening(FleetStack.kafkaPort())) {
            throw new IllegalStateException("Kafka still listens on " + FleetStack.kafkaBootstrapServers()
                    + " after kafka_stop");
        }
        return new KafkaOutage(Instant.now());
    }

    /** When Kafka stopped. */
    public Instant stoppedAt() {
        return stoppedAt;
    }

    /**
     * Starts Kafka again and waits until it serves clients; how long that took. Does
     * nothing the second time.
     */
    public synchronized Duration end() {
        if (restartTook == null) {
            Instant started = Instant.now();
            run("kafka_start && kafka_wait");
            restartTook = Duration.between(started, Instant.now());
        }
        return restartTook;
    }

    @Override
    public void close() {
        end();
    }

    private static void run(String commands) {
        String script = """
                set -euo pipefail
                source "$FLEET_ROOT/platform/devstack/bin/common.sh"
                source "$FLEET_ROOT/platform/devstack/bin/tls.sh"
                source "$FLEET_ROOT/platform/devstack/bin/kafka.sh"
                fleet_config
                fleet_dirs
                """ + commands + "\n";
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", script)
                    .directory(FleetStack.repositoryRoot().toFile())
                    .redirectErrorStream(true);
            builder.environment().put("FLEET_ROOT", FleetStack.repositoryRoot().toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(commands + " did not finish in " + SCRIPT_TIMEOUT_SECONDS + " s:\n"
                        + output);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(commands + " failed (exit " + process.exitValue() + "):\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run bash for " + commands, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + commands, e);
        }
    }
}
