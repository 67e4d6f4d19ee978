package io.aicunet.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;

/** Generic YAML reading and writing (SnakeYAML, which also resolves anchors and merge keys). */
final class Yaml {

    private Yaml() {
    }

    private static org.yaml.snakeyaml.Yaml yaml() {
        LoaderOptions loading = new LoaderOptions();
        loading.setCodePointLimit(20 * 1024 * 1024);
        DumperOptions dumping = new DumperOptions();
        dumping.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new org.yaml.snakeyaml.Yaml(loading, dumping);
    }

    static Map<String, Object> read(Path file) {
        try {
            return map(yaml().load(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, Map<String, Object> content) {
        try {
            Files.writeString(file, yaml().dump(content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every non-empty document of a multi-document stream. */
    static List<Map<String, Object>> readAll(String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : yaml().loadAll(text)) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return documents;
    }

    /** {@code overrides} laid over {@code base}: maps merge key by key, anything else is replaced. */
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        overrides.forEach((key, value) -> {
            Object current = merged.get(key);
            if (current instanceof Map<?, ?> && value instanceof Map<?, ?>) {
                merged.put(key, merge(map(current), map(value)));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /** The value at a dotted path of nested maps, or null. */
    static Object at(Map<String, Object> root, String dottedPath) {
        Object current = root;
        for (String key : dottedPath.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("expected a YAML mapping, got " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        if (!(value instanceof List<?>)) {
            throw new IllegalArgumentException("expected a YAML sequence, got " + value);
        }
        return (List<Object>) value;
    }
}
