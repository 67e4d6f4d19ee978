package io.aicunet.platform.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * One component of the stack as a container, as plain data: what {@link FleetContainers}
 * runs, and what its tests inspect without a container engine. Testcontainers' own
 * {@link GenericContainer} asks the engine for its image as soon as one reads it back
 * ({@code getDockerImageName()} resolves the image), and keeps its wait strategy to itself,
 * so the definition is this record and becomes a container only in {@link #toContainer()},
 * just before it starts.
 *
 * @param name the component's name in the local stack and in docker-compose.yml ({@code kafka})
 * @param image the pinned image it runs, or the base image of {@code dockerfile}
 * @param dockerfile a Dockerfile built on {@code image} (its FROM line names it; its directory
 *     is the build context, as docker-compose.yml's build of the same file has it), or null to
 *     run {@code image} as it is
 * @param builtImage the name the built image gets (null without a dockerfile)
 * @param ports the ports the server listens on inside the container; each is bound to the same
 *     port on the host's 127.0.0.1 ({@link #portBindings()})
 * @param environment the container's environment
 * @param command the command (the image's entrypoint stays)
 * @param files what is copied into the container before it starts
 * @param readiness when the container counts as started
 * @param startupTimeout how long readiness may take
 * @param reuse whether Testcontainers may keep the container for the next run (only where the
 *     developer enabled reuse in ~/.testcontainers.properties)
 */
public record ContainerDefinition(String name, String image, Path dockerfile, String builtImage,
                                  List<Integer> ports, Map<String, String> environment, List<String> command,
                                  List<FileCopy> files, Readiness readiness, Duration startupTimeout,
                                  boolean reuse) {

    /** The host address every port is bound to: the local stack's servers listen on it alone. */
    public static final String HOST_ADDRESS = "127.0.0.1";

    public ContainerDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        ports = List.copyOf(ports);
        environment = Map.copyOf(environment);
        command = List.copyOf(command);
        files = List.copyOf(files);
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        if (ports.isEmpty()) {
            throw new IllegalArgumentException(name + ": a container of the stack serves at least one port");
        }
        if ((dockerfile == null) != (builtImage == null)) {
            throw new IllegalArgumentException(name + ": a dockerfile needs the name of the image it builds, and only then");
        }
    }

    /**
     * The fixed port bindings, {@code 127.0.0.1:<port>:<port>}: the host port is the FLEET_*
     * port of the local stack, and the server listens on that same number inside.
     */
    public List<String> portBindings() {
        return ports.stream().map(port -> HOST_ADDRESS + ":" + port + ":" + port).toList();
    }

    /** The container, configured but not started (no engine is contacted until it starts). */
    public GenericContainer<?> toContainer() {
        GenericContainer<?> container = dockerfile == null
                ? new GenericContainer<>(DockerImageName.parse(image))
                : new GenericContainer<>(new ImageFromDockerfile(builtImage, false).withDockerfile(dockerfile));
        container.withExposedPorts(ports.toArray(Integer[]::new));
        container.setPortBindings(portBindings());
        container.withEnv(environment);
        if (!command.isEmpty()) {
            container.withCommand(command.toArray(String[]::new));
        }
        for (FileCopy file : files) {
            container.withCopyToContainer(file.transferable(), file.containerPath());
        }
        container.waitingFor(readiness.waitStrategy().withStartupTimeout(startupTimeout));
        container.withReuse(reuse);
        return container;
    }

    /**
     * A file (or a directory, recursively) copied into the container before it starts, either
     * from the host or with the given content. Copied rather than bind-mounted: the container
     * sees a snapshot with the owner and mode given here whatever the host's user and file
     * modes are, and Testcontainers counts the copies into the identity of a reusable container.
     *
     * @param mode the file's mode in the container (octal, e.g. 0644), or null for a directory,
     *     whose files keep their modes
     */
    public record FileCopy(String containerPath, Path hostPath, String content, Integer mode) {

        public FileCopy {
            Objects.requireNonNull(containerPath, "containerPath");
            if ((hostPath == null) == (content == null)) {
                throw new IllegalArgumentException(containerPath + ": a copy comes from a host path or from content");
            }
            if (content != null && mode == null) {
                throw new IllegalArgumentException(containerPath + ": content needs a mode");
            }
        }

        public static FileCopy fromHost(Path hostPath, String containerPath, int mode) {
            return new FileCopy(containerPath, hostPath, null, mode);
        }

        public static FileCopy directory(Path hostPath, String containerPath) {
            return new FileCopy(containerPath, hostPath, null, null);
        }

        public static FileCopy content(String content, String containerPath, int mode) {
            return new FileCopy(containerPath, null, content, mode);
        }

        Transferable transferable() {
            if (content != null) {
                return Transferable.of(content, mode);
            }
            return mode == null ? MountableFile.forHostPath(hostPath) : MountableFile.forHostPath(hostPath, mode);
        }
    }

    /** When a container counts as started. */
    public sealed interface Readiness {

        WaitStrategy waitStrategy();

        /** A line of the container's log matching {@code regex}, {@code times} times. */
        record LogLine(String regex, int times) implements Readiness {
            @Override
            public WaitStrategy waitStrategy() {
                return Wait.forLogMessage(regex, times);
            }
        }

        /**
         * An HTTPS GET of {@code path} on {@code port} answering {@code status}. The probe does
         * not verify the certificate (Testcontainers' probe takes no trust store); the tests'
         * own clients all do, against FLEET_HOME/tls/ca.crt.
         */
        record Https(int port, String path, int status) implements Readiness {
            @Override
            public WaitStrategy waitStrategy() {
                return Wait.forHttps(path).forPort(port).forStatusCode(status).allowInsecure();
            }
        }
    }
}
