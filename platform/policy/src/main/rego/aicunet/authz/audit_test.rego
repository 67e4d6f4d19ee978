package aicunet.audit_test

import data.aicunet.authz

tenant_a := "6f1c2b1e-0000-4000-8000-00000000000a"

tenant_b := "6f1c2b1e-0000-4000-8000-00000000000b"

records(tenant) := {"type": "audit-log", "id": tenant, "tenant": tenant}

test_platform_service_appends_but_does_not_read if {
	authz.decision.allow with input as {
		"subject": "ledger", "roles": ["platform-service"], "tenant": "platform",
		"action": "audit.records.append", "resource": records(tenant_a),
	}
	not authz.decision.allow with input as {
		"subject": "ledger", "roles": ["platform-service"], "tenant": "platform",
		"action": "audit.records.read", "resource": records(tenant_a),
	}
}

test_reading_is_its_own_permission if {
	not authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin", "tenant-viewer"], "tenant": tenant_a,
		"action": "audit.records.read", "resource": records(tenant_a),
	}
	authz.decision.allow with input as {
		"subject": "carol", "roles": ["tenant-auditor"], "tenant": tenant_a,
		"action": "audit.records.read", "resource": records(tenant_a),
	}
}

test_tenant_auditor_reads_own_tenant_only if {
	not authz.decision.allow with input as {
		"subject": "carol", "roles": ["tenant-auditor"], "tenant": tenant_a,
		"action": "audit.records.export", "resource": records(tenant_b),
	}
}

test_tenant_auditor_may_not_append_or_hold if {
	not authz.decision.allow with input as {
		"subject": "carol", "roles": ["tenant-auditor"], "tenant": tenant_a,
		"action": "audit.records.append", "resource": records(tenant_a),
	}
	not authz.decision.allow with input as {
		"subject": "carol", "roles": ["tenant-auditor"], "tenant": tenant_a,
		"action": "audit.legal-holds.set", "resource": records(tenant_a),
	}
}

test_compliance_holds_and_applies_retention if {
	authz.decision.allow with input as {
		"subject": "legal", "roles": ["platform-compliance"], "tenant": "platform",
		"action": "audit.legal-holds.set", "resource": records(tenant_a),
	}
	authz.decision.allow with input as {
		"subject": "legal", "roles": ["platform-compliance"], "tenant": "platform",
		"action": "audit.retention.apply", "resource": records(tenant_a),
	}
	not authz.decision.allow with input as {
		"subject": "legal", "roles": ["platform-compliance"], "tenant": "platform",
		"action": "audit.records.read", "resource": records(tenant_a),
	}
}

test_tenant_service_appends_for_own_tenant_only if {
	authz.decision.allow with input as {
		"subject": "svc", "roles": ["tenant-service"], "tenant": tenant_a,
		"action": "audit.records.append", "resource": records(tenant_a),
	}
	not authz.decision.allow with input as {
		"subject": "svc", "roles": ["tenant-service"], "tenant": tenant_a,
		"action": "audit.records.append", "resource": records(tenant_b),
	}
}
