package io.aicunet.config.domain;

import java.util.Locale;

/** What a revision did to its entry. */
public enum ChangeOperation {
    PUT,
    DELETE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ChangeOperation fromWireName(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}
