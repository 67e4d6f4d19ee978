package io.aicunet.agentstate;

import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.platform.testing.MigrationCheck;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** The agent-state service's changelog both ways, and its live schema against it. */
@QuarkusTest
class MigrationTest {

    /**
     * Proves: applied one change set at a time and rolled back one at a time, each
     * rollback restores exactly the schema before its change set, down to nothing, and
     * the changelog applies again to the same schema.
     */
    @Test
    void everyChangeSetRollsBackExactly() throws Exception {
        MigrationCheck.assertEveryChangeSetRollsBack("agent-state");
    }

    /** Proves: the database the running service migrated has exactly the schema its changelog makes. */
    @Test
    void liveSchemaHasNotDrifted() throws Exception {
        try (Connection live = FleetTestResource.database().connectAsOwner()) {
            MigrationCheck.assertNoDrift("agent-state", live);
        }
    }
}
