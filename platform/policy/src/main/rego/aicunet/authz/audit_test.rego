# Who may do what in the audit service, and the refusal next to every grant.
package aicunet.audit_test

import data.aicunet.fixtures_test as f

records(t) := {"type": "audit-log", "id": t, "tenant": t}

platform_log := "00000000-0000-0000-0000-000000000000"

appenders := ["tenant", "ledger", "agent-state", "config"]

reading_actions := [
	"audit.records.read", "audit.records.export", "audit.log.verify",
	"audit.checkpoints.create", "audit.checkpoints.read",
	"audit.legal-holds.set", "audit.retention.apply",
]

# Fleet services append, for the tenant they name or at platform scope for any tenant.

test_the_other_services_append_for_the_tenant_they_name if {
	every service in appenders {
		f.allowed(f.fleet(service, f.tenant_a, "audit.records.append", records(f.tenant_a)))
	}
}

test_the_other_services_append_for_any_tenant_at_platform_scope if {
	every service in appenders {
		f.allowed(f.fleet(service, "platform", "audit.records.append", records(f.tenant_b)))
	}
}

test_a_service_naming_tenant_a_appends_nothing_for_b if {
	every service in appenders {
		not f.allowed(f.fleet(service, f.tenant_a, "audit.records.append", records(f.tenant_b)))
	}
}

test_audit_appends_but_never_reads if {
	every service in appenders {
		every action in reading_actions {
			not f.allowed(f.fleet(service, "platform", action, records(f.tenant_a)))
			not f.allowed(f.fleet(service, f.tenant_a, action, records(f.tenant_a)))
		}
	}
}

test_the_audit_service_neither_appends_nor_reads_by_call if {
	not f.allowed(f.fleet("audit", f.tenant_a, "audit.records.append", records(f.tenant_a)))
	not f.allowed(f.fleet("audit", "platform", "audit.records.append", records(f.tenant_a)))
	every action in reading_actions {
		not f.allowed(f.fleet("audit", "platform", action, records(f.tenant_a)))
		not f.allowed(f.fleet("audit", f.tenant_a, action, records(f.tenant_a)))
	}
}

test_a_service_token_with_the_auditor_role_is_forged if {
	not f.allowed(object.union(
		f.fleet("ledger", "platform", "audit.records.read", records(f.tenant_a)),
		{"roles": ["platform-auditor"]},
	))
}

test_the_platform_service_role_is_gone if {
	not f.allowed(f.staff(["platform-service"], "audit.records.append", records(f.tenant_a)))
}

# Reading is a permission of its own.

test_reading_is_its_own_permission if {
	not f.allowed(f.member(f.tenant_a, ["tenant-admin", "tenant-viewer"], "audit.records.read", records(f.tenant_a)))
	f.allowed(f.member(f.tenant_a, ["tenant-auditor"], "audit.records.read", records(f.tenant_a)))
}

test_tenant_auditor_reads_own_tenant_only if {
	f.allowed(f.member(f.tenant_a, ["tenant-auditor"], "audit.records.export", records(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-auditor"], "audit.records.export", records(f.tenant_b)))
	not f.allowed(f.person(["tenant-auditor"], f.tenant_a, f.tenant_b, "audit.records.export", records(f.tenant_b)))
	not f.allowed(f.person(["tenant-auditor"], f.tenant_a, "platform", "audit.records.read", records(f.tenant_a)))
	not f.allowed(f.person(["tenant-auditor"], "", f.tenant_a, "audit.records.read", records(f.tenant_a)))
}

test_tenant_auditor_may_not_append_or_hold if {
	not f.allowed(f.member(f.tenant_a, ["tenant-auditor"], "audit.records.append", records(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-auditor"], "audit.legal-holds.set", records(f.tenant_a)))
}

test_platform_auditor_reads_every_tenant_at_platform_scope_only if {
	f.allowed(f.staff(["platform-auditor"], "audit.records.read", records(f.tenant_b)))
	f.allowed(f.staff(["platform-auditor"], "audit.log.verify", records(f.tenant_b)))
	not f.allowed(f.staff(["platform-auditor"], "audit.records.append", records(f.tenant_b)))
	not f.allowed(f.person(["platform-auditor"], f.tenant_a, "platform", "audit.records.read", records(f.tenant_b)))
	not f.allowed(f.person(["platform-auditor"], "", f.tenant_b, "audit.records.read", records(f.tenant_b)))
}

test_compliance_holds_and_applies_retention if {
	f.allowed(f.staff(["platform-compliance"], "audit.legal-holds.set", records(f.tenant_a)))
	f.allowed(f.staff(["platform-compliance"], "audit.retention.apply", records(f.tenant_a)))
	not f.allowed(f.staff(["platform-compliance"], "audit.records.read", records(f.tenant_a)))
	not f.allowed(f.person(["platform-compliance"], f.tenant_a, "platform", "audit.legal-holds.set", records(f.tenant_a)))
}

test_operator_checkpoints_and_verifies if {
	f.allowed(f.staff(["platform-operator"], "audit.checkpoints.create", records(f.tenant_a)))
	f.allowed(f.staff(["platform-operator"], "audit.log.verify", records(f.tenant_a)))
	not f.allowed(f.staff(["platform-operator"], "audit.records.read", records(f.tenant_a)))
}

test_operator_appends_to_the_platform_log_only if {
	f.allowed(f.staff(["platform-operator"], "audit.records.append", records(platform_log)))
	not f.allowed(f.staff(["platform-operator"], "audit.records.append", records(f.tenant_a)))
	not f.allowed(f.staff(["platform-operator"], "audit.records.read", records(platform_log)))
	not f.allowed(f.person(
		["platform-operator"], platform_log, platform_log, "audit.records.append",
		records(platform_log),
	))
	not f.allowed(f.member(f.tenant_a, ["platform-operator"], "audit.records.append", records(f.tenant_a)))
	not f.allowed(f.staff(["platform-viewer"], "audit.records.append", records(platform_log)))
}

test_tenant_service_role_appends_for_own_tenant_only if {
	f.allowed(f.member(f.tenant_a, ["tenant-service"], "audit.records.append", records(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-service"], "audit.records.append", records(f.tenant_b)))
	not f.allowed(f.person(["tenant-service"], f.tenant_a, "platform", "audit.records.append", records(f.tenant_a)))
	not f.allowed(f.person(["tenant-service"], "", f.tenant_a, "audit.records.append", records(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-service"], "audit.records.read", records(f.tenant_a)))
}
