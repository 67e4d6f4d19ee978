# What may be done in the ledger service (see authz.rego for how grants apply).
# No fleet service calls the ledger with its own account: it has no service grants.
package aicunet.authz

platform_grant contains {"role": role, "action": action} if {
	some role, actions in {
		# Platform callers outside the fleet (metering, agent runtime billing) open
		# accounts, reserve and post usage, and read balances, for any tenant.
		"platform-metering": {
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
