# What may be done in the config service (see authz.rego for how grants apply).
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

# Every service of the fleet reads its configuration and its schemas and follows
# changes, for the tenant it names or at platform scope. None writes, none reads a
# secret in plain text.
service_grant contains {"service": service, "action": action, "scope": scope} if {
	some service in {"tenant", "ledger", "agent-state", "audit", "config"}
	some action in {"config.entries.read", "config.schemas.read"}
	some scope in {"tenant", "platform"}
}
