package io.aicunet.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A copy of helm/ in a temporary directory, with every chart's dependencies built
 * (helm dependency update: the library into each service chart, the service charts
 * into the umbrella), so tests lint and render without touching the checkout.
 *
 * <p>Helm as a library (helm-java) renders only a release's manifest, not its hooks.
 * So that the migration Job and its NetworkPolicy (both hooks) are checked too, each
 * service chart's copy gets one more template that renders them with the hook
 * annotations renamed ({@value #VISIBLE_HOOK_PREFIX}...); {@link #template} renames
 * them back. Nothing else about the objects changes.
 */
final class HelmWorkspace {

    static final String VISIBLE_HOOK_PREFIX = "visible-hook.aicunet.io/";

    private static final String HOOKS_TEMPLATE = """
            {{- range list "aicunet-lib.migrationNetworkPolicy" "aicunet-lib.migrationJob" }}
            {{- $manifest := include . $ | trim }}
            {{- if $manifest }}
            ---
            {{ $manifest | replace "helm.sh/hook" "visible-hook.aicunet.io/hook" }}
            {{- end }}
            {{- end }}
            """;

    private static HelmWorkspace instance;

    private final Path directory;
    private final AtomicInteger copies = new AtomicInteger();

    private HelmWorkspace(Path directory) {
        this.directory = directory;
    }

    /** The workspace of this test run, built on first use. */
    static synchronized HelmWorkspace get() {
        if (instance == null) {
            instance = build();
        }
        return instance;
    }

    private static HelmWorkspace build() {
        try {
            Path directory = Files.createTempDirectory("aicunet-helm-");
            // The workspace lives as long as the test JVM.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(directory)));
            copyTree(Fleet.root().resolve("helm"), directory);
            for (String service : Fleet.SERVICES) {
                Path chart = directory.resolve(service);
                Files.writeString(chart.resolve("templates/zz-visible-hooks.yaml"), HOOKS_TEMPLATE);
                new Helm(chart).dependency().update().skipRefresh().call();
            }
            new Helm(directory.resolve("fleet")).dependency().update().skipRefresh().call();
            return new HelmWorkspace(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path chart(String name) {
        return directory.resolve(name);
    }

    /** helm lint --strict of the chart with its own values. */
    LintResult lint(String chart) {
        return new Helm(chart(chart)).lint().strict().call();
    }

    /**
     * helm lint --strict of the chart with a values file laid over its values.yaml
     * (helm lint of the library takes no values file, so a copy of the chart gets the
     * merged values as its values.yaml).
     */
    LintResult lint(String chart, Path valuesFile) {
        Path copy = copyOf(chart);
        Map<String, Object> merged = Yaml.merge(Yaml.read(copy.resolve("values.yaml")), Yaml.read(valuesFile));
        Yaml.write(copy.resolve("values.yaml"), merged);
        return new Helm(copy).lint().strict().call();
    }

    /** helm template of the chart as release "rel" in namespace "fleet-test", with optional values files. */
    RenderedManifests template(String chart, Path... valuesFiles) {
        return RenderedManifests.parse(templateText(chart, valuesFiles));
    }

    /** The text helm template writes (hooks included), for checks on the text itself. */
    String templateText(String chart, Path... valuesFiles) {
        TemplateCommand command = new Helm(chart(chart)).template().withName("rel").withNamespace("fleet-test");
        for (Path valuesFile : valuesFiles) {
            command = command.withValuesFile(valuesFile);
        }
        return command.call().replace(VISIBLE_HOOK_PREFIX, "helm.sh/");
    }

    /** A values file of the workspace's own (for bad-value tests). */
    Path valuesFile(String name, String content) {
        try {
            Path file = directory.resolve("values-" + copies.incrementAndGet() + "-" + name + ".yaml");
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh copy of a chart (with its built dependencies), named like the chart. */
    Path copyOf(String chart) {
        try {
            Path target = directory.resolve("copy-" + copies.incrementAndGet()).resolve(chart);
            copyTree(chart(chart), target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Best effort at exit: a leftover temporary directory harms nothing.
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Path relative = source.relativize(dir);
                // Dependencies built in the checkout are rebuilt here from the sources.
                if (relative.getNameCount() == 2 && relative.getName(1).toString().equals("charts")
                        && source.getFileName().toString().equals("helm")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(target.resolve(relative.toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Path relative = source.relativize(file);
                if (source.getFileName().toString().equals("helm") && relative.getFileName().toString().equals("Chart.lock")) {
                    return FileVisitResult.CONTINUE;
                }
                Files.copy(file, target.resolve(relative.toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
