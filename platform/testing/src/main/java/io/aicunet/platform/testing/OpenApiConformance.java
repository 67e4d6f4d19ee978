package io.aicunet.platform.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Proves a service answers as its own OpenAPI document says, with a fuzzer nobody on
 * the team wrote: Schemathesis (pinned by {@code platform/devstack/bin/schemathesis.sh},
 * installed into FLEET_HOME by {@code ./fleet up} and {@code ./fleet test}) reads
 * {@code /q/openapi}, generates valid and invalid requests for every operation and runs
 * every check it has: no 5xx, every status, header, content type and body as documented,
 * schema-valid requests accepted and schema-invalid ones refused, requests without the
 * token refused, and 405 with {@code Allow} for methods a path lacks.
 *
 * <p>Generation is seeded ({@code -Dfleet.openapi.seed}, default {@link #SEED}), so a
 * failure reproduces; {@code -Dfleet.openapi.max-examples} sets the cases per operation.
 * The report goes to the test's output and, as JUnit XML, under
 * {@code target/schemathesis/port-<port>-run-<n>/}.
 */
public final class OpenApiConformance {

    /** The pinned Schemathesis version (FLEET_SCHEMATHESIS_VERSION in schemathesis.sh). */
    public static final String VERSION = "4.32.5";
    /** The default seed: fixed, so every run sends the same requests. */
    public static final long SEED = 20_261_205L;
    private static final int MAX_EXAMPLES = 25;
    private static final long TIMEOUT_MINUTES = 10;
    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    private OpenApiConformance() {
    }

    /**
     * Runs Schemathesis against the service at {@code service} (e.g.
     * {@code https://127.0.0.1:8081}) with {@code bearerToken} on every request, and fails
     * with its report unless every check passed. {@code stArguments} are added to
     * {@code st run} (say why in the caller when one narrows what is checked).
     */
    public static void check(URI service, String bearerToken, String... stArguments) {
        checkWithConfig(service, bearerToken, null, stArguments);
    }

    /**
     * {@link #check} with a Schemathesis configuration ({@code schemathesis.toml} text:
     * parameter values, per-operation check settings), for what the command line
     * cannot say per operation. Say in the caller why each setting is there.
     */
    public static void checkWithConfig(URI service, String bearerToken, String configToml, String... stArguments) {
        Path st = executable();
        // One directory per run, so a test that runs Schemathesis twice keeps both reports.
        String name = (service.getPort() > 0 ? "port-" + service.getPort() : "service") + "-run-" + RUNS.incrementAndGet();
        Path reports = Path.of("target", "schemathesis", name).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(st.toString()));
        if (configToml != null) {
            Path config = reports.resolve("schemathesis.toml");
            try {
                Files.createDirectories(reports);
                Files.writeString(config, configToml, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + config, e);
            }
            command.addAll(List.of("--config-file", config.toString()));
        }
        command.addAll(List.of("run",
                service.resolve("/q/openapi").toString(),
                "--url", service.toString(),
                "--checks", "all",
                "--max-examples", System.getProperty("fleet.openapi.max-examples", String.valueOf(MAX_EXAMPLES)),
                "--seed", System.getProperty("fleet.openapi.seed", String.valueOf(SEED)),
                "--generation-database", "none",
                "--workers", "1",
                "--request-timeout", "20",
                "--header", "Authorization: Bearer " + bearerToken,
                "--report", "junit",
                "--report-dir", reports.toString(),
                "--output-truncate", "false",
                "--no-color"));
        if ("https".equals(service.getScheme())) {
            // The services under test serve TLS only: verified against the stack's CA.
            command.addAll(List.of("--tls-verify", FleetStack.caCertificate().toString()));
        }
        command.addAll(Arrays.asList(stArguments));
        String output;
        int exit;
        try {
            Files.createDirectories(reports);
            Path log = reports.resolve("output.txt");
            Process process = new ProcessBuilder(command)
                    .directory(reports.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("schemathesis did not finish in " + TIMEOUT_MINUTES + " min; see " + log);
            }
            exit = process.exitValue();
            output = Files.readString(log, StandardCharsets.UTF_8).replace(bearerToken, "[token]");
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + st, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while schemathesis ran", e);
        }
        System.out.println("schemathesis " + VERSION + " against " + service + " (exit " + exit + "):");
        System.out.println(output);
        if (exit != 0) {
            throw new AssertionError("the service contradicts its OpenAPI document (schemathesis exit " + exit
                    + "); the report:\n" + output);
        }
    }

    /** The pinned {@code st}, or a failure saying how to get it. */
    static Path executable() {
        Path st = FleetStack.fleetHome().resolve("tools/schemathesis-" + VERSION + "/bin/st");
        if (!Files.isExecutable(st)) {
            throw new IllegalStateException("schemathesis " + VERSION + " is not installed at " + st
                    + "; ./fleet up --infra (or ./fleet test) installs it");
        }
        return st;
    }
}
