# Which requests OPA's REST API serves: the two that are allowed, and the refusal next
# to each (no token, wrong token, the right token for anything else).
package system.authz_test

import data.system.authz

runtime := {"env": {"AICUNET_OPA_TOKEN": "test-token"}}

decision_path := ["v1", "data", "aicunet", "authz", "decision"]

limits_path := ["v1", "data", "aicunet", "limits", "decision"]

allowed(request) if {
	authz.allow with input as request with opa.runtime as runtime
}

refused(request) if {
	not authz.allow with input as request with opa.runtime as runtime
}

with_token(request) := object.union(request, {"identity": "test-token"})

# Health

test_health_without_token_allowed if {
	allowed({"method": "GET", "path": ["health"]})
}

test_health_with_token_allowed if {
	allowed(with_token({"method": "GET", "path": ["health"]}))
}

test_health_other_method_refused if {
	refused({"method": "POST", "path": ["health"]})
}

# Decision queries

test_decision_with_token_allowed if {
	allowed(with_token({"method": "POST", "path": decision_path}))
}

test_decision_without_token_refused if {
	refused({"method": "POST", "path": decision_path})
}

test_decision_with_wrong_token_refused if {
	refused({"method": "POST", "path": decision_path, "identity": "guessed-token"})
}

test_decision_with_empty_token_refused if {
	refused({"method": "POST", "path": decision_path, "identity": ""})
}

test_decision_refused_when_no_token_is_configured if {
	request := {"method": "POST", "path": decision_path, "identity": ""}
	not authz.allow with input as request with opa.runtime as {"env": {}}
	not authz.allow with input as request with opa.runtime as {"env": {"AICUNET_OPA_TOKEN": ""}}
}

test_limits_decision_with_token_allowed if {
	allowed(with_token({"method": "POST", "path": limits_path}))
}

test_limits_decision_without_or_with_a_wrong_token_refused if {
	refused({"method": "POST", "path": limits_path})
	refused({"method": "POST", "path": limits_path, "identity": "guessed-token"})
	refused(with_token({"method": "GET", "path": limits_path}))
	refused(with_token({"method": "PUT", "path": limits_path}))
}

test_decision_read_with_get_refused if {
	refused(with_token({"method": "GET", "path": decision_path}))
}

test_other_documents_with_token_refused if {
	refused(with_token({"method": "POST", "path": ["v1", "data", "aicunet", "authz"]}))
	refused(with_token({"method": "POST", "path": ["v1", "data"]}))
	refused(with_token({"method": "POST", "path": ["v1", "data", "system", "authz", "allow"]}))
	refused(with_token({"method": "POST", "path": ["v1", "data", "aicunet", "authz", "decision", "allow"]}))
	refused(with_token({"method": "POST", "path": ["v1", "data", "aicunet", "limits"]}))
	refused(with_token({"method": "POST", "path": ["v1", "data", "aicunet", "limits", "principal_shares"]}))
}

# Policies: files only

test_policy_put_with_token_refused if {
	refused(with_token({"method": "PUT", "path": ["v1", "policies", "x"]}))
}

test_policy_put_without_token_refused if {
	refused({"method": "PUT", "path": ["v1", "policies", "x"]})
}

test_policy_delete_with_token_refused if {
	refused(with_token({"method": "DELETE", "path": ["v1", "policies", "x"]}))
}

test_policy_list_refused if {
	refused({"method": "GET", "path": ["v1", "policies"]})
	refused(with_token({"method": "GET", "path": ["v1", "policies"]}))
	refused(with_token({"method": "GET", "path": ["v1", "policies", "x"]}))
}

# Data: no writes, no reads

test_data_writes_with_token_refused if {
	refused(with_token({"method": "PUT", "path": decision_path}))
	refused(with_token({"method": "PATCH", "path": ["v1", "data", "aicunet"]}))
	refused(with_token({"method": "DELETE", "path": ["v1", "data", "aicunet"]}))
	refused(with_token({"method": "PUT", "path": ["v1", "data", "system", "authz"]}))
}

test_data_reads_refused if {
	refused({"method": "GET", "path": ["v1", "data"]})
	refused(with_token({"method": "GET", "path": ["v1", "data"]}))
}

# The rest of the API

test_queries_config_status_metrics_refused if {
	refused(with_token({"method": "POST", "path": ["v1", "query"]}))
	refused(with_token({"method": "GET", "path": ["v1", "query"]}))
	refused(with_token({"method": "POST", "path": ["v1", "compile"]}))
	refused(with_token({"method": "POST", "path": [""]}))
	refused(with_token({"method": "GET", "path": ["v1", "config"]}))
	refused(with_token({"method": "GET", "path": ["v1", "status"]}))
	refused(with_token({"method": "GET", "path": ["metrics"]}))
}
