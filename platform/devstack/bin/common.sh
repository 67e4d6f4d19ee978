# shellcheck shell=bash
# Shared helpers of the local stack: configuration, messages, pid files, bounded waits.
# Sourced by ./fleet and the helpers beside this file; defines functions only.

# Configuration comes from the environment, with defaults that stay clear of the
# standard ports so the stack can run beside a system Postgres/Redis/Kafka.
fleet_config() {
  : "${FLEET_ROOT:?FLEET_ROOT must be set by the caller}"
  # Which ports the caller chose explicitly (`fleet test` moves only the others).
  local var
  FLEET_PORTS_FROM_ENV=" "
  for var in FLEET_PG_PORT FLEET_REDIS_PORT FLEET_KAFKA_PORT FLEET_KAFKA_CONTROLLER_PORT FLEET_OPA_PORT \
    FLEET_KEYCLOAK_PORT FLEET_KEYCLOAK_MANAGEMENT_PORT FLEET_OBJECT_STORE_PORT; do
    [[ -n ${!var+set} ]] && FLEET_PORTS_FROM_ENV+="$var "
  done
  FLEET_HOME="${FLEET_HOME:-$FLEET_ROOT/.fleet}"
  # Absolute, because services and daemons run from other working directories.
  FLEET_HOME="$(realpath -m -- "$FLEET_HOME")"
  export FLEET_HOME
  export FLEET_PG_PORT="${FLEET_PG_PORT:-15432}"
  export FLEET_REDIS_PORT="${FLEET_REDIS_PORT:-16379}"
  export FLEET_KAFKA_PORT="${FLEET_KAFKA_PORT:-19092}"
  export FLEET_KAFKA_CONTROLLER_PORT="${FLEET_KAFKA_CONTROLLER_PORT:-19093}"
  export FLEET_OPA_PORT="${FLEET_OPA_PORT:-18181}"
  export FLEET_KEYCLOAK_PORT="${FLEET_KEYCLOAK_PORT:-18180}"
  export FLEET_KEYCLOAK_MANAGEMENT_PORT="${FLEET_KEYCLOAK_MANAGEMENT_PORT:-18190}"
  # The HA stack (./fleet up --ha; docs/failover.md): the first of six Redis Cluster
  # ports, the Postgres primary and standby, the three Kafka brokers and controllers.
  export FLEET_REDIS_CLUSTER_PORT="${FLEET_REDIS_CLUSTER_PORT:-17001}"
  export FLEET_REDIS_CLUSTER_NODE_TIMEOUT="${FLEET_REDIS_CLUSTER_NODE_TIMEOUT:-2000}"
  export FLEET_PG_HA_PORT="${FLEET_PG_HA_PORT:-15532}"
  export FLEET_PG_STANDBY_PORT="${FLEET_PG_STANDBY_PORT:-15533}"
  export FLEET_PG_HA_SYNC="${FLEET_PG_HA_SYNC:-on}"
  export FLEET_KAFKA_CLUSTER_PORT="${FLEET_KAFKA_CLUSTER_PORT:-19192,19292,19392}"
  export FLEET_KAFKA_CLUSTER_CONTROLLER_PORT="${FLEET_KAFKA_CLUSTER_CONTROLLER_PORT:-19193,19293,19393}"
  # The S3-compatible object store (HTTPS), where pgBackRest keeps the backups.
  export FLEET_OBJECT_STORE_PORT="${FLEET_OBJECT_STORE_PORT:-19000}"
  # The bearer token OPA's API asks for (a development value: local stack only).
  export FLEET_OPA_TOKEN="${FLEET_OPA_TOKEN:-fleet-dev-opa-token}"
  export FLEET_PG_SUPERUSER_PASSWORD="${FLEET_PG_SUPERUSER_PASSWORD:-fleet-dev}"
  # Every libpq client the stack runs (psql in these scripts, pgbench) verifies Postgres's
  # certificate against the local CA (tls.sh) and its name: the server takes TCP only
  # inside TLS (postgres.sh). Over the unix socket libpq ignores both.
  export PGSSLMODE=verify-full
  export PGSSLROOTCERT="$FLEET_HOME/tls/ca.crt"
  # Kafka's SCRAM passwords of the broker itself and of the administrator, fleet-admin
  # (development values; the services' are fleet-dev-kafka-<service>).
  export FLEET_KAFKA_BROKER_PASSWORD="${FLEET_KAFKA_BROKER_PASSWORD:-fleet-dev-kafka-broker}"
  export FLEET_KAFKA_ADMIN_PASSWORD="${FLEET_KAFKA_ADMIN_PASSWORD:-fleet-dev-kafka-admin}"

  # Used by the other helpers, which source this file.
  # shellcheck disable=SC2034
  FLEET_DEVSTACK="$FLEET_ROOT/platform/devstack"
  # shellcheck disable=SC2034
  FLEET_RESOURCES="$FLEET_DEVSTACK/src/main/resources"
  # shellcheck disable=SC2034
  FLEET_SERVICES_CONF="$FLEET_DEVSTACK/services.conf"
  FLEET_RUN="$FLEET_HOME/run"
  FLEET_LOGS="$FLEET_HOME/logs"
}

fleet_dirs() {
  mkdir -p "$FLEET_RUN" "$FLEET_LOGS"
}

info() { printf '%s\n' "$*"; }
warn() { printf 'fleet: warning: %s\n' "$*" >&2; }
die() {
  printf 'fleet: error: %s\n' "$*" >&2
  exit 1
}

# Prints the end of a log file to stderr, so a failed start explains itself.
show_log_tail() {
  local file="$1" lines="${2:-40}"
  if [[ -s $file ]]; then
    printf -- '--- last %s lines of %s ---\n' "$lines" "$file" >&2
    tail -n "$lines" -- "$file" >&2
    printf -- '---\n' >&2
  else
    printf 'fleet: (%s is empty or missing)\n' "$file" >&2
  fi
}

now_ms() { date +%s%3N; }

java_bin() { printf '%s\n' "${JAVA_HOME:+$JAVA_HOME/bin/}java"; }

# True when something accepts TCP connections on 127.0.0.1:<port>. Uses bash's
# /dev/tcp so that no extra tool (nc, ss) is needed.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when <url> (http://) answers in plaintext: a server started before the stack's
# servers spoke TLS, which ./fleet up restarts.
answers_plaintext() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

# Prints the pid stored in <pid-file> when that process is alive and its command
# line contains <marker>; a pid file left by a dead (or recycled) process is ignored,
# so a crash never makes us signal an unrelated process.
live_pid() {
  local pid_file="$1" marker="$2" pid cmdline
  [[ -s $pid_file ]] || return 1
  read -r pid <"$pid_file" || [[ -n $pid ]] || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  [[ $cmdline == *"$marker"* ]] || return 1
  printf '%s\n' "$pid"
}

# Refuses to start <name> when its port is taken by a process we did not start.
require_free_port() {
  local name="$1" port="$2" var="$3"
  if port_open "$port"; then
    die "$name: port 127.0.0.1:$port is already in use by another process (not started by ./fleet); stop it or set $var"
  fi
}

# Starts a command in the background, detached from this terminal (its own session,
# so Ctrl-C in the calling shell does not reach it), with stdin closed and all output
# in <log>, and records its pid. setsid does not fork here (a background child is
# never a process group leader), so $! is the daemon's own pid.
spawn() {
  local pid_file="$1" log="$2"
  shift 2
  setsid "$@" </dev/null >>"$log" 2>&1 &
  printf '%s\n' "$!" >"$pid_file"
}

# wait_for <timeout-s> <pid-or-empty> <log> <what> <command...>
# Polls <command> every 0.5 s until it succeeds. Fails (returns 1, with the log tail)
# when the timeout passes or, if a pid is given, as soon as that process exits.
wait_for() {
  local timeout="$1" pid="$2" log="$3" what="$4"
  shift 4
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      printf 'fleet: error: %s: the process (pid %s) exited before it was ready\n' "$what" "$pid" >&2
      show_log_tail "$log"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      printf 'fleet: error: %s: not ready after %s s\n' "$what" "$timeout" >&2
      show_log_tail "$log"
      return 1
    fi
    sleep 0.5
  done
}

# stop_pid <what> <pid> <timeout-s>: SIGTERM, then waits (bounded) for the process
# to exit; SIGKILL only if it ignores SIGTERM for that long.
stop_pid() {
  local what="$1" pid="$2" timeout="$3"
  kill -TERM "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      warn "$what (pid $pid) did not stop within $timeout s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
}

# One line of `./fleet status`.
status_line() {
  local name="$1" pid="$2" endpoint="$3"
  if [[ -n $pid ]]; then
    printf '%-12s %-8s pid %-8s %s\n' "$name" running "$pid" "$endpoint"
  else
    printf '%-12s %-8s %-12s %s\n' "$name" stopped "-" "$endpoint"
  fi
}
