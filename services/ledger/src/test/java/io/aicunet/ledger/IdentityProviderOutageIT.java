package io.aicunet.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.aicunet.contracts.ledger.v1.CreateTransfersRequest;
import io.aicunet.contracts.ledger.v1.GetAccountRequest;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc.LedgerServiceBlockingStub;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.platform.testing.FleetStack;
import io.aicunet.platform.testing.LedgerFixtures;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.ServiceTls;
import io.aicunet.platform.testing.TestCallers;
import io.aicunet.platform.testing.TestDatabase;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves what happens to the ledger while the identity provider is away: tokens
 * already issued keep working (the issuer's keys are cached), and calls that need the
 * ledger's own account (fetching a tenant's data key) fail with UNAVAILABLE, never
 * unauthenticated and never as if no token were needed. The ledger runs as a process
 * whose view of the issuer's keys is a copy served from this test, so the test can
 * take "the identity provider" away without stopping the shared one, and whose own
 * account points at a port where nothing listens.
 */
class IdentityProviderOutageIT {

    private static HttpServer keys;
    /** Stands where the tenant service would: counts the calls that reach it (none may, without a token). */
    private static Server tenantKeys;
    private static final AtomicInteger CALLS_RECEIVED = new AtomicInteger();
    private static TestDatabase database;
    private static ServiceProcess ledger;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        FleetStack.ensureRunning();
        byte[] jwks = ServiceTls.httpClient(FleetStack.caCertificate())
                .send(HttpRequest.newBuilder(URI.create(FleetStack.issuer() + "/protocol/openid-connect/certs")).build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        keys = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keys.createContext("/certs", exchange -> {
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        keys.start();
        database = TestDatabase.create("ledger");
        Path objects = Files.createTempDirectory("aicunet-objects-");
        Map<String, String> config = new HashMap<>(ServiceProcess.fleetSettings(database,
                "test-" + UUID.randomUUID().toString().substring(0, 8) + ".", objects));
        config.put("mp.jwt.verify.publickey.location", "http://127.0.0.1:" + keys.getAddress().getPort() + "/certs");
        config.put("quarkus.oidc-client.auth-server-url", "http://127.0.0.1:" + closedPort() + "/realms/aicunet");
        // TLS with the certificate the ledger's client trusts, so a call would get through if one were made.
        Path certificate = Path.of(config.get(ServiceTls.DIRECTORY_SETTING));
        tenantKeys = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .useTransportSecurity(certificate.resolve("tls.crt").toFile(), certificate.resolve("tls.key").toFile())
                .fallbackHandlerRegistry(new HandlerRegistry() {
                    @Override
                    public ServerMethodDefinition<?, ?> lookupMethod(String method, String authority) {
                        CALLS_RECEIVED.incrementAndGet();
                        return null;
                    }
                }).build().start();
        config.put("quarkus.grpc.clients.tenant-keys.host", "127.0.0.1");
        config.put("quarkus.grpc.clients.tenant-keys.port", Integer.toString(tenantKeys.getPort()));
        ledger = ServiceProcess.start("ledger", config);
        channel = ledger.channel();
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (ledger != null) {
            ledger.close();
        }
        if (keys != null) {
            keys.stop(0);
        }
        if (tenantKeys != null) {
            tenantKeys.shutdownNow();
        }
        if (database != null) {
            database.drop();
        }
    }

    /** Proves: an issued token keeps working after the issuer's keys are gone; the service's own token fails as UNAVAILABLE. */
    @Test
    void issuedTokensKeepWorkingAndOwnTokensFailAsUnavailable() {
        String tenant = UUID.randomUUID().toString();
        LedgerServiceBlockingStub writer = LedgerServiceGrpc.newBlockingStub(
                TestCallers.as(channel, TestCallers.ofTenant(tenant, "ledger-writer")))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        GetAccountRequest unknownAccount = GetAccountRequest.newBuilder().setAccountId(UUID.randomUUID().toString())
                .build();
        assertThat(codeOf(() -> writer.getAccount(unknownAccount))).as("authenticated, the account is unknown")
                .isEqualTo(Status.Code.NOT_FOUND);

        keys.stop(0);

        assertThat(codeOf(() -> writer.getAccount(unknownAccount))).as("the cached keys still verify the token")
                .isEqualTo(Status.Code.NOT_FOUND);
        CreateTransfersRequest personal = CreateTransfersRequest.newBuilder()
                .addTransfers(LedgerFixtures.aTransfer(UUID.randomUUID().toString(), UUID.randomUUID().toString(), 1)
                        .putPersonalMetadata("buyer", "Alice Example"))
                .build();
        assertThat(codeOf(() -> writer.createTransfers(personal)))
                .as("the data key needs the ledger's own token, which the identity provider cannot issue now")
                .isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(CALLS_RECEIVED).as("no call left the ledger without its token").hasValue(0);
    }

    private static Status.Code codeOf(Runnable call) {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call::run);
        return failure == null ? Status.Code.OK : failure.getStatus().getCode();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
