package io.aicunet.platform.privacy;

import io.aicunet.platform.testing.FleetStack;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The local stack's object store (s3proxy, started by {@code ./fleet up --infra}) as the
 * tests reach it: the same endpoint, development credentials and CA as the services, in a
 * bucket of the tests' own.
 */
final class StackObjectStore {

    static final String BUCKET = "fleet-exports-test";

    private StackObjectStore() {
    }

    static int port() {
        String port = System.getenv("FLEET_OBJECT_STORE_PORT");
        return port == null || port.isBlank() ? 19000 : Integer.parseInt(port);
    }

    static S3ObjectStore.Settings settings() {
        Path home = FleetStack.fleetHome();
        return new S3ObjectStore.Settings(URI.create("https://127.0.0.1:" + port()), "us-east-1", BUCKET,
                ObjectStores.secret("access-key", Optional.empty(), Optional.of(home.resolve("object-store/access-key"))),
                ObjectStores.secret("secret-key", Optional.empty(), Optional.of(home.resolve("object-store/secret-key"))),
                Optional.of(home.resolve("tls/ca.crt")), S3ObjectStore.PART_SIZE_BYTES_MIN, Duration.ofSeconds(10));
    }

    /** The settings with some part replaced, for the bad-input tests. */
    static S3ObjectStore.Settings with(URI endpoint, String secretKey, Optional<Path> caCertificate) {
        S3ObjectStore.Settings good = settings();
        return new S3ObjectStore.Settings(endpoint, good.region(), good.bucket(), good.accessKey(), secretKey,
                caCertificate, good.partSizeBytes(), Duration.ofSeconds(3));
    }
}
