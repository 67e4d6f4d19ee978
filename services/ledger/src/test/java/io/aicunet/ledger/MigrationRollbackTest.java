package io.aicunet.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.Test;

/** The changelog both ways, on a database of its own, as the owner role. */
class MigrationRollbackTest {

    private static final String CHANGELOG = "db/changelog/db.changelog-master.yaml";
    private static final int CHANGESETS = 10;

    /**
     * Proves: every change set of the ledger's changelog rolls back: after update and
     * a rollback of all of them the schema holds none of the ledger's tables, views or
     * functions, and the changelog applies again afterwards (with the reporting grant).
     */
    @Test
    void everyChangeRollsBackAndReapplies() throws Exception {
        LedgerTestResource.createReportingRole();
        TestDatabase database = TestDatabase.create("ledger");
        try (Connection owner = database.connectAsOwner()) {
            Liquibase liquibase = new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(),
                    DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(owner)));
            liquibase.update(new Contexts(), new LabelExpression());
            assertThat(objects(owner)).contains("accounts", "transfers", "pending_timeouts", "tenants",
                    "outbox_events", "inbox_events", "cost_per_tenant_day", "cost_per_account_code_day",
                    "transfers_are_append_only");
            assertThat(reportingMaySelect(owner)).isTrue();

            liquibase.rollback(CHANGESETS, new Contexts(), new LabelExpression());
            assertThat(objects(owner)).isEmpty();

            liquibase.update(new Contexts(), new LabelExpression());
            assertThat(objects(owner)).contains("transfers", "cost_per_account_code_day");
            assertThat(reportingMaySelect(owner)).isTrue();
        } finally {
            database.drop();
        }
    }

    /** The ledger's tables, views and functions in the owner's schema (Liquibase's own tables aside). */
    private static List<String> objects(Connection connection) throws Exception {
        List<String> names = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v')
                           AND c.relname NOT LIKE 'databasechangelog%'
                        UNION ALL
                        SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE n.nspname = current_schema()""")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    private static boolean reportingMaySelect(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT has_table_privilege('ledger_reporting', 'cost_per_tenant_day', 'SELECT')")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }
}
