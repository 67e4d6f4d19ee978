# shellcheck shell=bash
# Redis of the local stack: one instance on 127.0.0.1:$FLEET_REDIS_PORT, TLS only (the
# certificate of tls.sh's local CA; docs/tls.md, "Redis"), that keeps its
# data in $FLEET_HOME/redis (AOF and RDB snapshots, settings in
# src/main/resources/redis/redis.conf) and whose users are the ACL file rendered from
# src/main/resources/redis/users.acl.template (one user per service, fleet-admin for
# these scripts, the default user off: docs/redis.md, "ACL users"). Sourced by ./fleet;
# needs common.sh.

# The users of the local stack's Redis, each with its development password
# fleet-dev-redis-<user> (a development value: local stack and tests only; production
# takes each service's password from its Secret).
REDIS_USERS=(fleet-admin agent-state config tenant ledger audit)
redis_password() { printf 'fleet-dev-redis-%s' "$1"; }

# redis_cli <args>: redis-cli as fleet-admin, over TLS with the local CA (redis-cli checks
# the chain, not the name). The password goes through the environment (REDISCLI_AUTH),
# never the command line, where ps would show it.
redis_cli() { redis_cli_at "$FLEET_REDIS_PORT" "$@"; }

# redis_cli_at <port> <args>: the same against any Redis of the stack (a cluster node).
redis_cli_at() {
  local port="$1"
  shift
  REDISCLI_AUTH="$(redis_password fleet-admin)" redis-cli -h 127.0.0.1 -p "$port" \
    --tls --cacert "$(tls_ca_cert)" --user fleet-admin "$@"
}

redis_acl_file() { printf '%s\n' "$FLEET_HOME/redis/users.acl"; }

# Renders the ACL file from its template: comment and blank lines dropped (an ACL file
# holds only `user` lines), each %SHA256(<user>)% replaced by the SHA-256 of the user's
# password, so the file holds no password in clear. Written to a temporary file and
# moved, so Redis never loads half a file. [file]: where (the single Redis's by default;
# the cluster's nodes share one of their own).
redis_render_acl() {
  local template="$FLEET_RESOURCES/redis/users.acl.template" file="${1:-$(redis_acl_file)}" user hash content
  mkdir -p "$(dirname -- "$file")"
  content="$(grep -v -e '^#' -e '^[[:space:]]*$' -- "$template")" || die "redis: cannot read $template"
  for user in "${REDIS_USERS[@]}"; do
    hash="$(redis_password "$user" | sha256sum | cut -d' ' -f1)"
    content="${content//"%SHA256($user)%"/$hash}"
  done
  [[ $content != *%SHA256\(* ]] || die "redis: $template names a user without a password: ${content#*%SHA256(}"
  (umask 077 && printf '%s\n' "$content" >"$file.tmp") && mv -f -- "$file.tmp" "$file"
}

redis_pid_file() { printf '%s\n' "$FLEET_RUN/redis.pid"; }
redis_log() { printf '%s\n' "$FLEET_LOGS/redis.log"; }
redis_pid() { live_pid "$(redis_pid_file)" redis-server; }

redis_start() {
  local pid
  tls_server_ensure redis
  if pid="$(redis_pid)"; then
    if [[ $TLS_SERVER_ISSUED == no ]] && redis_tls_enabled && redis_acl_enabled; then
      # Running with TLS and the ACL file: load it again, so a changed template takes effect.
      redis_render_acl "$(redis_acl_file)"
      [[ "$(redis_cli acl load 2>&1)" == OK ]] || die "redis: ACL LOAD of $(redis_acl_file) failed (redis-cli --user fleet-admin acl load)"
      info "redis: already running (pid $pid), ACL users loaded again"
      return 0
    fi
    # Started before the stack had TLS or ACL users, or its certificate was just issued
    # again. Redis cannot switch its port from plaintext to TLS, nor to an ACL file
    # (ACL LOAD needs the aclfile setting of its start), while it runs: restart it; its
    # data survives in the AOF.
    info "redis: running without TLS, ACL users or its current certificate (pid $pid): restarting it"
    redis_stop
  fi
  command -v redis-server >/dev/null 2>&1 || die "redis: redis-server not found (apt-get install redis-server)"
  require_free_port redis "$FLEET_REDIS_PORT" FLEET_REDIS_PORT
  mkdir -p "$FLEET_HOME/redis"
  rm -f -- "$(redis_pid_file)"
  redis_render_acl "$(redis_acl_file)"
  info "redis: starting on 127.0.0.1:$FLEET_REDIS_PORT (TLS only)"
  # Redis daemonizes itself and writes its pid file. Persistence as in production
  # (docs/redis-durability.md): agent-state's task streams, leases and heartbeats live
  # only in Redis, so a restart must not lose them. The persistence settings are the
  # shared redis.conf, which agent-state's crash test starts its own Redis with too;
  # address, port, certificate and directories come after it on the command line.
  # TLS only: no plaintext port (port 0), the TLS port is the one the stack always had,
  # so no client's address changes. The TLS settings (versions, no client certificates)
  # are in redis.conf.
  # Errors before daemonizing go to stdout, hence into the same log.
  redis_server_launch "$FLEET_RESOURCES/redis/redis.conf" "$FLEET_REDIS_PORT" "$FLEET_HOME/redis" \
    "$(redis_pid_file)" "$(redis_log)" "$(redis_acl_file)" redis redis
}

# redis_server_launch <conf> <tls-port> <dir> <pid-file> <log> <acl-file> <what> <certificate>
# [ARGS...]: redis-server with the stack's TLS (tls.sh's <certificate>), address and file
# settings after <conf> on its command line (ARGS after those), daemonized; dies with the
# log's tail when it fails.
redis_server_launch() {
  local conf="$1" port="$2" dir="$3" pid_file="$4" log="$5" acl="$6" what="$7" certificate="$8"
  shift 8
  # shellcheck disable=SC2094
  redis-server "$conf" \
    --bind 127.0.0.1 --port 0 --tls-port "$port" --protected-mode yes \
    --tls-cert-file "$(tls_server_cert "$certificate")" --tls-key-file "$(tls_server_key "$certificate")" \
    --tls-ca-cert-file "$(tls_ca_cert)" \
    --daemonize yes --pidfile "$pid_file" --dir "$dir" \
    --logfile "$log" --aclfile "$acl" "$@" \
    </dev/null >>"$log" 2>&1 || {
    show_log_tail "$log"
    die "$what: redis-server failed to start"
  }
}

redis_ready() { [[ "$(redis_cli ping 2>/dev/null)" == PONG ]]; }

# Whether the running Redis has the ACL users: the default user is off, so an
# unauthenticated PING is refused (NOAUTH) where a Redis without ACLs answers PONG.
redis_acl_enabled() {
  [[ "$(timeout 5 redis-cli -h 127.0.0.1 -p "$FLEET_REDIS_PORT" --tls --cacert "$(tls_ca_cert)" ping 2>&1)" != PONG ]]
}

# Whether the running Redis speaks TLS on its port with the current CA's certificate:
# fleet-admin's PING over TLS answers. A Redis of before TLS (plaintext on that port)
# takes the ClientHello for the start of a command and waits for its end, and redis-cli
# waits for an answer without a time limit: hence the timeout.
redis_tls_enabled() {
  [[ "$(REDISCLI_AUTH="$(redis_password fleet-admin)" timeout 5 redis-cli -h 127.0.0.1 -p "$FLEET_REDIS_PORT" \
    --tls --cacert "$(tls_ca_cert)" --user fleet-admin ping 2>/dev/null)" == PONG ]]
}

redis_wait() {
  wait_for 30 "" "$(redis_log)" redis redis_ready || die "redis: not answering PING on 127.0.0.1:$FLEET_REDIS_PORT"
}

redis_stop() {
  local pid
  pid="$(redis_pid)" || return 0
  info "redis: stopping (pid $pid)"
  stop_pid redis "$pid" 30
  rm -f -- "$(redis_pid_file)"
}

redis_status() { status_line redis "$(redis_pid || true)" "rediss://127.0.0.1:$FLEET_REDIS_PORT (TLS only, CA $(tls_ca_cert))"; }
