package io.aicunet.platform.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;

/**
 * Reads a failed gRPC call the way the fleet's services answer it: a status code and a
 * {@code google.rpc.Status} with typed details (BadRequest, ErrorInfo, PreconditionFailure),
 * mapped once at each service's edge (platform/problem GrpcProblems). Takes the Throwable a
 * stub threw (StatusRuntimeException or StatusException) as {@code assertThrows} or
 * {@code catchThrowable} hands it over.
 */
public final class GrpcCalls {

    private GrpcCalls() {
    }

    /** The call's status code; fails if the throwable is no gRPC failure. */
    public static Status.Code codeOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StatusRuntimeException || cause instanceof StatusException) {
                return Status.fromThrowable(cause).getCode();
            }
        }
        throw new AssertionError("not a gRPC failure: " + failure, failure);
    }

    /**
     * The google.rpc status of a failed call, with its details (none when the service answered a
     * plain status); fails if the throwable is no gRPC failure.
     */
    public static com.google.rpc.Status statusOf(Throwable failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status == null) {
            throw new AssertionError("the call failed without rich status details: " + Status.fromThrowable(failure),
                    failure);
        }
        return status;
    }

    /** The failed call's detail of this type; fails if it has none. */
    public static <T extends Message> T detail(Throwable failure, Class<T> type) {
        com.google.rpc.Status status = statusOf(failure);
        return status.getDetailsList().stream()
                .filter(any -> any.is(type))
                .findFirst()
                .map(any -> {
                    try {
                        return any.unpack(type);
                    } catch (InvalidProtocolBufferException e) {
                        throw new AssertionError("cannot read the " + type.getSimpleName() + " detail", e);
                    }
                })
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " detail in " + status));
    }

    /** The fields named by the BadRequest detail. */
    public static List<String> violatedFields(Throwable failure) {
        return detail(failure, BadRequest.class).getFieldViolationsList().stream()
                .map(BadRequest.FieldViolation::getField).toList();
    }

    /** The ErrorInfo detail (reason, domain, metadata). */
    public static ErrorInfo errorInfo(Throwable failure) {
        return detail(failure, ErrorInfo.class);
    }

    /** The type of the first precondition violation, e.g. ILLEGAL_STATUS_TRANSITION. */
    public static String preconditionType(Throwable failure) {
        PreconditionFailure precondition = detail(failure, PreconditionFailure.class);
        if (precondition.getViolationsCount() == 0) {
            throw new AssertionError("the PreconditionFailure detail names no violation");
        }
        return precondition.getViolations(0).getType();
    }
}
