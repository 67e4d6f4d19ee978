package io.aicunet.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The gRPC server reflection check every service runs: a plain grpc-java client, the
 * same kind grpcurl is, lists the services over the standard {@code grpc.reflection.v1}
 * and over the older {@code grpc.reflection.v1alpha} (which grpcurl still tries first)
 * and finds the service's own API, and the file that declares it can be fetched, so
 * {@code grpcurl -plaintext host:port list} and calls work without the proto files.
 */
public final class ReflectionCheck {

    private static final long TIMEOUT_SECONDS = 30;

    private ReflectionCheck() {
    }

    /**
     * Lists the services on {@code channel} over both reflection versions, asserts that
     * each lists every one of {@code services} (fully qualified, e.g.
     * {@code aicunet.tenant.v1.TenantService}), and that v1 describes each of them.
     */
    public static void assertServicesListed(Channel channel, Set<String> services) {
        assertThat(listV1(channel)).as("services listed over grpc.reflection.v1").containsAll(services);
        assertThat(listV1alpha(channel)).as("services listed over grpc.reflection.v1alpha").containsAll(services);
        for (String service : services) {
            assertThat(fileDeclaring(channel, service).getServiceList())
                    .as("the file grpc.reflection.v1 gives for %s declares it", service)
                    .anyMatch(declared -> service.endsWith("." + declared.getName()));
        }
    }

    /** The service names the server lists over {@code grpc.reflection.v1}. */
    public static List<String> listV1(Channel channel) {
        io.grpc.reflection.v1.ServerReflectionResponse response = ask(channel,
                io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("*").build());
        assertThat(response.hasErrorResponse()).as("v1 error: %s", response.getErrorResponse()).isFalse();
        return response.getListServicesResponse().getServiceList().stream()
                .map(io.grpc.reflection.v1.ServiceResponse::getName).toList();
    }

    /** The service names the server lists over {@code grpc.reflection.v1alpha}. */
    public static List<String> listV1alpha(Channel channel) {
        CompletableFuture<grpc.reflection.v1alpha.Reflection.ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<grpc.reflection.v1alpha.Reflection.ServerReflectionRequest> requests =
                grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
                        .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .serverReflectionInfo(firstOf(answer));
        requests.onNext(grpc.reflection.v1alpha.Reflection.ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        grpc.reflection.v1alpha.Reflection.ServerReflectionResponse response = await(answer);
        assertThat(response.hasErrorResponse()).as("v1alpha error: %s", response.getErrorResponse()).isFalse();
        return response.getListServicesResponse().getServiceList().stream()
                .map(grpc.reflection.v1alpha.Reflection.ServiceResponse::getName).toList();
    }

    /** The file descriptor that declares {@code service}, as grpc.reflection.v1 gives it. */
    public static FileDescriptorProto fileDeclaring(Channel channel, String service) {
        io.grpc.reflection.v1.ServerReflectionResponse response = ask(channel,
                io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build());
        assertThat(response.hasErrorResponse()).as("v1 error for %s: %s", service, response.getErrorResponse())
                .isFalse();
        List<FileDescriptorProto> files = new ArrayList<>();
        for (var bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            try {
                files.add(FileDescriptorProto.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("reflection sent an unreadable file descriptor for " + service, e);
            }
        }
        return files.stream().filter(file -> file.getServiceList().stream()
                        .anyMatch(declared -> service.equals(file.getPackage() + "." + declared.getName())))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no file declaring " + service + " among "
                        + files.stream().map(FileDescriptorProto::getName).toList()));
    }

    private static io.grpc.reflection.v1.ServerReflectionResponse ask(
            Channel channel, io.grpc.reflection.v1.ServerReflectionRequest request) {
        CompletableFuture<io.grpc.reflection.v1.ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> requests =
                io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel)
                        .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .serverReflectionInfo(firstOf(answer));
        requests.onNext(request);
        requests.onCompleted();
        return await(answer);
    }

    /** An observer that completes {@code answer} with the first response, or fails it with the call's error. */
    private static <T> StreamObserver<T> firstOf(CompletableFuture<T> answer) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable failure) {
                answer.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
                answer.completeExceptionally(new AssertionError("the reflection stream ended without an answer"));
            }
        };
    }

    private static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the reflection call failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no reflection answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
