package io.aicunet.ledger;

import io.aicunet.platform.testing.DatabasePrivilegesCheck;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The migrated database confines the app role (platform/testing's DatabasePrivilegesCheck). */
@QuarkusTest
class DatabasePrivilegesTest {

    /**
     * Proves: as ledger_app, creating a temporary table and inserting, updating, deleting or
     * truncating Liquibase's databasechangelog and databasechangeloglock are all refused, and
     * every SECURITY DEFINER function of the schema pins {@code search_path = <schema>, pg_temp}.
     */
    @Test
    void appRoleIsConfined() {
        DatabasePrivilegesCheck.assertAppRoleIsConfined(FleetTestResource.database());
    }
}
