# What may be done in the agent-state service (see authz.rego for how grants apply).
package aicunet.authz

agent_state_runtime_actions := {
	"agent-state.agents.register", "agent-state.agents.read", "agent-state.agents.change-status",
	"agent-state.agents.heartbeat", "agent-state.leases.claim",
	"agent-state.checkpoints.write", "agent-state.checkpoints.read", "agent-state.threads.fork",
	"agent-state.tasks.enqueue", "agent-state.tasks.claim", "agent-state.tasks.ack", "agent-state.tasks.read",
}

platform_grant contains {"role": role, "action": action} if {
	some role, actions in {"platform-operator": {"agent-state.retention.read", "agent-state.retention.write"}}
	some action in actions
}

tenant_grant contains {"role": role, "action": action} if {
	some role, actions in {
		# Agent runtimes (service accounts acting for one tenant) run agents, save their
		# state, heartbeat, lease them and work their queues.
		"agent-runtime": agent_state_runtime_actions,
		"tenant-admin": (agent_state_runtime_actions | {"agent-state.retention.read", "agent-state.retention.write"}),
		"tenant-viewer": {
			"agent-state.agents.read", "agent-state.checkpoints.read", "agent-state.tasks.read",
			"agent-state.retention.read",
		},
	}
	some action in actions
}

# Only the tenant service starts an erasure (a tenant's offboarding), naming the tenant
# it erases as the scope of the call. No other service erases, at any scope.
service_grant contains {"service": "tenant", "action": "agent-state.tenants.erase", "scope": "tenant"}
