package io.aicunet.tenant;

import io.aicunet.contracts.privacy.v1.PrivacyServiceGrpc;
import io.aicunet.contracts.privacy.v1.TenantKeyServiceGrpc;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc.TenantServiceBlockingStub;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A gRPC client of the tenant service under test, calling as a given caller. */
public final class TenantGrpcClient implements AutoCloseable {

    private final ManagedChannel channel;

    public TenantGrpcClient(int port) {
        channel = TestCallers.channel(port);
    }

    public TenantServiceBlockingStub as(Map<String, String> callerHeaders) {
        return TenantServiceGrpc.newBlockingStub(TestCallers.as(channel, callerHeaders))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public PrivacyServiceGrpc.PrivacyServiceBlockingStub privacyAs(Map<String, String> callerHeaders) {
        return PrivacyServiceGrpc.newBlockingStub(TestCallers.as(channel, callerHeaders))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public TenantKeyServiceGrpc.TenantKeyServiceBlockingStub keysAs(Map<String, String> callerHeaders) {
        return TenantKeyServiceGrpc.newBlockingStub(TestCallers.as(channel, callerHeaders))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public TenantServiceBlockingStub asPlatformAdmin() {
        return as(TestCallers.platformAdmin());
    }

    /** The google.rpc status of a failed call, with its details. */
    public static com.google.rpc.Status statusOf(StatusRuntimeException failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status == null) {
            throw new AssertionError("the call failed without rich status details: " + failure.getStatus());
        }
        return status;
    }

    public static Status.Code codeOf(StatusRuntimeException failure) {
        return failure.getStatus().getCode();
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
