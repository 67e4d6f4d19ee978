package io.aicunet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.rpc.BadRequest;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc;
import io.aicunet.contracts.audit.v1.AuditServiceGrpc;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.ledger.v1.LedgerServiceGrpc;
import io.aicunet.contracts.privacy.v1.PrivacyServiceGrpc;
import io.aicunet.contracts.privacy.v1.TenantKeyServiceGrpc;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.aicunet.platform.testing.GrpcCalls;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves: a request message the protobuf runtime cannot parse is the caller's error,
 * INVALID_ARGUMENT naming the request, on every unary rpc of every service; never the
 * INTERNAL "Half-closed without a request" the transport answered before. The bytes are
 * sent as they are, past any client-side encoding, as a fuzzer or a broken client would.
 */
class MalformedMessagesTest {

    /** Field 1, length 2, bytes that are not UTF-8: a broken string (or message) in field 1. */
    private static final String NOT_UTF8 = "0a02fffe";
    /** A tag of field 0, which no protobuf message has. */
    private static final String NO_PROTOBUF = "0000";
    /** A length running past the end of the message. */
    private static final String TRUNCATED = "0a7f6162";

    private static final Map<String, List<ServiceDescriptor>> SERVED = Map.of(
            "tenant", List.of(TenantServiceGrpc.getServiceDescriptor(), TenantKeyServiceGrpc.getServiceDescriptor(),
                    PrivacyServiceGrpc.getServiceDescriptor()),
            "ledger", List.of(LedgerServiceGrpc.getServiceDescriptor()),
            "agent-state", List.of(AgentStateServiceGrpc.getServiceDescriptor()),
            "audit", List.of(AuditServiceGrpc.getServiceDescriptor()),
            "config", List.of(ConfigServiceGrpc.getServiceDescriptor()));

    private static Fleet fleet;

    @BeforeAll
    static void startFleet() {
        fleet = Fleet.shared();
    }

    static Stream<Arguments> unaryRpcs() {
        return SERVED.entrySet().stream().flatMap(served -> served.getValue().stream()
                .flatMap(descriptor -> descriptor.getMethods().stream())
                .filter(method -> method.getType().clientSendsOneMessage())
                .flatMap(method -> Stream.of(NOT_UTF8, NO_PROTOBUF, TRUNCATED)
                        .map(bytes -> Arguments.of(served.getKey(), method.getFullMethodName(), bytes))));
    }

    @ParameterizedTest(name = "{0} {1} with {2}")
    @MethodSource("unaryRpcs")
    void anUnparsableRequestIsInvalidArgument(String service, String method, String hex) {
        MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(method)
                .setRequestMarshaller(Bytes.INSTANCE)
                .setResponseMarshaller(Bytes.INSTANCE)
                .build();
        Throwable refused = catchThrowable(() -> ClientCalls.blockingUnaryCall(
                fleet.as(service, TestCallers.platformAdmin()), raw,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), HexFormat.of().parseHex(hex)));

        assertThat(GrpcCalls.codeOf(refused)).as("%s", refused).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcCalls.detail(refused, BadRequest.class).getFieldViolationsList())
                .extracting(BadRequest.FieldViolation::getField).containsExactly("request");
    }

    /** Bytes in, bytes out: nothing between the test and the wire. */
    private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
