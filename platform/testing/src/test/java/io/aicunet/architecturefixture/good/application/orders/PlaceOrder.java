package io.aicunet.architecturefixture.good.application.orders;

import io.aicunet.architecturefixture.good.application.port.Orders;
import io.aicunet.architecturefixture.good.config.GoodServiceConfig;
import io.aicunet.architecturefixture.good.domain.Order;

/** A use case: depends on the domain, a port and the settings. */
public class PlaceOrder {

    private final Orders orders;
    private final GoodServiceConfig config;

    public PlaceOrder(Orders orders, GoodServiceConfig config) {
        this.orders = orders;
        this.config = config;
    }

    public Order place(String id) {
        Order order = new Order(id, config.retention().quantityMax());
        orders.save(order);
        return order;
    }
}
