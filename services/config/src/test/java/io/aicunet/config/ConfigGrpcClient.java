package io.aicunet.config;

import io.aicunet.contracts.config.v1.ConfigServiceGrpc;
import io.aicunet.contracts.config.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.platform.testing.GrpcTestChannel;
import io.aicunet.platform.testing.ServiceProcess;
import io.aicunet.platform.testing.TestCallers;
import java.util.Map;
import java.util.Set;

/**
 * A gRPC client of the config service under test, calling as a given caller (on
 * platform/testing's GrpcTestChannel; failed calls are read with GrpcCalls).
 */
public final class ConfigGrpcClient implements AutoCloseable {

    private final GrpcTestChannel channel;

    public ConfigGrpcClient(int port) {
        channel = GrpcTestChannel.open(port);
    }

    /** To a service process: over TLS, as it serves. */
    public ConfigGrpcClient(ServiceProcess service) {
        channel = GrpcTestChannel.open(service);
    }

    public ConfigServiceBlockingStub as(Map<String, String> callerHeaders) {
        return channel.as(ConfigServiceGrpc::newBlockingStub, callerHeaders);
    }

    public ConfigServiceBlockingStub asPlatformAdmin() {
        return as(TestCallers.platformAdmin());
    }

    /** Opens a watch stream as the caller; the recorder keeps what arrives. */
    public WatchRecorder watch(Map<String, String> callerHeaders, WatchRequest request) {
        WatchRecorder recorder = new WatchRecorder();
        recorder.open(channel.streamingAs(ConfigServiceGrpc::newStub, callerHeaders), request);
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

    @Override
    public void close() {
        channel.close();
    }
}
