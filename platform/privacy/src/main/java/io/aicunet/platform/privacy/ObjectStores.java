package io.aicunet.platform.privacy;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The object store every service of one deployment shares for privacy exports, chosen by
 * {@code aicunet.privacy.object-store.kind}: {@code s3} (an S3-compatible server, the
 * {@code aicunet.privacy.object-store.s3.*} settings) or {@code directory}
 * ({@code aicunet.privacy.object-store-directory}). Defaults: META-INF/microprofile-config.properties.
 *
 * <p>An S3 store that cannot be reached at start does not stop the service: the bucket is
 * checked (and created) again before the first write, and each call fails on its own with
 * a message naming the store.
 */
@ApplicationScoped
public class ObjectStores {

    private static final Logger LOG = Logger.getLogger(ObjectStores.class);

    private S3ObjectStore opened;

    @Produces
    @ApplicationScoped
    ObjectStore objectStore(
            @ConfigProperty(name = "aicunet.privacy.object-store.kind") String kind,
            @ConfigProperty(name = "aicunet.privacy.object-store-directory") String directory,
            @ConfigProperty(name = "aicunet.privacy.object-store.s3.endpoint") Optional<URI> endpoint,
            @ConfigProperty(name = "aicunet.privacy.object-store.s3.region") String region,
            @ConfigProperty(name = "aicunet.privacy.object-store.s3.bucket") String bucket,
            @ConfigProperty(name = "aicunet.privacy.object-store.s3.access-key") Optional<String> accessKey,
            @ConfigProperty(name = "aicunet.privacy.object-store.s3.access-key-file") Optional<Path> accessKeyFile,
            @ConfigProperty(name = "aicunet.privacy.object-store.s3.secret-key") Optional<String> secretKey,
            @ConfigProperty(name = "aicunet.privacy.object-store.s3.secret-key-file") Optional<Path> secretKeyFile,
            @ConfigProperty(name = "aicunet.privacy.object-store.s3.ca-certificate") Optional<Path> caCertificate,
            @ConfigProperty(name = "aicunet.privacy.object-store.s3.part-size-bytes") int partSizeBytes,
            @ConfigProperty(name = "aicunet.privacy.object-store.s3.timeout-millis") long timeoutMillis) {
        return switch (kind) {
            case "directory" -> new LocalDirectoryObjectStore(Path.of(directory));
            case "s3" -> {
                S3ObjectStore.Settings settings = new S3ObjectStore.Settings(
                        endpoint.orElseThrow(() -> new IllegalArgumentException(
                                "aicunet.privacy.object-store.s3.endpoint is required with kind s3")),
                        region, bucket,
                        secret("access-key", accessKey, accessKeyFile),
                        secret("secret-key", secretKey, secretKeyFile),
                        caCertificate, partSizeBytes, Duration.ofMillis(timeoutMillis));
                opened = S3ObjectStore.open(settings);
                try {
                    opened.ensureBucket();
                } catch (IOException away) {
                    LOG.warnf("object store not ready at start, exports wait for it: %s", away.getMessage());
                }
                yield opened;
            }
            default -> throw new IllegalArgumentException(
                    "aicunet.privacy.object-store.kind must be directory or s3, not " + kind);
        };
    }

    void close(@Observes ShutdownEvent shutdown) {
        if (opened != null) {
            opened.close();
        }
    }

    /** A credential given directly (from a Secret in the environment) or in a file (the local stack's). */
    static String secret(String name, Optional<String> value, Optional<Path> file) {
        if (value.isPresent() && !value.get().isBlank()) {
            return value.get();
        }
        if (file.isEmpty()) {
            throw new IllegalArgumentException("aicunet.privacy.object-store.s3." + name + " or " + name
                    + "-file is required with kind s3");
        }
        try {
            return Files.readString(file.get(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read aicunet.privacy.object-store.s3." + name + "-file "
                    + file.get(), e);
        }
    }
}
