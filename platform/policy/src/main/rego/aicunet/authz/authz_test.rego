# The rules every grant obeys (authz.rego), and the shape of the grants themselves.
package aicunet.authz_test

import data.aicunet.authz
import data.aicunet.fixtures_test as f

tenant_res(t) := {"type": "tenant", "id": t, "tenant": t}

# Every action the services' main code asks the policy about (grep of the Java sources
# for "<service>.<resource>.<verb>" constants). Each must be granted to some principal
# other than platform-admin's wildcard.
fleet_actions := {
	"agent-state.agents.change-status", "agent-state.agents.heartbeat", "agent-state.agents.read",
	"agent-state.agents.register", "agent-state.checkpoints.read", "agent-state.checkpoints.write",
	"agent-state.leases.claim", "agent-state.retention.read", "agent-state.retention.write",
	"agent-state.tasks.ack", "agent-state.tasks.claim", "agent-state.tasks.enqueue", "agent-state.tasks.read",
	"agent-state.tenants.erase", "agent-state.threads.fork",
	"audit.checkpoints.create", "audit.checkpoints.read", "audit.legal-holds.set", "audit.log.verify",
	"audit.records.append", "audit.records.export", "audit.records.read", "audit.retention.apply",
	"config.entries.read", "config.entries.write", "config.schemas.read", "config.schemas.write",
	"config.secrets.read",
	"ledger.accounts.close", "ledger.accounts.create", "ledger.accounts.read", "ledger.balances.read",
	"ledger.invariant.verify", "ledger.reports.read", "ledger.transfers.create", "ledger.transfers.read",
	"tenant.data-keys.read", "tenant.privacy-requests.create", "tenant.privacy-requests.read",
	"tenant.tenants.list", "tenant.tenants.reactivate", "tenant.tenants.read", "tenant.tenants.suspend",
	"tenant.tenants.update",
}

# Left to platform-admin alone, on purpose: creating tenants and compacting config history.
platform_admin_only := {"tenant.tenants.create", "config.revisions.compact"}

# Every role some grant names.
every_role contains grant.role if some grant in authz.tenant_grant

every_role contains grant.role if some grant in authz.platform_grant

granted_actions contains grant.action if some grant in authz.tenant_grant

granted_actions contains grant.action if some grant in authz.platform_grant

granted_actions contains grant.action if some grant in authz.service_grant

# The shape of the grants.

test_every_action_of_the_fleet_is_granted_to_someone if {
	missing := fleet_actions - granted_actions
	count(missing) == 0
}

test_platform_admin_only_actions_are_granted_to_nobody_else if {
	count(platform_admin_only & granted_actions) == 0
	every action in platform_admin_only {
		f.allowed(f.staff(["platform-admin"], action, f.owned("x", "")))
	}
}

test_only_platform_admin_holds_the_wildcard if {
	wildcards := {grant.role | some grant in authz.platform_grant; grant.action == "*"}
	wildcards == {"platform-admin"}
	every grant in authz.tenant_grant {
		grant.action != "*"
	}
	every grant in authz.service_grant {
		grant.action != "*"
	}
}

test_service_grants_name_a_fleet_service_and_a_scope if {
	every grant in authz.service_grant {
		grant.service in authz.fleet_services
		grant.scope in {"tenant", "platform"}
		object.keys(grant) == {"service", "action", "scope"}
	}
}

test_no_grant_names_the_platform_service_role if {
	not "platform-service" in every_role
}

test_the_service_grants_are_exactly_these if {
	tenant_reads := {{"service": s, "action": a, "scope": "tenant"} |
		some s in {"ledger", "agent-state", "audit", "config"}
		some a in {"tenant.data-keys.read", "tenant.tenants.read"}
	}
	erase := {{"service": "tenant", "action": "agent-state.tenants.erase", "scope": "tenant"}}
	append := {{"service": s, "action": "audit.records.append", "scope": scope} |
		some s in {"tenant", "ledger", "agent-state", "config"}
		some scope in {"tenant", "platform"}
	}
	config_reads := {{"service": s, "action": a, "scope": scope} |
		some s in authz.fleet_services
		some a in {"config.entries.read", "config.schemas.read"}
		some scope in {"tenant", "platform"}
	}
	authz.service_grant == ((tenant_reads | erase) | append) | config_reads
}

# The decision document.

test_an_allowed_decision_has_no_reasons if {
	f.allowed(f.staff(["platform-admin"], "tenant.tenants.create", f.owned("tenant", "")))
	f.reasons(f.staff(["platform-admin"], "tenant.tenants.create", f.owned("tenant", ""))) == []
}

test_a_refusal_always_says_why if {
	count(f.reasons(f.staff([], "tenant.tenants.read", tenant_res(f.tenant_a)))) > 0
	count(f.reasons({})) > 0
}

# Input the policy does not understand gets nothing.

test_input_without_the_principal_fields_gets_nothing if {
	legacy := {
		"subject": "ops", "roles": ["platform-admin"], "tenant": "platform",
		"action": "tenant.tenants.create", "resource": f.owned("tenant", ""),
	}
	not f.allowed(legacy)
	"the input lacks roles, principal_tenant, service, tenant, action or resource.tenant" in f.reasons(legacy)
	not f.allowed(object.union(legacy, {"principal_tenant": ""}))
	not f.allowed(object.union(legacy, {"service": ""}))
}

test_input_with_fields_of_the_wrong_type_gets_nothing if {
	admin := f.staff(["platform-admin"], "tenant.tenants.create", f.owned("tenant", ""))
	f.allowed(admin)
	not f.allowed(object.union(admin, {"roles": "platform-admin"}))
	not f.allowed(object.union(admin, {"roles": [["platform-admin"]]}))
	not f.allowed(object.union(admin, {"principal_tenant": null}))
	not f.allowed(object.union(admin, {"service": null}))
	not f.allowed(object.union(admin, {"tenant": ["platform"]}))
	not f.allowed(json.remove(admin, ["resource/tenant"]))
	not f.allowed(json.remove(admin, ["service"]))
}

test_platform_is_no_tenant_to_be_bound_to if {
	bound_to_platform := f.person(["platform-admin"], "platform", "platform", "tenant.tenants.create", f.owned("tenant", ""))
	not f.allowed(bound_to_platform)
	"\"platform\" is a scope, not a tenant a principal is bound to" in f.reasons(bound_to_platform)
	not f.allowed(f.person(["tenant-admin"], "platform", "platform", "tenant.tenants.read", f.owned("tenant", "platform")))
}

test_an_empty_scope_reaches_no_platform_level_resource if {
	not f.allowed(f.person(["tenant-admin"], "", "", "tenant.tenants.read", f.owned("tenant", "")))
	not f.allowed(f.fleet("config", "", "config.entries.read", f.owned("config-entry", "")))
}

# A principal bound to a tenant never acts at platform scope nor on another tenant,
# whatever its roles.

test_a_tenant_bound_principal_holding_every_role_gets_nothing_at_platform_scope if {
	roles := [role | some role in every_role]
	f.allowed(f.member(f.tenant_a, roles, "tenant.tenants.update", tenant_res(f.tenant_a)))
	every action in fleet_actions | platform_admin_only {
		not f.allowed(f.person(roles, f.tenant_a, "platform", action, f.owned("x", f.tenant_a)))
		not f.allowed(f.person(roles, f.tenant_a, "platform", action, f.owned("x", "")))
	}
}

test_a_tenant_bound_principal_holding_every_role_gets_nothing_on_another_tenant if {
	roles := [role | some role in every_role]
	f.allowed(f.member(f.tenant_a, roles, "config.secrets.read", f.owned("config-secret", f.tenant_a)))
	every action in fleet_actions | platform_admin_only {
		not f.allowed(f.person(roles, f.tenant_a, f.tenant_b, action, f.owned("x", f.tenant_b)))
		not f.allowed(f.person(roles, f.tenant_a, f.tenant_a, action, f.owned("x", f.tenant_b)))
		not f.allowed(f.person(roles, f.tenant_a, f.tenant_b, action, f.owned("x", f.tenant_a)))
	}
}

test_a_principal_bound_to_no_tenant_holding_every_role_gets_nothing_in_a_tenant_scope if {
	roles := [role | some role in every_role]
	f.allowed(f.staff(roles, "tenant.tenants.create", f.owned("tenant", "")))
	every action in fleet_actions | platform_admin_only {
		not f.allowed(f.person(roles, "", f.tenant_a, action, f.owned("x", f.tenant_a)))
	}
}

test_a_fleet_service_acting_for_a_gets_nothing_on_b if {
	every service in authz.fleet_services {
		f.allowed(f.fleet(service, f.tenant_a, "config.entries.read", f.owned("config-entry", f.tenant_a)))
		every action in fleet_actions | platform_admin_only {
			not f.allowed(f.fleet(service, f.tenant_a, action, f.owned("x", f.tenant_b)))
			not f.allowed(f.fleet(service, f.tenant_a, action, f.owned("x", "")))
		}
	}
}

# A token naming a service is a fleet service's or nothing: roles and a tenant on it
# grant nothing, not even what they would grant a person.

test_a_service_token_carrying_roles_and_a_tenant_gets_not_even_the_roles_grants if {
	as_person := f.member(f.tenant_a, ["tenant-admin"], "tenant.tenants.update", tenant_res(f.tenant_a))
	f.allowed(as_person)
	every service in ["tenant", "ledger", "gateway"] {
		not f.allowed(object.union(as_person, {"service": service}))
	}
	not f.allowed(object.union(
		f.staff(["platform-admin"], "tenant.tenants.create", f.owned("tenant", "")),
		{"service": "tenant"},
	))
}
