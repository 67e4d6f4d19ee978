package io.aicunet.agentstate;

import io.aicunet.platform.testing.ReflectionCheck;
import io.aicunet.platform.testing.TestCallers;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Proves: the agent-state service answers gRPC server reflection (grpc.reflection.v1 and
 * v1alpha) and lists and describes its own API, so grpcurl works without the proto files.
 */
@QuarkusTest
class ReflectionTest {

    @TestHTTPResource(tls = true)
    URL service;

    @Test
    void reflectionListsAndDescribesTheApi() {
        ManagedChannel channel = TestCallers.channel(service.getPort());
        try {
            ReflectionCheck.assertServicesListed(channel, Set.of("aicunet.agentstate.v1.AgentStateService"));
        } finally {
            channel.shutdownNow();
        }
    }
}
