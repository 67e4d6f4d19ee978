package io.aicunet.platform.problem;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A request message the protobuf runtime cannot parse (bytes that are no protobuf, a
 * {@code string} field that is not UTF-8) is INVALID_ARGUMENT, like every other bad
 * input. The server transport drops a message it cannot parse without closing the call,
 * and grpc-java then answers the client's half-close with INTERNAL "Half-closed without a
 * request": a client error reported as a server fault, which retry policies and alerts
 * misread. This interceptor sees that half-close of a unary or server-streaming call
 * without its one message, and closes the call as the caller's error instead.
 */
@GlobalInterceptor
@ApplicationScoped
public class MalformedRequests implements ServerInterceptor {

    static final String DETAIL = "the request message cannot be parsed: it is not the rpc's protobuf message"
            + " (a string field must be UTF-8)";

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        if (!call.getMethodDescriptor().getType().clientSendsOneMessage()) {
            return next.startCall(call, headers);
        }
        ClosingCall<ReqT, RespT> closing = new ClosingCall<>(call);
        ServerCall.Listener<ReqT> listener = next.startCall(closing, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private boolean received;

            @Override
            public void onMessage(ReqT message) {
                received = true;
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!received && !closing.closed) {
                    StatusRuntimeException refusal = GrpcProblems.toException(Problem.InvalidArgument.of("request", DETAIL));
                    Metadata trailers = refusal.getTrailers() == null ? new Metadata() : refusal.getTrailers();
                    closing.close(refusal.getStatus(), trailers);
                    return;
                }
                super.onHalfClose();
            }
        };
    }

    /** Remembers whether the call was closed, by an interceptor further in or by the service. */
    private static final class ClosingCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
        private volatile boolean closed;

        ClosingCall(ServerCall<ReqT, RespT> delegate) {
            super(delegate);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closed = true;
            super.close(status, trailers);
        }
    }
}
