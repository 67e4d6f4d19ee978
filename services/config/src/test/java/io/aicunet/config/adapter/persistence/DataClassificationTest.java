package io.aicunet.config.adapter.persistence;

import io.aicunet.platform.testing.DataClassificationCheck;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Proves: every column of the migrated schema is declared personal or not in ConfigPersonalData. */
@QuarkusTest
class DataClassificationTest {

    @Test
    void everyColumnIsClassified() {
        DataClassificationCheck.assertEveryColumnClassified(FleetTestResource.database(),
                ConfigPersonalData.DECLARATION.personal(), ConfigPersonalData.DECLARATION.notPersonal());
    }
}
