# Who may do what in the tenant service, and the refusal next to every grant.
package aicunet.tenant_test

import data.aicunet.fixtures_test as f

tenant_res(t) := {"type": "tenant", "id": t, "tenant": t}

tenant_list := {"type": "tenant", "id": "", "tenant": ""}

data_key(t) := {"type": "data-key", "id": t, "tenant": t}

services_that_encrypt := ["ledger", "agent-state", "audit", "config"]

# platform-admin

test_platform_admin_creates_tenants_at_platform_scope if {
	f.allowed(f.staff(["platform-admin"], "tenant.tenants.create", tenant_list))
}

test_platform_admin_grant_is_wildcard if {
	f.allowed(f.staff(["platform-admin"], "anything.at.all", {"type": "x", "id": "", "tenant": ""}))
}

test_platform_admin_must_act_at_platform_scope if {
	not f.allowed(f.person(["platform-admin"], "", f.tenant_a, "tenant.tenants.create", tenant_list))
	not f.allowed(f.person(["platform-admin"], "", f.tenant_a, "tenant.tenants.read", tenant_res(f.tenant_a)))
}

test_platform_admin_bound_to_a_tenant_gets_nothing_at_platform_scope if {
	bound := f.person(["platform-admin"], f.tenant_a, "platform", "tenant.tenants.create", tenant_list)
	not f.allowed(bound)
	"a principal bound to a tenant never acts at platform scope" in f.reasons(bound)
	not f.allowed(f.person(["platform-admin"], f.tenant_a, "platform", "tenant.tenants.read", tenant_res(f.tenant_a)))
	not f.allowed(f.person(["platform-admin"], f.tenant_a, "platform", "tenant.data-keys.read", data_key(f.tenant_b)))
	not f.allowed(f.person(["platform-admin"], f.tenant_a, "platform", "anything.at.all", tenant_list))
}

test_platform_admin_bound_to_a_tenant_gets_no_tenant_grant_from_it if {
	not f.allowed(f.member(f.tenant_a, ["platform-admin"], "tenant.tenants.update", tenant_res(f.tenant_a)))
	not f.allowed(f.person(["platform-admin"], f.tenant_a, f.tenant_b, "tenant.tenants.read", tenant_res(f.tenant_b)))
}

# platform-operator

test_operator_lists_and_suspends_but_does_not_create if {
	f.allowed(f.staff(["platform-operator"], "tenant.tenants.suspend", tenant_res(f.tenant_a)))
	f.allowed(f.staff(["platform-operator"], "tenant.tenants.reactivate", tenant_res(f.tenant_a)))
	f.allowed(f.staff(["platform-operator"], "tenant.tenants.list", tenant_list))
	not f.allowed(f.staff(["platform-operator"], "tenant.tenants.create", tenant_list))
	not f.allowed(f.staff(["platform-operator"], "tenant.data-keys.read", data_key(f.tenant_a)))
}

test_operator_bound_to_a_tenant_may_not_suspend_it if {
	not f.allowed(f.person(["platform-operator"], f.tenant_a, "platform", "tenant.tenants.suspend", tenant_res(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["platform-operator"], "tenant.tenants.suspend", tenant_res(f.tenant_a)))
}

# tenant roles

test_tenant_admin_reads_and_updates_own_tenant if {
	f.allowed(f.member(f.tenant_a, ["tenant-admin"], "tenant.tenants.update", tenant_res(f.tenant_a)))
	f.allowed(f.member(f.tenant_a, ["tenant-admin"], "tenant.tenants.read", tenant_res(f.tenant_a)))
}

test_tenant_admin_of_a_cannot_act_on_b_even_naming_b_as_scope if {
	naming_b := f.person(["tenant-admin"], f.tenant_a, f.tenant_b, "tenant.tenants.update", tenant_res(f.tenant_b))
	not f.allowed(naming_b)
	"a principal bound to a tenant acts only in that tenant's scope" in f.reasons(naming_b)
	not f.allowed(f.member(f.tenant_a, ["tenant-admin"], "tenant.tenants.update", tenant_res(f.tenant_b)))
	not f.allowed(f.person(["tenant-admin"], f.tenant_a, f.tenant_b, "tenant.tenants.read", tenant_res(f.tenant_a)))
}

test_tenant_admin_gets_nothing_at_platform_scope if {
	not f.allowed(f.person(["tenant-admin"], f.tenant_a, "platform", "tenant.tenants.read", tenant_res(f.tenant_a)))
	not f.allowed(f.person(["tenant-admin"], f.tenant_a, "platform", "tenant.tenants.list", tenant_list))
}

test_tenant_role_without_tenant_binding_gets_nothing if {
	unbound := f.person(["tenant-admin"], "", f.tenant_a, "tenant.tenants.update", tenant_res(f.tenant_a))
	not f.allowed(unbound)
	"a principal bound to no tenant acts only at platform scope" in f.reasons(unbound)
	not f.allowed(f.staff(["tenant-admin"], "tenant.tenants.update", tenant_res(f.tenant_a)))
}

test_no_human_role_reads_a_data_key if {
	not f.allowed(f.member(f.tenant_a, ["tenant-admin", "tenant-viewer"], "tenant.data-keys.read", data_key(f.tenant_a)))
	not f.allowed(f.staff(["platform-operator", "platform-privacy-officer"], "tenant.data-keys.read", data_key(f.tenant_a)))
}

test_viewer_reads_but_may_not_suspend_or_update if {
	f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "tenant.tenants.read", tenant_res(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "tenant.tenants.suspend", tenant_res(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "tenant.tenants.update", tenant_res(f.tenant_a)))
}

test_no_roles_no_access if {
	nobody := f.member(f.tenant_a, [], "tenant.tenants.read", tenant_res(f.tenant_a))
	not f.allowed(nobody)
	count(f.reasons(nobody)) == 1
}

# privacy officers

test_platform_privacy_officer_asks_for_any_tenant if {
	request := {"type": "privacy-request", "id": "", "tenant": f.tenant_b}
	f.allowed(f.staff(["platform-privacy-officer"], "tenant.privacy-requests.create", request))
	f.allowed(f.staff(["platform-privacy-officer"], "tenant.privacy-requests.read", request))
	not f.allowed(f.person(["platform-privacy-officer"], f.tenant_a, "platform", "tenant.privacy-requests.create", request))
}

test_tenant_privacy_officer_asks_for_own_tenant_only if {
	own := {"type": "privacy-request", "id": "", "tenant": f.tenant_a}
	other := {"type": "privacy-request", "id": "", "tenant": f.tenant_b}
	f.allowed(f.member(f.tenant_a, ["tenant-privacy-officer"], "tenant.privacy-requests.create", own))
	f.allowed(f.member(f.tenant_a, ["tenant-privacy-officer"], "tenant.privacy-requests.read", own))
	not f.allowed(f.member(f.tenant_a, ["tenant-privacy-officer"], "tenant.privacy-requests.create", other))
	not f.allowed(f.person(["tenant-privacy-officer"], f.tenant_a, f.tenant_b, "tenant.privacy-requests.read", other))
	not f.allowed(f.person(["tenant-privacy-officer"], "", f.tenant_a, "tenant.privacy-requests.create", own))
}

# Fleet services: data keys and tenant reads, for the one tenant they name.

test_services_that_encrypt_read_the_data_key_and_tenant_they_name if {
	every service in services_that_encrypt {
		f.allowed(f.fleet(service, f.tenant_a, "tenant.data-keys.read", data_key(f.tenant_a)))
		f.allowed(f.fleet(service, f.tenant_b, "tenant.tenants.read", tenant_res(f.tenant_b)))
	}
}

test_config_may_not_read_a_data_key_of_another_tenant if {
	not f.allowed(f.fleet("config", f.tenant_a, "tenant.data-keys.read", data_key(f.tenant_b)))
	not f.allowed(f.fleet("config", f.tenant_a, "tenant.tenants.read", tenant_res(f.tenant_b)))
}

test_no_service_reads_a_data_key_or_tenant_at_platform_scope if {
	every service in f.fleet_services {
		not f.allowed(f.fleet(service, "platform", "tenant.data-keys.read", data_key(f.tenant_a)))
		not f.allowed(f.fleet(service, "platform", "tenant.tenants.read", tenant_res(f.tenant_a)))
	}
}

test_a_service_naming_no_tenant_gets_nothing if {
	not f.allowed(f.fleet("ledger", "", "tenant.data-keys.read", data_key("")))
	not f.allowed(f.fleet("ledger", "", "tenant.data-keys.read", data_key(f.tenant_a)))
}

test_the_tenant_service_needs_no_data_key_grant if {
	not f.allowed(f.fleet("tenant", f.tenant_a, "tenant.data-keys.read", data_key(f.tenant_a)))
}

test_services_do_not_list_create_or_change_tenants if {
	every service in f.fleet_services {
		not f.allowed(f.fleet(service, "platform", "tenant.tenants.list", tenant_list))
		not f.allowed(f.fleet(service, "platform", "tenant.tenants.create", tenant_list))
		not f.allowed(f.fleet(service, f.tenant_a, "tenant.tenants.update", tenant_res(f.tenant_a)))
		not f.allowed(f.fleet(service, f.tenant_a, "tenant.tenants.suspend", tenant_res(f.tenant_a)))
		not f.allowed(f.fleet(service, f.tenant_a, "tenant.privacy-requests.create", tenant_res(f.tenant_a)))
	}
}

test_an_unknown_service_reads_no_data_key if {
	gateway := f.fleet("gateway", f.tenant_a, "tenant.data-keys.read", data_key(f.tenant_a))
	not f.allowed(gateway)
	"the token names no service of the fleet" in f.reasons(gateway)
}

test_a_service_token_with_roles_is_forged_and_gets_nothing if {
	forged := object.union(
		f.fleet("ledger", "platform", "tenant.tenants.create", tenant_list),
		{"roles": ["platform-admin"]},
	)
	not f.allowed(forged)
	"a token that names a fleet service carries no roles and no tenant" in f.reasons(forged)
	not f.allowed(object.union(
		f.fleet("ledger", f.tenant_a, "tenant.data-keys.read", data_key(f.tenant_a)),
		{"roles": ["tenant-viewer"]},
	))
}

test_a_service_token_bound_to_a_tenant_is_forged_and_gets_nothing if {
	not f.allowed(object.union(
		f.fleet("config", f.tenant_a, "tenant.data-keys.read", data_key(f.tenant_a)),
		{"principal_tenant": f.tenant_a},
	))
}

test_the_platform_service_role_is_gone if {
	not f.allowed(f.staff(["platform-service"], "tenant.data-keys.read", data_key(f.tenant_a)))
	not f.allowed(f.staff(["platform-service"], "tenant.tenants.list", tenant_list))
	not f.allowed(f.member(f.tenant_a, ["platform-service"], "tenant.data-keys.read", data_key(f.tenant_a)))
}
