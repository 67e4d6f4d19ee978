# shellcheck shell=bash
# Redis of the local stack: one instance on 127.0.0.1:$FLEET_REDIS_PORT that keeps its
# data in $FLEET_HOME/redis (AOF and RDB snapshots, settings in
# src/main/resources/redis/redis.conf). Sourced by ./fleet; needs common.sh.

redis_pid_file() { printf '%s\n' "$FLEET_RUN/redis.pid"; }
redis_log() { printf '%s\n' "$FLEET_LOGS/redis.log"; }
redis_pid() { live_pid "$(redis_pid_file)" redis-server; }

redis_start() {
  local pid
  if pid="$(redis_pid)"; then
    info "redis: already running (pid $pid)"
    return 0
  fi
  command -v redis-server >/dev/null 2>&1 || die "redis: redis-server not found (apt-get install redis-server)"
  require_free_port redis "$FLEET_REDIS_PORT" FLEET_REDIS_PORT
  mkdir -p "$FLEET_HOME/redis"
  rm -f -- "$(redis_pid_file)"
  info "redis: starting on 127.0.0.1:$FLEET_REDIS_PORT"
  # Redis daemonizes itself and writes its pid file. Persistence as in production
  # (docs/redis-durability.md): agent-state's task streams, leases and heartbeats live
  # only in Redis, so a restart must not lose them. The persistence settings are the
  # shared redis.conf, which agent-state's crash test starts its own Redis with too;
  # address, port and directories come after it on the command line.
  # Errors before daemonizing go to stdout, hence into the same log.
  # shellcheck disable=SC2094
  redis-server "$FLEET_RESOURCES/redis/redis.conf" \
    --bind 127.0.0.1 --port "$FLEET_REDIS_PORT" --protected-mode yes \
    --daemonize yes --pidfile "$(redis_pid_file)" --dir "$FLEET_HOME/redis" \
    --logfile "$(redis_log)" \
    </dev/null >>"$(redis_log)" 2>&1 || {
    show_log_tail "$(redis_log)"
    die "redis: redis-server failed to start"
  }
}

redis_ready() { [[ "$(redis-cli -h 127.0.0.1 -p "$FLEET_REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

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

redis_status() { status_line redis "$(redis_pid || true)" "redis://127.0.0.1:$FLEET_REDIS_PORT"; }
