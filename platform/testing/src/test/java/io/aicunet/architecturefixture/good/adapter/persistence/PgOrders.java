package io.aicunet.architecturefixture.good.adapter.persistence;

import io.aicunet.architecturefixture.good.application.port.Orders;
import io.aicunet.architecturefixture.good.domain.Order;
import java.util.List;

/** The adapter implementing the port. */
public class PgOrders implements Orders {

    @Override
    public Page list(int pageSizeMax) {
        return new Page(List.of());
    }

    @Override
    public void save(Order order) {
    }
}
