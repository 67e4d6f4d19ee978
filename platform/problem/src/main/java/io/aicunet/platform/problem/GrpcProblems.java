package io.aicunet.platform.problem;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.QuotaFailure;
import com.google.rpc.ResourceInfo;
import com.google.rpc.RetryInfo;
import com.google.protobuf.Duration;
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

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(GrpcProblems.class);

    private GrpcProblems() {
    }

    public static StatusRuntimeException toException(Problem problem) {
        return StatusProto.toStatusRuntimeException(toStatus(problem));
    }

    public static Status toStatus(Problem problem) {
        Status.Builder status = Status.newBuilder()
                .setCode(codeOf(problem.kind()).getNumber())
                .setMessage(problem.detail())
                .addDetails(detailOf(problem));
        if (problem instanceof Problem.InvalidArgument invalid && invalid.unlisted() > 0) {
            // BadRequest lists the first violations; this says how many there were in all.
            status.addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(ERROR_DOMAIN).setReason("VIOLATIONS_UNLISTED")
                    .putMetadata("violations_total", String.valueOf(invalid.violations().size()))
                    .putMetadata("violations_unlisted", String.valueOf(invalid.unlisted()))
                    .build()));
        }
        if (problem instanceof Problem.ResourceExhausted exhausted) {
            // QuotaFailure names what is bounded; this names the setting, its value and the count now.
            status.addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(ERROR_DOMAIN).setReason(exhausted.limit())
                    .putMetadata("bound", Long.toString(exhausted.bound()))
                    .putMetadata("current", Long.toString(exhausted.current()))
                    .build()));
            exhausted.retryAfter().ifPresent(delay -> status.addDetails(Any.pack(RetryInfo.newBuilder()
                    .setRetryDelay(Duration.newBuilder().setSeconds(delay.getSeconds()).setNanos(delay.getNano()))
                    .build())));
        }
        if (problem.kind() == Problem.Kind.UNAVAILABLE) {
            status.addDetails(retryInfo());
        }
        return status.build();
    }

    /**
     * The status for an outage (see {@link Outages}): UNAVAILABLE with retry advice, so
     * standard gRPC retry policies retry it; nothing about the failure's internals.
     */
    public static StatusRuntimeException unavailable() {
        return toException(new Problem.Unavailable(
                "a service this request needs cannot be reached right now; retry in "
                        + Outages.RETRY_AFTER_SECONDS + " s"));
    }

    /**
     * What a call that failed with an exception answers: a gRPC status it already is, stays;
     * an outage is {@link #unavailable()}; anything else is a bug, logged with its stack
     * under an incident id and answered INTERNAL with that id only, never the exception's
     * text (which may name internals).
     */
    public static StatusRuntimeException unexpected(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        if (failure instanceof io.grpc.StatusException status) {
            return new StatusRuntimeException(status.getStatus(), status.getTrailers());
        }
        if (Outages.isOutage(failure)) {
            LOG.warnf("a gRPC call met an outage: %s", failure.toString());
            return unavailable();
        }
        String incident = java.util.UUID.randomUUID().toString();
        LOG.errorf(failure, "incident %s: gRPC call failed unexpectedly", incident);
        return io.grpc.Status.INTERNAL.withDescription("internal error, incident " + incident).asRuntimeException();
    }

    private static Any retryInfo() {
        return Any.pack(RetryInfo.newBuilder()
                .setRetryDelay(Duration.newBuilder().setSeconds(Outages.RETRY_AFTER_SECONDS))
                .build());
    }

    private static Code codeOf(Problem.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Code.PERMISSION_DENIED;
            case NOT_FOUND -> Code.NOT_FOUND;
            case CONFLICT -> Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Code.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Code.UNAVAILABLE;
        };
    }

    private static Any detailOf(Problem problem) {
        if (problem instanceof Problem.InvalidArgument invalid) {
            BadRequest.Builder badRequest = BadRequest.newBuilder();
            invalid.listed().forEach(v -> badRequest.addFieldViolations(
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
        if (problem instanceof Problem.ResourceExhausted exhausted) {
            return Any.pack(QuotaFailure.newBuilder()
                    .addViolations(QuotaFailure.Violation.newBuilder()
                            .setSubject(exhausted.subject())
                            .setDescription(exhausted.detail()))
                    .build());
        }
        String reason = problem instanceof Problem.Conflict conflict
                ? conflict.reason()
                : problem.kind().name();
        return Any.pack(ErrorInfo.newBuilder().setDomain(ERROR_DOMAIN).setReason(reason).build());
    }
}
