package io.aicunet.config.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Merges the entries that reach a (tenant, service) into the values it sees. */
public final class EffectiveConfig {

    private EffectiveConfig() {
    }

    /**
     * For every namespace and key, the entry of the most specific scope; ordered by
     * namespace, then key. The caller passes only entries whose scope reaches the reader.
     */
    public static List<Entry> merge(Collection<Entry> layers) {
        Map<String, Entry> winners = new LinkedHashMap<>();
        for (Entry entry : layers) {
            winners.merge(entry.key().name(), entry, (current, candidate) ->
                    candidate.key().scope().kind().precedence() > current.key().scope().kind().precedence()
                            ? candidate : current);
        }
        List<Entry> merged = new ArrayList<>(winners.values());
        merged.sort(Comparator.comparing((Entry e) -> e.key().namespace()).thenComparing(e -> e.key().key()));
        return merged;
    }
}
