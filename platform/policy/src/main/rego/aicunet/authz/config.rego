# What the roles may do in the config service (see authz.rego for how grants apply).
#
# Resources: "config-entry" (entries, effective configuration, history, diff, watch),
# "config-schema" (namespaces and their schemas), "config-secret" (plain-text secret
# values), "config-revisions" (compaction). A resource owned by a tenant is that
# tenant's configuration; a platform-level one (resource.tenant "") is the global and
# service scopes, so a tenant role never reads a platform secret in plain text.
package aicunet.authz

platform_grant contains {"role": role, "action": action} if {
	some role, actions in {
		"platform-operator": {
			"config.entries.read", "config.entries.write",
			"config.schemas.read", "config.schemas.write",
		},
		# Service accounts of other services read their configuration and follow changes.
		"platform-service": {"config.entries.read", "config.schemas.read"},
		# Reading secrets in plain text is a permission of its own, granted on top.
		"config-secret-reader": {"config.secrets.read"},
	}
	some action in actions
}

tenant_grant contains {"role": role, "action": action} if {
	some role, actions in {
		"tenant-admin": {
			"config.entries.read", "config.entries.write", "config.schemas.read",
			"config.secrets.read",
		},
		"tenant-viewer": {"config.entries.read", "config.schemas.read"},
		"config-secret-reader": {"config.secrets.read"},
	}
	some action in actions
}
