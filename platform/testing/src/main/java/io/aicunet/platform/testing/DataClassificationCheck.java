package io.aicunet.platform.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a service's declaration of personal data (platform/privacy's PersonalData:
 * per table, the personal and the not personal columns) with its migrated schema: every
 * column of every table must be declared personal or not personal, and every declared
 * column must exist. Liquibase's own tables are the only ones left out. A service calls
 * {@link #assertEveryColumnClassified} from a test, so a new column without a
 * classification fails the build.
 */
public final class DataClassificationCheck {

    private static final Set<String> LIQUIBASE_TABLES = Set.of("databasechangelog", "databasechangeloglock");

    private DataClassificationCheck() {
    }

    /** Fails naming every unclassified column and every declared column the schema does not have. */
    public static void assertEveryColumnClassified(
            TestDatabase database, Map<String, Set<String>> personal, Map<String, Set<String>> notPersonal) {
        Map<String, Set<String>> schema = columns(database);
        Map<String, Set<String>> declared = new TreeMap<>();
        personal.forEach((table, columns) -> declared.computeIfAbsent(table, t -> new TreeSet<>()).addAll(columns));
        notPersonal.forEach((table, columns) -> declared.computeIfAbsent(table, t -> new TreeSet<>()).addAll(columns));
        List<String> problems = new ArrayList<>();
        schema.forEach((table, columns) -> columns.stream()
                .filter(column -> !declared.getOrDefault(table, Set.of()).contains(column))
                .forEach(column -> problems.add("unclassified column " + table + "." + column
                        + ": declare it personal or not personal in the service's PersonalData")));
        declared.forEach((table, columns) -> columns.stream()
                .filter(column -> !schema.getOrDefault(table, Set.of()).contains(column))
                .forEach(column -> problems.add("declared column " + table + "." + column
                        + " is not in the schema: remove it from the declaration")));
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
    }

    /** Every table of the service's schema with its columns (Liquibase's tables left out). */
    public static Map<String, Set<String>> columns(TestDatabase database) {
        Map<String, Set<String>> tables = new TreeMap<>();
        try (Connection connection = database.connectAsOwner();
             PreparedStatement query = connection.prepareStatement("""
                     SELECT c.table_name, c.column_name
                       FROM information_schema.columns c
                       JOIN information_schema.tables t
                         ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                      WHERE c.table_schema = ? AND t.table_type = 'BASE TABLE'""")) {
            query.setString(1, database.rolePrefix());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String table = rows.getString(1);
                    if (!LIQUIBASE_TABLES.contains(table)) {
                        tables.computeIfAbsent(table, ignored -> new TreeSet<>()).add(rows.getString(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the schema of " + database.name(), e);
        }
        if (tables.isEmpty()) {
            throw new AssertionError("schema " + database.rolePrefix() + " of " + database.name()
                    + " has no tables: was it migrated?");
        }
        return tables;
    }
}
