package io.aicunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The choices of platform/devstack/bin/tools.sh, the stack's programs without root, on a
 * fake FLEET_TOOLS tree (nothing fetched): which PostgreSQL the stack runs, what PATH and
 * the loader's path get, and that a tree a killed run left half-unpacked is not used.
 * Fetching itself is proven by CI, which runs ./fleet test as a user without root with
 * FLEET_PACKAGES=user (.ci/run).
 */
class DevstackToolsTest {

    @TempDir
    Path tools;

    private Path root;

    @BeforeEach
    void fakeTree() throws IOException {
        root = tools.resolve("debian/root");
        executable(root.resolve("usr/lib/postgresql/14/bin/initdb"));
        executable(root.resolve("usr/lib/postgresql/16/bin/initdb"));
        executable(root.resolve("usr/bin/jq"));
        Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
    }

    @Test
    void theUnpackedServerComesFirstAndTheNewestOfIt() {
        assertThat(run("auto", "pg_bindir")).isEqualTo(root.resolve("usr/lib/postgresql/16/bin").toString());
        assertThat(run("user", "pg_bindir")).isEqualTo(root.resolve("usr/lib/postgresql/16/bin").toString());
    }

    @Test
    void anExplicitServerDirectoryWinsOverEverything() {
        assertThat(run("user", "FLEET_PG_BIN=/opt/pg/bin; pg_bindir")).isEqualTo("/opt/pg/bin");
    }

    @Test
    void userModeNeverFallsBackToTheSystemsServer() throws IOException {
        deleteTree(root.resolve("usr/lib/postgresql"));
        assertThat(run("user", "pg_bindir || echo none")).isEqualTo("none");
    }

    @Test
    void activationPutsTheTreeFirstOnceAndItsLibrariesOnTheLoadersPath() {
        String output = run("auto", "PATH=/usr/bin:/bin; LD_LIBRARY_PATH=; tools_activate; tools_activate;"
                + " printf '%s\\n' \"$PATH\" \"$LD_LIBRARY_PATH\" \"$(command -v jq)\"");
        String[] lines = output.split("\n");
        assertThat(lines[0]).startsWith(root.resolve("usr/lib/postgresql/16/bin") + ":" + root.resolve("usr/bin") + ":")
                .endsWith(":/usr/bin:/bin");
        assertThat(lines[0].split(root.resolve("usr/bin").toString(), -1)).as("the tree once on PATH").hasSize(2);
        assertThat(lines[1]).isEqualTo(root.resolve("usr/lib/x86_64-linux-gnu") + ":");
        assertThat(lines[2]).isEqualTo(root.resolve("usr/bin/jq").toString());
    }

    @Test
    void aTreeLeftHalfUnpackedIsNotUsed() throws IOException {
        Files.createFile(tools.resolve("debian/unpacking"));
        assertThat(run("user", "tools_pg_bindir || echo none")).isEqualTo("none");
        assertThat(run("user", "tools_has jq && echo has || echo missing")).isEqualTo("missing");
        assertThat(run("auto", "PATH=/usr/bin:/bin; tools_activate; printf '%s\\n' \"$PATH\"")).isEqualTo("/usr/bin:/bin");
    }

    @Test
    void userModeCountsOnlyTheTreesPrograms() {
        assertThat(run("user", "tools_has jq && echo has || echo missing")).isEqualTo("has");
        assertThat(run("user", "tools_has bash && echo has || echo missing")).as("bash is the system's").isEqualTo("missing");
        assertThat(run("auto", "tools_has bash && echo has || echo missing")).isEqualTo("has");
        assertThat(run("user", "tools_can_apt && echo apt || echo no-apt")).isEqualTo("no-apt");
    }

    @Test
    void anUnknownModeIsRefused() {
        assertThat(runFailing("sometimes")).contains("FLEET_PACKAGES=sometimes: expected auto, user or system");
    }

    @Test
    void goFromTheModuleProxyNamesTheToolchainModule() {
        assertThat(run("auto", "GOPROXY='https://proxy.example/go,direct'; go_proxy")).isEqualTo("https://proxy.example/go");
        assertThat(run("auto", "GOPROXY=direct; go_proxy")).isEqualTo("https://proxy.golang.org");
    }

    private String run(String mode, String script) {
        Result result = bash(mode, script);
        assertThat(result.exit).as("bash: %s%n%s", script, result.output).isZero();
        return result.output.strip();
    }

    private String runFailing(String mode) {
        Result result = bash(mode, "true");
        assertThat(result.exit).as(result.output).isNotZero();
        return result.output;
    }

    private record Result(int exit, String output) {
    }

    private Result bash(String mode, String script) {
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                    "set -euo pipefail; for lib in common tools postgres; do source \"$FLEET_ROOT/platform/devstack/bin/$lib.sh\"; done;"
                            + " tools_config; " + script).redirectErrorStream(true);
            builder.environment().keySet().removeIf(name -> name.startsWith("FLEET_") || name.startsWith("GO"));
            builder.environment().put("FLEET_ROOT", Fleet.root().toString());
            builder.environment().put("FLEET_TOOLS", tools.toString());
            builder.environment().put("FLEET_PACKAGES", mode);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.waitFor(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void deleteTree(Path directory) throws IOException {
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
