# Which buckets count a request against the tenant's request rate limit, for every service
# of the fleet (platform/limits RateLimitStep asks this before authorization, counting a
# principal bound to a tenant against its own tenant; docs/rate-limits.md).
#
# Input: the authorization's input (aicunet/authz/authz.rego: subject, roles,
# principal_tenant, service, tenant, action, resource), except that resource.id is always
# "": the answer depends on who calls, in which scope, the action and the resource's type,
# never on which resource, so the service can keep it for a while.
#
# Output: data.aicunet.limits.decision =
#   {"bucket": "tenant" | "principal" | "none", "share_percent": n, "reason": text}
#   tenant     the request takes one from the tenant's bucket (its requests_per_minute);
#   principal  from the tenant's bucket and from the principal's own, whose limit is
#              share_percent % of the tenant's: one machine account cannot use up the
#              whole tenant's limit;
#   none       the request is not counted.
# Input that is malformed, or a principal this file does not name, counts against the
# tenant's bucket: nobody is exempt by accident.
package aicunet.limits

# The services of the fleet (as in aicunet.authz): their own accounts are never limited, so
# one tenant's limit never stops the fleet's work for it (fetching its data key, its quotas).
fleet_services := {"tenant", "ledger", "agent-state", "audit", "config"}

# Reads a tenant may always make, even at 0 requests a minute: its own tenant (status and
# quotas), its balances, and its privacy requests (an export or erasure it asked for).
unmetered_reads := {"tenant.tenants.read", "tenant.privacy-requests.read", "ledger.balances.read"}

# Roles of a tenant's principals that get a bucket of their own, and its share (percent)
# of the tenant's limit: the tenant's machine accounts (agent runtimes, the account that
# records its usage in the ledger, its integrations writing to the audit log).
principal_shares := {"agent-runtime": 50, "ledger-writer": 50, "tenant-service": 50}

default decision := {
	"bucket": "tenant", "share_percent": 100,
	"reason": "a request of a tenant's principal counts against the tenant's limit",
}

decision := {"bucket": "none", "share_percent": 0, "reason": reason} if {
	reason := exemption
} else := {
	"bucket": "principal", "share_percent": share,
	"reason": "a tenant's machine account counts against the tenant's limit and its own share of it",
} if {
	share := principal_share
}

exemption := "the fleet's own services are never limited" if {
	fleet_service
} else := "platform staff, bound to no tenant, are never limited" if {
	unbound_person
} else := "a read the policy leaves unmetered" if {
	bound_person
	input.action in unmetered_reads
}

# The smallest share any of the principal's roles gives, when one gives one.
principal_share := min(shares) if {
	bound_person
	shares := {share | some role in input.roles; share := principal_shares[role]}
	count(shares) > 0
}

fleet_service if {
	well_formed
	input.service in fleet_services
	count(input.roles) == 0
	input.principal_tenant == ""
}

unbound_person if {
	well_formed
	input.service == ""
	input.principal_tenant == ""
}

bound_person if {
	well_formed
	input.service == ""
	not input.principal_tenant in {"", "platform"}
}

well_formed if {
	is_array(input.roles)
	every role in input.roles {
		is_string(role)
	}
	is_string(input.principal_tenant)
	is_string(input.service)
	is_string(input.tenant)
	is_string(input.action)
}
