package io.aicunet.platform.privacy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The object store every service of one deployment shares for privacy exports. */
@ApplicationScoped
public class ObjectStores {

    @Produces
    @ApplicationScoped
    ObjectStore objectStore(
            @ConfigProperty(name = "aicunet.privacy.object-store-directory", defaultValue = "/tmp/aicunet-objects")
                    String directory) {
        return new LocalDirectoryObjectStore(Path.of(directory));
    }
}
