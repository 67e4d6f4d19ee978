package aicunet.ledger_test

import data.aicunet.authz

tenant_a := "6f1c2b1e-0000-4000-8000-00000000000a"

tenant_b := "6f1c2b1e-0000-4000-8000-00000000000b"

transfer_in(tenant) := {"type": "transfer", "id": "", "tenant": tenant}

test_platform_service_creates_transfers_for_any_tenant if {
	authz.decision.allow with input as {
		"subject": "metering", "roles": ["platform-service"], "tenant": "platform",
		"action": "ledger.transfers.create", "resource": transfer_in(tenant_a),
	}
}

test_ledger_writer_creates_transfers_for_its_own_tenant_only if {
	authz.decision.allow with input as {
		"subject": "agent-runtime", "roles": ["ledger-writer"], "tenant": tenant_a,
		"action": "ledger.transfers.create", "resource": transfer_in(tenant_a),
	}
	not authz.decision.allow with input as {
		"subject": "agent-runtime", "roles": ["ledger-writer"], "tenant": tenant_a,
		"action": "ledger.transfers.create", "resource": transfer_in(tenant_b),
	}
}

test_tenant_admin_reads_but_does_not_write if {
	authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "ledger.reports.read", "resource": {"type": "report", "id": "", "tenant": tenant_a},
	}
	not authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "ledger.transfers.create", "resource": transfer_in(tenant_a),
	}
}

test_viewer_may_not_read_reports if {
	not authz.decision.allow with input as {
		"subject": "bob", "roles": ["tenant-viewer"], "tenant": tenant_a,
		"action": "ledger.reports.read", "resource": {"type": "report", "id": "", "tenant": tenant_a},
	}
}

test_only_operators_verify_the_invariant if {
	authz.decision.allow with input as {
		"subject": "oncall", "roles": ["platform-operator"], "tenant": "platform",
		"action": "ledger.invariant.verify", "resource": {"type": "invariant", "id": "", "tenant": ""},
	}
	not authz.decision.allow with input as {
		"subject": "metering", "roles": ["platform-service"], "tenant": "platform",
		"action": "ledger.invariant.verify", "resource": {"type": "invariant", "id": "", "tenant": ""},
	}
}

test_finops_analyst_reads_reports_but_not_transfers if {
	authz.decision.allow with input as {
		"subject": "finops", "roles": ["finops-analyst"], "tenant": "platform",
		"action": "ledger.reports.read", "resource": {"type": "report", "id": "", "tenant": ""},
	}
	not authz.decision.allow with input as {
		"subject": "finops", "roles": ["finops-analyst"], "tenant": "platform",
		"action": "ledger.transfers.create", "resource": transfer_in(tenant_a),
	}
}
