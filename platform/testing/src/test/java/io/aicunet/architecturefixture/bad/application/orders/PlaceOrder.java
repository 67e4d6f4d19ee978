package io.aicunet.architecturefixture.bad.application.orders;

import io.aicunet.contracts.tenant.v1.CreateTenantRequest;
import io.aicunet.architecturefixture.bad.adapter.persistence.PgOrders;
import io.aicunet.architecturefixture.bad.application.retention.RetentionJob;
import io.aicunet.architecturefixture.bad.domain.Order;

/** Breaks 2a (adapter), 3 (contracts outside the edges) and 9a (cycle with retention). */
public class PlaceOrder {

    public Order place(CreateTenantRequest request, PgOrders rows, RetentionJob retention) {
        return null;
    }
}
