# shellcheck shell=bash
# PostgreSQL of the local stack: one cluster in $FLEET_HOME/postgres, listening on
# 127.0.0.1:$FLEET_PG_PORT only, with one database and two roles per service, its
# WAL archived by pgBackRest (backup.sh). Sourced by ./fleet; needs common.sh and backup.sh.

pg_data() { printf '%s\n' "$FLEET_HOME/postgres"; }
pg_log() { printf '%s\n' "$FLEET_LOGS/postgres.log"; }

# The server binaries are not on PATH on Debian; FLEET_PG_BIN overrides the search.
# One unpacked into FLEET_TOOLS (tools.sh) comes first: it is there because the
# system's was missing, or lacked pgaudit, or FLEET_PACKAGES=user asked for it.
pg_bindir() {
  if [[ -n ${FLEET_PG_BIN:-} ]]; then
    printf '%s\n' "$FLEET_PG_BIN"
    return 0
  fi
  tools_pg_bindir && return 0
  [[ $FLEET_PACKAGES == user ]] && return 1
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

# The server's major version (15 for /usr/lib/postgresql/15/bin), which names the
# Debian packages built for it (postgresql-15-pgaudit).
pg_major() {
  local bin version
  bin="$(pg_bindir)" || return 1
  version="$("$bin/postgres" --version)" || return 1
  version="${version##* }"
  printf '%s\n' "${version%%.*}"
}

# Where the server loads pgaudit from: its pkglibdir (Debian: /usr/lib/postgresql/NN/lib).
pg_audit_library_path() {
  local bin libdir
  bin="$(pg_bindir)" || return 1
  if [[ -x $bin/pg_config ]]; then
    libdir="$("$bin/pg_config" --pkglibdir)"
  else
    libdir="$(dirname -- "$bin")/lib"
  fi
  printf '%s\n' "$libdir/pgaudit.so"
}

pg_audit_library() {
  local path
  path="$(pg_audit_library_path)" || return 1
  [[ -f $path ]] && printf '%s\n' "$path"
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
pg_psql() { pg_psql_at "$FLEET_PG_PORT" "$@"; }

# pg_psql_at <port> <args>: the same against another cluster of the stack (postgres-ha.sh).
pg_psql_at() {
  local port="$1"
  shift
  PGPASSWORD="$FLEET_PG_SUPERUSER_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$port" -U postgres "$@"
}

# pg_init [data dir] [initdb log]: the stack's cluster by default; the HA pair's
# primary (postgres-ha.sh) in its own directory.
pg_init() {
  local data="${1:-$(pg_data)}" initdb_log="${2:-$FLEET_LOGS/postgres-initdb.log}" bin pwfile
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
    >"$initdb_log" 2>&1; then
    rm -f -- "$pwfile"
    show_log_tail "$initdb_log"
    die "postgres: initdb failed"
  fi
  rm -f -- "$pwfile"
  # Settings that depend on the environment (port, paths) live in fleet.conf,
  # rewritten at every start; postgresql.conf keeps initdb's defaults.
  printf "\n# Local stack settings, rewritten by ./fleet at every start.\ninclude_if_exists = 'fleet.conf'\n" >>"$data/postgresql.conf"
}

# pg_write_access <data dir>: who may connect how (pg_hba.conf) and the server's TLS
# certificate, written at every start like fleet.conf, so an existing cluster (and a
# restored copy of one) gets them too. Passwords for every connection; TCP only from
# loopback (the server listens on 127.0.0.1 alone anyway) and only inside TLS: a
# plaintext TCP connection is rejected before authentication. The unix socket (the
# stack's own pgBackRest) needs no TLS: it never leaves the machine and only its
# directory's owner reaches it.
pg_write_access() {
  local data="$1"
  cat >"$data/pg_hba.conf.tmp" <<'EOF'
# Written by ./fleet at every start (platform/devstack/bin/postgres.sh): edits here are lost.
# TYPE     DATABASE     USER  ADDRESS        METHOD
local      all          all                  scram-sha-256
hostssl    all          all   127.0.0.1/32   scram-sha-256
hostssl    replication  all   127.0.0.1/32   scram-sha-256
hostnossl  all          all   0.0.0.0/0      reject
hostnossl  replication  all   0.0.0.0/0      reject
hostnossl  all          all   ::/0           reject
hostnossl  replication  all   ::/0           reject
EOF
  # The certificate of the local CA (tls.sh) for 127.0.0.1 and localhost. Postgres wants
  # its key owned by the cluster's owner and readable by it alone: a copy in the data dir.
  tls_server_ensure postgres
  (umask 077 && cp -f -- "$(tls_server_key postgres)" "$data/server.key.tmp" &&
    cp -f -- "$(tls_server_cert postgres)" "$data/server.crt.tmp")
  pg_chown "$data/pg_hba.conf.tmp" "$data/server.key.tmp" "$data/server.crt.tmp"
  mv -f -- "$data/server.key.tmp" "$data/server.key"
  mv -f -- "$data/server.crt.tmp" "$data/server.crt"
  mv -f -- "$data/pg_hba.conf.tmp" "$data/pg_hba.conf"
}

# pg_write_conf <data dir> <port> <socket dir> <archive: on|off> [more settings]: the
# stack's cluster (pg_write_stack_conf), or a restored one (backup.sh) with its own port
# and without archiving: it must not write into the original's repository; or a node
# of the HA pair (postgres-ha.sh), whose replication settings come last.
pg_write_conf() {
  local data="$1" port="$2" socket_dir="$3" archive="$4" more="${5:-}"
  local archive_settings="archive_mode = off"
  if [[ $archive == on ]]; then
    archive_settings="$(backup_archive_settings)"
  fi
  cat >"$data/fleet.conf" <<EOF
# Written by ./fleet at every start (platform/devstack/bin/postgres.sh): edits here are lost.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
# Five services, each with a connection pool, plus tests that open their own.
max_connections = 300
# Dev data, but durable like production: tests should see real commit behaviour.
fsync = on
password_encryption = 'scram-sha-256'
timezone = 'UTC'
# Room for the WAL of a benchmark between checkpoints: with the default (1GB) the ledger's
# batches made Postgres checkpoint every ~14 s ("checkpoints are occurring too
# frequently"), and each checkpoint starts a new round of full-page images.
max_wal_size = '4GB'
log_timezone = 'UTC'

# TLS for every TCP connection (pg_hba.conf: hostssl only), with the certificate that
# pg_write_access copies from the local CA; TLS 1.2 at least. A reload applies these.
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_min_protocol_version = 'TLSv1.2'

# Administrative access is recorded (docs/admin-access.md). Every line names when,
# which process, who, in which database, from which program and which address.
log_line_prefix = '%m [%p] user=%u db=%d app=%a client=%h '
log_connections = on
log_disconnections = on
# pgaudit (Debian postgresql-NN-pgaudit, installed by ./fleet) writes AUDIT: lines to
# the same log: schema changes (DDL) and role and privilege changes (ROLE) of every
# session. Superuser sessions log everything: pg_configure_audit sets
# pgaudit.log = 'all' on every superuser role. Statement parameters are never logged,
# so personal data written by the services' app roles stays out of the log.
shared_preload_libraries = 'pgaudit'
pgaudit.log = 'ddl, role'
pgaudit.log_catalog = off
pgaudit.log_parameter = off
pgaudit.log_relation = off
pgaudit.log_statement_once = off
pgaudit.log_level = 'log'

$archive_settings
${more}
EOF
  pg_chown "$data/fleet.conf"
  pg_write_access "$data"
}

pg_write_stack_conf() { pg_write_conf "$(pg_data)" "$FLEET_PG_PORT" "$FLEET_RUN" on; }

pg_start() {
  local pid log bin
  if pid="$(pg_pid)"; then
    info "postgres: already running (pid $pid)"
    backup_write_conf
    pg_apply_conf
    return 0
  fi
  require_free_port postgres "$FLEET_PG_PORT" FLEET_PG_PORT
  bin="$(pg_bindir)" || die "postgres: server binaries not found (apt-get install postgresql, or set FLEET_PG_BIN)"
  pg_audit_library >/dev/null ||
    die "postgres: pgaudit is not installed for this server (apt-get install postgresql-$(pg_major || echo NN)-pgaudit)"
  pg_init "$(pg_data)"
  backup_write_conf
  pg_write_stack_conf
  log="$(pg_log)"
  touch "$log"
  pg_chown "$log" "$FLEET_RUN"
  info "postgres: starting on 127.0.0.1:$FLEET_PG_PORT"
  pg_server_start "$(pg_data)" "$log" postgres
}

# pg_server_start <data dir> <log> <what>: pg_ctl detaches the server itself (own
# session, output to the log); -w waits until it accepts connections, at most -t seconds.
pg_server_start() {
  local data="$1" log="$2" what="$3" bin
  bin="$(pg_bindir)" || die "$what: server binaries not found (set FLEET_PG_BIN)"
  touch "$log"
  pg_chown "$log"
  if ! as_pg_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null; then
    show_log_tail "$log"
    die "$what: did not start"
  fi
}

# A server started by an earlier ./fleet up runs with that run's settings: write
# the current ones and reload; settings that only a start applies (a new
# shared_preload_libraries, when a checkout first brings pgaudit) restart the server
# once, here, so an existing cluster is upgraded by the next `up` as well. Except
# archive_mode: a running stack (other checkouts' tests using it) is not restarted
# just to start archiving; it archives from its next start (backup_stanza_ensure says so).
pg_apply_conf() {
  local pending bin
  pg_write_stack_conf
  bin="$(pg_bindir)" || die "postgres: server binaries not found (set FLEET_PG_BIN)"
  # A signal, not a query: a server started before TLS (an older checkout's stack) must
  # get the settings that turn TLS on, which a verifying client could not ask of it.
  as_pg_owner "$bin/pg_ctl" -D "$(pg_data)" reload >/dev/null ||
    die "postgres: cannot reload the settings (see $(pg_log))"
  # The server applies them a moment later: wait (bounded) until a verifying client gets in.
  wait_for 30 "$(pg_pid || true)" "$(pg_log)" postgres pg_ready ||
    die "postgres: no TLS connection after reloading the settings (see $(pg_log))"
  pending="$(pg_psql -d postgres -At -c "SELECT string_agg(name, ', ' ORDER BY name) FROM pg_settings
    WHERE (pending_restart AND name <> 'archive_mode')
       OR (name = 'shared_preload_libraries' AND setting !~ '\mpgaudit\M')")" ||
    die "postgres: cannot read the settings (see $(pg_log))"
  [[ -n $pending ]] || return 0
  pg_audit_library >/dev/null ||
    die "postgres: pgaudit is not installed for this server (apt-get install postgresql-$(pg_major || echo NN)-pgaudit)"
  info "postgres: restarting to apply $pending"
  pg_stop
  pg_start
}

# Superuser sessions are audited in full (pgaudit.log = 'all': reads, writes, DDL,
# roles, functions, SET): set on every superuser role, so a new one is covered by
# the next `up`. pgaudit's extension (its event triggers name the objects of DDL in
# the audit lines) in the maintenance database and every service database, in
# pg_catalog like plpgsql, so the services' public schemas stay empty.
pg_configure_audit() {
  local log="$FLEET_LOGS/postgres-setup.log" service database
  if ! pg_psql -d postgres -f "$FLEET_RESOURCES/postgres/audit-superusers.sql" >>"$log" 2>&1; then
    show_log_tail "$log"
    die "postgres: configuring pgaudit failed"
  fi
  for database in postgres $(services_list | while read -r service _; do printf '%s\n' "${service//-/_}"; done); do
    if ! pg_psql -d "$database" -c 'CREATE EXTENSION IF NOT EXISTS pgaudit SCHEMA pg_catalog' >>"$log" 2>&1; then
      show_log_tail "$log"
      die "postgres: CREATE EXTENSION pgaudit in $database failed"
    fi
  done
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
  pg_configure_audit
}

pg_stop() {
  local pid
  pid="$(pg_pid)" || return 0
  info "postgres: stopping (pid $pid)"
  pg_server_stop "$(pg_data)" "$(pg_log)" postgres
}

# pg_server_stop <data dir> <log> <what>. fast: roll back open transactions and
# disconnect clients instead of waiting for them.
pg_server_stop() {
  local data="$1" log="$2" what="$3" bin
  bin="$(pg_bindir)" || die "$what: server binaries not found (set FLEET_PG_BIN)"
  as_pg_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null ||
    die "$what: pg_ctl stop failed (see $log)"
}

pg_status() { status_line postgres "$(pg_pid || true)" "127.0.0.1:$FLEET_PG_PORT"; }
