# Who may do what in the agent-state service, and the refusal next to every grant.
package aicunet.agent_state_test

import data.aicunet.authz
import data.aicunet.fixtures_test as f

thread_in(t) := f.owned("thread", t)

tenant_res(t) := {"type": "tenant", "id": t, "tenant": t}

retention_of(t) := {"type": "retention-policy", "id": t, "tenant": t}

# Agent runtimes: service accounts of one tenant.

test_runtime_runs_agents_of_its_own_tenant if {
	every action in authz.agent_state_runtime_actions {
		f.allowed(f.member(f.tenant_a, ["agent-runtime"], action, thread_in(f.tenant_a)))
	}
}

test_runtime_never_touches_another_tenant if {
	not f.allowed(f.member(f.tenant_a, ["agent-runtime"], "agent-state.checkpoints.read", thread_in(f.tenant_b)))
	not f.allowed(f.member(f.tenant_a, ["agent-runtime"], "agent-state.checkpoints.write", thread_in(f.tenant_b)))
	not f.allowed(f.person(["agent-runtime"], f.tenant_a, f.tenant_b, "agent-state.checkpoints.read", thread_in(f.tenant_b)))
	not f.allowed(f.person(["agent-runtime"], f.tenant_a, "platform", "agent-state.checkpoints.read", thread_in(f.tenant_b)))
}

test_runtime_without_tenant_binding_gets_nothing if {
	not f.allowed(f.person(["agent-runtime"], "", f.tenant_a, "agent-state.checkpoints.write", thread_in(f.tenant_a)))
	not f.allowed(f.staff(["agent-runtime"], "agent-state.checkpoints.write", thread_in(f.tenant_a)))
}

test_runtime_may_not_erase_or_set_retention if {
	not f.allowed(f.member(f.tenant_a, ["agent-runtime"], "agent-state.tenants.erase", tenant_res(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["agent-runtime"], "agent-state.retention.write", retention_of(f.tenant_a)))
}

# Tenant roles.

test_viewer_reads_but_does_not_write if {
	f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "agent-state.checkpoints.read", thread_in(f.tenant_a)))
	f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "agent-state.retention.read", retention_of(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "agent-state.checkpoints.write", thread_in(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "agent-state.agents.heartbeat", f.owned("agent", f.tenant_a)))
}

test_tenant_admin_sets_own_retention_only if {
	f.allowed(f.member(f.tenant_a, ["tenant-admin"], "agent-state.retention.write", retention_of(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-admin"], "agent-state.retention.write", retention_of(f.tenant_b)))
	not f.allowed(f.person(["tenant-admin"], f.tenant_a, f.tenant_b, "agent-state.retention.write", retention_of(f.tenant_b)))
}

test_tenant_admin_may_not_erase_its_own_tenant if {
	not f.allowed(f.member(f.tenant_a, ["tenant-admin"], "agent-state.tenants.erase", tenant_res(f.tenant_a)))
}

# Platform roles.

test_operator_sets_retention_of_any_tenant_at_platform_scope if {
	f.allowed(f.staff(["platform-operator"], "agent-state.retention.write", retention_of(f.tenant_b)))
	f.allowed(f.staff(["platform-operator"], "agent-state.retention.read", retention_of(f.tenant_b)))
	not f.allowed(f.person(["platform-operator"], f.tenant_a, "platform", "agent-state.retention.write", retention_of(f.tenant_b)))
	not f.allowed(f.staff(["platform-operator"], "agent-state.tenants.erase", tenant_res(f.tenant_b)))
	not f.allowed(f.staff(["platform-operator"], "agent-state.checkpoints.read", thread_in(f.tenant_b)))
}

# Erasure: the tenant service only, for the tenant it names.

test_the_tenant_service_erases_the_tenant_it_names if {
	f.allowed(f.fleet("tenant", f.tenant_b, "agent-state.tenants.erase", tenant_res(f.tenant_b)))
}

test_the_tenant_service_erases_no_other_tenant_than_it_names if {
	not f.allowed(f.fleet("tenant", f.tenant_a, "agent-state.tenants.erase", tenant_res(f.tenant_b)))
	not f.allowed(f.fleet("tenant", "platform", "agent-state.tenants.erase", tenant_res(f.tenant_b)))
	not f.allowed(f.fleet("tenant", "", "agent-state.tenants.erase", tenant_res(f.tenant_b)))
}

test_the_tenant_service_reads_no_agent_state if {
	not f.allowed(f.fleet("tenant", f.tenant_a, "agent-state.checkpoints.read", thread_in(f.tenant_a)))
	not f.allowed(f.fleet("tenant", f.tenant_a, "agent-state.retention.read", retention_of(f.tenant_a)))
	not f.allowed(f.fleet("tenant", "platform", "agent-state.retention.read", retention_of(f.tenant_a)))
}

test_ledger_may_not_start_an_erasure if {
	not f.allowed(f.fleet("ledger", f.tenant_a, "agent-state.tenants.erase", tenant_res(f.tenant_a)))
	not f.allowed(f.fleet("ledger", "platform", "agent-state.tenants.erase", tenant_res(f.tenant_a)))
}

test_no_other_service_starts_an_erasure if {
	every service in ["ledger", "agent-state", "audit", "config"] {
		not f.allowed(f.fleet(service, f.tenant_a, "agent-state.tenants.erase", tenant_res(f.tenant_a)))
		not f.allowed(f.fleet(service, "platform", "agent-state.tenants.erase", tenant_res(f.tenant_a)))
	}
}

test_a_person_claiming_to_be_the_tenant_service_erases_nothing if {
	not f.allowed(object.union(
		f.fleet("tenant", f.tenant_a, "agent-state.tenants.erase", tenant_res(f.tenant_a)),
		{"roles": ["tenant-admin"], "principal_tenant": f.tenant_a},
	))
	not f.allowed(object.union(
		f.fleet("tenant", f.tenant_a, "agent-state.tenants.erase", tenant_res(f.tenant_a)),
		{"roles": ["agent-runtime"]},
	))
}

test_the_platform_service_role_is_gone if {
	not f.allowed(f.staff(["platform-service"], "agent-state.tenants.erase", tenant_res(f.tenant_b)))
	not f.allowed(f.staff(["platform-service"], "agent-state.retention.read", retention_of(f.tenant_b)))
}
