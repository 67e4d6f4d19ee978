# shellcheck shell=bash
# PostgreSQL of the local stack: one cluster in $FLEET_HOME/postgres, listening on
# 127.0.0.1:$FLEET_PG_PORT only, with one database and two roles per service.
# Sourced by ./fleet; needs common.sh.

pg_data() { printf '%s\n' "$FLEET_HOME/postgres"; }
pg_log() { printf '%s\n' "$FLEET_LOGS/postgres.log"; }

# The server binaries are not on PATH on Debian; FLEET_PG_BIN overrides the search.
pg_bindir() {
  if [[ -n ${FLEET_PG_BIN:-} ]]; then
    printf '%s\n' "$FLEET_PG_BIN"
    return 0
  fi
  local dir
  while read -r dir; do
    [[ -x $dir/initdb ]] && { printf '%s\n' "$dir"; return 0; }
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
  if command -v initdb >/dev/null 2>&1; then
    dirname -- "$(command -v initdb)"
    return 0
  fi
  return 1
}

# Postgres refuses to run as root: as root, the cluster belongs to the postgres user.
as_pg_owner() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_chown() {
  if ((EUID == 0)); then chown postgres:postgres "$@"; fi
}

pg_pid() { live_pid "$(pg_data)/postmaster.pid" postgres; }

# The superuser connects over TCP with its password, like every client of the stack.
pg_psql() {
  PGPASSWORD="$FLEET_PG_SUPERUSER_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$FLEET_PG_PORT" -U postgres "$@"
}

pg_init() {
  local data bin pwfile
  data="$(pg_data)"
  [[ -f $data/PG_VERSION ]] && return 0
  bin="$(pg_bindir)" || die "postgres: server binaries not found (apt-get install postgresql, or set FLEET_PG_BIN)"
  if ((EUID == 0)) && ! id postgres >/dev/null 2>&1; then
    die "postgres: running as root needs the 'postgres' OS user (apt-get install postgresql creates it)"
  fi
  info "postgres: initdb in $data"
  mkdir -p "$data"
  chmod 700 "$data"
  pg_chown "$data" "$FLEET_RUN"
  if ((EUID == 0)) && ! runuser -u postgres -- test -w "$data" -a -w "$FLEET_RUN"; then
    die "postgres: the postgres OS user cannot reach $FLEET_HOME (a parent directory is not searchable by others); set FLEET_HOME to a path it can reach, e.g. /var/tmp/fleet"
  fi
  # The password goes through a file only the cluster owner can read (not the
  # command line, which every user sees in ps). It cannot live in the data dir,
  # which initdb wants empty.
  pwfile="$FLEET_RUN/initdb.pw"
  (umask 077 && printf '%s\n' "$FLEET_PG_SUPERUSER_PASSWORD" >"$pwfile")
  pg_chown "$pwfile"
  if ! as_pg_owner "$bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
    >"$FLEET_LOGS/postgres-initdb.log" 2>&1; then
    rm -f -- "$pwfile"
    show_log_tail "$FLEET_LOGS/postgres-initdb.log"
    die "postgres: initdb failed"
  fi
  rm -f -- "$pwfile"
  # Passwords for every connection, and TCP only from loopback (the server listens
  # on 127.0.0.1 alone anyway).
  cat >"$data/pg_hba.conf" <<'EOF'
# Written by ./fleet (platform/devstack/bin/postgres.sh).
# TYPE  DATABASE     USER  ADDRESS        METHOD
local   all          all                  scram-sha-256
host    all          all   127.0.0.1/32   scram-sha-256
host    replication  all   127.0.0.1/32   scram-sha-256
EOF
  # Settings that depend on the environment (port, paths) live in fleet.conf,
  # rewritten at every start; postgresql.conf keeps initdb's defaults.
  printf "\n# Local stack settings, rewritten by ./fleet at every start.\ninclude_if_exists = 'fleet.conf'\n" >>"$data/postgresql.conf"
  pg_chown "$data/pg_hba.conf"
}

pg_write_conf() {
  local data
  data="$(pg_data)"
  cat >"$data/fleet.conf" <<EOF
# Written by ./fleet at every start (platform/devstack/bin/postgres.sh): edits here are lost.
listen_addresses = '127.0.0.1'
port = $FLEET_PG_PORT
unix_socket_directories = '$FLEET_RUN'
# Five services, each with a connection pool, plus tests that open their own.
max_connections = 300
# Dev data, but durable like production: tests should see real commit behaviour.
fsync = on
password_encryption = 'scram-sha-256'
timezone = 'UTC'
log_timezone = 'UTC'
EOF
  pg_chown "$data/fleet.conf"
}

pg_start() {
  local pid log bin
  if pid="$(pg_pid)"; then
    info "postgres: already running (pid $pid)"
    return 0
  fi
  require_free_port postgres "$FLEET_PG_PORT" FLEET_PG_PORT
  bin="$(pg_bindir)" || die "postgres: server binaries not found (apt-get install postgresql, or set FLEET_PG_BIN)"
  pg_init
  pg_write_conf
  log="$(pg_log)"
  touch "$log"
  pg_chown "$log" "$FLEET_RUN"
  info "postgres: starting on 127.0.0.1:$FLEET_PG_PORT"
  # pg_ctl detaches the server itself (own session, output to the log); -w waits
  # until it accepts connections, at most -t seconds.
  if ! as_pg_owner "$bin/pg_ctl" -D "$(pg_data)" -l "$log" -w -t 60 start >/dev/null; then
    show_log_tail "$log"
    die "postgres: did not start"
  fi
}

pg_ready() { pg_psql -d postgres -c 'SELECT 1' >/dev/null; }

pg_wait() {
  wait_for 60 "$(pg_pid || true)" "$(pg_log)" postgres pg_ready ||
    die "postgres: not accepting connections as superuser on 127.0.0.1:$FLEET_PG_PORT (if FLEET_PG_SUPERUSER_PASSWORD changed since initdb: ./fleet down && rm -rf '$(pg_data)')"
}

# One database and its roles per service of services.conf, with the project's own
# idempotent script; runs at every `up`, so a service added to services.conf gets
# its database on the next `up`.
pg_create_service_databases() {
  local sql="$FLEET_RESOURCES/postgres/create-service-database.sql" log="$FLEET_LOGS/postgres-setup.log"
  local service prefix
  [[ -f $sql ]] || die "postgres: $sql is missing"
  : >"$log"
  while read -r service _; do
    prefix="${service//-/_}"
    if ! pg_psql -d postgres -v role_prefix="$prefix" -v database="$prefix" \
      -v owner_password="${prefix}_owner_dev" -v app_password="${prefix}_app_dev" \
      -f "$sql" >>"$log" 2>&1; then
      show_log_tail "$log"
      die "postgres: creating the database of service '$service' failed"
    fi
    # A service's own superuser steps (e.g. the ledger's reporting role), idempotent too.
    local bootstrap
    for bootstrap in "$FLEET_ROOT/services/$service/src/main/resources/db/bootstrap/"*.sql; do
      [[ -f $bootstrap ]] || continue
      if ! pg_psql -d postgres -v reporting_password="${prefix}_reporting_dev" -f "$bootstrap" >>"$log" 2>&1; then
        show_log_tail "$log"
        die "postgres: $bootstrap failed"
      fi
    done
  done < <(services_list)
}

pg_stop() {
  local pid bin
  pid="$(pg_pid)" || return 0
  bin="$(pg_bindir)" || die "postgres: server binaries not found (set FLEET_PG_BIN)"
  info "postgres: stopping (pid $pid)"
  # fast: roll back open transactions and disconnect clients instead of waiting for them.
  as_pg_owner "$bin/pg_ctl" -D "$(pg_data)" -m fast -w -t 60 stop >/dev/null ||
    die "postgres: pg_ctl stop failed (see $(pg_log))"
}

pg_status() { status_line postgres "$(pg_pid || true)" "127.0.0.1:$FLEET_PG_PORT"; }
