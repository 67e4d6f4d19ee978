package io.aicunet.platform.privacy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The object store every service of one deployment shares for privacy exports
 * ({@code aicunet.privacy.object-store-directory}, by default {@code $FLEET_HOME/objects}:
 * see META-INF/microprofile-config.properties).
 */
@ApplicationScoped
public class ObjectStores {

    @Produces
    @ApplicationScoped
    ObjectStore objectStore(
            @ConfigProperty(name = "aicunet.privacy.object-store-directory") String directory) {
        return new LocalDirectoryObjectStore(Path.of(directory));
    }
}
