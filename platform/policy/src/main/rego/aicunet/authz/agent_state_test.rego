package aicunet.agent_state_test

import data.aicunet.authz

tenant_a := "6f1c2b1e-0000-4000-8000-00000000000a"

tenant_b := "6f1c2b1e-0000-4000-8000-00000000000b"

runtime_of(tenant, action, resource_tenant) := {
	"subject": "runtime@a", "roles": ["agent-runtime"], "tenant": tenant,
	"action": action, "resource": {"type": "thread", "id": "t", "tenant": resource_tenant},
}

test_runtime_writes_and_reads_own_checkpoints if {
	authz.decision.allow with input as runtime_of(tenant_a, "agent-state.checkpoints.write", tenant_a)
	authz.decision.allow with input as runtime_of(tenant_a, "agent-state.checkpoints.read", tenant_a)
	authz.decision.allow with input as runtime_of(tenant_a, "agent-state.leases.claim", tenant_a)
	authz.decision.allow with input as runtime_of(tenant_a, "agent-state.tasks.enqueue", tenant_a)
}

test_runtime_never_touches_another_tenant if {
	not authz.decision.allow with input as runtime_of(tenant_a, "agent-state.checkpoints.read", tenant_b)
	not authz.decision.allow with input as runtime_of(tenant_a, "agent-state.checkpoints.write", tenant_b)
}

test_runtime_may_not_erase_or_set_retention if {
	not authz.decision.allow with input as runtime_of(tenant_a, "agent-state.tenants.erase", tenant_a)
	not authz.decision.allow with input as runtime_of(tenant_a, "agent-state.retention.write", tenant_a)
}

test_viewer_reads_but_does_not_write if {
	authz.decision.allow with input as {
		"subject": "bob", "roles": ["tenant-viewer"], "tenant": tenant_a,
		"action": "agent-state.checkpoints.read", "resource": {"type": "thread", "id": "t", "tenant": tenant_a},
	}
	not authz.decision.allow with input as {
		"subject": "bob", "roles": ["tenant-viewer"], "tenant": tenant_a,
		"action": "agent-state.checkpoints.write", "resource": {"type": "thread", "id": "t", "tenant": tenant_a},
	}
	not authz.decision.allow with input as {
		"subject": "bob", "roles": ["tenant-viewer"], "tenant": tenant_a,
		"action": "agent-state.agents.heartbeat", "resource": {"type": "agent", "id": "a", "tenant": tenant_a},
	}
}

test_tenant_admin_sets_own_retention_only if {
	authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "agent-state.retention.write",
		"resource": {"type": "retention-policy", "id": tenant_a, "tenant": tenant_a},
	}
	not authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "agent-state.retention.write",
		"resource": {"type": "retention-policy", "id": tenant_b, "tenant": tenant_b},
	}
}

test_platform_service_erases_any_tenant if {
	authz.decision.allow with input as {
		"subject": "tenant-service", "roles": ["platform-service"], "tenant": "platform",
		"action": "agent-state.tenants.erase", "resource": {"type": "tenant", "id": tenant_b, "tenant": tenant_b},
	}
	not authz.decision.allow with input as {
		"subject": "tenant-service", "roles": ["platform-service"], "tenant": "platform",
		"action": "agent-state.checkpoints.read", "resource": {"type": "thread", "id": "t", "tenant": tenant_b},
	}
}
