# What the roles may do in the agent-state service (see authz.rego for how grants apply).
package aicunet.authz

agent_state_runtime_actions := {
	"agent-state.agents.register", "agent-state.agents.read", "agent-state.agents.change-status",
	"agent-state.agents.heartbeat", "agent-state.leases.claim",
	"agent-state.checkpoints.write", "agent-state.checkpoints.read", "agent-state.threads.fork",
	"agent-state.tasks.enqueue", "agent-state.tasks.claim", "agent-state.tasks.ack", "agent-state.tasks.read",
}

platform_grant contains {"role": role, "action": action} if {
	some role, actions in {
		"platform-operator": {"agent-state.retention.read", "agent-state.retention.write"},
		# The tenant service's offboarding erases a tenant's data in every service.
		"platform-service": {"agent-state.retention.read", "agent-state.tenants.erase"},
	}
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
