package io.aicunet.architecturefixture.good.application.privacy;

import io.aicunet.architecturefixture.good.application.port.Orders;

/** The service's privacy part, in application.privacy. */
public class GoodPrivacyPart {

    private final Orders orders;

    public GoodPrivacyPart(Orders orders) {
        this.orders = orders;
    }

    public int count() {
        return orders.list(10).orders().size();
    }
}
