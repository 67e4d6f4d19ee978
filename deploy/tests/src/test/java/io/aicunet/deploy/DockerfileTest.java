package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each service's Dockerfile.jvm builds the Quarkus fast-jar layout on a pinned base image, as a non-root user. */
class DockerfileTest {

    static Stream<String> services() {
        return Fleet.SERVICES.stream();
    }

    /** Proves: the Dockerfile pins its base image, copies lib/, the run jar, app/ and quarkus/ of target/quarkus-app, runs as user 185 and exposes the service's port. */
    @ParameterizedTest
    @MethodSource("services")
    void dockerfileIsPinnedNonRootFastJar(String service) throws IOException {
        Path dockerfile = Fleet.root().resolve("services").resolve(service).resolve("src/main/docker/Dockerfile.jvm");
        List<String> instructions = Files.readAllLines(dockerfile).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();

        List<String> from = instructions.stream().filter(line -> line.startsWith("FROM ")).toList();
        assertThat(from).singleElement()
                .satisfies(line -> assertThat(line).matches(ManifestSecurityTest.PINNED_IMAGE.pattern().replace("^", "^FROM ")));
        assertThat(instructions).contains(
                "COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/",
                "COPY --chown=185 target/quarkus-app/*.jar /deployments/",
                "COPY --chown=185 target/quarkus-app/app/ /deployments/app/",
                "COPY --chown=185 target/quarkus-app/quarkus/ /deployments/quarkus/",
                "EXPOSE " + Fleet.HTTP_PORTS.get(service),
                "ENV JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"");
        List<String> users = instructions.stream().filter(line -> line.startsWith("USER ")).toList();
        assertThat(users).as("the last USER is the image's user").isNotEmpty();
        assertThat(users.get(users.size() - 1)).isEqualTo("USER 185");
        assertThat(instructions.indexOf("USER 185")).isLessThan(instructions.size() - 1);
    }
}
