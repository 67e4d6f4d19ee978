package io.aicunet.tenant;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.MigrationCheck;
import io.aicunet.platform.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The tenant service's changelog both ways, and its live schema against it. */
@QuarkusTest
class MigrationTest {

    /**
     * Proves: applied one change set at a time and rolled back one at a time, each
     * rollback restores exactly the schema before its change set, down to nothing, and
     * the changelog applies again to the same schema.
     */
    @Test
    void everyChangeSetRollsBackExactly() throws Exception {
        MigrationCheck.assertEveryChangeSetRollsBack("tenant");
    }

    /** Proves: the database the running service migrated has exactly the schema its changelog makes. */
    @Test
    void liveSchemaHasNotDrifted() throws Exception {
        try (Connection live = FleetTestResource.database().connectAsOwner()) {
            MigrationCheck.assertNoDrift("tenant", live);
        }
    }

    /** Proves: the drift check finds a manual change the changelog did not make (a column added by hand). */
    @Test
    void manualAlterTableIsFound() throws Exception {
        TestDatabase database = TestDatabase.create("tenant");
        try (Connection owner = database.connectAsOwner(); Statement statement = owner.createStatement()) {
            new liquibase.Liquibase(MigrationCheck.CHANGELOG, new liquibase.resource.ClassLoaderResourceAccessor(),
                    liquibase.database.DatabaseFactory.getInstance().findCorrectDatabaseImplementation(
                            new liquibase.database.jvm.JdbcConnection(owner)))
                    .update(new liquibase.Contexts(), new liquibase.LabelExpression());
            MigrationCheck.assertNoDrift("tenant", owner);
            statement.execute("ALTER TABLE tenants ADD COLUMN added_by_hand text");

            assertThatThrownBy(() -> MigrationCheck.assertNoDrift("tenant", owner))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("tenants.added_by_hand");
        } finally {
            database.drop();
        }
    }
}
