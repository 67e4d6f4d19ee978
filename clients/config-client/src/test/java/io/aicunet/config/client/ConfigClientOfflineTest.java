package io.aicunet.config.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.contracts.config.v1.Entry;
import io.aicunet.contracts.config.v1.GetEffectiveConfigResponse;
import io.aicunet.contracts.config.v1.Scope;
import io.aicunet.contracts.config.v1.ScopeKind;
import io.aicunet.contracts.config.v1.Value;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client without a reachable service: it starts from the last known file and merges its layers. */
class ConfigClientOfflineTest {

    /**
     * Proves: with the service unreachable at start, the client reports it was not
     * loaded, serves the last known file's values merged by scope (the tenant layer
     * beats the global one), and reports itself not connected.
     */
    @Test
    void startsFromLastKnownFileWhenServiceIsDown(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("config.last-known");
        GetEffectiveConfigResponse snapshot = GetEffectiveConfigResponse.newBuilder()
                .setRevision(42)
                .addLayers(layer(ScopeKind.SCOPE_KIND_GLOBAL, "", "\"gpt-small\"", 40))
                .addLayers(layer(ScopeKind.SCOPE_KIND_TENANT, "6f1c2b1e-0000-4000-8000-00000000000a", "\"gpt-large\"",
                        41))
                .build();
        try (OutputStream out = Files.newOutputStream(file)) {
            snapshot.writeTo(out);
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", closedPort).usePlaintext().build();
        try (ConfigClient client = ConfigClient.builder(channel)
                .caller("6f1c2b1e-0000-4000-8000-00000000000a", () -> "not-a-token-the-service-is-down-anyway")
                .tenant("6f1c2b1e-0000-4000-8000-00000000000a")
                .callTimeout(Duration.ofSeconds(2))
                .lastKnownFile(file)
                .build()) {
            assertThat(client.start()).isFalse();
            assertThat(client.json("llm.routing", "model")).contains("\"gpt-large\"");
            assertThat(client.value("llm.routing", "model").orElseThrow().scopeKind()).isEqualTo("tenant");
            assertThat(client.revision()).isEqualTo(42);
            assertThat(client.connected()).isFalse();
        } finally {
            channel.shutdownNow();
        }
    }

    private static Entry layer(ScopeKind kind, String tenant, String json, long revision) {
        return Entry.newBuilder()
                .setNamespace("llm.routing")
                .setKey("model")
                .setScope(Scope.newBuilder().setKind(kind).setTenantId(tenant))
                .setValue(Value.newBuilder().setJson(json))
                .setRevision(revision)
                .build();
    }
}
