package io.aicunet.platform.privacy;

import java.util.regex.Pattern;

/** The one rule for object keys and key prefixes, the same in every {@link ObjectStore}. */
public final class ObjectKeys {

    private static final Pattern KEY = Pattern.compile("[a-z0-9_][a-z0-9_./-]{0,510}");

    private ObjectKeys() {
    }

    /** The key, or an IllegalArgumentException naming it when it is not a key of the store. */
    public static String requireKey(String key) {
        if (key == null || !KEY.matcher(key).matches() || key.contains("..") || key.contains("//")
                || key.endsWith("/")) {
            throw new IllegalArgumentException("not an object key: " + key);
        }
        return key;
    }

    /** The prefix (empty: every key), or an IllegalArgumentException naming it. */
    public static String requirePrefix(String prefix) {
        if (prefix == null || (!prefix.isEmpty() && (!KEY.matcher(prefix).matches() || prefix.contains("..")
                || prefix.contains("//")))) {
            throw new IllegalArgumentException("not an object key prefix: " + prefix);
        }
        return prefix;
    }

    static int requireCountMax(int countMax) {
        if (countMax < 1 || countMax > ObjectStore.LIST_COUNT_MAX) {
            throw new IllegalArgumentException("countMax must be 1.." + ObjectStore.LIST_COUNT_MAX + ", not " + countMax);
        }
        return countMax;
    }
}
