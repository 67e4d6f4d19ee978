# Who may use OPA's own REST API. OPA runs with --authentication=token and
# --authorization=basic, and asks data.system.authz.allow before it serves any request.
#
# The API is closed but for three requests:
#   GET  /health                            without a token: liveness and readiness probes
#   POST /v1/data/aicunet/authz/decision    with the bearer token: the services' decision
#                                           queries (aicunet/authz/authz.rego)
#   POST /v1/data/aicunet/limits/decision   with the bearer token: which buckets of the
#                                           request rate limit count a call
#                                           (aicunet/limits/limits.rego)
# Everything else is refused, with or without the token: PUT and DELETE of policies (they
# load from files only, so nobody can replace one with "allow everything"), writes to
# data, reads of policies, data, config or status, other documents, ad-hoc queries.
#
# The token is the environment variable AICUNET_OPA_TOKEN of the OPA process: the local
# stack sets it from FLEET_OPA_TOKEN (development value `fleet-dev-opa-token`), a
# deployment from a Secret. When it is unset or empty, no decision query is allowed.
# The services send it as `Authorization: Bearer <token>` (aicunet.policy.bearer-token).
package system.authz

default allow := false

allow if {
	input.method == "GET"
	input.path == ["health"]
}

allow if {
	input.method == "POST"
	input.path in decision_paths
	bearer_token_valid
}

# The decision documents the services query: authorization (aicunet/authz) and which
# buckets of the request rate limit count a call (aicunet/limits).
decision_paths := {
	["v1", "data", "aicunet", "authz", "decision"],
	["v1", "data", "aicunet", "limits", "decision"],
}

# input.identity is the request's bearer token (--authentication=token); it is absent
# when the request carries none.
bearer_token_valid if {
	token := object.get(opa.runtime().env, "AICUNET_OPA_TOKEN", "")
	token != ""
	input.identity == token
}
