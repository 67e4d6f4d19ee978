# Who may do what on which tenant's data, for every service of the fleet.
#
# Input (built by io.aicunet.platform.policy.Authorizer; every field but `tenant`
# comes from the verified token, never from a header the caller chose):
#   subject           who calls (token's preferred_username); for logs only, grants nothing
#   roles             the token's roles claim ([] when absent): humans and external
#                     service accounts. A fleet service's own token carries none.
#   principal_tenant  the tenant the principal is bound to (token's tenant claim), a
#                     tenant UUID, or "" when the principal is bound to no tenant
#   service           the fleet service whose own account calls (token's service claim):
#                     "tenant", "ledger", "agent-state", "audit" or "config"; "" otherwise
#   tenant            the scope the request acts in: a tenant UUID, or "platform"
#                     (header x-aicunet-tenant, by default principal_tenant)
#   action            "<service>.<resource>.<verb>", e.g. "tenant.tenants.create"
#   resource          {type, id, tenant}: what is acted on; tenant is the owning tenant's
#                     UUID, or "" for platform-level resources (creating or listing tenants)
#
# Output: data.aicunet.authz.decision = {"allow": bool, "reasons": [string]}; reasons
# is empty when allowed and says why not otherwise.
#
# What is granted is declared per service, in <service>.rego files of this package, as
# entries of three sets:
#   tenant_grant contains {"role": R, "action": A}
#       a principal bound to tenant T, holding role R, does A on T's resources while
#       acting in T's scope, and nowhere else.
#   platform_grant contains {"role": R, "action": A}
#       a principal bound to no tenant, holding role R, does A at platform scope (on
#       any tenant's resources or platform-level ones), never in a tenant's scope.
#   service_grant contains {"service": S, "action": A, "scope": "tenant" | "platform"}
#       fleet service S, calling with its own account, does A:
#       "tenant":   in the scope of the one tenant it names, on that tenant's resources;
#       "platform": at platform scope, on any tenant's resources or platform-level ones.
#
# Who the principal is decides which set applies, whatever the roles say:
#   - a fleet service (service != ""): service grants only. Its token carries no roles
#     and no tenant; a token that names a service and carries either is not a fleet
#     service's token and gets nothing.
#   - a principal bound to a tenant: tenant grants only. It never acts at platform
#     scope nor on another tenant, whatever its roles (platform-admin included).
#   - a principal bound to no tenant: platform grants only, at platform scope only.
# Input that lacks one of these fields, or has one of the wrong type, gets nothing.
package aicunet.authz

# The services of the fleet, the only values of `service` that service grants name.
fleet_services := {"tenant", "ledger", "agent-state", "audit", "config"}

# platform-admin may do everything, at platform scope (so never when bound to a tenant).
platform_grant contains {"role": "platform-admin", "action": "*"}

default decision := {"allow": false, "reasons": ["no grant allows this action to this principal in this scope"]}

decision := {"allow": true, "reasons": []} if allow

decision := {"allow": false, "reasons": sort(refusals)} if {
	not allow
	count(refusals) > 0
}

default allow := false

# Each rule first checks who calls and in which scope, then looks up the grants that
# would allow the action (by key: the sets are never enumerated). The grant sets are
# read through data.aicunet.authz: a chart's OPA sidecar loads authz.rego with its
# own service's file only, which may declare no grant of a kind.

allow if {
	in_tenant(bound_tenant)
	some role in input.roles
	some action in granting(input.action)
	data.aicunet.authz.tenant_grant[{"role": role, "action": action}]
}

allow if {
	unbound_person
	input.tenant == "platform"
	some role in input.roles
	some action in granting(input.action)
	data.aicunet.authz.platform_grant[{"role": role, "action": action}]
}

allow if {
	some scope in service_scopes
	data.aicunet.authz.service_grant[{"service": fleet_service, "action": input.action, "scope": scope}]
}

# The grant actions that cover an action: itself, and "*" (platform-admin's).
granting(action) := {action, "*"}

# The scopes of service grants that cover the request's scope.
service_scopes contains "tenant" if in_tenant(input.tenant)

service_scopes contains "platform" if input.tenant == "platform"

# The fleet service calling with its own account: its token names it and carries
# neither roles nor a tenant.
fleet_service := input.service if {
	well_formed
	input.service in fleet_services
	count(input.roles) == 0
	input.principal_tenant == ""
}

# The tenant a principal with roles (not a fleet service) is bound to.
bound_tenant := input.principal_tenant if {
	well_formed
	input.service == ""
	not input.principal_tenant in {"", "platform"}
}

# A principal with roles (not a fleet service) bound to no tenant.
unbound_person if {
	well_formed
	input.service == ""
	input.principal_tenant == ""
}

# The request acts in the scope of tenant t, on a resource of t.
in_tenant(t) if {
	not t in {"", "platform"}
	input.tenant == t
	input.resource.tenant == t
}

well_formed if {
	is_array(input.roles)
	every role in input.roles {
		is_string(role)
	}
	is_string(input.principal_tenant)
	is_string(input.service)
	is_string(input.tenant)
	is_string(input.action)
	is_string(input.resource.tenant)
}

# Why a request is refused, when the reason is more than a missing grant.

refusals contains "the input lacks roles, principal_tenant, service, tenant, action or resource.tenant" if {
	not well_formed
}

refusals contains "the token names no service of the fleet" if {
	well_formed
	input.service != ""
	not input.service in fleet_services
}

refusals contains "a token that names a fleet service carries no roles and no tenant" if {
	well_formed
	input.service in fleet_services
	not fleet_service
}

refusals contains "\"platform\" is a scope, not a tenant a principal is bound to" if {
	well_formed
	input.principal_tenant == "platform"
}

refusals contains "a principal bound to a tenant never acts at platform scope" if {
	bound_tenant
	input.tenant == "platform"
}

refusals contains "a principal bound to a tenant acts only in that tenant's scope" if {
	t := bound_tenant
	not input.tenant in {t, "platform"}
}

refusals contains "a principal bound to no tenant acts only at platform scope" if {
	unbound_person
	input.tenant != "platform"
}

refusals contains "acting in a tenant's scope reaches only that tenant's resources" if {
	well_formed
	input.tenant != "platform"
	input.resource.tenant != input.tenant
}
