package io.aicunet.architecturefixture.good.application.contract;

import io.aicunet.contracts.tenant.v1.CreateTenantRequest;
import io.aicunet.architecturefixture.good.domain.Order;

/** The one application package that touches the generated contracts. */
public final class GoodProtos {

    private GoodProtos() {
    }

    public static Order order(CreateTenantRequest request) {
        return new Order(request.getSlug(), 1);
    }
}
