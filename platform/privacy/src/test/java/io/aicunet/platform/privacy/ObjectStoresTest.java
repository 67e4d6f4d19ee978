package io.aicunet.platform.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store is chosen by configuration; a bad setting is refused naming it, and an S3 store
 * that is away at start still gives the service its store (calls fail on their own).
 */
class ObjectStoresTest {

    /** Proves: kind directory and kind s3 give those stores; another kind or a missing credential is refused by name. */
    @Test
    void choosesTheStoreByKind(@TempDir Path root) {
        S3ObjectStore.Settings stack = StackObjectStore.settings();
        assertThat(produce("directory", root, Optional.of(stack.endpoint()), Optional.of(stack.secretKey())))
                .isInstanceOf(LocalDirectoryObjectStore.class);
        assertThat(produce("s3", root, Optional.of(stack.endpoint()), Optional.of(stack.secretKey())))
                .isInstanceOf(S3ObjectStore.class);
        assertThatThrownBy(() -> produce("minio", root, Optional.of(stack.endpoint()), Optional.of(stack.secretKey())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aicunet.privacy.object-store.kind must be directory or s3, not minio");
        assertThatThrownBy(() -> produce("s3", root, Optional.empty(), Optional.of(stack.secretKey())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3.endpoint is required");
        assertThatThrownBy(() -> produce("s3", root, Optional.of(stack.endpoint()), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret-key or secret-key-file");
    }

    /** Proves: an unreachable S3 store at start does not stop the service; its calls fail clearly. */
    @Test
    void anUnreachableStoreAtStartDoesNotStopTheService(@TempDir Path root) throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        ObjectStore store = produce("s3", root, Optional.of(URI.create("https://127.0.0.1:" + deadPort)),
                Optional.of(StackObjectStore.settings().secretKey()));
        assertThatThrownBy(() -> store.put("exports/r1/x.jsonl", new ByteArrayInputStream(new byte[1])))
                .isInstanceOf(IOException.class).hasMessageContaining("unreachable");
    }

    private static ObjectStore produce(String kind, Path root, Optional<URI> endpoint, Optional<String> secretKey) {
        S3ObjectStore.Settings stack = StackObjectStore.settings();
        return new ObjectStores().objectStore(kind, root.toString(), endpoint, stack.region(), stack.bucket(),
                Optional.of(stack.accessKey()), Optional.empty(), secretKey, Optional.empty(), stack.caCertificate(),
                S3ObjectStore.PART_SIZE_BYTES_MIN, 2000);
    }
}
