package io.aicunet.ledger;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every @QuarkusTest of this module runs against one ledger-service instance on the
 * real local stack, with a database and topic prefix of its own; declaring the
 * resource once here lets Quarkus boot the application once for all test classes.
 */
@QuarkusTestResource(value = LedgerTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
public final class LedgerTestStack {

    private LedgerTestStack() {
    }
}
