package io.aicunet.tenant.domain;

import io.aicunet.platform.privacy.DataClass;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** How many days each data class is kept; every class has a period. */
public record Retention(Map<DataClass, Integer> days) {

    public static final int DAYS_MIN = 1;
    public static final int DAYS_MAX = 36_500;

    public Retention {
        EnumMap<DataClass, Integer> copy = new EnumMap<>(DataClass.class);
        copy.putAll(days);
        for (DataClass dataClass : DataClass.values()) {
            Integer period = copy.get(dataClass);
            if (period == null || period < DAYS_MIN || period > DAYS_MAX) {
                throw new IllegalArgumentException("retention of " + dataClass + " must be "
                        + DAYS_MIN + " to " + DAYS_MAX + " days, was " + period);
            }
        }
        days = Collections.unmodifiableMap(copy);
    }

    /** Every class at its default period. */
    public static Retention defaults() {
        EnumMap<DataClass, Integer> days = new EnumMap<>(DataClass.class);
        for (DataClass dataClass : DataClass.values()) {
            days.put(dataClass, dataClass.defaultDays());
        }
        return new Retention(days);
    }

    /** This retention with the given classes' periods replaced. */
    public Retention with(Map<DataClass, Integer> changes) {
        EnumMap<DataClass, Integer> merged = new EnumMap<>(days);
        merged.putAll(changes);
        return new Retention(merged);
    }
}
