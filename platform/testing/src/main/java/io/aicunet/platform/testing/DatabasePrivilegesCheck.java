package io.aicunet.platform.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a service's app role may never do in its own database, tried as that role against
 * the migrated database, and how the schema's owner functions must be defined:
 * <ul>
 * <li>the app role cannot create a temporary table: one shadows a real table of the same
 * name in any function whose search_path does not put pg_temp last;</li>
 * <li>the app role cannot insert, update, delete or truncate Liquibase's
 * {@code databasechangelog} and {@code databasechangeloglock}: whoever writes them decides
 * which migrations run;</li>
 * <li>every function of the schema that runs with its owner's rights (SECURITY DEFINER)
 * is defined with {@code search_path = <schema>, pg_temp}.</li>
 * </ul>
 * A service calls {@link #assertAppRoleIsConfined} from a test, so a migration or a change
 * of create-service-database.sql that gives any of it back fails the build.
 */
public final class DatabasePrivilegesCheck {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final List<String> LIQUIBASE_TABLES = List.of("databasechangelog", "databasechangeloglock");

    private DatabasePrivilegesCheck() {
    }

    /** Fails naming everything the app role may do that it must not, and every owner function with an open path. */
    public static void assertAppRoleIsConfined(TestDatabase database) {
        List<String> problems = problems(database);
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
    }

    /** What {@link #assertAppRoleIsConfined} would name; empty when the app role is confined. */
    public static List<String> problems(TestDatabase database) {
        List<String> problems = new ArrayList<>();
        String schema = database.rolePrefix();
        String app = database.appUser();
        try (Connection connection = database.connectAsApp()) {
            connection.setAutoCommit(false);
            if (passesPrivilegeCheck(connection, "CREATE TEMP TABLE database_privileges_probe (id integer)")) {
                problems.add(app + " may create temporary tables in " + database.name()
                        + ": revoke TEMPORARY on the database from it and from PUBLIC");
            }
            for (String table : LIQUIBASE_TABLES) {
                String qualified = schema + "." + table;
                List<String> statements = List.of(
                        "INSERT INTO " + qualified + " DEFAULT VALUES",
                        "UPDATE " + qualified + " SET " + column(table) + " = " + column(table) + " WHERE false",
                        "DELETE FROM " + qualified + " WHERE false",
                        "TRUNCATE " + qualified);
                for (String statement : statements) {
                    if (passesPrivilegeCheck(connection, statement)) {
                        problems.add(app + " may " + statement.split(" ")[0] + " " + qualified
                                + ": Liquibase's tables are the owner's alone (platform changeset database-privileges)");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + database.name() + " as " + app, e);
        }
        problems.addAll(openOwnerFunctions(database));
        return problems;
    }

    /**
     * Whether the app role got past the privilege check: anything but "insufficient
     * privilege" (success, or a later error such as a NOT NULL violation) means it may.
     * Every statement runs in a transaction of its own that is rolled back. Shared with
     * DatabaseIsolationCheck.
     */
    static boolean passesPrivilegeCheck(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return true;
        } catch (SQLException refused) {
            return !INSUFFICIENT_PRIVILEGE.equals(refused.getSQLState());
        } finally {
            connection.rollback();
        }
    }

    private static String column(String liquibaseTable) {
        return liquibaseTable.equals("databasechangelog") ? "id" : "locked";
    }

    /** SECURITY DEFINER functions of the schema without {@code search_path = <schema>, pg_temp}. */
    private static List<String> openOwnerFunctions(TestDatabase database) {
        String schema = database.rolePrefix();
        String pinned = "search_path=" + schema + ", pg_temp";
        List<String> problems = new ArrayList<>();
        try (Connection owner = database.connectAsOwner();
                PreparedStatement query = owner.prepareStatement("""
                        SELECT p.oid::regprocedure::text, coalesce(array_to_string(p.proconfig, '; '), '')
                          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE n.nspname = ? AND p.prosecdef
                           AND NOT coalesce(? = ANY (p.proconfig), false)
                         ORDER BY 1""")) {
            query.setString(1, schema);
            query.setString(2, pinned);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    problems.add("SECURITY DEFINER function " + rows.getString(1) + " has settings '"
                            + rows.getString(2) + "', not " + pinned
                            + ": define it with SET search_path = " + schema + ", pg_temp and schema-qualified names");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the functions of " + database.name(), e);
        }
        return problems;
    }
}
