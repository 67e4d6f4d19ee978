package io.aicunet.platform.privacy;

import java.util.Locale;
import java.util.Optional;

/**
 * Classes of data with a retention period of their own per tenant (the tenant's
 * {@code retention}, days per class), and the period a new tenant gets. Wire names (API,
 * database) are the lower-case names.
 */
public enum DataClass {
    PERSONAL(365),
    OPERATIONAL(90),
    AUDIT(3_650),
    FINANCIAL(3_650);

    private final int defaultDays;

    DataClass(int defaultDays) {
        this.defaultDays = defaultDays;
    }

    public int defaultDays() {
        return defaultDays;
    }

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
