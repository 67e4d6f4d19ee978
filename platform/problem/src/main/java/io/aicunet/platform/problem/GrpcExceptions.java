package io.aicunet.platform.problem;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every exception a gRPC service method throws or fails its Uni with, mapped by
 * {@link GrpcProblems#unexpected}: a status stays, an outage is UNAVAILABLE with retry
 * advice, a bug is INTERNAL with an incident id. Without this, Quarkus answers an exception
 * thrown while a request is turned into a command (a timestamp of 2^62 s, a value the
 * protobuf runtime cannot convert) as UNKNOWN with the exception's own text.
 */
@ApplicationScoped
public class GrpcExceptions implements ExceptionHandlerProvider {

    @Override
    public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(
            ServerCall.Listener<ReqT> listener, ServerCall<ReqT, RespT> call, Metadata metadata) {
        return new ExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable failure, ServerCall<ReqT, RespT> serverCall, Metadata headers) {
                StatusRuntimeException status = GrpcProblems.unexpected(failure);
                Metadata trailers = status.getTrailers() == null ? new Metadata() : status.getTrailers();
                serverCall.close(status.getStatus(), trailers);
            }
        };
    }

    @Override
    public Throwable transform(Throwable failure) {
        return GrpcProblems.unexpected(failure);
    }
}
