package io.aicunet.platform.privacy;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One service's declaration, in one place, of every column it stores and whether it can
 * hold personal data. A test (platform/testing's DataClassificationCheck) compares it
 * with the live schema, so a new column without a classification fails the build.
 *
 * @param personal    per table, the columns that can hold personal data (encrypted with
 *                    the tenant's key, or removed on erasure)
 * @param notPersonal per table, every other column
 */
public record PersonalData(Map<String, Set<String>> personal, Map<String, Set<String>> notPersonal) {

    public PersonalData {
        personal = Map.copyOf(Objects.requireNonNull(personal, "personal"));
        notPersonal = Map.copyOf(Objects.requireNonNull(notPersonal, "notPersonal"));
        for (Map.Entry<String, Set<String>> table : personal.entrySet()) {
            Set<String> overlap = new HashSet<>(table.getValue());
            overlap.retainAll(notPersonal.getOrDefault(table.getKey(), Set.of()));
            if (!overlap.isEmpty()) {
                throw new IllegalArgumentException(table.getKey() + " declares " + overlap + " both personal and not");
            }
        }
    }

    /** Whether the column is declared at all, either way. */
    public boolean classifies(String table, String column) {
        return personal.getOrDefault(table, Set.of()).contains(column)
                || notPersonal.getOrDefault(table, Set.of()).contains(column);
    }
}
