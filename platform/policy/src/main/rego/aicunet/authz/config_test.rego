package aicunet.config_test

import data.aicunet.authz

tenant_a := "6f1c2b1e-0000-4000-8000-00000000000a"

tenant_b := "6f1c2b1e-0000-4000-8000-00000000000b"

entry_of(tenant) := {"type": "config-entry", "id": "llm.routing", "tenant": tenant}

secret_of(tenant) := {"type": "config-secret", "id": "", "tenant": tenant}

test_platform_service_reads_but_does_not_write if {
	authz.decision.allow with input as {
		"subject": "svc-agent-state", "roles": ["platform-service"], "tenant": "platform",
		"action": "config.entries.read", "resource": entry_of(tenant_a),
	}
	not authz.decision.allow with input as {
		"subject": "svc-agent-state", "roles": ["platform-service"], "tenant": "platform",
		"action": "config.entries.write", "resource": entry_of(""),
	}
}

test_platform_service_needs_secret_reader_for_secrets if {
	not authz.decision.allow with input as {
		"subject": "svc-agent-state", "roles": ["platform-service"], "tenant": "platform",
		"action": "config.secrets.read", "resource": secret_of(""),
	}
	authz.decision.allow with input as {
		"subject": "svc-agent-state", "roles": ["platform-service", "config-secret-reader"], "tenant": "platform",
		"action": "config.secrets.read", "resource": secret_of(""),
	}
}

test_tenant_admin_writes_own_tenant_only if {
	authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "config.entries.write", "resource": entry_of(tenant_a),
	}
	not authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "config.entries.write", "resource": entry_of(tenant_b),
	}
	not authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "config.entries.write", "resource": entry_of(""),
	}
}

test_tenant_admin_reads_own_secrets_never_platform_secrets if {
	authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "config.secrets.read", "resource": secret_of(tenant_a),
	}
	not authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "config.secrets.read", "resource": secret_of(""),
	}
}

test_tenant_viewer_reads_without_secrets if {
	authz.decision.allow with input as {
		"subject": "bob", "roles": ["tenant-viewer"], "tenant": tenant_a,
		"action": "config.entries.read", "resource": entry_of(tenant_a),
	}
	not authz.decision.allow with input as {
		"subject": "bob", "roles": ["tenant-viewer"], "tenant": tenant_a,
		"action": "config.secrets.read", "resource": secret_of(tenant_a),
	}
}

test_only_platform_admin_compacts if {
	authz.decision.allow with input as {
		"subject": "ops", "roles": ["platform-admin"], "tenant": "platform",
		"action": "config.revisions.compact", "resource": {"type": "config-revisions", "id": "", "tenant": ""},
	}
	not authz.decision.allow with input as {
		"subject": "oncall", "roles": ["platform-operator"], "tenant": "platform",
		"action": "config.revisions.compact", "resource": {"type": "config-revisions", "id": "", "tenant": ""},
	}
}
