# What the roles may do in the tenant service (see authz.rego for how grants apply).
package aicunet.authz

platform_grant contains {"role": role, "action": action} if {
	some role, actions in {
		"platform-operator": {
			"tenant.tenants.read", "tenant.tenants.list",
			"tenant.tenants.suspend", "tenant.tenants.reactivate",
		},
		# Service accounts of other services read tenants (quotas, retention, status)
		# and fetch tenants' data keys to encrypt personal data.
		"platform-service": {"tenant.tenants.read", "tenant.tenants.list", "tenant.data-keys.read"},
		# GDPR requests are their own permission.
		"platform-privacy-officer": {"tenant.privacy-requests.create", "tenant.privacy-requests.read"},
	}
	some action in actions
}

tenant_grant contains {"role": role, "action": action} if {
	some role, actions in {
		"tenant-admin": {"tenant.tenants.read", "tenant.tenants.update"},
		"tenant-privacy-officer": {"tenant.privacy-requests.create", "tenant.privacy-requests.read"},
		"tenant-viewer": {"tenant.tenants.read"},
	}
	some action in actions
}
