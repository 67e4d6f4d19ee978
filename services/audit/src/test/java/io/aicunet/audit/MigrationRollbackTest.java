package io.aicunet.audit;

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

/** The audit changelog both ways, on a database of its own, as the owner role. */
class MigrationRollbackTest {

    private static final String CHANGELOG = "db/changelog/db.changelog-master.yaml";
    /** The platform outbox's two and its tenant sweeps' one, 0001 to 0004 of the audit service. */
    private static final int CHANGESETS_BEFORE_0005 = 7;
    /**
     * Then 0005, 0006 (tenant storage counting), 0007 (the reporting role's reads) and the
     * platform's database-privileges.
     */
    private static final int CHANGESETS = 11;

    /**
     * Proves: 0005 (with 0006 and 0007 after it) and the platform's database-privileges changeset roll back to exactly
     * the function settings and Liquibase-table grants of before (search_path as 0003/0004
     * captured it, the app role's rights on databasechangelog), the whole changelog rolls
     * back to an empty schema, and it applies again afterwards.
     */
    @Test
    void pinnedPathsAndPrivilegesRollBackAndReapply() throws Exception {
        TestDatabase database = TestDatabase.create("audit");
        try (Connection owner = database.connectAsOwner()) {
            Liquibase liquibase = new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(),
                    DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(owner)));
            liquibase.update(CHANGESETS_BEFORE_0005, new Contexts(), new LabelExpression());
            List<String> settingsBefore = functionSettings(owner);
            String grantsBefore = liquibaseTableGrants(owner);
            assertThat(settingsBefore).contains("redact_sealed_details=search_path=audit",
                    "remove_expired_segments=search_path=audit", "refuse_audit_change=");
            assertThat(grantsBefore).contains("INSERT");

            liquibase.update(new Contexts(), new LabelExpression());
            assertThat(functionSettings(owner)).contains("redact_sealed_details=search_path=audit, pg_temp",
                    "remove_expired_segments=search_path=audit, pg_temp",
                    "refuse_audit_change=search_path=pg_catalog, audit, pg_temp");
            assertThat(liquibaseTableGrants(owner)).isEmpty();

            liquibase.rollback(CHANGESETS - CHANGESETS_BEFORE_0005, new Contexts(), new LabelExpression());
            assertThat(functionSettings(owner)).isEqualTo(settingsBefore);
            assertThat(liquibaseTableGrants(owner)).isEqualTo(grantsBefore);

            liquibase.rollback(CHANGESETS_BEFORE_0005, new Contexts(), new LabelExpression());
            assertThat(functionSettings(owner)).isEmpty();

            liquibase.update(new Contexts(), new LabelExpression());
            assertThat(functionSettings(owner)).contains("redact_sealed_details=search_path=audit, pg_temp");
        } finally {
            database.drop();
        }
    }

    /** Each function of the schema as name=its settings, sorted. */
    private static List<String> functionSettings(Connection connection) throws Exception {
        return strings(connection, """
                SELECT p.proname || '=' || coalesce(array_to_string(p.proconfig, ';'), '')
                  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'audit' ORDER BY 1""");
    }

    /** What audit_app may do to Liquibase's tables, e.g. "databasechangelog:DELETE,INSERT,SELECT,UPDATE;...". */
    private static String liquibaseTableGrants(Connection connection) throws Exception {
        return String.join(";", strings(connection, """
                SELECT table_name || ':' || string_agg(privilege_type, ',' ORDER BY privilege_type)
                  FROM information_schema.role_table_grants
                 WHERE grantee = 'audit_app' AND table_schema = 'audit'
                   AND table_name IN ('databasechangelog', 'databasechangeloglock')
                 GROUP BY table_name ORDER BY table_name"""));
    }

    private static List<String> strings(Connection connection, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
