package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How the charts give a service the CA certificate of a server it verifies (PostgreSQL,
 * Kafka, ...): a volume of the CA alone, as {@code ca.crt}, mounted read-only, and the
 * service's settings that read it.
 */
final class CaMounts {

    private CaMounts() {
    }

    /** Asserts that the pod's first container mounts {@code volumeName} from Secret {@code secretName}'s ca.crt at {@code directory}, read-only. */
    static void assertCaMounted(PodSpec pod, String volumeName, String directory, String secretName, String what) {
        Volume volume = volume(pod, volumeName, what);
        assertThat(volume.getSecret().getSecretName()).as(what).isEqualTo(secretName);
        assertThat(volume.getSecret().getItems()).as(what).singleElement()
                .satisfies(item -> {
                    assertThat(item.getKey()).isEqualTo("ca.crt");
                    assertThat(item.getPath()).isEqualTo("ca.crt");
                });
        Container container = pod.getContainers().get(0);
        VolumeMount mount = container.getVolumeMounts().stream()
                .filter(candidate -> candidate.getName().equals(volumeName))
                .findFirst().orElseThrow(() -> new AssertionError(what + " does not mount " + volumeName));
        assertThat(mount.getMountPath()).as(what).isEqualTo(directory);
        assertThat(mount.getReadOnly()).as(what + ": read-only").isTrue();
    }

    /** {@link #assertCaMounted} in the service's app and in its migration Job (both start the clients). */
    static void assertCaMountedInAppAndMigration(RenderedManifests manifests, Deployment deployment, String service,
                                                 String volumeName, String directory, String secretName) {
        assertCaMounted(deployment.getSpec().getTemplate().getSpec(), volumeName, directory, secretName,
                service + " app");
        Job migration = TrustedCallersTest.migrationOf(manifests, service);
        assertCaMounted(migration.getSpec().getTemplate().getSpec(), volumeName, directory, secretName,
                service + " migration");
    }

    static Volume volume(PodSpec pod, String volumeName, String what) {
        return pod.getVolumes().stream().filter(candidate -> candidate.getName().equals(volumeName))
                .findFirst().orElseThrow(() -> new AssertionError(what + " has no " + volumeName + " volume"));
    }

    /**
     * A service's settings as its files give them: the defaults of the platform modules
     * named (their META-INF/microprofile-config.properties, in order), then the service's
     * application.properties over them. Profile-prefixed keys stay as written.
     */
    static Properties settingsOf(String service, String... platformModules) {
        Properties properties = new Properties();
        for (String module : platformModules) {
            load(properties, Fleet.root().resolve("platform").resolve(module)
                    .resolve("src/main/resources/META-INF/microprofile-config.properties"));
        }
        load(properties, Fleet.root().resolve("services").resolve(service).resolve("src/main/resources/application.properties"));
        return properties;
    }

    private static void load(Properties properties, Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
