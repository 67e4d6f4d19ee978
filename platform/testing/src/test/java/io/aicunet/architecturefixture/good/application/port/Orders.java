package io.aicunet.architecturefixture.good.application.port;

import io.aicunet.architecturefixture.good.domain.Order;
import java.util.List;

/** A port: an interface, with the record its signature needs nested inside it. */
public interface Orders {

    Page list(int pageSizeMax);

    void save(Order order);

    /** One page of orders. */
    record Page(List<Order> orders) {
    }
}
