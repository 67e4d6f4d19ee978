# What the roles may do in the ledger service (see authz.rego for how grants apply).
package aicunet.authz

platform_grant contains {"role": role, "action": action} if {
	some role, actions in {
		# Service accounts of other services (metering, agent runtime) open accounts,
		# reserve and post usage, and read balances, for any tenant.
		"platform-service": {
			"ledger.accounts.create", "ledger.accounts.read",
			"ledger.transfers.create", "ledger.transfers.read",
			"ledger.balances.read",
		},
		"platform-operator": {
			"ledger.accounts.read", "ledger.accounts.close",
			"ledger.transfers.read", "ledger.balances.read",
			"ledger.reports.read", "ledger.invariant.verify",
		},
		"finops-analyst": {"ledger.reports.read", "ledger.balances.read"},
	}
	some action in actions
}

tenant_grant contains {"role": role, "action": action} if {
	some role, actions in {
		# A service account acting for one tenant only.
		"ledger-writer": {
			"ledger.accounts.create", "ledger.accounts.read",
			"ledger.transfers.create", "ledger.transfers.read",
			"ledger.balances.read",
		},
		"tenant-admin": {
			"ledger.accounts.read", "ledger.transfers.read", "ledger.balances.read",
			"ledger.reports.read",
		},
		"tenant-viewer": {"ledger.accounts.read", "ledger.transfers.read", "ledger.balances.read"},
	}
	some action in actions
}
