package io.aicunet.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.ServiceTls;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The config service's own gRPC client of the tenant service (client {@code tenant-keys}:
 * quotas, data keys, retention) over TLS, both packaged services run as processes in
 * platform/tenancy's {@code service-tls} profile with certificates of the local stack's CA
 * (docs/tls.md, "Service to service"). Against a tenant service presenting a valid
 * certificate the client reads the tenant's quotas; against one presenting an expired
 * certificate of the same CA it refuses the handshake, sends nothing, and says why.
 *
 * <p>Each call of a tenant's user makes the service read the tenant's quotas from the
 * tenant service (platform/limits' TenantQuotas), and the counter
 * {@code aicunet_limits_quota_answers_total} says where the answer came from:
 * {@code tenant-service} (read over the wire) or {@code unreachable}.
 */
class TenantClientTlsIT {

    private static final Duration LOG_WAIT = Duration.ofSeconds(20);

    private static TestDatabase tenantDatabase;
    private static TestDatabase configDatabase;
    private static Path objectStore;
    private static String topicPrefix;

    @BeforeAll
    static void createDatabases() throws IOException {
        tenantDatabase = TestDatabase.create("tenant");
        configDatabase = TestDatabase.create("config");
        objectStore = Files.createTempDirectory("aicunet-objects-");
        topicPrefix = "test-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }

    @AfterAll
    static void dropDatabases() {
        if (configDatabase != null) {
            configDatabase.drop();
        }
        if (tenantDatabase != null) {
            tenantDatabase.drop();
        }
    }

    /** Proves: with valid certificates of the fleet's CA, config reads a tenant's quotas from the tenant service over TLS. */
    @Test
    void configReadsTheTenantServiceOverTls() throws Exception {
        Path tenantTls = ServiceTls.issue(Files.createTempDirectory("aicunet-tenant-tls-"), ServiceTls.stackCa(),
                ServiceTls.stackCa().certificate());
        try (ServiceProcess tenant = ServiceProcess.start("tenant", tenantSettings(tenantTls));
                ServiceProcess config = ServiceProcess.start("config", configSettings(tenant.port()))) {
            String tenantId = createTenant(tenant.port(), tenantTls.resolve("ca.crt"));

            callAsTenantUser(config, tenantId);

            assertThat(quotaAnswers(config, "tenant-service")).as("quotas read from the tenant service").isPositive();
            assertThat(quotaAnswers(config, "unreachable")).isZero();
            assertThat(config.log()).doesNotContain("could not be read");
        }
    }

    /**
     * Proves: a tenant service presenting an expired certificate (issued by the fleet's CA,
     * for the right name) is refused by config's client: the quotas are not read
     * ({@code unreachable}), and config's log names the reason, the certificate's validity.
     */
    @Test
    void expiredTenantCertificateIsRefused() throws Exception {
        Path tenantTls = ServiceTls.issueExpired(Files.createTempDirectory("aicunet-tenant-expired-"),
                ServiceTls.stackCa(), ServiceTls.stackCa().certificate());
        String line = quotaReadRefusedBy(tenantTls);
        assertThat(line).containsAnyOf("CertificateExpiredException", "validity check failed");
    }

    /**
     * Proves: a tenant service presenting a certificate of the fleet's CA, valid, but for
     * another name than the one config dials is refused the same way (host name check).
     */
    @Test
    void certificateForAnotherNameIsRefused() throws Exception {
        Path tenantTls = ServiceTls.issueForOtherName(Files.createTempDirectory("aicunet-tenant-other-name-"),
                ServiceTls.stackCa(), ServiceTls.stackCa().certificate(), "DNS:ledger.example");
        String line = quotaReadRefusedBy(tenantTls);
        assertThat(line).contains("No subject alternative names matching IP address 127.0.0.1");
    }

    /**
     * Starts a tenant service presenting the certificate in {@code tenantTls} and config
     * calling it; asserts config's quota read was refused (no answer from the tenant
     * service, the unknown-tenant quotas served) and returns config's log line saying why.
     */
    private String quotaReadRefusedBy(Path tenantTls) throws Exception {
        // No verifying client accepts the tenant's certificate, readiness included: wait for the port.
        try (ServiceProcess tenant = ServiceProcess.startListening("tenant", tenantSettings(tenantTls));
                ServiceProcess config = ServiceProcess.start("config", configSettings(tenant.port()))) {
            String tenantId = UUID.randomUUID().toString();

            callAsTenantUser(config, tenantId);

            assertThat(quotaAnswers(config, "unreachable")).as("quotas not read").isPositive();
            assertThat(quotaAnswers(config, "tenant-service")).isZero();
            String line = awaitLogLine(config, "quotas of tenant " + tenantId + " could not be read");
            System.out.println("config's log: " + line);
            assertThat(line).contains("UNAVAILABLE");
            return line;
        }
    }

    private static Map<String, String> tenantSettings(Path tls) {
        Map<String, String> config = new HashMap<>(ServiceProcess.fleetSettings(tenantDatabase, topicPrefix, objectStore));
        config.put("tenant.privacy-services", "config");
        config.putAll(ServiceTls.settings(ServiceProcess.PROFILE, tls.toString()));
        return config;
    }

    private static Map<String, String> configSettings(int tenantPort) throws IOException {
        Path tls = ServiceTls.issue(Files.createTempDirectory("aicunet-config-tls-"), ServiceTls.stackCa(),
                ServiceTls.stackCa().certificate());
        Map<String, String> config = new HashMap<>(ServiceProcess.fleetSettings(configDatabase, topicPrefix, objectStore));
        config.put("quarkus.grpc.clients.tenant-keys.host", "127.0.0.1");
        config.put("quarkus.grpc.clients.tenant-keys.port", Integer.toString(tenantPort));
        config.putAll(ServiceTls.settings(ServiceProcess.PROFILE, tls.toString()));
        return config;
    }

    private static String createTenant(int port, Path ca) throws InterruptedException {
        ManagedChannel channel = ServiceTls.channel(port, ca);
        try {
            return TenantServiceGrpc.newBlockingStub(TestCallers.as(channel, TestCallers.platformAdmin()))
                    .createTenant(TenantFixtures.aTenant().build()).getTenant().getId();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A read by a user of the tenant over TLS; its outcome does not matter, only that the quotas were asked for. */
    private static void callAsTenantUser(ServiceProcess config, String tenantId) throws InterruptedException {
        ManagedChannel channel = ServiceTls.channel(config.port(), ServiceTls.stackCa().certificate());
        try {
            ConfigServiceGrpc.newBlockingStub(TestCallers.as(channel, TestCallers.ofTenant(tenantId, "tenant-viewer")))
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .getEffectiveConfig(GetEffectiveConfigRequest.newBuilder().setTenantId(tenantId).build());
        } catch (StatusRuntimeException anyAnswer) {
            System.out.println("config answered " + anyAnswer.getStatus());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** aicunet_limits_quota_answers_total{origin=...} on config's /q/metrics, read over HTTPS with the fleet's CA. */
    private static double quotaAnswers(ServiceProcess config, String origin) throws Exception {
        HttpResponse<String> metrics = ServiceTls.httpClient(ServiceTls.stackCa().certificate()).send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + config.port() + "/q/metrics"))
                        .header("accept", "text/plain").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        Matcher matcher = Pattern.compile("^aicunet_limits_quota_answers_total\\{[^}]*origin=\"" + Pattern.quote(origin)
                + "\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(metrics.body());
        double total = 0;
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
        }
        return total;
    }

    /** The first entry of {@code process}'s log that contains {@code text}, waited for up to LOG_WAIT. */
    private static String awaitLogLine(ServiceProcess process, String text) {
        return org.awaitility.Awaitility.await("a line with \"" + text + "\" in the " + process.name() + " log")
                .atMost(LOG_WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> logEntry(process, text), java.util.Optional::isPresent).orElseThrow();
    }

    /** A log entry runs until the next line that starts with a timestamp. */
    private static java.util.Optional<String> logEntry(ServiceProcess process, String text) {
        return java.util.Arrays.stream(process.log().split("\n(?=\\d{4}-\\d{2}-\\d{2} )"))
                .filter(entry -> entry.contains(text)).findFirst();
    }
}
