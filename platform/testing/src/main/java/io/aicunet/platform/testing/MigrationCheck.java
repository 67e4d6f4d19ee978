package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * The fleet's check of a service's changelog, on a database of its own, as the owner
 * role (like {@link DataClassificationCheck}, one check every service calls):
 * <ul>
 *   <li>every change set rolls back exactly: applied one at a time from nothing, the
 *       schema after each is recorded; rolled back one at a time from the top, the schema
 *       before each rollback's change set is the one recorded, down to an empty schema;</li>
 *   <li>the changelog applies again after a full rollback, to the same schema;</li>
 *   <li>{@link #assertNoDrift}: a live database's schema is exactly what the changelog
 *       produces (a manual {@code ALTER TABLE} is found).</li>
 * </ul>
 * "Schema" is what a reader of the owner's schema can see: tables, views and their
 * columns with types, nullability and defaults, constraints, indexes, functions with
 * their definitions and settings, triggers, row-level-security policies and the
 * privileges granted on tables and functions (the app role sees exactly what the
 * changelog grants).
 */
public final class MigrationCheck {

    public static final String CHANGELOG = "db/changelog/db.changelog-master.yaml";

    private MigrationCheck() {
    }

    /** Applies, rolls back and re-applies every change set of {@code service}'s changelog, checking each step. */
    public static void assertEveryChangeSetRollsBack(String service) throws Exception {
        TestDatabase database = TestDatabase.create(service);
        try (Connection owner = database.connectAsOwner()) {
            Liquibase liquibase = liquibase(owner);
            List<TreeSet<String>> schemas = new ArrayList<>();
            schemas.add(schemaOf(owner));
            assertThat(schemas.get(0)).as("a new database of %s holds nothing of its own", service).isEmpty();
            int applied = 0;
            while (!liquibase.listUnrunChangeSets(new Contexts(), new LabelExpression()).isEmpty()) {
                liquibase.update(1, new Contexts(), new LabelExpression());
                applied++;
                schemas.add(schemaOf(owner));
            }
            assertThat(applied).as("change sets of %s", service).isPositive();
            TreeSet<String> full = schemas.get(applied);
            for (int step = applied; step > 0; step--) {
                liquibase.rollback(1, new Contexts(), new LabelExpression());
                assertThat(schemaOf(owner)).as("%s after rolling back change set %d of %d", service, step, applied)
                        .containsExactlyElementsOf(schemas.get(step - 1));
            }
            liquibase.update(new Contexts(), new LabelExpression());
            assertThat(schemaOf(owner)).as("%s re-applied after a full rollback", service)
                    .containsExactlyElementsOf(full);
        } finally {
            database.drop();
        }
    }

    /**
     * Fails naming every difference between the schema of {@code live} (a migrated
     * database of {@code service}, as its owner sees it) and the schema its changelog
     * produces on a new database.
     */
    public static void assertNoDrift(String service, Connection live) throws Exception {
        TestDatabase reference = TestDatabase.create(service);
        try (Connection owner = reference.connectAsOwner()) {
            liquibase(owner).update(new Contexts(), new LabelExpression());
            TreeSet<String> expected = schemaOf(owner);
            TreeSet<String> actual = schemaOf(live);
            TreeSet<String> unexpected = new TreeSet<>(actual);
            unexpected.removeAll(expected);
            TreeSet<String> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            assertThat(unexpected).as("in the live schema of %s but not made by its changelog", service).isEmpty();
            assertThat(missing).as("made by the changelog of %s but not in its live schema", service).isEmpty();
        } finally {
            reference.drop();
        }
    }

    private static Liquibase liquibase(Connection owner) throws LiquibaseException {
        Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(owner));
        return new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(), database);
    }

    /**
     * The owner schema's objects as sorted lines (Liquibase's own tables aside). Database
     * names are left out of privilege lines: two databases of one service must compare equal.
     */
    static TreeSet<String> schemaOf(Connection connection) throws SQLException {
        TreeSet<String> lines = new TreeSet<>();
        String schema = "(SELECT current_schema())";
        String notLiquibase = " NOT LIKE 'databasechangelog%'";
        query(connection, lines, """
                SELECT 'column ' || c.table_name || '.' || c.column_name || ' ' || c.data_type
                       || CASE WHEN c.is_nullable = 'NO' THEN ' not null' ELSE '' END
                       || coalesce(' default ' || c.column_default, '')
                  FROM information_schema.columns c
                 WHERE c.table_schema = %s AND c.table_name %s""".formatted(schema, notLiquibase));
        query(connection, lines, """
                SELECT 'relation ' || c.relname || ' kind ' || c.relkind::text
                       || ' rls ' || c.relrowsecurity::text || ' force ' || c.relforcerowsecurity::text
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm', 'S', 'p') AND c.relname %s"""
                .formatted(schema, notLiquibase));
        query(connection, lines, """
                SELECT 'constraint ' || t.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
                  FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE n.nspname = %s AND t.relname %s""".formatted(schema, notLiquibase));
        query(connection, lines, """
                SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes
                 WHERE schemaname = %s AND tablename %s""".formatted(schema, notLiquibase));
        query(connection, lines, """
                SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
                       || md5(pg_get_functiondef(p.oid)) || ' definer ' || p.prosecdef::text
                       || ' config ' || coalesce(array_to_string(p.proconfig, ','), '')
                  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = %s AND p.prokind IN ('f', 'p')""".formatted(schema));
        query(connection, lines, """
                SELECT 'trigger ' || c.relname || '.' || t.tgname || ' ' || pg_get_triggerdef(t.oid)
                  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = %s AND NOT t.tgisinternal""".formatted(schema));
        query(connection, lines, """
                SELECT 'policy ' || tablename || '.' || policyname || ' ' || cmd::text || ' ' || array_to_string(roles, ',')
                       || ' using ' || coalesce(qual, '') || ' check ' || coalesce(with_check, '')
                  FROM pg_policies WHERE schemaname = %s""".formatted(schema));
        query(connection, lines, """
                SELECT 'grant ' || table_name || ' ' || grantee || ' ' || privilege_type
                  FROM information_schema.role_table_grants
                 WHERE table_schema = %s AND table_name %s AND grantee <> current_user"""
                .formatted(schema, notLiquibase));
        query(connection, lines, """
                SELECT 'grant ' || routine_name || ' ' || grantee || ' ' || privilege_type
                  FROM information_schema.role_routine_grants
                 WHERE routine_schema = %s AND grantee <> current_user""".formatted(schema));
        return lines;
    }

    private static void query(Connection connection, TreeSet<String> lines, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                lines.add(rows.getString(1));
            }
        }
    }
}
