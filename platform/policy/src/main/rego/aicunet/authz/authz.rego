# Who may do what on which tenant's data, for every service of the fleet.
#
# Input (built by io.aicunet.platform.policy.Authorizer):
#   subject   the calling service account or user
#   roles     the caller's roles
#   tenant    the tenant scope the caller acts in: a tenant UUID, or "platform"
#   action    "<service>.<resource>.<verb>", e.g. "tenant.tenants.create"
#   resource  {type, id, tenant}: what is acted on; tenant is the owning tenant's
#             UUID, or "" for platform-level resources (creating or listing tenants)
#
# Output: data.aicunet.authz.decision = {"allow": bool, "reasons": [string]}.
#
# What each role grants is declared per service, in <service>.rego files of this
# package, as entries of two sets:
#   platform_grant contains {"role": R, "action": A}  R acts at platform scope, on any tenant
#   tenant_grant contains {"role": R, "action": A}    R acts only on its own tenant's resources
package aicunet.authz

# platform-admin may do everything, at platform scope.
platform_grant contains {"role": "platform-admin", "action": "*"}

default decision := {"allow": false, "reasons": ["no rule allows this action for these roles and this tenant"]}

decision := {"allow": true, "reasons": []} if allow

default allow := false

allow if {
	input.tenant == "platform"
	some grant in platform_grant
	grant.role in input.roles
	grants(grant.action, input.action)
}

allow if {
	input.tenant != "platform"
	input.tenant == input.resource.tenant
	some grant in tenant_grant
	grant.role in input.roles
	grants(grant.action, input.action)
}

grants("*", _)

grants(action, action)
