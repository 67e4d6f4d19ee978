package io.aicunet.platform.problem;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.ResourceInfo;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * Maps a {@link Problem} to a gRPC status with google.rpc error details, the one
 * place where that mapping lives.
 */
public final class GrpcProblems {

    /** The ErrorInfo domain of every error the fleet returns. */
    public static final String ERROR_DOMAIN = "aicunet.io";

    private GrpcProblems() {
    }

    public static StatusRuntimeException toException(Problem problem) {
        return StatusProto.toStatusRuntimeException(toStatus(problem));
    }

    public static Status toStatus(Problem problem) {
        return Status.newBuilder()
                .setCode(codeOf(problem.kind()).getNumber())
                .setMessage(problem.detail())
                .addDetails(detailOf(problem))
                .build();
    }

    private static Code codeOf(Problem.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Code.PERMISSION_DENIED;
            case NOT_FOUND -> Code.NOT_FOUND;
            case CONFLICT -> Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
            case UNAVAILABLE -> Code.UNAVAILABLE;
        };
    }

    private static Any detailOf(Problem problem) {
        if (problem instanceof Problem.InvalidArgument invalid) {
            BadRequest.Builder badRequest = BadRequest.newBuilder();
            invalid.violations().forEach(v -> badRequest.addFieldViolations(
                    BadRequest.FieldViolation.newBuilder().setField(v.field()).setDescription(v.description())));
            return Any.pack(badRequest.build());
        }
        if (problem instanceof Problem.NotFound notFound) {
            return Any.pack(ResourceInfo.newBuilder()
                    .setResourceType(notFound.resourceType())
                    .setResourceName(notFound.resourceId())
                    .setDescription(notFound.detail())
                    .build());
        }
        if (problem instanceof Problem.FailedPrecondition precondition) {
            return Any.pack(PreconditionFailure.newBuilder()
                    .addViolations(PreconditionFailure.Violation.newBuilder()
                            .setType(precondition.type())
                            .setSubject(precondition.subject())
                            .setDescription(precondition.detail()))
                    .build());
        }
        String reason = problem instanceof Problem.Conflict conflict
                ? conflict.reason()
                : problem.kind().name();
        return Any.pack(ErrorInfo.newBuilder().setDomain(ERROR_DOMAIN).setReason(reason).build());
    }
}
