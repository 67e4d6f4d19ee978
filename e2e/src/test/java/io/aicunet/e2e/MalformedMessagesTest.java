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
 * INVALID_ARGUMENT naming the request, on every rpc of every service that takes one request message; never the
 * INTERNAL "Half-closed without a request" the transport answered before. The bytes are
 * sent as they are, past any client-side encoding, as a fuzzer or a broken client would.
 */
class MalformedMessagesTest {

    /** Field 1, length 2, bytes that are not UTF-8: a broken string, sent only where field 1 is a string. */
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

    static Stream<Arguments> singleRequestRpcs() {
        return SERVED.entrySet().stream().flatMap(served -> served.getValue().stream()
                .flatMap(descriptor -> descriptor.getMethods().stream())
                .filter(method -> method.getType().clientSendsOneMessage())
                .flatMap(method -> (firstFieldIsString(method) ? Stream.of(NOT_UTF8, NO_PROTOBUF, TRUNCATED)
                        : Stream.of(NO_PROTOBUF, TRUNCATED))
                        .map(bytes -> Arguments.of(served.getKey(), method.getFullMethodName(), bytes,
                                method.getType()))));
    }

    /**
     * Whether the request's field 1 is a string: elsewhere a length-delimited field 1 is
     * bytes, a message, or a field of another wire type, which protobuf keeps as unknown.
     */
    private static boolean firstFieldIsString(MethodDescriptor<?, ?> method) {
        Object prototype = ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
        com.google.protobuf.Descriptors.FieldDescriptor first =
                ((com.google.protobuf.Message) prototype).getDescriptorForType().findFieldByNumber(1);
        return first != null && first.getType() == com.google.protobuf.Descriptors.FieldDescriptor.Type.STRING;
    }

    @ParameterizedTest(name = "{0} {1} with {2}")
    @MethodSource("singleRequestRpcs")
    void anUnparsableRequestIsInvalidArgument(String service, String method, String hex,
                                              MethodDescriptor.MethodType type) {
        MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(method)
                .setRequestMarshaller(Bytes.INSTANCE)
                .setResponseMarshaller(Bytes.INSTANCE)
                .build();
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
        byte[] request = HexFormat.of().parseHex(hex);
        Throwable refused = catchThrowable(() -> {
            if (type == MethodDescriptor.MethodType.UNARY) {
                ClientCalls.blockingUnaryCall(fleet.as(service, TestCallers.platformAdmin()), raw, options, request);
            } else {
                ClientCalls.blockingServerStreamingCall(fleet.as(service, TestCallers.platformAdmin()), raw, options,
                        request).hasNext();
            }
        });

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
