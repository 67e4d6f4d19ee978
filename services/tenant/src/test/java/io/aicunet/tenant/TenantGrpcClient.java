package io.aicunet.tenant;

import io.aicunet.contracts.privacy.v1.PrivacyServiceGrpc;
import io.aicunet.contracts.privacy.v1.TenantKeyServiceGrpc;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc.TenantServiceBlockingStub;
import io.aicunet.platform.testing.GrpcTestChannel;
import io.aicunet.platform.testing.TestCallers;
import java.util.Map;

/**
 * A gRPC client of the tenant service under test, calling as a given caller; failed calls
 * are read with platform/testing's GrpcCalls.
 */
public final class TenantGrpcClient implements AutoCloseable {

    private final GrpcTestChannel channel;

    public TenantGrpcClient(int port) {
        channel = GrpcTestChannel.open(port);
    }

    public TenantServiceBlockingStub as(Map<String, String> callerHeaders) {
        return channel.as(TenantServiceGrpc::newBlockingStub, callerHeaders);
    }

    public PrivacyServiceGrpc.PrivacyServiceBlockingStub privacyAs(Map<String, String> callerHeaders) {
        return channel.as(PrivacyServiceGrpc::newBlockingStub, callerHeaders);
    }

    public TenantKeyServiceGrpc.TenantKeyServiceBlockingStub keysAs(Map<String, String> callerHeaders) {
        return channel.as(TenantKeyServiceGrpc::newBlockingStub, callerHeaders);
    }

    public TenantServiceBlockingStub asPlatformAdmin() {
        return as(TestCallers.platformAdmin());
    }

    @Override
    public void close() {
        channel.close();
    }
}
