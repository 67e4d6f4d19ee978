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
redis_cli() {
  REDISCLI_AUTH="$(redis_password fleet-admin)" redis-cli -h 127.0.0.1 -p "$FLEET_REDIS_PORT" \
    --tls --cacert "$(tls_ca_cert)" --user fleet-admin "$@"
}

redis_acl_file() { printf '%s\n' "$FLEET_HOME/redis/users.acl"; }

# Renders the ACL file from its template: comment and blank lines dropped (an ACL file
# holds only `user` lines), each %SHA256(<user>)% replaced by the SHA-256 of the user's
# password, so the file holds no password in clear. Written to a temporary file and
# moved, so Redis never loads half a file.
redis_render_acl() {
  local template="$FLEET_RESOURCES/redis/users.acl.template" file user hash content
  file="$(redis_acl_file)"
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
      redis_render_acl
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
  redis_render_acl
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
  # shellcheck disable=SC2094
  redis-server "$FLEET_RESOURCES/redis/redis.conf" \
    --bind 127.0.0.1 --port 0 --tls-port "$FLEET_REDIS_PORT" --protected-mode yes \
    --tls-cert-file "$(tls_server_cert redis)" --tls-key-file "$(tls_server_key redis)" \
    --tls-ca-cert-file "$(tls_ca_cert)" \
    --daemonize yes --pidfile "$(redis_pid_file)" --dir "$FLEET_HOME/redis" \
    --logfile "$(redis_log)" --aclfile "$(redis_acl_file)" \
    </dev/null >>"$(redis_log)" 2>&1 || {
    show_log_tail "$(redis_log)"
    die "redis: redis-server failed to start"
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
