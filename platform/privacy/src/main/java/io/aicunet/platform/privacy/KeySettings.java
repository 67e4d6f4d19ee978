package io.aicunet.platform.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One service's declaration of the settings that hold its keys or name them (master
 * keys, signing keys, key ids), for {@link ProductionKeyCheck}: a service with keys
 * produces one as a CDI bean from its {@code @ConfigMapping}. Outside the {@code dev}
 * and {@code test} profiles every declared setting must be set from the deployment and
 * none may be a development value.
 *
 * @param settings settings that must be set, by full name (e.g. {@code config.secrets.key})
 * @param keyed    groups of keys by key id (rotation), each with the ids configured now
 */
public record KeySettings(List<String> settings, List<Keyed> keyed) {

    /**
     * Keys by id under one prefix: {@code <prefix>.<id>} holds the key, or, with parts,
     * {@code <prefix>.<id>.<part>} does (e.g. an Ed25519 pair's public-key and
     * private-key). A part that is not set is not checked: whether a key needs it is the
     * service's rule.
     */
    public record Keyed(String prefix, Set<String> ids, List<String> parts) {

        public Keyed {
            Objects.requireNonNull(prefix, "prefix");
            ids = Set.copyOf(new TreeSet<>(ids));
            parts = List.copyOf(parts);
        }

        /** The full name of each setting of the group, in id order. */
        public List<String> names() {
            List<String> names = new ArrayList<>();
            for (String id : new TreeSet<>(ids)) {
                if (parts.isEmpty()) {
                    names.add(prefix + "." + id);
                }
                for (String part : parts) {
                    names.add(prefix + "." + id + "." + part);
                }
            }
            return names;
        }
    }

    public KeySettings {
        settings = List.copyOf(settings);
        keyed = List.copyOf(keyed);
    }

    /** No settings yet; add them with {@link #setting} and {@link #keyed}. */
    public static KeySettings none() {
        return new KeySettings(List.of(), List.of());
    }

    /** A setting that must be set, e.g. the active key's id or a single key. */
    public KeySettings setting(String name) {
        List<String> more = new ArrayList<>(settings);
        more.add(name);
        return new KeySettings(more, keyed);
    }

    /** Keys by id under {@code prefix}, with the ids configured now and the parts of each key (none: the key itself). */
    public KeySettings keyed(String prefix, Set<String> ids, String... parts) {
        List<Keyed> more = new ArrayList<>(keyed);
        more.add(new Keyed(prefix, ids, List.of(parts)));
        return new KeySettings(settings, more);
    }
}
