package io.aicunet.tenant;

import io.aicunet.platform.testing.DataClassificationCheck;
import io.aicunet.platform.testing.FleetTestResource;
import io.aicunet.tenant.adapter.persistence.TenantPersonalData;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proves: every column of the migrated schema is declared personal or not in TenantPersonalData. */
@QuarkusTest
class DataClassificationTest {

    @Test
    void everyColumnIsClassified() {
        DataClassificationCheck.assertEveryColumnClassified(FleetTestResource.database(),
                TenantPersonalData.DECLARATION.personal(), TenantPersonalData.DECLARATION.notPersonal());
    }

    /** Proves: a column missing from the declaration, or a declared column the schema lacks, fails the check. */
    @Test
    void anUndeclaredOrUnknownColumnFails() {
        Map<String, Set<String>> notPersonal = new HashMap<>(TenantPersonalData.DECLARATION.notPersonal());
        Set<String> tenants = new HashSet<>(notPersonal.get("tenants"));
        tenants.remove("tier");
        tenants.add("shoe_size");
        notPersonal.put("tenants", tenants);
        assertThatThrownBy(() -> DataClassificationCheck.assertEveryColumnClassified(FleetTestResource.database(),
                TenantPersonalData.DECLARATION.personal(), notPersonal))
                .hasMessageContaining("unclassified column tenants.tier")
                .hasMessageContaining("declared column tenants.shoe_size is not in the schema");
    }
}
