package io.aicunet.ledger;

import io.aicunet.ledger.adapter.persistence.LedgerPersonalData;
import io.aicunet.platform.testing.DataClassificationCheck;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The ledger's declaration of personal data against its migrated schema. */
@QuarkusTest
class DataClassificationTest {

    /** Proves: every column of every ledger table is declared personal or not, and every declared column exists. */
    @Test
    void everyColumnIsClassified() {
        DataClassificationCheck.assertEveryColumnClassified(FleetTestResource.database(),
                LedgerPersonalData.DECLARATION.personal(), LedgerPersonalData.DECLARATION.notPersonal());
    }
}
