# What may be done in the audit service (see authz.rego for how grants apply).
# Reading the audit log is a permission of its own: no role that runs a tenant's
# business (tenant-admin, tenant-viewer) reads its audit log by that role alone, and
# no fleet service reads it at all.
package aicunet.authz

platform_grant contains {"role": role, "action": action} if {
	some role, actions in {
		# Auditors read, export and verify every tenant's log, and ask for checkpoints.
		"platform-auditor": {
			"audit.records.read", "audit.records.export", "audit.log.verify",
			"audit.checkpoints.create", "audit.checkpoints.read",
		},
		# Compliance officers place legal holds and run retention.
		"platform-compliance": {
			"audit.legal-holds.set", "audit.retention.apply", "audit.checkpoints.read",
		},
		"platform-operator": {"audit.checkpoints.create", "audit.checkpoints.read", "audit.log.verify"},
	}
	some action in actions
}

tenant_grant contains {"role": role, "action": action} if {
	some role, actions in {
		# A tenant's own auditor reads, exports and verifies that tenant's log only.
		"tenant-auditor": {
			"audit.records.read", "audit.records.export", "audit.log.verify",
			"audit.checkpoints.create", "audit.checkpoints.read",
		},
		# A tenant's own services append direct records for that tenant only.
		"tenant-service": {"audit.records.append"},
	}
	some action in actions
}

# The other services of the fleet append direct records, for the tenant they name or,
# at platform scope, for any tenant. They read nothing; the audit service itself
# writes its own records without a call, so it has no grant here.
service_grant contains {"service": service, "action": "audit.records.append", "scope": scope} if {
	some service in {"tenant", "ledger", "agent-state", "config"}
	some scope in {"tenant", "platform"}
}

# The platform's own log (tenant 00000000-0000-0000-0000-000000000000): platform operators
# put the fleet's operations on the record there (`./fleet backup`, `./fleet restore`,
# docs/backup-restore.md), and in no tenant's log; they read none.
platform_log := "00000000-0000-0000-0000-000000000000"

allow if {
	unbound_person
	input.tenant == "platform"
	input.action == "audit.records.append"
	input.resource.tenant == platform_log
	"platform-operator" in input.roles
}
