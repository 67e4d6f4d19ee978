package io.aicunet.agentstate;

import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc;
import io.aicunet.platform.testing.GrpcTestChannel;
import io.aicunet.platform.testing.ServiceProcess;
import java.util.Map;

/**
 * A gRPC client of the agent-state service under test, calling as a given caller, on the
 * fleet's test channel; failed calls are read with platform/testing's GrpcCalls.
 */
public final class AgentStateGrpcClient implements AutoCloseable {

    private final GrpcTestChannel channel;

    public AgentStateGrpcClient(int port) {
        channel = GrpcTestChannel.open(port);
    }

    /** To a service process: over TLS, as it serves. */
    public AgentStateGrpcClient(ServiceProcess service) {
        channel = GrpcTestChannel.open(service);
    }

    public AgentStateServiceBlockingStub as(Map<String, String> callerHeaders) {
        return channel.as(AgentStateServiceGrpc::newBlockingStub, callerHeaders);
    }

    /** An asynchronous stub without a deadline, for server streams. */
    public AgentStateServiceGrpc.AgentStateServiceStub asyncAs(Map<String, String> callerHeaders) {
        return channel.streamingAs(AgentStateServiceGrpc::newStub, callerHeaders);
    }

    @Override
    public void close() {
        channel.close();
    }
}
