package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OPA sidecar as a chart configures it, run for real: the rendered arguments, the
 * rendered policy ConfigMap as its files and the token its Secret would hold, given to
 * the opa binary the local stack uses (ports moved to free ones on 127.0.0.1). Its API
 * answers health without a token and the decision query with the token, and refuses
 * everything else: no token, a wrong token, policy and data writes, reads of policies
 * and data.
 */
class OpaSidecarTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DECISION = "/v1/data/aicunet/authz/decision";

    static Stream<String> services() {
        return Fleet.SERVICES.stream();
    }

    /** Proves: the sidecar's API, as rendered (production values), admits only GET /health and the decision query with the Secret's token; a refused write changes nothing. */
    @ParameterizedTest
    @MethodSource("services")
    void sidecarAdmitsOnlyHealthAndDecisionsWithTheToken(String service, @TempDir Path directory) throws Exception {
        RenderedManifests manifests = Renders.of(service, Renders.Variant.PRODUCTION);
        Deployment deployment = manifests.onlyDeployment();
        Container sidecar = TrustedCallersTest.sidecarOf(deployment);
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        int apiPort = freePort();
        int diagnosticPort = freePort();

        List<String> command = new ArrayList<>();
        command.add(opaBinary().toString());
        String policyDirectory = writePolicies(manifests, deployment, sidecar, directory);
        for (String argument : sidecar.getArgs()) {
            if (argument.startsWith("--addr=")) {
                assertThat(argument).startsWith("--addr=127.0.0.1:");
                command.add("--addr=127.0.0.1:" + apiPort);
            } else if (argument.startsWith("--diagnostic-addr=")) {
                command.add("--diagnostic-addr=127.0.0.1:" + diagnosticPort);
            } else if (argument.equals(policyDirectory)) {
                command.add(directory.resolve("policies").toString());
            } else {
                command.add(argument);
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("opa.log").toFile());
        builder.environment().clear();
        for (EnvVar env : sidecar.getEnv()) {
            // The only Secret the sidecar reads is the bearer token (TrustedCallersTest).
            builder.environment().put(env.getName(), env.getValueFrom() != null ? token : env.getValue());
        }
        Process opa = builder.start();
        try {
            String api = "http://127.0.0.1:" + apiPort;
            String diagnostic = "http://127.0.0.1:" + diagnosticPort;
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .ignoreException(java.net.ConnectException.class)
                    .until(() -> {
                        assertThat(opa.isAlive()).withFailMessage(() -> log(directory)).isTrue();
                        return status("GET", diagnostic + "/health", Optional.empty(), null) == 200;
                    });

            // Open: health (probes, no token) and the decision query with the token.
            assertThat(status("GET", api + "/health", Optional.empty(), null)).isEqualTo(200);
            HttpResponse<String> decision = send("POST", api + DECISION, Optional.of(token), decisionInput());
            assertThat(decision.statusCode()).as(decision.body()).isEqualTo(200);
            assertThat(JSON.readTree(decision.body()).path("result").path("allow").isBoolean()).as(decision.body()).isTrue();

            // Closed: the decision query without the token or with another, and everything else even with it.
            assertThat(status("POST", api + DECISION, Optional.empty(), decisionInput())).isEqualTo(401);
            assertThat(status("POST", api + DECISION, Optional.of(token + "x"), decisionInput())).isEqualTo(401);
            assertThat(status("POST", diagnostic + DECISION, Optional.of(token), decisionInput())).as("the diagnostic port").isNotEqualTo(200);
            Map<String, String[]> refused = Map.of(
                    "PUT /v1/policies/open", new String[] {"PUT", "/v1/policies/open", "package aicunet.authz\ndecision := {\"allow\": true, \"reasons\": []}\n"},
                    "DELETE /v1/policies/authz.rego", new String[] {"DELETE", "/v1/policies/authz.rego", null},
                    "PUT /v1/data/aicunet", new String[] {"PUT", "/v1/data/aicunet", "{}"},
                    "PATCH /v1/data", new String[] {"PATCH", "/v1/data", "[]"},
                    "GET /v1/policies", new String[] {"GET", "/v1/policies", null},
                    "GET /v1/data", new String[] {"GET", "/v1/data", null},
                    "POST /v1/data/system/authz", new String[] {"POST", "/v1/data/system/authz", "{\"input\": {}}"},
                    "POST /v1/query", new String[] {"POST", "/v1/query", "{\"query\": \"data\"}"},
                    "GET /v1/config", new String[] {"GET", "/v1/config", null});
            for (Map.Entry<String, String[]> request : refused.entrySet()) {
                String[] call = request.getValue();
                assertThat(status(call[0], api + call[1], Optional.of(token), call[2])).as("%s with the token", request.getKey()).isIn(401, 403);
            }

            // The refused PUT replaced nothing: the policy still decides as before.
            HttpResponse<String> again = send("POST", api + DECISION, Optional.of(token), decisionInput());
            assertThat(again.body()).isEqualTo(decision.body());
        } finally {
            opa.destroy();
            opa.waitFor();
        }
    }

    /** The policy ConfigMap the sidecar mounts, written out as the files OPA loads; returns the directory the sidecar's arguments name. */
    private static String writePolicies(RenderedManifests manifests, Deployment deployment, Container sidecar, Path directory) throws IOException {
        VolumeMount mount = sidecar.getVolumeMounts().stream().filter(candidate -> candidate.getMountPath().equals("/policies"))
                .findFirst().orElseThrow();
        Volume volume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(candidate -> candidate.getName().equals(mount.getName())).findFirst().orElseThrow();
        ConfigMap policies = manifests.all(ConfigMap.class).stream()
                .filter(configMap -> configMap.getMetadata().getName().equals(volume.getConfigMap().getName()))
                .findFirst().orElseThrow();
        Path target = Files.createDirectories(directory.resolve("policies"));
        for (Map.Entry<String, String> file : policies.getData().entrySet()) {
            Files.writeString(target.resolve(file.getKey()), file.getValue());
        }
        assertThat(sidecar.getArgs()).contains(mount.getMountPath());
        return mount.getMountPath();
    }

    /** A well-formed decision input (the policy's answer does not matter here, only that it answers). */
    private static String decisionInput() {
        return """
                {"input": {"subject": "alice", "roles": ["tenant-viewer"], "principal_tenant": "t1", "service": "",
                  "tenant": "t1", "action": "nothing.at.all", "resource": {"type": "thing", "id": "1", "tenant": "t1"}}}""";
    }

    private static int status(String method, String url, Optional<String> token, String body) throws IOException, InterruptedException {
        return send(method, url, token, body).statusCode();
    }

    private static HttpResponse<String> send(String method, String url, Optional<String> token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The opa binary of the local stack: on PATH, else where `go install` puts it (./fleet up installs it there). */
    static Path opaBinary() {
        List<Path> candidates = new ArrayList<>();
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!directory.isEmpty()) {
                candidates.add(Path.of(directory, "opa"));
            }
        }
        String goPath = System.getenv("GOPATH");
        if (goPath != null && !goPath.isEmpty()) {
            candidates.add(Path.of(goPath.split(java.io.File.pathSeparator)[0], "bin", "opa"));
        }
        candidates.add(Path.of(System.getProperty("user.home"), "go", "bin", "opa"));
        return candidates.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("opa not found on PATH or in $GOPATH/bin: ./fleet up installs it"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String log(Path directory) {
        try {
            return "opa exited: " + Files.readString(directory.resolve("opa.log"));
        } catch (IOException e) {
            return "opa exited (no log)";
        }
    }
}
