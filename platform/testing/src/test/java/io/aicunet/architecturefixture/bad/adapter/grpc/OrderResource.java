package io.aicunet.architecturefixture.bad.adapter.grpc;

import jakarta.ws.rs.Path;
import io.aicunet.architecturefixture.bad.adapter.persistence.PgOrders;

/** Breaks 6c (a JAX-RS resource outside adapter.rest) and 8 (one adapter using another). */
@Path("/orders")
public class OrderResource {

    private PgOrders rows;
}
