package io.aicunet.config;

import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A gRPC client of the config service under test, calling as a given caller. */
public final class ConfigGrpcClient implements AutoCloseable {

    private final ManagedChannel channel;

    public ConfigGrpcClient(int port) {
        channel = TestCallers.channel(port);
    }

    public ConfigServiceBlockingStub as(Map<String, String> callerHeaders) {
        return ConfigServiceGrpc.newBlockingStub(TestCallers.as(channel, callerHeaders))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public ConfigServiceBlockingStub asPlatformAdmin() {
        return as(TestCallers.platformAdmin());
    }

    /** Opens a watch stream as the caller; the recorder keeps what arrives. */
    public WatchRecorder watch(Map<String, String> callerHeaders, WatchRequest request) {
        WatchRecorder recorder = new WatchRecorder();
        recorder.open(ConfigServiceGrpc.newStub(TestCallers.as(channel, callerHeaders)), request);
        return recorder;
    }

    /** A fleet service's own account (agent-state) reading configuration at platform scope, but not secrets. */
    public static Map<String, String> platformService() {
        return TestCallers.service("agent-state", "platform");
    }

    /** A platform operator who may also read secrets in the clear. */
    public static Map<String, String> platformSecretReader() {
        return TestCallers.headers("platform", "gateway@aicunet.io", Set.of("platform-operator", "config-secret-reader"));
    }

    public static com.google.rpc.Status statusOf(StatusRuntimeException failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status == null) {
            throw new AssertionError("the call failed without rich status details: " + failure.getStatus());
        }
        return status;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
