package io.aicunet.platform.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a service's database itself enforces, whatever the application does, tried against the
 * migrated database of the test run (the four services' DatabaseIsolationTests folded into one):
 * <ul>
 * <li>every tenant table forces row-level security, and no table with a {@code tenant_id}
 * column escapes the declaration;</li>
 * <li>the app role handles rows only: it cannot create tables (in its schema or in public),
 * nor drop, truncate or alter any table (row-level security cannot be switched off);</li>
 * <li>what the service declares append-only or keep-forever is refused to the app role;</li>
 * <li>the app role reaches no other database: not the maintenance database, not another
 * service's;</li>
 * <li>({@link #assertTenantRowsHidden}) under row-level security a tenant's session sees, changes
 * and deletes none of another tenant's rows, cannot write a row for it, and a session with no
 * tenant sees no tenant's rows.</li>
 * </ul>
 * A service declares its tables once ({@link Declaration}) and calls {@link #assertIsolated} and,
 * after creating rows of two tenants through its API, {@link #assertTenantRowsHidden}; like
 * {@link DataClassificationCheck}, a new table that escapes the declaration fails the build.
 * Each problem is named; all are reported together. Every statement the app role tries runs in
 * a transaction that is rolled back, so a check that finds a hole leaves nothing changed.
 */
public final class DatabaseIsolationCheck {

    /** The platform's outbox table: the relay reads it across tenants (platform/outbox). */
    public static final String OUTBOX_TABLE = "outbox_events";

    private static final Set<String> LIQUIBASE_TABLES = Set.of("databasechangelog", "databasechangeloglock");

    /** Row privileges a service may take away from its app role on a table. */
    public enum Privilege { SELECT, INSERT, UPDATE, DELETE }

    /**
     * A service's declaration of its tables.
     *
     * @param tenantTables tables whose rows belong to one tenant: row-level security enabled and forced
     * @param crossTenantTables tables with a {@code tenant_id} column read across tenants on purpose
     *        (each needs a reason in the service's test); {@link #OUTBOX_TABLE} is always one
     * @param appRoleRefuses per table, the row privileges the app role must not have (UPDATE: on
     *        any column but those of {@code appRoleUpdatesOnly})
     * @param appRoleUpdatesOnly per table, the only columns the app role may update (e.g. a
     *        personal column erased in place on an otherwise append-only table)
     */
    public record Declaration(Set<String> tenantTables, Set<String> crossTenantTables,
            Map<String, Set<Privilege>> appRoleRefuses, Map<String, Set<String>> appRoleUpdatesOnly) {

        public Declaration {
            tenantTables = Set.copyOf(tenantTables);
            crossTenantTables = Set.copyOf(crossTenantTables);
            appRoleRefuses = Map.copyOf(appRoleRefuses);
            appRoleUpdatesOnly = Map.copyOf(appRoleUpdatesOnly);
        }

        /** The tables with one tenant's rows, each forcing row-level security. */
        public static Declaration tenantTables(String... tables) {
            return new Declaration(Set.of(tables), Set.of(), Map.of(), Map.of());
        }

        /** Adds tables with a {@code tenant_id} column that are read across tenants on purpose. */
        public Declaration crossTenantTables(String... tables) {
            Set<String> all = new TreeSet<>(crossTenantTables);
            all.addAll(List.of(tables));
            return new Declaration(tenantTables, all, appRoleRefuses, appRoleUpdatesOnly);
        }

        /** Adds privileges the app role must not have on a table (append-only, keep-forever). */
        public Declaration appRoleRefuses(String table, Privilege first, Privilege... more) {
            Map<String, Set<Privilege>> all = new LinkedHashMap<>(appRoleRefuses);
            all.merge(table, EnumSet.of(first, more), (a, b) -> {
                Set<Privilege> merged = EnumSet.copyOf(a);
                merged.addAll(b);
                return merged;
            });
            return new Declaration(tenantTables, crossTenantTables, all, appRoleUpdatesOnly);
        }

        /** The app role may update these columns of the table and no other (implies UPDATE refused elsewhere). */
        public Declaration appRoleUpdatesOnly(String table, String... columns) {
            Map<String, Set<String>> all = new LinkedHashMap<>(appRoleUpdatesOnly);
            all.put(table, Set.of(columns));
            return appRoleRefuses(table, Privilege.UPDATE).withUpdatesOnly(all);
        }

        private Declaration withUpdatesOnly(Map<String, Set<String>> updatesOnly) {
            return new Declaration(tenantTables, crossTenantTables, appRoleRefuses, updatesOnly);
        }
    }

    private DatabaseIsolationCheck() {
    }

    /** Fails naming every way the database does not isolate tenants or confine the app role. */
    public static void assertIsolated(TestDatabase database, Declaration declaration) {
        failIfAny(problems(database, declaration));
    }

    /** What {@link #assertIsolated} would name; empty when the database is isolated. */
    public static List<String> problems(TestDatabase database, Declaration declaration) {
        List<String> problems = new ArrayList<>();
        problems.addAll(rowLevelSecurityProblems(database, declaration));
        problems.addAll(rowsOnlyProblems(database));
        problems.addAll(refusedPrivilegeProblems(database, declaration));
        problems.addAll(otherDatabaseProblems(database));
        return problems;
    }

    /**
     * Fails unless, as the app role, tenant A's session sees all of A's rows of {@code table}
     * and none of B's, changes and deletes none of B's, cannot write a row for B, and a session
     * with no tenant sees no tenant's rows. The caller creates rows of both tenants in the table
     * first (through its API); the check refuses to pass vacuously.
     */
    public static void assertTenantRowsHidden(TestDatabase database, String table, String tenantA, String tenantB) {
        failIfAny(tenantRowsProblems(database, table, tenantA, tenantB));
    }

    /** What {@link #assertTenantRowsHidden} would name; empty when the rows are hidden. */
    public static List<String> tenantRowsProblems(TestDatabase database, String table, String tenantA,
            String tenantB) {
        List<String> problems = new ArrayList<>();
        String where = " FROM " + table + " WHERE tenant_id = ?::uuid";
        long rowsOfA;
        long rowsOfB;
        try (Connection superuser = database.connectAsSuperuser()) {
            setSearchPath(superuser, database);
            rowsOfA = count(superuser, "SELECT count(*)" + where, tenantA);
            rowsOfB = count(superuser, "SELECT count(*)" + where, tenantB);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the rows of " + table + " in " + database.name(), e);
        }
        if (rowsOfA == 0 || rowsOfB == 0) {
            throw new AssertionError(table + " has " + rowsOfA + " row(s) of tenant A and " + rowsOfB
                    + " of tenant B: create rows of both tenants before the check, or it proves nothing");
        }
        try (Connection app = database.connectAsApp()) {
            app.setAutoCommit(false);
            setTenant(app, tenantA);
            long visibleOfA = count(app, "SELECT count(*)" + where, tenantA);
            if (visibleOfA != rowsOfA) {
                problems.add(table + ": tenant A's session sees " + visibleOfA + " of A's " + rowsOfA + " rows");
            }
            long visibleOfB = count(app, "SELECT count(*)" + where, tenantB);
            if (visibleOfB != 0) {
                problems.add(table + ": tenant A's session sees " + visibleOfB + " row(s) of tenant B");
            }
            if (privilege(app, "has_column_privilege(?, 'tenant_id', 'UPDATE')", table)) {
                int changed = update(app, "UPDATE " + table + " SET tenant_id = tenant_id WHERE tenant_id = ?::uuid",
                        tenantB);
                if (changed != 0) {
                    problems.add(table + ": tenant A's session updated " + changed + " row(s) of tenant B");
                }
            }
            if (privilege(app, "has_table_privilege(?, 'DELETE')", table)) {
                int deleted = update(app, "DELETE FROM " + table + " WHERE tenant_id = ?::uuid", tenantB);
                if (deleted != 0) {
                    problems.add(table + ": tenant A's session deleted " + deleted + " row(s) of tenant B");
                }
            }
            String writeForB = writeForOtherTenant(app, table, tenantA, tenantB);
            if (writeForB != null) {
                problems.add(writeForB);
            }
            app.rollback();

            long visibleWithoutTenant = count(app, "SELECT count(*) FROM " + table + " WHERE tenant_id IS NOT NULL");
            if (visibleWithoutTenant != 0) {
                problems.add(table + ": a session with no tenant sees " + visibleWithoutTenant + " tenant row(s)");
            }
            app.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check " + table + " as " + database.appUser(), e);
        }
        return problems;
    }

    /**
     * Tries, in tenant A's session, to write one of A's rows over to tenant B: a copy by INSERT
     * where the app may insert, else a move by UPDATE where it may update tenant_id. Row-level
     * security must refuse it; null when it did (or the app role may do neither).
     */
    private static String writeForOtherTenant(Connection app, String table, String tenantA, String tenantB)
            throws SQLException {
        String sql;
        if (privilege(app, "has_table_privilege(?, 'INSERT')", table)) {
            List<String> columns = insertableColumns(app, table);
            String selected = String.join(", ", columns.stream()
                    .map(column -> column.equals("tenant_id") ? "?::uuid" : column).toList());
            sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT " + selected
                    + " FROM " + table + " WHERE tenant_id = ?::uuid LIMIT 1";
        } else if (privilege(app, "has_column_privilege(?, 'tenant_id', 'UPDATE')", table)) {
            sql = "UPDATE " + table + " SET tenant_id = ?::uuid WHERE tenant_id = ?::uuid";
        } else {
            return null;
        }
        try (Statement savepoint = app.createStatement()) {
            savepoint.execute("SAVEPOINT write_for_other_tenant");
        }
        try (PreparedStatement write = app.prepareStatement(sql)) {
            write.setString(1, tenantB);
            write.setString(2, tenantA);
            int written = write.executeUpdate();
            return table + ": tenant A's session wrote " + written + " row(s) for tenant B (" + sql.split(" ")[0]
                    + "): row-level security must refuse it";
        } catch (SQLException refused) {
            String message = String.valueOf(refused.getMessage());
            // Row-level security is checked before constraints: another error means it let the row through.
            return message.contains("row-level security") ? null
                    : table + ": row-level security let tenant A's session write a row for tenant B ("
                            + sql.split(" ")[0] + "); only a later check stopped it: " + message;
        } finally {
            try (Statement rollback = app.createStatement()) {
                rollback.execute("ROLLBACK TO SAVEPOINT write_for_other_tenant");
            }
        }
    }

    private static List<String> rowLevelSecurityProblems(TestDatabase database, Declaration declaration) {
        List<String> problems = new ArrayList<>();
        Set<String> crossTenant = new TreeSet<>(declaration.crossTenantTables());
        crossTenant.add(OUTBOX_TABLE);
        try (Connection owner = database.connectAsOwner();
                PreparedStatement query = owner.prepareStatement("""
                        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                               EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid),
                               EXISTS (SELECT 1 FROM pg_attribute a
                                        WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
                          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = ? AND c.relkind IN ('r', 'p')""")) {
            query.setString(1, database.rolePrefix());
            Set<String> seen = new TreeSet<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String table = rows.getString(1);
                    seen.add(table);
                    boolean declaredTenant = declaration.tenantTables().contains(table);
                    if (declaredTenant && !(rows.getBoolean(2) && rows.getBoolean(3))) {
                        problems.add("tenant table " + table + " does not enable and force row-level security: "
                                + "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY");
                    }
                    if (declaredTenant && !rows.getBoolean(4)) {
                        problems.add("tenant table " + table + " has no row-level security policy");
                    }
                    if (rows.getBoolean(5) && !declaredTenant && !crossTenant.contains(table)) {
                        problems.add("table " + table + " has a tenant_id column but is neither a declared tenant "
                                + "table nor a declared cross-tenant table");
                    }
                }
            }
            for (String table : declaration.tenantTables()) {
                if (!seen.contains(table)) {
                    problems.add("declared tenant table " + table + " is not in schema " + database.rolePrefix());
                }
            }
            for (String table : declaration.crossTenantTables()) {
                if (!seen.contains(table)) {
                    problems.add("declared cross-tenant table " + table + " is not in schema "
                            + database.rolePrefix());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the tables of " + database.name(), e);
        }
        return problems;
    }

    /** The app role may not create, drop, truncate or alter tables, nor switch row-level security off. */
    private static List<String> rowsOnlyProblems(TestDatabase database) {
        List<String> problems = new ArrayList<>();
        String schema = database.rolePrefix();
        try (Connection app = database.connectAsApp()) {
            app.setAutoCommit(false);
            List<String> statements = new ArrayList<>(List.of(
                    "CREATE TABLE " + schema + ".isolation_probe (id integer)",
                    "CREATE TABLE public.isolation_probe (id integer)"));
            for (String table : tables(app, schema)) {
                String qualified = schema + "." + table;
                statements.add("DROP TABLE " + qualified);
                statements.add("TRUNCATE " + qualified);
                statements.add("ALTER TABLE " + qualified + " NO FORCE ROW LEVEL SECURITY");
                statements.add("ALTER TABLE " + qualified + " DISABLE ROW LEVEL SECURITY");
            }
            for (String statement : statements) {
                if (DatabasePrivilegesCheck.passesPrivilegeCheck(app, statement)) {
                    problems.add(database.appUser() + " may run '" + statement + "': the app role handles rows only");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + database.name() + " as " + database.appUser(), e);
        }
        return problems;
    }

    private static List<String> refusedPrivilegeProblems(TestDatabase database, Declaration declaration) {
        List<String> problems = new ArrayList<>();
        String schema = database.rolePrefix();
        try (Connection app = database.connectAsApp()) {
            app.setAutoCommit(false);
            for (Map.Entry<String, Set<Privilege>> entry : new java.util.TreeMap<>(declaration.appRoleRefuses())
                    .entrySet()) {
                String qualified = schema + "." + entry.getKey();
                List<String> columns = columns(app, schema, entry.getKey());
                if (columns.isEmpty()) {
                    problems.add("table " + entry.getKey() + " with refused privileges is not in schema " + schema);
                    continue;
                }
                for (Privilege privilege : entry.getValue()) {
                    List<String> statements = switch (privilege) {
                        case SELECT -> List.of("SELECT " + columns.get(0) + " FROM " + qualified + " WHERE false");
                        case INSERT -> List.of("INSERT INTO " + qualified + " DEFAULT VALUES");
                        // Per column: an UPDATE grant may be column-level; generated columns are left out,
                        // their UPDATE fails for another reason than privilege.
                        case UPDATE -> updatableColumns(app, qualified).stream()
                                .filter(column -> !declaration.appRoleUpdatesOnly()
                                        .getOrDefault(entry.getKey(), Set.of()).contains(column))
                                .map(column -> "UPDATE " + qualified + " SET " + column + " = " + column + " WHERE false")
                                .toList();
                        case DELETE -> List.of("DELETE FROM " + qualified + " WHERE false");
                    };
                    for (String statement : statements) {
                        if (DatabasePrivilegesCheck.passesPrivilegeCheck(app, statement)) {
                            problems.add(database.appUser() + " may run '" + statement + "': the service declares "
                                    + privilege + " on " + entry.getKey() + " refused to the app role");
                            break;
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + database.name() + " as " + database.appUser(), e);
        }
        return problems;
    }

    /**
     * The app role may connect to no database but its service's own (the test run's, and other
     * runs' of the same service): not the maintenance database, not another service's. Template
     * databases are left out; they hold no data.
     */
    private static List<String> otherDatabaseProblems(TestDatabase database) {
        List<String> problems = new ArrayList<>();
        String prefix = database.rolePrefix();
        List<String> others = new ArrayList<>();
        try (Connection superuser = database.connectAsSuperuser();
                PreparedStatement query = superuser.prepareStatement("""
                        SELECT datname, has_database_privilege(?, oid, 'CONNECT') FROM pg_database
                         WHERE datallowconn AND NOT datistemplate AND datname <> ?
                           AND datname <> ? AND datname NOT LIKE ? ORDER BY datname""")) {
            query.setString(1, database.appUser());
            query.setString(2, database.name());
            query.setString(3, prefix);
            query.setString(4, prefix.replace("_", "\\_") + "\\_test\\_%");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    others.add(rows.getString(1));
                    if (rows.getBoolean(2)) {
                        problems.add(database.appUser() + " may connect to database " + rows.getString(1)
                                + ": the app role reaches its service's database only");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the databases", e);
        }
        // The catalog says so; a real attempt proves it, on the maintenance database and one other.
        List<String> tried = new ArrayList<>(List.of("postgres"));
        others.stream().filter(name -> !name.equals("postgres")).findFirst().ifPresent(tried::add);
        for (String other : tried) {
            try (Connection ignored = DriverManager.getConnection(TestDatabase.jdbcUrl(other), database.appUser(),
                    database.appPassword())) {
                problems.add(database.appUser() + " connected to database " + other
                        + ": the app role reaches its service's database only");
            } catch (SQLException refused) {
                if (!String.valueOf(refused.getMessage()).contains("permission denied for database")) {
                    problems.add(database.appUser() + " could not connect to " + other
                            + ", but not for want of permission: " + refused.getMessage());
                }
            }
        }
        return problems;
    }

    private static List<String> tables(Connection connection, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = ? AND c.relkind IN ('r', 'p') ORDER BY 1""")) {
            query.setString(1, schema);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    if (!LIQUIBASE_TABLES.contains(rows.getString(1))) {
                        tables.add(rows.getString(1));
                    }
                }
            }
        } finally {
            connection.rollback();
        }
        return tables;
    }

    private static List<String> columns(Connection connection, String schema, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT a.attname FROM pg_attribute a
                  JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
                 ORDER BY a.attnum""")) {
            query.setString(1, schema);
            query.setString(2, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        } finally {
            connection.rollback();
        }
        return columns;
    }

    private static List<String> updatableColumns(Connection connection, String table) throws SQLException {
        try {
            return insertableColumns(connection, table);
        } finally {
            connection.rollback();
        }
    }

    /** Columns an INSERT may name: generated and always-identity columns are left to the database. */
    private static List<String> insertableColumns(Connection connection, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT a.attname FROM pg_attribute a
                 WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                   AND a.attgenerated = '' AND a.attidentity <> 'a'
                 ORDER BY a.attnum""")) {
            query.setString(1, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        }
        return columns;
    }

    private static boolean privilege(Connection app, String function, String table) throws SQLException {
        try (PreparedStatement query = app.prepareStatement(
                "SELECT " + function.replaceFirst("\\?", "current_user, ?::regclass"))) {
            query.setString(1, table);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    private static void setTenant(Connection connection, String tenantId) throws SQLException {
        try (PreparedStatement set = connection.prepareStatement(
                "SELECT set_config('aicunet.tenant_id', ?, true), set_config('aicunet.platform', 'off', true)")) {
            set.setString(1, tenantId);
            set.execute();
        }
    }

    private static void setSearchPath(Connection connection, TestDatabase database) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET search_path = \"" + database.rolePrefix() + "\"");
        }
    }

    private static long count(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static int update(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            update.setString(1, parameter);
            return update.executeUpdate();
        }
    }

    private static void failIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
    }
}
