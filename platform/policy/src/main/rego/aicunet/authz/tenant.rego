# What may be done in the tenant service (see authz.rego for how grants apply).
package aicunet.authz

platform_grant contains {"role": role, "action": action} if {
	some role, actions in {
		"platform-operator": {
			"tenant.tenants.read", "tenant.tenants.list",
			"tenant.tenants.suspend", "tenant.tenants.reactivate",
		},
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

# The services that encrypt personal data with a tenant's data key fetch that key, and
# read the tenant (status, retention periods), for the one tenant they name: never at
# platform scope, never another tenant's. The tenant service itself needs neither.
service_grant contains {"service": service, "action": action, "scope": "tenant"} if {
	some service in {"ledger", "agent-state", "audit", "config"}
	some action in {"tenant.data-keys.read", "tenant.tenants.read"}
}
