package io.aicunet.platform.testing;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS of the services' own port (REST and gRPC) and of their calls to each other, as the
 * tests switch it on (docs/tls.md, "Service to service"): the configuration profile
 * {@value #PROFILE} of platform/tenancy's defaults, reading the certificate, key and CA
 * from one directory laid out as cert-manager's Secret ({@code tls.crt}, {@code tls.key},
 * {@code ca.crt}). The charts switch it on with the same settings ({@link #settings});
 * deploy/tests' ServiceTlsTest holds them to these.
 *
 * <p>Certificates are issued with openssl into temporary directories: by the local
 * stack's CA ({@link FleetStack#caCertificate()}, the one every client trusts), by a
 * throwaway CA, or already expired. Development keys only, never outside {@code target}
 * or the system's temporary directory.
 */
public final class ServiceTls {

    /** The configuration profile that switches TLS on (platform/tenancy's {@code %service-tls.} keys). */
    public static final String PROFILE = "service-tls";
    /** Where the directory of certificate, key and CA is named. */
    public static final String DIRECTORY_SETTING = "aicunet.service-tls.directory";
    /** The files in that directory, as cert-manager names a Certificate's Secret keys. */
    public static final List<String> FILES = List.of("tls.crt", "tls.key", "ca.crt");

    /** The names a service's local certificate carries: what tests dial (127.0.0.1) and localhost. */
    private static final String SERVER_NAMES = "DNS:localhost,IP:127.0.0.1";

    private static Path jvmTrustStore;

    private ServiceTls() {
    }

    /**
     * The settings that switch TLS on for a service running in {@code profile} ("dev" for
     * the local proofs, "prod" in the charts) with its files in {@code directory}.
     */
    public static Map<String, String> settings(String profile, String directory) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("quarkus.profile", profile + "," + PROFILE);
        settings.put(DIRECTORY_SETTING, directory);
        return settings;
    }

    /** Whether these settings (a {@link ServiceProcess}'s) switch TLS on. */
    public static boolean enabledIn(Map<String, String> settings) {
        String profiles = settings.getOrDefault("quarkus.profile", "");
        return List.of(profiles.split(",")).contains(PROFILE);
    }

    /** The CA a service with these settings trusts, which its own certificate chains to when issued by {@link #issue}. */
    public static Path caOf(Map<String, String> settings) {
        return Path.of(settings.get(DIRECTORY_SETTING)).resolve("ca.crt");
    }

    /** A CA of its own, in {@code directory} ({@code ca.crt}, {@code ca.key}): what an attacker's server or client would trust. */
    public static Authority throwawayCa(Path directory) {
        mkdirs(directory);
        Path cert = directory.resolve("ca.crt");
        Path key = directory.resolve("ca.key");
        openssl(directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=throwaway CA",
                "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return new Authority(cert, key);
    }

    /** The local stack's CA (its key under FLEET_HOME/tls): the one the fleet's clients trust. */
    public static Authority stackCa() {
        Path cert = FleetStack.caCertificate();
        return new Authority(cert, cert.resolveSibling("ca.key"));
    }

    /**
     * A service directory: a certificate for localhost and 127.0.0.1 issued by {@code issuer},
     * valid now for two days, its key, and {@code trusted} as the CA the service trusts for
     * its own calls.
     */
    public static Path issue(Path directory, Authority issuer, Path trusted) {
        return issue(directory, issuer, trusted, SERVER_NAMES, null);
    }

    /** Like {@link #issue}, but the certificate's validity ended before now (1 to 2 January 2024). */
    public static Path issueExpired(Path directory, Authority issuer, Path trusted) {
        return issue(directory, issuer, trusted, SERVER_NAMES, new String[] {"20240101000000Z", "20240102000000Z"});
    }

    /** Like {@link #issue}, but for other names only ({@code names}: e.g. "DNS:ledger.example"): not the host a client dials. */
    public static Path issueForOtherName(Path directory, Authority issuer, Path trusted, String names) {
        return issue(directory, issuer, trusted, names, null);
    }

    private static Path issue(Path directory, Authority issuer, Path trusted, String names, String[] validity) {
        mkdirs(directory);
        Path key = directory.resolve("tls.key");
        Path csr = directory.resolve("tls.csr");
        Path cert = directory.resolve("tls.crt");
        Path ext = directory.resolve("tls.ext");
        write(ext, String.join("\n", "basicConstraints=critical,CA:FALSE",
                "keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth",
                "subjectAltName=" + names) + "\n");
        openssl(directory, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=localhost");
        if (validity == null) {
            openssl(directory, "x509", "-req", "-in", csr.toString(), "-CA", issuer.certificate().toString(),
                    "-CAkey", issuer.key().toString(), "-set_serial", Long.toString(System.nanoTime()),
                    "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        } else {
            // openssl x509 only issues from now on; openssl ca takes explicit start and end dates.
            Path ca = directory.resolve("expired-ca");
            mkdirs(ca.resolve("certs"));
            write(ca.resolve("index.txt"), "");
            write(ca.resolve("serial"), "01\n");
            write(ca.resolve("ca.cnf"), String.join("\n", "[ca]", "default_ca = issuer", "[issuer]",
                    "database = " + ca.resolve("index.txt"), "new_certs_dir = " + ca.resolve("certs"),
                    "serial = " + ca.resolve("serial"), "default_md = sha256", "policy = any", "[any]",
                    "commonName = supplied") + "\n");
            openssl(directory, "ca", "-batch", "-config", ca.resolve("ca.cnf").toString(),
                    "-cert", issuer.certificate().toString(), "-keyfile", issuer.key().toString(),
                    "-in", csr.toString(), "-out", cert.toString(), "-startdate", validity[0],
                    "-enddate", validity[1], "-extfile", ext.toString(), "-notext");
        }
        try {
            Files.copy(trusted, directory.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return directory;
    }

    /** A gRPC channel to 127.0.0.1:{@code port} over TLS that trusts only {@code ca} and checks the server's name. */
    public static ManagedChannel channel(int port, Path ca) {
        return channelBuilder("127.0.0.1", port, ca).build();
    }

    /**
     * A gRPC channel to a service of the running local stack ({@code ./fleet up}: TLS only,
     * with the stack's CA), as benchmarks and hand-run tools reach it.
     */
    public static ManagedChannel stackChannel(String host, int port) {
        return channelBuilder(host, port, FleetStack.caCertificate()).build();
    }

    /** The builder of {@link #channel}, for a caller that sets more (an executor, say). */
    public static ManagedChannelBuilder<?> channelBuilder(String host, int port, Path ca) {
        try {
            ChannelCredentials credentials = TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build();
            return Grpc.newChannelBuilderForAddress(host, port, credentials);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ca, e);
        }
    }

    /** A plaintext gRPC channel (HTTP/2 without TLS) to 127.0.0.1:{@code port}: what a TLS-only port must refuse. */
    public static ManagedChannel plaintextChannel(int port) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    /**
     * Sends {@code request} (e.g. an HTTP/1.1 request) in plaintext to 127.0.0.1:{@code port}
     * and returns what comes back before the server closes, resets, or stays silent for 10 s:
     * what a client on the network gets from a TLS-only port.
     */
    public static String plaintextExchange(int port, String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(answer);
            } catch (java.net.SocketException | java.net.SocketTimeoutException closedOrSilent) {
                // A reset or silence is an answer too: nothing more comes.
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * The status a plaintext gRPC call (HTTP/2 without TLS, CreateTenant as platform admin,
     * 10 s deadline) to 127.0.0.1:{@code port} ends with: UNAVAILABLE from a TLS-only port,
     * where nothing reaches the service; OK if the call went through.
     */
    public static io.grpc.Status plaintextGrpcCall(int port) throws InterruptedException {
        ManagedChannel channel = plaintextChannel(port);
        try {
            io.aicunet.contracts.tenant.v1.TenantServiceGrpc.newBlockingStub(
                            TestCallers.as(channel, TestCallers.platformAdmin()))
                    .withDeadlineAfter(10, TimeUnit.SECONDS).createTenant(TenantFixtures.aTenant().build());
            return io.grpc.Status.OK;
        } catch (io.grpc.StatusRuntimeException refused) {
            return refused.getStatus();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** An HTTP client (HTTP/1.1 and HTTP/2 over TLS) that trusts only {@code ca} and checks the server's name. */
    public static HttpClient httpClient(Path ca) {
        return HttpClient.newBuilder().sslContext(sslContext(ca)).connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** An SSL context that trusts only the certificates in {@code ca} (PEM). */
    public static SSLContext sslContext(Path ca) {
        try (InputStream in = Files.newInputStream(ca)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ca, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + ca, e);
        }
    }

    /**
     * Makes this JVM's default trust the local stack's CA and nothing else: the default SSL
     * context and the {@code javax.net.ssl.trustStore} every client reads that builds its own
     * (RestAssured's, the JDK's HTTP client): the clients of a test reach the services under
     * test over TLS with the name checked. Tests talk to 127.0.0.1 only, so no public CA is
     * missed. Idempotent.
     */
    public static synchronized void trustStackCaInThisJvm() {
        if (jvmTrustStore != null) {
            return;
        }
        Path ca = FleetStack.caCertificate();
        try (InputStream in = Files.newInputStream(ca)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("fleet-ca-" + i++, certificate);
            }
            Path store = Files.createTempFile("aicunet-trust-", ".p12");
            char[] password = "fleet-test-trust".toCharArray(); // a trust store holds no secret
            try (java.io.OutputStream out = Files.newOutputStream(store)) {
                trust.store(out, password);
            }
            System.setProperty("javax.net.ssl.trustStore", store.toString());
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            System.setProperty("javax.net.ssl.trustStorePassword", new String(password));
            SSLContext.setDefault(sslContext(ca));
            jvmTrustStore = store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ca, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + ca, e);
        }
    }

    /** GET https://127.0.0.1:{@code port}{@code path} trusting only {@code ca}; the status code. */
    public static int httpsGet(int port, String path, Path ca) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        return httpClient(ca).send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** A CA: its certificate and key (PEM). */
    public record Authority(Path certificate, Path key) {
    }

    private static void openssl(Path directory, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + arguments[0] + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (apt-get install openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }

    private static void mkdirs(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
