package io.aicunet.platform.tenancy;

import io.aicunet.platform.problem.GrpcProblems;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import java.util.Set;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Authenticates every gRPC call from its {@code authorization} metadata (see
 * {@link CallerAuthentication}) before any service method runs: a call without a
 * token that verifies is closed with UNAUTHENTICATED (or UNAVAILABLE when the
 * issuer's keys cannot be fetched) and does nothing. Only the standard health and
 * reflection services are open. The caller is then available to the service method
 * through {@link #current()}; a malformed tenant header is refused by {@link #serve},
 * so the error is the same on gRPC and REST.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcCallers implements ServerInterceptor {

    /** Services every client may call without a token: they expose no tenant's data. */
    private static final Set<String> OPEN_SERVICES = Set.of(
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of(CallerHeaders.AUTHORIZATION, Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> TENANT =
            Metadata.Key.of(CallerHeaders.TENANT, Metadata.ASCII_STRING_MARSHALLER);

    private final CallerAuthentication authentication;

    public GrpcCallers(CallerAuthentication authentication) {
        this.authentication = authentication;
    }

    private static final Context.Key<Result<Caller>> CALLER = Context.key("aicunet-caller");

    /** The caller of the gRPC call being served on this thread. */
    public static Result<Caller> current() {
        Result<Caller> caller = CALLER.get();
        if (caller == null) {
            throw new IllegalStateException("no gRPC call is being served: GrpcCallers is not installed");
        }
        return caller;
    }

    /**
     * Serves a call: rejects it when the caller headers are missing or malformed,
     * otherwise runs the use case and turns its result into the response (before the
     * commit of the transaction that produced it: {@link AnswerBeforeCommit}), or its
     * problem into a gRPC status with details.
     */
    public static <T, R> Uni<R> serve(Function<Caller, Uni<Result<T>>> useCase, Function<T, R> response) {
        Result<Caller> caller = current();
        if (!caller.isOk()) {
            return Uni.createFrom().failure(GrpcProblems.toException(caller.problem()));
        }
        return AnswerBeforeCommit.serve(() -> useCase.apply(caller.value()), response)
                .onFailure().transform(GrpcProblems::unexpected)
                .map(result -> {
                    if (!result.isOk()) {
                        throw GrpcProblems.toException(result.problem());
                    }
                    return result.value();
                });
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (OPEN_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        Result<Caller> caller = authentication.authenticate(headers.get(AUTHORIZATION), headers.get(TENANT));
        if (!caller.isOk() && !(caller.problem() instanceof Problem.InvalidArgument)) {
            StatusRuntimeException refusal = GrpcProblems.toException(caller.problem());
            call.close(refusal.getStatus(), refusal.getTrailers());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }
}
