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
package aicunet.authz

# Actions each role grants. Platform roles act at platform scope, on any tenant;
# tenant roles act only on their own tenant's resources. "*" grants every action.
platform_role_actions := {
	"platform-admin": {"*"},
	"platform-operator": {
		"tenant.tenants.read", "tenant.tenants.list",
		"tenant.tenants.suspend", "tenant.tenants.reactivate",
	},
	# Service accounts of other services read tenants (quotas, retention, status).
	"platform-service": {"tenant.tenants.read", "tenant.tenants.list"},
}

tenant_role_actions := {
	"tenant-admin": {"tenant.tenants.read", "tenant.tenants.update"},
	"tenant-viewer": {"tenant.tenants.read"},
}

default decision := {"allow": false, "reasons": ["no rule allows this action for these roles and this tenant"]}

decision := {"allow": true, "reasons": []} if allow

default allow := false

allow if {
	input.tenant == "platform"
	some role in input.roles
	grants(platform_role_actions[role], input.action)
}

allow if {
	input.tenant != "platform"
	input.tenant == input.resource.tenant
	some role in input.roles
	grants(tenant_role_actions[role], input.action)
}

grants(actions, _) if "*" in actions

grants(actions, action) if action in actions
