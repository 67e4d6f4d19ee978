package io.aicunet.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aicunet.platform.testing.DatabasePrivilegesCheck;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The migrated database confines the app role (platform/testing's DatabasePrivilegesCheck). */
@QuarkusTest
class DatabasePrivilegesTest {

    /**
     * Proves: as audit_app, creating a temporary table and inserting, updating, deleting or
     * truncating Liquibase's databasechangelog and databasechangeloglock are all refused, and
     * both SECURITY DEFINER functions (retention removal, redaction) pin
     * {@code search_path = audit, pg_temp}.
     */
    @Test
    void appRoleIsConfined() {
        DatabasePrivilegesCheck.assertAppRoleIsConfined(FleetTestResource.database());
    }

    /**
     * Proves: the check is not blind: with TEMPORARY and INSERT on databasechangelog given
     * back to audit_app, and an owner function without a pinned path, it names all three.
     */
    @Test
    void checkNamesEveryPrivilegeGivenBack() throws Exception {
        TestDatabase database = FleetTestResource.database();
        try {
            try (Connection superuser = database.connectAsSuperuser(); Statement statement = superuser.createStatement()) {
                statement.execute("GRANT TEMPORARY ON DATABASE \"" + database.name() + "\" TO audit_app");
                statement.execute("GRANT INSERT ON audit.databasechangelog TO audit_app");
            }
            try (Connection owner = database.connectAsOwner(); Statement statement = owner.createStatement()) {
                statement.execute("CREATE FUNCTION audit.privileges_probe() RETURNS integer"
                        + " LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'");
            }

            assertThat(DatabasePrivilegesCheck.problems(database)).satisfiesExactlyInAnyOrder(
                    problem -> assertThat(problem).contains("audit_app may create temporary tables"),
                    problem -> assertThat(problem).contains("audit_app may INSERT audit.databasechangelog"),
                    problem -> assertThat(problem).contains("privileges_probe()")
                            .contains("not search_path=audit, pg_temp"));
        } finally {
            try (Connection superuser = database.connectAsSuperuser(); Statement statement = superuser.createStatement()) {
                statement.execute("REVOKE TEMPORARY ON DATABASE \"" + database.name() + "\" FROM audit_app");
                statement.execute("REVOKE INSERT ON audit.databasechangelog FROM audit_app");
                statement.execute("DROP FUNCTION IF EXISTS audit.privileges_probe()");
            }
        }
        DatabasePrivilegesCheck.assertAppRoleIsConfined(database);
    }
}
