package io.aicunet.ledger;

import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc.LedgerServiceBlockingStub;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A gRPC client of the ledger service under test, calling as a given caller. */
public final class LedgerGrpcClient implements AutoCloseable {

    private final ManagedChannel channel;

    public LedgerGrpcClient(int port) {
        channel = TestCallers.channel(port);
    }

    public LedgerServiceBlockingStub as(Map<String, String> callerHeaders) {
        return LedgerServiceGrpc.newBlockingStub(TestCallers.as(channel, callerHeaders))
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .withMaxInboundMessageSize(16 * 1024 * 1024)
                .withMaxOutboundMessageSize(16 * 1024 * 1024);
    }

    /** The google.rpc status of a failed call, with its details. */
    public static com.google.rpc.Status statusOf(StatusRuntimeException failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status == null) {
            throw new AssertionError("the call failed without rich status details: " + failure.getStatus());
        }
        return status;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
