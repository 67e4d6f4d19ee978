package io.aicunet.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The local stack's S3 object store (s3proxy on https://127.0.0.1:FLEET_OBJECT_STORE_PORT,
 * platform/devstack/bin/object-store.sh) as the tests' privacy object store: where its
 * development credentials and CA are (FLEET_HOME), the bucket every test run shares
 * ({@value #TEST_BUCKET}, created by the first service that writes), and each run's own
 * prefix for erasure tombstones. The bucket outlives the run, and a service re-applies
 * every tombstone under its prefix at each start, so a run never reads another's.
 *
 * <p>This library cannot open the store itself (platform/privacy, which has the client,
 * tests with this library); a test opens it with {@code S3ObjectStore.open} and the
 * values here, or injects the service's own {@code ObjectStore}.
 */
public final class StackObjectStore {

    /** The bucket of every test run's export bundles and tombstones (never the stack's {@code fleet-exports}). */
    public static final String TEST_BUCKET = "fleet-exports-test";
    /** The region requests are signed for (s3proxy accepts any). */
    public static final String REGION = "us-east-1";

    private static final Pattern RUN = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private StackObjectStore() {
    }

    /** {@code https://127.0.0.1:<FLEET_OBJECT_STORE_PORT>}, path-style. */
    public static String endpoint() {
        return "https://" + FleetStack.host() + ":" + FleetStack.objectStorePort();
    }

    /** The file holding the stack's development access key. */
    public static Path accessKeyFile() {
        return FleetStack.fleetHome().resolve("object-store/access-key");
    }

    /** The file holding the stack's development secret key. */
    public static Path secretKeyFile() {
        return FleetStack.fleetHome().resolve("object-store/secret-key");
    }

    /** The PEM file of the stack's CA, which the store's certificate chains to. */
    public static Path caCertificate() {
        return FleetStack.fleetHome().resolve("tls/ca.crt");
    }

    public static String accessKey() {
        return read(accessKeyFile());
    }

    public static String secretKey() {
        return read(secretKeyFile());
    }

    /**
     * The tombstones prefix of the run whose topics start with {@code topicPrefix}
     * ({@code test-1a2b3c4d.} gives {@code tombstones/test-1a2b3c4d/}): every process of
     * one run shares its topic prefix, and so its tombstones.
     */
    public static String tombstonesPrefix(String topicPrefix) {
        String run = topicPrefix == null ? "" : topicPrefix.replaceAll("\\.+$", "");
        if (!RUN.matcher(run).matches()) {
            throw new IllegalArgumentException("a topic prefix of lower-case letters, digits and '-' ending in '.'"
                    + " names a run's tombstones, not: " + topicPrefix);
        }
        return "tombstones/" + run + "/";
    }

    /**
     * The settings that point a service at this store ({@code aicunet.privacy.object-store.kind=s3})
     * with its erasure tombstones under {@code tombstonesPrefix}.
     */
    public static Map<String, String> settings(String tombstonesPrefix) {
        return Map.of(
                "aicunet.privacy.object-store.kind", "s3",
                "aicunet.privacy.object-store.s3.endpoint", endpoint(),
                "aicunet.privacy.object-store.s3.region", REGION,
                "aicunet.privacy.object-store.s3.bucket", TEST_BUCKET,
                "aicunet.privacy.object-store.s3.access-key-file", accessKeyFile().toString(),
                "aicunet.privacy.object-store.s3.secret-key-file", secretKeyFile().toString(),
                "aicunet.privacy.object-store.s3.ca-certificate", caCertificate().toString(),
                "aicunet.privacy.tombstones.prefix", tombstonesPrefix);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": is the local stack's object store set up"
                    + " (./fleet up --infra)?", e);
        }
    }
}
