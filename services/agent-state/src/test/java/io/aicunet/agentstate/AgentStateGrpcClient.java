package io.aicunet.agentstate;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A gRPC client of the agent-state service under test, calling as a given caller. */
public final class AgentStateGrpcClient implements AutoCloseable {

    private final ManagedChannel channel;

    public AgentStateGrpcClient(int port) {
        channel = TestCallers.channel(port);
    }

    public AgentStateServiceBlockingStub as(Map<String, String> callerHeaders) {
        return AgentStateServiceGrpc.newBlockingStub(TestCallers.as(channel, callerHeaders))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** An asynchronous stub, for server streams. */
    public AgentStateServiceGrpc.AgentStateServiceStub asyncAs(Map<String, String> callerHeaders) {
        return AgentStateServiceGrpc.newStub(TestCallers.as(channel, callerHeaders));
    }

    public static Status.Code codeOf(StatusRuntimeException failure) {
        return failure.getStatus().getCode();
    }

    /** The google.rpc status of a failed call, with its details. */
    public static com.google.rpc.Status statusOf(StatusRuntimeException failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status == null) {
            throw new AssertionError("the call failed without rich status details: " + failure.getStatus());
        }
        return status;
    }

    /** The fields named by the BadRequest detail of a failed call. */
    public static List<String> violatedFields(StatusRuntimeException failure) {
        return unpack(failure, BadRequest.class).getFieldViolationsList().stream()
                .map(BadRequest.FieldViolation::getField).toList();
    }

    public static ErrorInfo errorInfo(StatusRuntimeException failure) {
        return unpack(failure, ErrorInfo.class);
    }

    /** The type of the first precondition violation, e.g. ILLEGAL_STATUS_TRANSITION. */
    public static String preconditionType(StatusRuntimeException failure) {
        return unpack(failure, PreconditionFailure.class).getViolations(0).getType();
    }

    private static <T extends com.google.protobuf.Message> T unpack(StatusRuntimeException failure, Class<T> type) {
        return statusOf(failure).getDetailsList().stream()
                .filter(any -> any.is(type))
                .findFirst()
                .map(any -> {
                    try {
                        return any.unpack(type);
                    } catch (InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                })
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " detail in "
                        + statusOf(failure)));
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
