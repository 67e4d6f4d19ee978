package io.aicunet.tenant.adapter.grpc;

import com.google.protobuf.ByteString;
import io.aicunet.contracts.privacy.v1.GetDataKeyRequest;
import io.aicunet.contracts.privacy.v1.GetDataKeyResponse;
import io.aicunet.contracts.privacy.v1.TenantKeyService;
import io.aicunet.platform.tenancy.GrpcCallers;
import io.aicunet.tenant.application.keys.GetDataKey;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** TenantKeyService over gRPC: data keys for the fleet's services, never for tenants. */
@GrpcService
public class TenantKeyGrpcService implements TenantKeyService {

    private final GetDataKey getDataKey;

    public TenantKeyGrpcService(GetDataKey getDataKey) {
        this.getDataKey = getDataKey;
    }

    @Override
    public Uni<GetDataKeyResponse> getDataKey(GetDataKeyRequest request) {
        return GrpcCallers.serve(caller -> getDataKey.execute(caller, request.getTenantId(), request.getKeyId()),
                found -> GetDataKeyResponse.newBuilder()
                        .setTenantId(request.getTenantId())
                        .setKeyId(found.keyId())
                        .setKey(ByteString.copyFrom(found.material()))
                        .build());
    }
}
