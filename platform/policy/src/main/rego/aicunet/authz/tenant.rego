# What the roles may do in the tenant service (see authz.rego for how grants apply).
package aicunet.authz

platform_grant contains {"role": role, "action": action} if {
	some role, actions in {
		"platform-operator": {
			"tenant.tenants.read", "tenant.tenants.list",
			"tenant.tenants.suspend", "tenant.tenants.reactivate",
		},
		# Service accounts of other services read tenants (quotas, retention, status).
		"platform-service": {"tenant.tenants.read", "tenant.tenants.list"},
	}
	some action in actions
}

tenant_grant contains {"role": role, "action": action} if {
	some role, actions in {
		"tenant-admin": {"tenant.tenants.read", "tenant.tenants.update"},
		"tenant-viewer": {"tenant.tenants.read"},
	}
	some action in actions
}
