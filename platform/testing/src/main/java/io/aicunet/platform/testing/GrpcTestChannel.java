package io.aicunet.platform.testing;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A channel to a service under test, over TLS ({@link TestCallers#channel}: the stack's CA,
 * the name checked), handing out stubs that call as a given caller (the headers of
 * {@link TestCallers}) with a bounded deadline. One per test class; close it after. A
 * service's test client wraps its generated stubs around this one:
 *
 * <pre>{@code
 * GrpcTestChannel channel = GrpcTestChannel.open(port);
 * LedgerServiceBlockingStub ledger = channel.as(LedgerServiceGrpc::newBlockingStub, TestCallers.platformAdmin());
 * }</pre>
 *
 * Failed calls are read with {@link GrpcCalls}.
 */
public final class GrpcTestChannel implements AutoCloseable {

    /** What every unary call of the fleet's tests may take at most. */
    public static final Duration DEADLINE_DEFAULT = Duration.ofSeconds(30);

    /** The largest message a test stub sends or receives (the ledger's batch tests need 16 MiB). */
    public static final int MESSAGE_SIZE_MAX_BYTES = 16 * 1024 * 1024;

    private final ManagedChannel channel;
    private final Duration deadline;

    private GrpcTestChannel(ManagedChannel channel, Duration deadline) {
        this.channel = channel;
        this.deadline = deadline;
    }

    /** A channel to 127.0.0.1:port whose stubs have {@link #DEADLINE_DEFAULT}. */
    public static GrpcTestChannel open(int port) {
        return open(port, DEADLINE_DEFAULT);
    }

    /** A channel to a service process ({@link ServiceProcess#channel()}, TLS when it serves TLS) with {@link #DEADLINE_DEFAULT}. */
    public static GrpcTestChannel open(ServiceProcess service) {
        return new GrpcTestChannel(service.channel(), DEADLINE_DEFAULT);
    }

    /** A channel to 127.0.0.1:port whose stubs have this deadline per call. */
    public static GrpcTestChannel open(int port, Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
        return new GrpcTestChannel(TestCallers.channel(port), deadline);
    }

    /**
     * A stub made by {@code newStub} (e.g. {@code LedgerServiceGrpc::newBlockingStub}) that sends
     * the caller's headers with every call, with this channel's deadline and message size limit.
     * The deadline starts now: take a new stub per call chain, as the services' tests do.
     */
    public <S extends AbstractStub<S>> S as(Function<Channel, S> newStub, Map<String, String> callerHeaders) {
        return streamingAs(newStub, callerHeaders).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** As {@link #as}, without a deadline: for server streams a test holds open (watches, exports). */
    public <S extends AbstractStub<S>> S streamingAs(Function<Channel, S> newStub, Map<String, String> callerHeaders) {
        Objects.requireNonNull(callerHeaders, "callerHeaders");
        return newStub.apply(TestCallers.as(channel, callerHeaders))
                .withMaxInboundMessageSize(MESSAGE_SIZE_MAX_BYTES)
                .withMaxOutboundMessageSize(MESSAGE_SIZE_MAX_BYTES);
    }

    /** The channel itself, for what {@link #as} does not cover. */
    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
