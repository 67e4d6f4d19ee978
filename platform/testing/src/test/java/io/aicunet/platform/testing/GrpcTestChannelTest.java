package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.GetTenantResponse;
import io.aicunet.contracts.tenant.v1.TenantServiceGrpc;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the shared gRPC test client against a real (local, plaintext) gRPC server: stubs send
 * the caller's headers and carry the deadline, and GrpcCalls reads code and typed details of a
 * failure, failing loudly on a missing detail or a throwable that is no gRPC failure.
 */
class GrpcTestChannelTest {

    private static final Metadata.Key<String> TENANT =
            Metadata.Key.of(TestCallers.TENANT, Metadata.ASCII_STRING_MARSHALLER);
    private static final AtomicReference<String> RECEIVED_TENANT = new AtomicReference<>();
    private static Server server;

    @BeforeAll
    static void startServer() throws IOException {
        TenantServiceGrpc.TenantServiceImplBase tenants = new TenantServiceGrpc.TenantServiceImplBase() {
            @Override
            public void getTenant(GetTenantRequest request, StreamObserver<GetTenantResponse> answer) {
                if (request.getTenantId().equals("plain")) {
                    answer.onError(Status.NOT_FOUND.withDescription("no details").asRuntimeException());
                    return;
                }
                boolean deadline = Context.current().getDeadline() != null;
                answer.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                        .setCode(Code.INVALID_ARGUMENT_VALUE).setMessage("refused")
                        .addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(
                                BadRequest.FieldViolation.newBuilder().setField("tenant_id")).build()))
                        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("TENANT_HEADER")
                                .putMetadata("tenant", String.valueOf(RECEIVED_TENANT.get()))
                                .putMetadata("deadline", Boolean.toString(deadline)).build()))
                        .addDetails(Any.pack(PreconditionFailure.newBuilder().addViolations(
                                PreconditionFailure.Violation.newBuilder().setType("ILLEGAL_STATUS_TRANSITION"))
                                .build()))
                        .build()));
            }
        };
        // TLS, as the services under test serve: GrpcTestChannel's channels trust the stack's CA only.
        java.nio.file.Path tls = ServiceProcess.tlsDirectory();
        server = ServerBuilder.forPort(0)
                .useTransportSecurity(tls.resolve("tls.crt").toFile(), tls.resolve("tls.key").toFile())
                .addService(ServerInterceptors.intercept(tenants, new io.grpc.ServerInterceptor() {
                    @Override
                    public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call,
                            Metadata headers, io.grpc.ServerCallHandler<Q, A> next) {
                        RECEIVED_TENANT.set(headers.get(TENANT));
                        return next.startCall(call, headers);
                    }
                }))
                .build().start();
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Proves: the stub sends the caller's headers and a deadline; GrpcCalls reads code and every detail. */
    @Test
    void stubCallsAsTheCallerAndFailuresAreRead() {
        try (GrpcTestChannel channel = GrpcTestChannel.open(server.getPort())) {
            String tenant = java.util.UUID.randomUUID().toString();
            Throwable failure = catchThrowable(() -> channel.as(TenantServiceGrpc::newBlockingStub,
                    TestCallers.ofTenant(tenant, "tenant-reader")).getTenant(GetTenantRequest.getDefaultInstance()));

            assertThat(GrpcCalls.codeOf(failure)).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(GrpcCalls.statusOf(failure).getMessage()).isEqualTo("refused");
            assertThat(GrpcCalls.violatedFields(failure)).containsExactly("tenant_id");
            assertThat(GrpcCalls.errorInfo(failure).getMetadataMap())
                    .containsEntry("tenant", tenant).containsEntry("deadline", "true");
            assertThat(GrpcCalls.preconditionType(failure)).isEqualTo("ILLEGAL_STATUS_TRANSITION");
        }
    }

    /** Proves: a streaming stub carries no deadline. */
    @Test
    void streamingStubHasNoDeadline() {
        try (GrpcTestChannel channel = GrpcTestChannel.open(server.getPort())) {
            Throwable failure = catchThrowable(() -> channel.streamingAs(TenantServiceGrpc::newBlockingStub,
                    TestCallers.platformAdmin()).getTenant(GetTenantRequest.getDefaultInstance()));
            assertThat(GrpcCalls.errorInfo(failure).getMetadataMap()).containsEntry("deadline", "false");
        }
    }

    /** Proves: a missing detail, or no gRPC failure at all, fails loudly; a plain status reads as one without details. */
    @Test
    void missingDetailsFailLoudly() {
        try (GrpcTestChannel channel = GrpcTestChannel.open(server.getPort())) {
            StatusRuntimeException plain = (StatusRuntimeException) catchThrowable(() -> channel.as(
                    TenantServiceGrpc::newBlockingStub, TestCallers.platformAdmin())
                    .getTenant(GetTenantRequest.newBuilder().setTenantId("plain").build()));
            assertThat(GrpcCalls.codeOf(plain)).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(GrpcCalls.statusOf(plain).getDetailsList()).isEmpty();
            assertThatThrownBy(() -> GrpcCalls.violatedFields(plain)).hasMessageContaining("no BadRequest detail");
        }
        StatusRuntimeException onlyBadRequest = StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT_VALUE).addDetails(Any.pack(BadRequest.getDefaultInstance())).build());
        assertThatThrownBy(() -> GrpcCalls.errorInfo(onlyBadRequest)).hasMessageContaining("no ErrorInfo detail");
        assertThatThrownBy(() -> GrpcCalls.codeOf(new IllegalStateException("boom")))
                .hasMessageContaining("not a gRPC failure");
        assertThatThrownBy(() -> GrpcCalls.statusOf(new IllegalStateException("boom")))
                .hasMessageContaining("without rich status details");
    }
}
