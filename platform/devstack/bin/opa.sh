# shellcheck shell=bash
# OPA of the local stack: a policy server on https://127.0.0.1:$FLEET_OPA_PORT (TLS
# only, a certificate from the local CA, tls.sh) serving the project's Rego policies
# (platform/policy/src/main/rego), reloaded when they change. Its REST API is closed:
# the system policy (rego/system/authz.rego) lets through only GET /health and
# decision queries that carry the bearer token $FLEET_OPA_TOKEN.
# Sourced by ./fleet; needs common.sh and tls.sh.

# Pinned: the same OPA in every developer's stack and in CI.
FLEET_OPA_VERSION="v1.22.2"

opa_pid_file() { printf '%s\n' "$FLEET_RUN/opa.pid"; }
opa_log() { printf '%s\n' "$FLEET_LOGS/opa.log"; }
opa_policy_dir() { printf '%s\n' "$FLEET_ROOT/platform/policy/src/main/rego"; }
opa_pid() { live_pid "$(opa_pid_file)" "opa run"; }
opa_url() { printf 'https://127.0.0.1:%s\n' "$FLEET_OPA_PORT"; }

# OPA from PATH, else where `go install` puts it (often not on PATH).
opa_bin() {
  local bin go gopath
  if bin="$(command -v opa 2>/dev/null)"; then
    printf '%s\n' "$bin"
    return 0
  fi
  if go="$(tools_go_find)"; then
    gopath="$("$go" env GOPATH)"
    bin="${gopath%%:*}/bin/opa"
    [[ -x $bin ]] && { printf '%s\n' "$bin"; return 0; }
  fi
  return 1
}

# Builds OPA from source with the Go toolchain (Go modules come from the module
# proxy; there is no other way to download a binary here).
opa_ensure() {
  opa_bin >/dev/null && return 0
  local go log="$FLEET_LOGS/opa-install.log"
  go="$(tools_go)" ||
    die "opa: not found, and no Go toolchain to build it (install Go, then: go install github.com/open-policy-agent/opa@$FLEET_OPA_VERSION)"
  info "opa: building $FLEET_OPA_VERSION with go install (a few minutes, once; log in $log)"
  if ! "$go" install "github.com/open-policy-agent/opa@$FLEET_OPA_VERSION" >"$log" 2>&1; then
    show_log_tail "$log"
    die "opa: go install failed"
  fi
  opa_bin >/dev/null || die "opa: go install succeeded but no opa binary found in \$($go env GOPATH)/bin"
}

opa_start() {
  local pid bin dir
  if pid="$(opa_pid)"; then
    if ! answers_plaintext "http://127.0.0.1:$FLEET_OPA_PORT/health"; then
      info "opa: already running (pid $pid)"
      return 0
    fi
    info "opa: running without TLS (pid $pid); restarting it"
    opa_stop
  fi
  require_free_port opa "$FLEET_OPA_PORT" FLEET_OPA_PORT
  opa_ensure
  bin="$(opa_bin)"
  dir="$(opa_policy_dir)"
  # The policy module may have no Rego yet; OPA still needs the directory to watch.
  mkdir -p "$dir"
  [[ -f $dir/system/authz.rego ]] ||
    die "opa: ${dir#"$FLEET_ROOT"/}/system/authz.rego is missing (it closes OPA's API)"
  [[ -n $FLEET_OPA_TOKEN ]] || die "opa: FLEET_OPA_TOKEN is empty"
  tls_server_ensure opa
  info "opa: starting on $(opa_url) (policies from ${dir#"$FLEET_ROOT"/}, reloaded on change)"
  # Policy tests are for `opa test` only; the server serves the policies themselves.
  # Every API request passes data.system.authz.allow (--authorization=basic), which
  # compares the request's bearer token (--authentication=token) with the environment
  # variable AICUNET_OPA_TOKEN; the token never appears on the command line.
  # HTTPS only (TLS 1.2 and newer); the certificate files are read again every hour, so
  # a renewed certificate is presented without a restart.
  spawn "$(opa_pid_file)" "$(opa_log)" \
    env AICUNET_OPA_TOKEN="$FLEET_OPA_TOKEN" \
    "$bin" run --server --addr "127.0.0.1:$FLEET_OPA_PORT" --log-level error \
    --tls-cert-file "$(tls_server_cert opa)" --tls-private-key-file "$(tls_server_key opa)" \
    --tls-cert-refresh-period 1h --min-tls-version 1.2 \
    --authentication=token --authorization=basic \
    --watch --ignore '*_test.rego' "$dir"
}

opa_ready() { curl -fsS -o /dev/null --max-time 2 --cacert "$(tls_ca_cert)" "$(opa_url)/health"; }

opa_wait() {
  wait_for 30 "$(opa_pid || true)" "$(opa_log)" opa opa_ready ||
    die "opa: /health not OK on $(opa_url)"
}

opa_stop() {
  local pid
  pid="$(opa_pid)" || return 0
  info "opa: stopping (pid $pid)"
  stop_pid opa "$pid" 15
  rm -f -- "$(opa_pid_file)"
}

opa_status() { status_line opa "$(opa_pid || true)" "$(opa_url)"; }

# `opa test` over the project's policies, when there are policy tests at all.
opa_test() {
  local dir
  dir="$(opa_policy_dir)"
  if [[ ! -d $dir ]] || [[ -z "$(find "$dir" -name '*_test.rego' -print -quit)" ]]; then
    info "opa: no *_test.rego under ${dir#"$FLEET_ROOT"/}; skipping opa test"
    return 0
  fi
  info "opa: opa test -v ${dir#"$FLEET_ROOT"/}"
  "$(opa_bin)" test -v "$dir"
}
