# Who may do what in the config service, and the refusal next to every grant.
package aicunet.config_test

import data.aicunet.fixtures_test as f

entry_of(t) := {"type": "config-entry", "id": "llm.routing", "tenant": t}

schema_of(t) := {"type": "config-schema", "id": "llm", "tenant": t}

secret_of(t) := {"type": "config-secret", "id": "", "tenant": t}

revisions := {"type": "config-revisions", "id": "", "tenant": ""}

# Fleet services read configuration and schemas, at both scopes.

test_every_service_reads_config_at_platform_scope if {
	every service in f.fleet_services {
		f.allowed(f.fleet(service, "platform", "config.entries.read", entry_of("")))
		f.allowed(f.fleet(service, "platform", "config.entries.read", entry_of(f.tenant_a)))
		f.allowed(f.fleet(service, "platform", "config.schemas.read", schema_of("")))
	}
}

test_every_service_reads_config_of_the_tenant_it_names if {
	every service in f.fleet_services {
		f.allowed(f.fleet(service, f.tenant_a, "config.entries.read", entry_of(f.tenant_a)))
		f.allowed(f.fleet(service, f.tenant_a, "config.schemas.read", schema_of(f.tenant_a)))
	}
}

test_a_service_naming_tenant_a_reads_nothing_of_b_nor_platform_level if {
	every service in f.fleet_services {
		not f.allowed(f.fleet(service, f.tenant_a, "config.entries.read", entry_of(f.tenant_b)))
		not f.allowed(f.fleet(service, f.tenant_a, "config.entries.read", entry_of("")))
	}
}

test_no_service_writes_config_or_reads_secrets if {
	every service in f.fleet_services {
		every scope in ["platform", f.tenant_a] {
			not f.allowed(f.fleet(service, scope, "config.entries.write", entry_of(f.tenant_a)))
			not f.allowed(f.fleet(service, scope, "config.schemas.write", schema_of(f.tenant_a)))
			not f.allowed(f.fleet(service, scope, "config.secrets.read", secret_of(f.tenant_a)))
		}
		not f.allowed(f.fleet(service, "platform", "config.secrets.read", secret_of("")))
		not f.allowed(f.fleet(service, "platform", "config.revisions.compact", revisions))
	}
}

test_a_service_token_with_the_secret_reader_role_is_forged if {
	forged := object.union(
		f.fleet("agent-state", "platform", "config.secrets.read", secret_of("")),
		{"roles": ["config-secret-reader"]},
	)
	not f.allowed(forged)
	"a token that names a fleet service carries no roles and no tenant" in f.reasons(forged)
}

test_the_platform_service_role_is_gone if {
	not f.allowed(f.staff(["platform-service"], "config.entries.read", entry_of(f.tenant_a)))
}

# Secret readers.

test_platform_secret_reader_reads_platform_secrets_at_platform_scope if {
	f.allowed(f.staff(["config-secret-reader"], "config.secrets.read", secret_of("")))
	not f.allowed(f.person(["config-secret-reader"], "", f.tenant_a, "config.secrets.read", secret_of(f.tenant_a)))
	not f.allowed(f.person(["config-secret-reader"], f.tenant_a, "platform", "config.secrets.read", secret_of("")))
}

test_tenant_secret_reader_reads_own_tenant_secrets_only if {
	f.allowed(f.member(f.tenant_a, ["config-secret-reader"], "config.secrets.read", secret_of(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["config-secret-reader"], "config.secrets.read", secret_of(f.tenant_b)))
	not f.allowed(f.member(f.tenant_a, ["config-secret-reader"], "config.secrets.read", secret_of("")))
}

# Tenant roles.

test_tenant_admin_writes_own_tenant_only if {
	f.allowed(f.member(f.tenant_a, ["tenant-admin"], "config.entries.write", entry_of(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-admin"], "config.entries.write", entry_of(f.tenant_b)))
	not f.allowed(f.person(["tenant-admin"], f.tenant_a, f.tenant_b, "config.entries.write", entry_of(f.tenant_b)))
	not f.allowed(f.member(f.tenant_a, ["tenant-admin"], "config.entries.write", entry_of("")))
	not f.allowed(f.person(["tenant-admin"], f.tenant_a, "platform", "config.entries.write", entry_of("")))
}

test_tenant_admin_reads_own_secrets_never_platform_secrets if {
	f.allowed(f.member(f.tenant_a, ["tenant-admin"], "config.secrets.read", secret_of(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-admin"], "config.secrets.read", secret_of("")))
	not f.allowed(f.person(["tenant-admin"], f.tenant_a, "platform", "config.secrets.read", secret_of("")))
}

test_tenant_viewer_reads_without_secrets if {
	f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "config.entries.read", entry_of(f.tenant_a)))
	f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "config.schemas.read", schema_of(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "config.secrets.read", secret_of(f.tenant_a)))
	not f.allowed(f.member(f.tenant_a, ["tenant-viewer"], "config.entries.write", entry_of(f.tenant_a)))
}

# Platform roles.

test_operator_writes_platform_config_and_schemas if {
	f.allowed(f.staff(["platform-operator"], "config.entries.write", entry_of("")))
	f.allowed(f.staff(["platform-operator"], "config.schemas.write", schema_of("")))
	not f.allowed(f.staff(["platform-operator"], "config.secrets.read", secret_of("")))
	not f.allowed(f.person(["platform-operator"], f.tenant_a, "platform", "config.entries.write", entry_of("")))
}

test_only_platform_admin_compacts if {
	f.allowed(f.staff(["platform-admin"], "config.revisions.compact", revisions))
	not f.allowed(f.staff(["platform-operator"], "config.revisions.compact", revisions))
	not f.allowed(f.person(["platform-admin"], f.tenant_a, "platform", "config.revisions.compact", revisions))
}
