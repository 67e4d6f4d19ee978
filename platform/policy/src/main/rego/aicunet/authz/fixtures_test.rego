# Inputs the policy tests share: who calls, in which scope, on what.
package aicunet.fixtures_test

tenant_a := "6f1c2b1e-0000-4000-8000-00000000000a"

tenant_b := "6f1c2b1e-0000-4000-8000-00000000000b"

fleet_services := ["tenant", "ledger", "agent-state", "audit", "config"]

# A human or external account holding roles, bound to principal_tenant ("" for none),
# acting in scope (a tenant UUID or "platform").
person(roles, principal_tenant, scope, action, resource) := {
	"subject": "someone", "roles": roles, "principal_tenant": principal_tenant, "service": "",
	"tenant": scope, "action": action, "resource": resource,
}

# A principal bound to tenant t acting in t's own scope.
member(t, roles, action, resource) := person(roles, t, t, action, resource)

# A principal bound to no tenant acting at platform scope.
staff(roles, action, resource) := person(roles, "", "platform", action, resource)

# A fleet service calling with its own account (no roles, no tenant) in scope.
fleet(service, scope, action, resource) := {
	"subject": concat("", ["service-account-", service]), "roles": [], "principal_tenant": "", "service": service,
	"tenant": scope, "action": action, "resource": resource,
}

# A resource owned by tenant t ("" for a platform-level resource).
owned(type, t) := {"type": type, "id": "", "tenant": t}

allowed(request) if {
	data.aicunet.authz.decision.allow with input as request
}

reasons(request) := r if {
	r := data.aicunet.authz.decision.reasons with input as request
}
