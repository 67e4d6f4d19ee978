package io.aicunet.agentstate;

import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A gRPC client of the application under test, fresh for each test, and a tenant of its own. */
public abstract class GrpcTestBase {

    @TestHTTPResource(tls = true)
    protected URL service;

    protected AgentStateGrpcClient client;

    /** A new tenant per test, so tests never see each other's agents or queues. */
    protected String tenant;

    @BeforeEach
    protected void connect() {
        client = new AgentStateGrpcClient(service.getPort());
        tenant = AgentStateFixtures.aTenantId();
    }

    @AfterEach
    protected void disconnect() {
        client.close();
    }

    /** The stub acting as this test's tenant's agent runtime. */
    protected AgentStateServiceBlockingStub runtime() {
        return client.as(AgentStateFixtures.runtimeOf(tenant));
    }
}
