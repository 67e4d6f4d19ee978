# Which bucket counts whom: each exemption beside the principal just outside it.
package aicunet.limits_test

import data.aicunet.fixtures_test as f

bucket(request) := b if {
	b := data.aicunet.limits.decision.bucket with input as request
}

share(request) := s if {
	s := data.aicunet.limits.decision.share_percent with input as request
}

checkpoint := f.owned("checkpoint", f.tenant_a)

test_a_tenant_member_counts_against_the_tenant if {
	bucket(f.member(f.tenant_a, ["tenant-admin"], "agent-state.checkpoints.write", checkpoint)) == "tenant"
	bucket(f.member(f.tenant_a, ["tenant-viewer"], "agent-state.checkpoints.read", checkpoint)) == "tenant"
}

test_a_tenant_machine_account_counts_against_the_tenant_and_its_own_share if {
	request := f.member(f.tenant_a, ["tenant-service"], "agent-state.tasks.enqueue", f.owned("queue", f.tenant_a))
	bucket(request) == "principal"
	share(request) == 50
}

test_agent_runtimes_and_ledger_writers_get_their_own_share if {
	bucket(f.member(f.tenant_a, ["agent-runtime"], "agent-state.checkpoints.write", checkpoint)) == "principal"
	bucket(f.member(f.tenant_a, ["ledger-writer"], "ledger.transfers.create", f.owned("transfer", f.tenant_a))) == "principal"
}

test_a_machine_account_with_another_role_still_gets_its_own_share if {
	request := f.member(f.tenant_a, ["tenant-viewer", "tenant-service"], "agent-state.tasks.read", checkpoint)
	bucket(request) == "principal"
}

test_the_fleet_services_are_never_limited if {
	every service in f.fleet_services {
		bucket(f.fleet(service, f.tenant_a, "tenant.data-keys.read", f.owned("tenant", f.tenant_a))) == "none"
	}
}

test_a_token_naming_an_unknown_service_counts_against_the_tenant if {
	bucket(f.fleet("billing", f.tenant_a, "tenant.tenants.read", f.owned("tenant", f.tenant_a))) == "tenant"
}

test_a_service_token_with_roles_or_a_tenant_is_no_fleet_service if {
	with_roles := object.union(
		f.fleet("ledger", f.tenant_a, "ledger.accounts.read", f.owned("account", f.tenant_a)),
		{"roles": ["tenant-admin"]},
	)
	bucket(with_roles) == "tenant"
	with_tenant := object.union(
		f.fleet("ledger", f.tenant_a, "ledger.accounts.read", f.owned("account", f.tenant_a)),
		{"principal_tenant": f.tenant_a},
	)
	bucket(with_tenant) == "tenant"
}

test_platform_staff_are_never_limited if {
	bucket(f.staff(["platform-operator"], "tenant.tenants.read", f.owned("tenant", f.tenant_a))) == "none"
	bucket(f.person(["platform-admin"], "", f.tenant_a, "agent-state.checkpoints.read", checkpoint)) == "none"
}

test_the_unmetered_reads_are_not_counted_for_a_tenant_member if {
	bucket(f.member(f.tenant_a, ["tenant-viewer"], "tenant.tenants.read", f.owned("tenant", f.tenant_a))) == "none"
	bucket(f.member(f.tenant_a, ["tenant-admin"], "ledger.balances.read", f.owned("account", f.tenant_a))) == "none"
	bucket(f.member(
		f.tenant_a, ["tenant-privacy-officer"], "tenant.privacy-requests.read",
		f.owned("privacy-request", f.tenant_a),
	)) == "none"
	bucket(f.member(f.tenant_a, ["tenant-service"], "tenant.tenants.read", f.owned("tenant", f.tenant_a))) == "none"
}

test_the_neighbours_of_the_unmetered_reads_are_counted if {
	bucket(f.member(f.tenant_a, ["tenant-admin"], "tenant.tenants.update", f.owned("tenant", f.tenant_a))) == "tenant"
	bucket(f.member(f.tenant_a, ["tenant-admin"], "ledger.accounts.read", f.owned("account", f.tenant_a))) == "tenant"
	bucket(f.member(
		f.tenant_a, ["tenant-privacy-officer"], "tenant.privacy-requests.create",
		f.owned("privacy-request", f.tenant_a),
	)) == "tenant"
}

test_malformed_input_counts_against_the_tenant if {
	bucket({}) == "tenant"
	bucket({"roles": "tenant-admin", "principal_tenant": "", "service": "", "tenant": f.tenant_a, "action": "x"}) == "tenant"
	bucket(object.union(f.fleet("ledger", f.tenant_a, "ledger.accounts.read", checkpoint), {"roles": [1]})) == "tenant"
	bucket(object.union(f.staff(["platform-operator"], "tenant.tenants.read", checkpoint), {"service": 7})) == "tenant"
}

test_a_principal_bound_to_the_platform_pseudo_tenant_is_counted if {
	bucket(f.person(["tenant-viewer"], "platform", "platform", "tenant.tenants.read", checkpoint)) == "tenant"
}
