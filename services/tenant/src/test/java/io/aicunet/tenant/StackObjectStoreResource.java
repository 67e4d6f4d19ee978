package io.aicunet.tenant;

import io.aicunet.platform.testing.FleetStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Points the tenant service under test at the local stack's S3 object store (s3proxy):
 * its endpoint, development credentials and CA, found where {@code ./fleet} keeps them
 * (FLEET_HOME, or {@code .fleet} in the checkout when Maven runs without ./fleet). The
 * kind and the tests' own bucket are in application.properties ({@code %test}). Erasure
 * tombstones go under a prefix of this run's own: the bucket outlives the run, and a
 * service re-applies every tombstone under its prefix at each start.
 */
public class StackObjectStoreResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Path home = FleetStack.fleetHome();
        String port = System.getenv("FLEET_OBJECT_STORE_PORT");
        return Map.of(
                "aicunet.privacy.object-store.s3.endpoint",
                "https://127.0.0.1:" + (port == null || port.isBlank() ? "19000" : port),
                "aicunet.privacy.object-store.s3.access-key-file", home.resolve("object-store/access-key").toString(),
                "aicunet.privacy.object-store.s3.secret-key-file", home.resolve("object-store/secret-key").toString(),
                "aicunet.privacy.object-store.s3.ca-certificate", home.resolve("tls/ca.crt").toString(),
                "aicunet.privacy.tombstones.prefix", "tombstones/test-" + UUID.randomUUID() + "/");
    }

    @Override
    public void stop() {
        // Nothing to stop: the store is the stack's.
    }
}
