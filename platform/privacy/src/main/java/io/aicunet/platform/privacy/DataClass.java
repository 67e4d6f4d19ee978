package io.aicunet.platform.privacy;

import java.util.Locale;
import java.util.Optional;

/**
 * Classes of data with a retention period of their own per tenant (the tenant's
 * {@code retention}, days per class). Wire names are the lower-case names.
 */
public enum DataClass {
    PERSONAL,
    OPERATIONAL,
    AUDIT,
    FINANCIAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DataClass> fromWireName(String name) {
        for (DataClass dataClass : values()) {
            if (dataClass.wireName().equals(name)) {
                return Optional.of(dataClass);
            }
        }
        return Optional.empty();
    }
}
