package io.aicunet.config.domain;

import java.util.Objects;

/** What identifies an entry: a key in a namespace, at a scope. */
public record EntryKey(String namespace, String key, ConfigScope scope) {

    public EntryKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scope, "scope");
    }

    /** The namespace and key without the scope: what the effective configuration merges over. */
    public String name() {
        return namespace + "/" + key;
    }

    @Override
    public String toString() {
        return namespace + "/" + key + "@" + scope.id();
    }
}
