package io.aicunet.audit.adapter.persistence;

import io.aicunet.platform.testing.DataClassificationCheck;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Every column of the migrated schema is declared personal or not in AuditPersonalData, and nothing more. */
@QuarkusTest
class DataClassificationTest {

    @Test
    void everyColumnIsClassified() {
        DataClassificationCheck.assertEveryColumnClassified(FleetTestResource.database(),
                AuditPersonalData.DECLARATION.personal(), AuditPersonalData.DECLARATION.notPersonal());
    }
}
