package io.aicunet.agentstate;

import io.aicunet.contracts.agentstate.v1.Agent;
import io.aicunet.contracts.agentstate.v1.AgentStateServiceGrpc.AgentStateServiceBlockingStub;
import io.aicunet.contracts.agentstate.v1.AgentStatus;
import io.aicunet.platform.testing.DatabaseIsolationCheck;
import io.aicunet.platform.testing.DatabaseIsolationCheck.Declaration;
import io.aicunet.platform.testing.DatabaseIsolationCheck.Privilege;
import io.aicunet.platform.testing.FleetTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the database itself enforces, whatever the application does: the app role
 * handles rows only, and under row-level security (FORCE) one tenant's session sees
 * none of another tenant's agents, threads or checkpoints (platform/testing's
 * DatabaseIsolationCheck with agent-state's tables).
 */
@QuarkusTest
class DatabaseIsolationTest extends GrpcTestBase {

    private static final Declaration TABLES = Declaration.tenantTables("agents", "threads", "checkpoints",
            "retention_policies", "idempotency_keys", "cache_repairs", "tenant_storage")
            .appRoleRefuses("tenant_storage", Privilege.DELETE);

    /**
     * Proves: every tenant table forces row-level security and no other table has a
     * tenant_id; the app role can neither create, drop, truncate nor alter tables (so not
     * switch row-level security off), and reaches no other database.
     */
    @Test
    void databaseIsolatesTenants() {
        DatabaseIsolationCheck.assertIsolated(FleetTestResource.database(), TABLES);
    }

    /**
     * Proves: raw SQL as the app role with one tenant set sees, changes and deletes none of
     * another tenant's agents, threads and checkpoints, cannot write one for it, and with no
     * tenant set sees nothing at all.
     */
    @Test
    void rowsOfOtherTenantsAreHidden() {
        String other = AgentStateFixtures.aTenantId();
        for (AgentStateServiceBlockingStub stub : List.of(runtime(), client.as(AgentStateFixtures.runtimeOf(other)))) {
            Agent agent = AgentStateFixtures.registeredAgent(stub, AgentStatus.AGENT_STATUS_RUNNING);
            stub.saveCheckpoint(AgentStateFixtures.aFirstCheckpoint(agent.getId()).build());
        }
        for (String table : List.of("agents", "threads", "checkpoints")) {
            DatabaseIsolationCheck.assertTenantRowsHidden(FleetTestResource.database(), table, tenant, other);
        }
    }
}
