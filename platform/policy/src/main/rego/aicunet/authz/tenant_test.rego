package aicunet.tenant_test

import data.aicunet.authz

tenant_a := "6f1c2b1e-0000-4000-8000-00000000000a"

tenant_b := "6f1c2b1e-0000-4000-8000-00000000000b"

test_platform_admin_may_create_tenants if {
	authz.decision.allow with input as {
		"subject": "ops@aicunet.io", "roles": ["platform-admin"], "tenant": "platform",
		"action": "tenant.tenants.create", "resource": {"type": "tenant", "id": "", "tenant": ""},
	}
}

test_platform_admin_must_act_at_platform_scope if {
	not authz.decision.allow with input as {
		"subject": "ops@aicunet.io", "roles": ["platform-admin"], "tenant": tenant_a,
		"action": "tenant.tenants.create", "resource": {"type": "tenant", "id": "", "tenant": ""},
	}
}

test_operator_may_suspend_but_not_create if {
	authz.decision.allow with input as {
		"subject": "oncall", "roles": ["platform-operator"], "tenant": "platform",
		"action": "tenant.tenants.suspend", "resource": {"type": "tenant", "id": tenant_a, "tenant": tenant_a},
	}
	not authz.decision.allow with input as {
		"subject": "oncall", "roles": ["platform-operator"], "tenant": "platform",
		"action": "tenant.tenants.create", "resource": {"type": "tenant", "id": "", "tenant": ""},
	}
}

test_tenant_admin_updates_own_tenant_only if {
	authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "tenant.tenants.update", "resource": {"type": "tenant", "id": tenant_a, "tenant": tenant_a},
	}
	not authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": tenant_a,
		"action": "tenant.tenants.update", "resource": {"type": "tenant", "id": tenant_b, "tenant": tenant_b},
	}
}

test_tenant_role_grants_nothing_at_platform_scope if {
	not authz.decision.allow with input as {
		"subject": "alice", "roles": ["tenant-admin"], "tenant": "platform",
		"action": "tenant.tenants.read", "resource": {"type": "tenant", "id": tenant_a, "tenant": tenant_a},
	}
}

test_viewer_may_not_suspend if {
	not authz.decision.allow with input as {
		"subject": "bob", "roles": ["tenant-viewer"], "tenant": tenant_a,
		"action": "tenant.tenants.suspend", "resource": {"type": "tenant", "id": tenant_a, "tenant": tenant_a},
	}
}

test_no_roles_no_access if {
	d := authz.decision with input as {
		"subject": "nobody", "roles": [], "tenant": tenant_a,
		"action": "tenant.tenants.read", "resource": {"type": "tenant", "id": tenant_a, "tenant": tenant_a},
	}
	not d.allow
	count(d.reasons) == 1
}

test_platform_admin_grant_is_wildcard if {
	authz.decision.allow with input as {
		"subject": "ops@aicunet.io", "roles": ["platform-admin"], "tenant": "platform",
		"action": "anything.at.all", "resource": {"type": "x", "id": "", "tenant": ""},
	}
}
