package io.aicunet.architecturefixture.good.adapter.grpc;

import io.aicunet.contracts.tenant.v1.CreateTenantRequest;
import io.quarkus.grpc.GrpcService;
import io.aicunet.architecturefixture.good.application.contract.GoodProtos;
import io.aicunet.architecturefixture.good.application.orders.PlaceOrder;

/** The gRPC edge. */
@GrpcService
public class GoodGrpcService {

    private final PlaceOrder placeOrder;

    public GoodGrpcService(PlaceOrder placeOrder) {
        this.placeOrder = placeOrder;
    }

    public String create(CreateTenantRequest request) {
        return placeOrder.place(GoodProtos.order(request).id()).id();
    }
}
