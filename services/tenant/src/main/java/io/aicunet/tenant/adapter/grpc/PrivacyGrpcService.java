package io.aicunet.tenant.adapter.grpc;

import io.aicunet.contracts.privacy.v1.CreatePrivacyRequestRequest;
import io.aicunet.contracts.privacy.v1.CreatePrivacyRequestResponse;
import io.aicunet.contracts.privacy.v1.GetPrivacyRequestRequest;
import io.aicunet.contracts.privacy.v1.GetPrivacyRequestResponse;
import io.aicunet.contracts.privacy.v1.PrivacyService;
import io.aicunet.platform.tenancy.GrpcCallers;
import io.aicunet.tenant.application.privacy.CreatePrivacyRequest;
import io.aicunet.tenant.application.privacy.CreatePrivacyRequest.CreatePrivacyRequestCommand;
import io.aicunet.tenant.application.privacy.GetPrivacyRequest;
import io.aicunet.tenant.application.contract.PrivacyProtos;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** PrivacyService over gRPC. */
@GrpcService
public class PrivacyGrpcService implements PrivacyService {

    private final CreatePrivacyRequest createPrivacyRequest;
    private final GetPrivacyRequest getPrivacyRequest;

    public PrivacyGrpcService(CreatePrivacyRequest createPrivacyRequest, GetPrivacyRequest getPrivacyRequest) {
        this.createPrivacyRequest = createPrivacyRequest;
        this.getPrivacyRequest = getPrivacyRequest;
    }

    @Override
    public Uni<CreatePrivacyRequestResponse> createPrivacyRequest(CreatePrivacyRequestRequest request) {
        CreatePrivacyRequestCommand command = new CreatePrivacyRequestCommand(request.getIdempotencyKey(),
                PrivacyProtos.wireName(request.getKind()), request.getTenantId(), request.getSubjectId());
        return GrpcCallers.serve(caller -> createPrivacyRequest.execute(caller, command),
                created -> CreatePrivacyRequestResponse.newBuilder()
                        .setRequest(PrivacyProtos.toProto(created.request()))
                        .setReplayed(created.replayed())
                        .build());
    }

    @Override
    public Uni<GetPrivacyRequestResponse> getPrivacyRequest(GetPrivacyRequestRequest request) {
        return GrpcCallers.serve(caller -> getPrivacyRequest.execute(caller, request.getRequestId()),
                found -> GetPrivacyRequestResponse.newBuilder().setRequest(PrivacyProtos.toProto(found)).build());
    }
}
