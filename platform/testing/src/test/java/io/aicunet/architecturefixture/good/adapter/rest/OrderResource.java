package io.aicunet.architecturefixture.good.adapter.rest;

import jakarta.ws.rs.Path;
import io.aicunet.architecturefixture.good.application.orders.PlaceOrder;

/** The REST edge. */
@Path("/orders")
public class OrderResource {

    private final PlaceOrder placeOrder;

    public OrderResource(PlaceOrder placeOrder) {
        this.placeOrder = placeOrder;
    }

    public String create(String id) {
        return placeOrder.place(id).id();
    }
}
