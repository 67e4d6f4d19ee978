# shellcheck shell=bash
# The HA stack's PostgreSQL (./fleet up --ha, or --only postgres-ha beside the
# single-node stack): two clusters, independent of the stack's own, streaming from one
# to the other. Node "primary" lives in $FLEET_HOME/postgres-ha/primary on
# 127.0.0.1:$FLEET_PG_HA_PORT (15532), node "standby" in .../standby on
# $FLEET_PG_STANDBY_PORT (15533). Each is set up like the stack's cluster (postgres.sh:
# TLS only, pgaudit, pg_hba, the services' databases and roles, the ledger's reporting
# role): whatever the primary gets, the standby gets by replication. The standby is a
# pg_basebackup of the primary, a hot standby streaming over TLS as the replication role
# fleet_replication through a physical replication slot; with FLEET_PG_HA_SYNC=on (the
# default) the primary commits only once the standby has the WAL (synchronous_commit=on).
# No WAL archiving for the pair: backups are the single stack's (docs/backup-restore.md).
#
# ./fleet failover postgres promotes the standby; the node that writes is recorded in
# $FLEET_HOME/postgres-ha/writer, so `status` and a later `up` know it, and `up` never
# starts the old primary as a second primary: ./fleet failover rebuild-standby makes it
# the new primary's standby. docs/failover.md is the runbook. Sourced by ./fleet; needs
# common.sh, tls.sh and postgres.sh.

FLEET_PG_REPLICATION_PASSWORD="${FLEET_PG_REPLICATION_PASSWORD:-fleet-dev-replication}"
PG_HA_NODES=(primary standby)

pg_ha_home() { printf '%s\n' "$FLEET_HOME/postgres-ha"; }
pg_ha_dir() { printf '%s\n' "$(pg_ha_home)/$1"; }
pg_ha_log() { printf '%s\n' "$FLEET_LOGS/postgres-ha-$1.log"; }
pg_ha_node_pid() { live_pid "$(pg_ha_dir "$1")/postmaster.pid" postgres; }
# The name the node streams as (application_name, its slot on the other node).
pg_ha_name() { printf 'fleet_ha_%s\n' "$1"; }
pg_ha_writer_file() { printf '%s\n' "$(pg_ha_home)/writer"; }
# The file the replication role's password is read from (libpq passfile), owned by the
# clusters' owner: never on a command line or in a settings file.
pg_ha_passfile() { printf '%s\n' "$(pg_ha_home)/replication.pgpass"; }

pg_ha_port() {
  case "$1" in
    primary) printf '%s\n' "$FLEET_PG_HA_PORT" ;;
    standby) printf '%s\n' "$FLEET_PG_STANDBY_PORT" ;;
    *) die "postgres-ha: no node '$1' (primary, standby)" ;;
  esac
}

pg_ha_other() { [[ $1 == primary ]] && printf 'standby\n' || printf 'primary\n'; }

# The node that writes: "primary" until a failover promoted the other.
pg_ha_writer() {
  local writer=primary
  [[ -s $(pg_ha_writer_file) ]] && writer="$(<"$(pg_ha_writer_file)")"
  [[ $writer == primary || $writer == standby ]] || die "postgres-ha: $(pg_ha_writer_file) names no node ('$writer')"
  printf '%s\n' "$writer"
}

pg_ha_record_writer() {
  printf '%s\n' "$1" >"$(pg_ha_writer_file).tmp"
  mv -f -- "$(pg_ha_writer_file).tmp" "$(pg_ha_writer_file)"
}

# A node is a standby when its data directory says so (standby.signal).
pg_ha_is_standby() { [[ -f $(pg_ha_dir "$1")/standby.signal ]]; }

# Pids of the running nodes; fails when none runs.
pg_ha_pid() {
  local node pid pids=""
  for node in "${PG_HA_NODES[@]}"; do
    pid="$(pg_ha_node_pid "$node")" && pids+="${pids:+ }$pid"
  done
  [[ -n $pids ]] && printf '%s\n' "$pids"
}

pg_ha_check_ports() {
  local node
  for node in "${PG_HA_NODES[@]}"; do
    pg_ha_node_pid "$node" >/dev/null || require_free_port "postgres-ha $node" "$(pg_ha_port "$node")" FLEET_PG_HA_PORT/FLEET_PG_STANDBY_PORT
  done
}

# libpq's connection string for the replication role to <node>.
pg_ha_replication_conninfo() {
  printf 'host=127.0.0.1 port=%s user=fleet_replication passfile=%s sslmode=verify-full sslrootcert=%s' \
    "$(pg_ha_port "$1")" "$(pg_ha_passfile)" "$(tls_ca_cert)"
}

# The settings of <node> after the stack's (pg_write_conf): replication, and by role
# either the synchronous standby it waits for (the writer, when the other node is its
# standby and FLEET_PG_HA_SYNC=on) or where it streams from (a standby).
pg_ha_settings() {
  local node="$1" other writer
  other="$(pg_ha_other "$node")"
  writer="$(pg_ha_writer)"
  cat <<EOF
# The HA pair (platform/devstack/bin/postgres-ha.sh): node $node.
cluster_name = '$(pg_ha_name "$node")'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
# The standby tells the primary which rows its queries still read (reporting queries
# are not cancelled by vacuum on the primary).
hot_standby_feedback = on
wal_log_hints = on
EOF
  if pg_ha_is_standby "$node"; then
    printf "primary_conninfo = '%s application_name=%s'\n" "$(pg_ha_replication_conninfo "$writer")" "$(pg_ha_name "$node")"
    printf "primary_slot_name = '%s'\n" "$(pg_ha_name "$node")"
  elif [[ $FLEET_PG_HA_SYNC == on ]] && pg_ha_is_standby "$other"; then
    printf "synchronous_standby_names = '\"%s\"'\nsynchronous_commit = on\n" "$(pg_ha_name "$other")"
  else
    printf "synchronous_standby_names = ''\n"
  fi
}

pg_ha_write_conf() {
  local node="$1"
  pg_write_conf "$(pg_ha_dir "$node")" "$(pg_ha_port "$node")" "$FLEET_RUN" off "$(pg_ha_settings "$node")"
}

# Applies a node's settings to it while it runs.
pg_ha_reload() {
  local node="$1" bin
  bin="$(pg_bindir)" || die "postgres-ha: server binaries not found (set FLEET_PG_BIN)"
  pg_ha_write_conf "$node"
  as_pg_owner "$bin/pg_ctl" -D "$(pg_ha_dir "$node")" reload >/dev/null ||
    die "postgres-ha: cannot reload the settings of $node (see $(pg_ha_log "$node"))"
}

pg_ha_start_node() {
  local node="$1" pid
  if pid="$(pg_ha_node_pid "$node")"; then
    pg_ha_reload "$node"
    info "postgres-ha: $node already running (pid $pid)"
    return 0
  fi
  require_free_port "postgres-ha $node" "$(pg_ha_port "$node")" FLEET_PG_HA_PORT/FLEET_PG_STANDBY_PORT
  pg_ha_write_conf "$node"
  info "postgres-ha: starting $node on 127.0.0.1:$(pg_ha_port "$node")$(pg_ha_is_standby "$node" && printf ' (standby)')"
  pg_server_start "$(pg_ha_dir "$node")" "$(pg_ha_log "$node")" "postgres-ha $node"
}

pg_ha_ready_at() { pg_psql_at "$1" -d postgres -c 'SELECT 1' >/dev/null; }

pg_ha_write_passfile() {
  (umask 077 && printf '127.0.0.1:*:replication:fleet_replication:%s\n' "$FLEET_PG_REPLICATION_PASSWORD" >"$(pg_ha_passfile)")
  pg_chown "$(pg_ha_passfile)"
}

# The replication role (its password in the passfile) and <node>'s slot on the writer.
# Committed locally (synchronous_commit=local): a synchronous writer whose standby is
# not there yet would wait for it for ever.
pg_ha_ensure_replication() {
  local node="$1" writer_port
  writer_port="$(pg_ha_port "$(pg_ha_writer)")"
  pg_ha_write_passfile
  PGOPTIONS="-c synchronous_commit=local" pg_psql_at "$writer_port" -d postgres -v password="$FLEET_PG_REPLICATION_PASSWORD" -v slot="$(pg_ha_name "$node")" \
    >>"$FLEET_LOGS/postgres-ha-setup.log" 2>&1 <<'SQL' || die "postgres-ha: creating the replication role or slot failed (see $FLEET_LOGS/postgres-ha-setup.log)"
SELECT 'CREATE ROLE fleet_replication LOGIN REPLICATION'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fleet_replication') \gexec
SELECT format('ALTER ROLE fleet_replication LOGIN REPLICATION NOSUPERUSER PASSWORD %L', :'password') \gexec
SELECT pg_create_physical_replication_slot(:'slot')
 WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = :'slot');
SQL
}

# Makes <node> a standby of the writer: a base backup over the replication connection
# into its (empty) directory, standby.signal; its primary_conninfo is in its fleet.conf,
# written at every start, so it always names the current writer.
pg_ha_make_standby() {
  local node="$1" dir bin log
  dir="$(pg_ha_dir "$node")"
  bin="$(pg_bindir)" || die "postgres-ha: server binaries not found (set FLEET_PG_BIN)"
  log="$FLEET_LOGS/postgres-ha-basebackup.log"
  pg_ha_ensure_replication "$node"
  info "postgres-ha: pg_basebackup of $(pg_ha_writer) into $dir"
  # Tried three times: right after a promotion the new primary once refused the
  # replication role's password for a moment (seen in a drill).
  local attempt
  for attempt in 1 2 3; do
    rm -rf -- "$dir"
    mkdir -p "$dir"
    chmod 700 "$dir"
    pg_chown "$dir"
    as_pg_owner "$bin/pg_basebackup" -d "$(pg_ha_replication_conninfo "$(pg_ha_writer)")" -D "$dir" \
      -X stream -S "$(pg_ha_name "$node")" -c fast >"$log" 2>&1 && break
    if ((attempt == 3)); then
      show_log_tail "$log"
      die "postgres-ha: pg_basebackup into $dir failed"
    fi
    sleep 2
  done
  touch "$dir/standby.signal"
  pg_chown "$dir/standby.signal"
}

# Starts the writer (initdb on the first start), then the other node, made a standby
# first when it has no data yet; then the writer waits for it when synchronous.
pg_ha_start() {
  local writer other bin
  bin="$(pg_bindir)" || die "postgres-ha: server binaries not found (apt-get install postgresql, or set FLEET_PG_BIN)"
  pg_audit_library >/dev/null ||
    die "postgres-ha: pgaudit is not installed for this server (apt-get install postgresql-$(pg_major || echo NN)-pgaudit)"
  mkdir -p "$(pg_ha_home)"
  pg_chown "$(pg_ha_home)"
  writer="$(pg_ha_writer)"
  other="$(pg_ha_other "$writer")"
  # The old primary after a failover is never started: a second primary would take
  # writes the new one never sees (split brain). The writer runs alone.
  local old_primary=no
  if [[ -f $(pg_ha_dir "$other")/PG_VERSION ]] && ! pg_ha_is_standby "$other"; then
    old_primary=yes
    warn "postgres-ha: node $other was the primary before the failover to node $writer: it is NOT started" \
      "(two primaries would split the data). Make it node $writer's standby: ./fleet failover rebuild-standby"
  fi
  [[ $writer == primary ]] && pg_init "$(pg_ha_dir primary)" "$FLEET_LOGS/postgres-ha-initdb.log"
  [[ -f $(pg_ha_dir "$writer")/PG_VERSION ]] ||
    die "postgres-ha: the writer $writer has no data in $(pg_ha_dir "$writer")"
  pg_ha_start_node "$writer"
  wait_for 60 "$(pg_ha_node_pid "$writer" || true)" "$(pg_ha_log "$writer")" "postgres-ha $writer" \
    pg_ha_ready_at "$(pg_ha_port "$writer")" || die "postgres-ha: $writer not accepting connections"
  [[ $old_primary == no ]] || return 0
  # No write on the writer before its standby runs: a synchronous writer would wait.
  pg_ha_write_passfile
  [[ -f $(pg_ha_dir "$other")/PG_VERSION ]] || pg_ha_make_standby "$other"
  pg_ha_start_node "$other"
  # Synchronous only now that the standby exists.
  pg_ha_reload "$writer"
}

# The standby streams from the writer.
pg_ha_streaming() {
  local node="$1"
  [[ "$(pg_psql_at "$(pg_ha_port "$(pg_ha_writer)")" -d postgres -At -c \
    "SELECT count(*) FROM pg_stat_replication WHERE application_name = '$(pg_ha_name "$node")' AND state = 'streaming'")" == 1 ]]
}

# Waits for both nodes, then (on the writer) the services' databases and roles as on
# the stack's cluster, which reach the standby by replication.
pg_ha_wait() {
  local writer other
  writer="$(pg_ha_writer)"
  other="$(pg_ha_other "$writer")"
  wait_for 60 "$(pg_ha_node_pid "$writer" || true)" "$(pg_ha_log "$writer")" "postgres-ha $writer" \
    pg_ha_ready_at "$(pg_ha_port "$writer")" || die "postgres-ha: $writer not accepting connections"
  local alone=no
  if pg_ha_node_pid "$other" >/dev/null; then
    wait_for 60 "$(pg_ha_node_pid "$other" || true)" "$(pg_ha_log "$other")" "postgres-ha $other" pg_ha_streaming "$other" ||
      die "postgres-ha: $other is not streaming from $writer (see $(pg_ha_log "$other"))"
  else
    alone=yes
  fi
  PGOPTIONS="-c synchronous_commit=local" FLEET_PG_PORT="$(pg_ha_port "$writer")" pg_create_service_databases
  if [[ $alone == yes ]]; then
    warn "postgres-ha: node $writer on 127.0.0.1:$(pg_ha_port "$writer") writes ALONE: no standby runs (./fleet failover rebuild-standby)"
  else
    info "postgres-ha: node $writer on 127.0.0.1:$(pg_ha_port "$writer") writes, node $other on 127.0.0.1:$(pg_ha_port "$other") streams" \
      "($( [[ $FLEET_PG_HA_SYNC == on ]] && printf synchronous || printf asynchronous))"
  fi
}

pg_ha_stop() {
  local node pid writer
  writer="$(pg_ha_writer)"
  # The writer first: a standby stopped first would leave a synchronous writer's
  # last commits waiting.
  for node in "$writer" "$(pg_ha_other "$writer")"; do
    pid="$(pg_ha_node_pid "$node")" || continue
    info "postgres-ha: stopping $node (pid $pid)"
    pg_server_stop "$(pg_ha_dir "$node")" "$(pg_ha_log "$node")" "postgres-ha $node"
  done
}

pg_ha_status() {
  local node role writer
  writer="$(pg_ha_writer)"
  for node in "${PG_HA_NODES[@]}"; do
    if [[ $node == "$writer" ]]; then
      role="primary (writes)"
    elif pg_ha_is_standby "$node"; then
      role="standby"
    elif [[ -f $(pg_ha_dir "$node")/PG_VERSION ]]; then
      role="old primary, not started: ./fleet failover rebuild-standby"
    else
      role="no data yet"
    fi
    status_line "pg-$node" "$(pg_ha_node_pid "$node" || true)" "127.0.0.1:$(pg_ha_port "$node") ($role)"
  done
}

# ./fleet failover postgres: promotes the standby. A writer still running is stopped
# first (two primaries must never run). Prints how long until the promoted node took a
# write; records it as the writer.
pg_ha_failover() {
  local writer standby started_ms elapsed bin pid
  writer="$(pg_ha_writer)"
  standby="$(pg_ha_other "$writer")"
  bin="$(pg_bindir)" || die "postgres-ha: server binaries not found (set FLEET_PG_BIN)"
  pg_ha_is_standby "$standby" || die "postgres-ha: $standby is not a standby; nothing to promote (./fleet failover rebuild-standby)"
  pg_ha_node_pid "$standby" >/dev/null || die "postgres-ha: the standby $standby is not running (./fleet up --only postgres-ha)"
  started_ms="$(now_ms)"
  if pid="$(pg_ha_node_pid "$writer")"; then
    info "postgres-ha: stopping node $writer, the primary (pid $pid), before promoting node $standby"
    pg_server_stop "$(pg_ha_dir "$writer")" "$(pg_ha_log "$writer")" "postgres-ha $writer"
  fi
  info "postgres-ha: promoting node $standby (127.0.0.1:$(pg_ha_port "$standby"))"
  as_pg_owner "$bin/pg_ctl" -D "$(pg_ha_dir "$standby")" -w -t 60 promote >/dev/null ||
    die "postgres-ha: pg_ctl promote of $standby failed (see $(pg_ha_log "$standby"))"
  pg_ha_record_writer "$standby"
  # Alone now: no synchronous standby to wait for.
  pg_ha_reload "$standby"
  wait_for 60 "" "$(pg_ha_log "$standby")" "postgres-ha $standby" pg_ha_writes "$(pg_ha_port "$standby")" ||
    die "postgres-ha: $standby does not take writes after its promotion"
  elapsed=$(($(now_ms) - started_ms))
  info "postgres-ha: failover done in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s: node $standby on 127.0.0.1:$(pg_ha_port "$standby") is the primary"
  info "  node $writer is not started again as a primary; make it the new standby: ./fleet failover rebuild-standby"
}

# A committed write (an assigned transaction id) on <port>.
pg_ha_writes() {
  [[ "$(pg_psql_at "$1" -d postgres -At -c 'SELECT NOT pg_is_in_recovery()')" == t ]] &&
    pg_psql_at "$1" -d postgres -At -c 'SELECT pg_current_xact_id()' >/dev/null
}

# ./fleet failover rebuild-standby: the node that is not the writer, made anew as the
# writer's standby (its data replaced by a base backup of the writer).
pg_ha_rebuild_standby() {
  local writer node pid started_ms elapsed
  writer="$(pg_ha_writer)"
  node="$(pg_ha_other "$writer")"
  pg_ha_node_pid "$writer" >/dev/null || die "postgres-ha: the primary $writer is not running (./fleet up --only postgres-ha)"
  started_ms="$(now_ms)"
  if pid="$(pg_ha_node_pid "$node")"; then
    info "postgres-ha: stopping $node (pid $pid)"
    pg_server_stop "$(pg_ha_dir "$node")" "$(pg_ha_log "$node")" "postgres-ha $node"
  fi
  pg_ha_make_standby "$node"
  pg_ha_start_node "$node"
  pg_ha_reload "$writer"
  wait_for 60 "$(pg_ha_node_pid "$node" || true)" "$(pg_ha_log "$node")" "postgres-ha $node" pg_ha_streaming "$node" ||
    die "postgres-ha: $node is not streaming from $writer (see $(pg_ha_log "$node"))"
  elapsed=$(($(now_ms) - started_ms))
  info "postgres-ha: node $node rebuilt as the standby of node $writer in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
}
