package io.aicunet.agentstate.adapter.persistence;

import io.aicunet.platform.privacy.PersonalData;
import io.aicunet.platform.testing.DataClassificationCheck;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Keeps the declaration of personal data in step with the schema. */
@QuarkusTest
class DataClassificationTest {

    /**
     * Proves: every column of every table of the migrated schema is declared personal or
     * not personal in AgentStatePersonalData, and every declared column exists.
     */
    @Test
    void everyColumnIsClassified() {
        PersonalData declared = AgentStatePersonalData.DECLARATION;
        DataClassificationCheck.assertEveryColumnClassified(FleetTestResource.database(), declared.personal(),
                declared.notPersonal());
    }
}
