package io.aicunet.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.ServiceTls;
import io.aicunet.platform.testing.TenantFixtures;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged tenant service with TLS on its one port (REST and gRPC), as the charts run
 * it: platform/tenancy's {@code service-tls} profile (docs/tls.md, "Service to service"),
 * a certificate for 127.0.0.1 issued by the local stack's CA. A client that trusts that CA
 * and checks the name gets answers on gRPC and REST; plaintext HTTP/1.1, plaintext gRPC
 * and a client that trusts another CA get nothing.
 */
class ServiceTlsIT {

    private static final Duration RELOAD_PERIOD = Duration.ofSeconds(2);

    private static TestDatabase database;
    private static Path objectStore;
    private static Path tls;
    private static ServiceProcess tenant;

    @BeforeAll
    static void start() throws IOException {
        database = TestDatabase.create("tenant");
        objectStore = Files.createTempDirectory("aicunet-objects-");
        tls = mountedSecret(Files.createTempDirectory("aicunet-service-tls-"));
        Map<String, String> config = new HashMap<>(ServiceProcess.fleetSettings(database,
                "test-" + UUID.randomUUID().toString().substring(0, 8) + ".", objectStore));
        config.putAll(ServiceTls.settings(ServiceProcess.PROFILE, tls.toString()));
        // Renewal is shown in seconds, not the hour of platform/tenancy's defaults.
        config.put("quarkus.tls.service.reload-period", RELOAD_PERIOD.toSeconds() + "s");
        // Ready means /q/health/ready answered 200 over HTTPS, trusting only the stack's CA.
        tenant = ServiceProcess.start("tenant", config);
    }

    @AfterAll
    static void stop() {
        if (tenant != null) {
            tenant.close();
        }
        if (database != null) {
            database.drop();
        }
    }

    /** Proves: over TLS with the stack's CA, a gRPC call (create, then read a tenant) and REST (health, the API) are answered. */
    @Test
    void grpcAndRestAnswerOverTlsWithTheFleetCa() throws Exception {
        ManagedChannel channel = ServiceTls.channel(tenant.port(), tls.resolve("ca.crt"));
        try {
            TenantServiceGrpc.TenantServiceBlockingStub stub = TenantServiceGrpc.newBlockingStub(
                    TestCallers.as(channel, TestCallers.platformAdmin()));
            String id = stub.createTenant(TenantFixtures.aTenant().build()).getTenant().getId();
            assertThat(stub.getTenant(GetTenantRequest.newBuilder().setTenantId(id).build()).getTenant().getId())
                    .isEqualTo(id);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        assertThat(ServiceTls.httpsGet(tenant.port(), "/q/health/ready", tls.resolve("ca.crt"))).isEqualTo(200);
        HttpClient https = ServiceTls.httpClient(tls.resolve("ca.crt"));
        HttpRequest.Builder api = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tenant.port() + "/v1/tenants"))
                .timeout(Duration.ofSeconds(5));
        TestCallers.platformAdmin().forEach(api::header);
        HttpResponse<String> listed = https.send(api.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(listed.version()).as("ALPN offers HTTP/2 over TLS").isEqualTo(HttpClient.Version.HTTP_2);
    }

    /**
     * Proves: a plaintext HTTP/1.1 request to the port gets no HTTP answer: the server only
     * speaks TLS there (no plaintext listener), so the request is not read as one.
     */
    @Test
    void plaintextHttpIsRefused() throws IOException {
        String request = "GET /q/health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        String answer = ServiceTls.plaintextExchange(tenant.port(), request);
        System.out.println("plaintext HTTP/1.1 to the TLS port: " + (answer.isEmpty() ? "closed without an answer"
                : answer.replaceAll("\\p{Cntrl}", "?")));
        assertThat(answer).as("a plaintext request gets no HTTP response").doesNotContain("HTTP/1.1");

        // The JDK's client, plaintext: no response either.
        HttpRequest plaintext = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tenant.port() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(plaintext, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class)
                .satisfies(refused -> System.out.println("plaintext HTTP (JDK client) refused: " + refused));
    }

    /** Proves: plaintext gRPC (HTTP/2 without TLS) to the port fails with UNAVAILABLE; no call reaches the service. */
    @Test
    void plaintextGrpcIsRefused() throws InterruptedException {
        Status refused = ServiceTls.plaintextGrpcCall(tenant.port());
        System.out.println("plaintext gRPC to the TLS port refused: " + refused);
        assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    /**
     * Proves: a client that trusts another CA (what a server impersonating the service would
     * present to the fleet, seen from the other side) refuses the handshake: gRPC fails with
     * UNAVAILABLE caused by the certificate path, HTTPS with an SSLHandshakeException.
     */
    @Test
    void clientTrustingAnotherCaRefusesTheServer() throws Exception {
        Path other = ServiceTls.throwawayCa(Files.createTempDirectory("aicunet-other-ca-")).certificate();
        ManagedChannel channel = ServiceTls.channel(tenant.port(), other);
        try {
            TenantServiceGrpc.TenantServiceBlockingStub stub = TenantServiceGrpc.newBlockingStub(
                    TestCallers.as(channel, TestCallers.platformAdmin())).withDeadlineAfter(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> stub.createTenant(TenantFixtures.aTenant().build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, refused -> {
                        System.out.println("gRPC client trusting another CA: " + refused.getStatus() + " caused by "
                                + rootCause(refused));
                        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(rootCause(refused).toString()).contains("unable to find valid certification path");
                    });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }

        assertThatThrownBy(() -> ServiceTls.httpsGet(tenant.port(), "/q/health/ready", other))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
                .satisfies(refused -> System.out.println("HTTPS client trusting another CA: " + refused));
    }

    /**
     * Proves: a certificate renewed in place (as cert-manager rewrites the Secret's files) is
     * presented on new connections without a restart: the registry reads the files again
     * every reload period and the HTTP server takes them.
     */
    @Test
    void renewedCertificateIsPresentedWithoutRestart() throws Exception {
        java.math.BigInteger before = presentedSerial();
        // Both files change in one rename, as the kubelet swaps a Secret volume: a reload never
        // sees the new key beside the old certificate.
        publish(tls, "renewed");
        java.math.BigInteger expected = ((java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(Files.newInputStream(tls.resolve("tls.crt")))).getSerialNumber();
        assertThat(expected).isNotEqualTo(before);
        java.math.BigInteger now = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(ServiceTlsIT::presentedSerial, expected::equals);
        System.out.println("certificate presented before renewal: serial " + before + ", after: " + now);
        assertThat(now).as("the renewed certificate's serial").isEqualTo(expected);
        assertThat(tenant.alive()).isTrue();
    }

    /**
     * A directory laid out as the kubelet mounts a Secret: {@code tls.crt}, {@code tls.key}
     * and {@code ca.crt} are links through {@code ..data}, itself a link to the current
     * version's directory, here a certificate for 127.0.0.1 from the stack's CA.
     */
    private static Path mountedSecret(Path directory) throws IOException {
        publish(directory, "initial");
        for (String file : ServiceTls.FILES) {
            Files.createSymbolicLink(directory.resolve(file), Path.of("..data", file));
        }
        return directory;
    }

    /** Issues a new certificate into its own version directory and points {@code ..data} at it in one rename. */
    private static void publish(Path directory, String version) throws IOException {
        Path issued = ServiceTls.issue(Files.createDirectory(directory.resolve(".." + version)), ServiceTls.stackCa(),
                ServiceTls.stackCa().certificate());
        Path staged = directory.resolve("..data_tmp");
        Files.deleteIfExists(staged);
        Files.createSymbolicLink(staged, issued.getFileName());
        Files.move(staged, directory.resolve("..data"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The serial of the certificate the service presents on a new connection. */
    private static java.math.BigInteger presentedSerial() throws Exception {
        HttpResponse<Void> answer = ServiceTls.httpClient(tls.resolve("ca.crt")).send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tenant.port() + "/q/health/live"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        return ((java.security.cert.X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0])
                .getSerialNumber();
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
