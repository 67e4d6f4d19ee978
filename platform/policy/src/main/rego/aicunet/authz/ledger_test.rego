# Who may do what in the ledger service, and the refusal next to every grant.
package aicunet.ledger_test

import data.aicunet.fixtures_test as f

transfer_in(t) := f.owned("transfer", t)

account_in(t) := f.owned("account", t)

report_in(t) := f.owned("report", t)

invariant := f.owned("invariant", "")

metering_actions := [
	"ledger.accounts.create", "ledger.accounts.read", "ledger.transfers.create",
	"ledger.transfers.read", "ledger.balances.read",
]

# platform-metering: the platform-service role's former ledger grants.

test_platform_metering_writes_usage_for_any_tenant if {
	every action in metering_actions {
		f.allowed(f.staff(["platform-metering"], action, transfer_in(f.tenant_a)))
		f.allowed(f.staff(["platform-metering"], action, transfer_in(f.tenant_b)))
	}
}

test_platform_metering_does_not_operate_the_ledger if {
	not f.allowed(f.staff(["platform-metering"], "ledger.accounts.close", account_in(f.tenant_a)))
	not f.allowed(f.staff(["platform-metering"], "ledger.invariant.verify", invariant))
	not f.allowed(f.staff(["platform-metering"], "ledger.reports.read", report_in("")))
}

test_platform_metering_acts_only_at_platform_scope if {
	not f.allowed(f.person(["platform-metering"], "", f.tenant_a, "ledger.transfers.create", transfer_in(f.tenant_a)))
}

test_platform_metering_bound_to_a_tenant_gets_nothing if {
	not f.allowed(f.person(["platform-metering"], f.tenant_a, "platform", "ledger.transfers.create", transfer_in(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["platform-metering"], "ledger.transfers.create", transfer_in(f.tenant_a)))
}

test_the_platform_service_role_is_gone if {
	not f.allowed(f.staff(["platform-service"], "ledger.transfers.create", transfer_in(f.tenant_a)))
	not f.allowed(f.staff(["platform-service"], "ledger.balances.read", account_in(f.tenant_a)))
}

# No fleet service calls the ledger with its own account.

test_no_fleet_service_writes_or_reads_the_ledger if {
	every service in f.fleet_services {
		every action in metering_actions {
			not f.allowed(f.fleet(service, "platform", action, transfer_in(f.tenant_a)))
			not f.allowed(f.fleet(service, f.tenant_a, action, transfer_in(f.tenant_a)))
		}
	}
}

test_a_service_token_with_the_metering_role_is_forged if {
	not f.allowed(object.union(
		f.fleet("agent-state", "platform", "ledger.transfers.create", transfer_in(f.tenant_a)),
		{"roles": ["platform-metering"]},
	))
}

# ledger-writer: a service account of one tenant.

test_ledger_writer_creates_transfers_for_its_own_tenant_only if {
	f.allowed(f.member(f.tenant_a, ["ledger-writer"], "ledger.transfers.create", transfer_in(f.tenant_a)))
	f.allowed(f.member(f.tenant_a, ["ledger-writer"], "ledger.accounts.create", account_in(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["ledger-writer"], "ledger.transfers.create", transfer_in(f.tenant_b)))
	not f.allowed(f.person(["ledger-writer"], f.tenant_a, f.tenant_b, "ledger.transfers.create", transfer_in(f.tenant_b)))
	not f.allowed(f.person(["ledger-writer"], f.tenant_a, "platform", "ledger.transfers.create", transfer_in(f.tenant_a)))
}

test_ledger_writer_without_tenant_binding_gets_nothing if {
	not f.allowed(f.person(["ledger-writer"], "", f.tenant_a, "ledger.transfers.create", transfer_in(f.tenant_a)))
	not f.allowed(f.staff(["ledger-writer"], "ledger.transfers.create", transfer_in(f.tenant_a)))
}

# Tenant roles.

test_tenant_admin_reads_but_does_not_write if {
	f.allowed(f.member(f.tenant_a, ["tenant-admin"], "ledger.reports.read", report_in(f.tenant_a)))
	f.allowed(f.member(f.tenant_a, ["tenant-admin"], "ledger.balances.read", account_in(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-admin"], "ledger.transfers.create", transfer_in(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-admin"], "ledger.accounts.close", account_in(f.tenant_a)))
}

test_tenant_admin_of_a_cannot_read_b_even_naming_b_as_scope if {
	not f.allowed(f.person(["tenant-admin"], f.tenant_a, f.tenant_b, "ledger.reports.read", report_in(f.tenant_b)))
	not f.allowed(f.member(f.tenant_a, ["tenant-admin"], "ledger.reports.read", report_in(f.tenant_b)))
	not f.allowed(f.person(["tenant-admin"], f.tenant_a, "platform", "ledger.reports.read", report_in("")))
}

test_viewer_reads_balances_but_not_reports if {
	f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "ledger.balances.read", account_in(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "ledger.reports.read", report_in(f.tenant_a)))
}

# Platform roles.

test_only_operators_verify_the_invariant if {
	f.allowed(f.staff(["platform-operator"], "ledger.invariant.verify", invariant))
	f.allowed(f.staff(["platform-operator"], "ledger.accounts.close", account_in(f.tenant_a)))
	not f.allowed(f.person(["platform-operator"], f.tenant_a, "platform", "ledger.invariant.verify", invariant))
	not f.allowed(f.staff(["finops-analyst"], "ledger.invariant.verify", invariant))
	every service in f.fleet_services {
		not f.allowed(f.fleet(service, "platform", "ledger.invariant.verify", invariant))
	}
}

test_finops_analyst_reads_reports_but_not_transfers if {
	f.allowed(f.staff(["finops-analyst"], "ledger.reports.read", report_in("")))
	f.allowed(f.staff(["finops-analyst"], "ledger.balances.read", account_in(f.tenant_a)))
	not f.allowed(f.staff(["finops-analyst"], "ledger.transfers.create", transfer_in(f.tenant_a)))
	not f.allowed(f.person(["finops-analyst"], "", f.tenant_a, "ledger.reports.read", report_in(f.tenant_a)))
}
