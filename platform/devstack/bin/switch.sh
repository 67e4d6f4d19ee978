# shellcheck shell=bash
# Making a restored cluster the stack's Postgres (./fleet restore --switch DIR), and a
# stack of only some infrastructure components (./fleet up --only LIST, ./fleet down
# --only LIST), on which tests that stop the object store under a Postgres or replace
# a cluster run with their own FLEET_HOME, never touching the shared stack.
# docs/backup-restore.md is the runbook. Sourced by ./fleet; needs common.sh, tls.sh,
# object-store.sh, backup.sh, postgres.sh, redis.sh, kafka.sh, opa.sh, keycloak.sh,
# services.sh, and fleet's INFRA list.

# --- A stack of some components -------------------------------------------------

# Checks LIST (components of ALL_INFRA, comma-separated) and prints them space-separated.
stack_components() {
  local list="$1" component all
  all="$(IFS=,; printf '%s' "${ALL_INFRA[*]}")"
  [[ -n $list ]] || die "--only needs a comma-separated list of components ($all)"
  for component in ${list//,/ }; do
    [[ " ${ALL_INFRA[*]} " == *" $component "* ]] || die "--only takes components of $all, not '$component'"
  done
  printf '%s\n' "${list//,/ }"
}

# ./fleet up --only LIST: starts those infrastructure components only (never the
# services), in the order and with the checks of a full `up`. It installs nothing
# (a full `./fleet up` does): a partial stack runs on a machine that already ran one.
up_only() {
  local want component
  want=" $(stack_components "$1") "
  if [[ $want == *" postgres "* && $want != *" object-store "* ]] && ! object_store_pid >/dev/null; then
    die "up: Postgres archives its WAL into the object store: --only postgres needs object-store too"
  fi
  # Every port first, so that a taken one leaves nothing half-started.
  for component in $want; do
    infra_pid "$component" >/dev/null && continue
    case "$component" in
      object-store) require_free_port object-store "$FLEET_OBJECT_STORE_PORT" FLEET_OBJECT_STORE_PORT ;;
      postgres) require_free_port postgres "$FLEET_PG_PORT" FLEET_PG_PORT ;;
      redis) require_free_port redis "$FLEET_REDIS_PORT" FLEET_REDIS_PORT ;;
      postgres-ha) pg_ha_check_ports ;;
      redis-cluster) redis_cluster_check_ports ;;
      kafka-cluster) kafka_cluster_check_ports ;;
      kafka)
        require_free_port kafka "$FLEET_KAFKA_PORT" FLEET_KAFKA_PORT
        require_free_port "kafka controller" "$FLEET_KAFKA_CONTROLLER_PORT" FLEET_KAFKA_CONTROLLER_PORT
        ;;
      opa) require_free_port opa "$FLEET_OPA_PORT" FLEET_OPA_PORT ;;
      keycloak)
        require_free_port keycloak "$FLEET_KEYCLOAK_PORT" FLEET_KEYCLOAK_PORT
        require_free_port "keycloak management" "$FLEET_KEYCLOAK_MANAGEMENT_PORT" FLEET_KEYCLOAK_MANAGEMENT_PORT
        ;;
    esac
  done
  [[ $want != *" kafka "* ]] || kafka_start
  [[ $want != *" kafka-cluster "* ]] || kafka_cluster_start
  [[ $want != *" opa "* ]] || opa_start
  [[ $want != *" object-store "* ]] || object_store_start
  [[ $want != *" postgres "* ]] || pg_start
  [[ $want != *" redis "* ]] || redis_start
  [[ $want != *" redis-cluster "* ]] || redis_cluster_start
  [[ $want != *" postgres-ha "* ]] || pg_ha_start
  [[ $want != *" keycloak "* ]] || keycloak_start
  if [[ $want == *" postgres "* ]]; then
    pg_wait
    pg_create_service_databases
  fi
  [[ $want != *" object-store "* ]] || object_store_wait
  [[ $want != *" postgres "* ]] || backup_stanza_ensure
  [[ $want != *" postgres-ha "* ]] || pg_ha_wait
  [[ $want != *" redis "* ]] || redis_wait
  [[ $want != *" redis-cluster "* ]] || redis_cluster_wait
  [[ $want != *" opa "* ]] || opa_wait
  [[ $want != *" kafka "* ]] || kafka_wait
  [[ $want != *" kafka-cluster "* ]] || kafka_cluster_wait
  [[ $want != *" keycloak "* ]] || keycloak_wait
  info "fleet: up (only ${want:1:${#want}-2}; FLEET_HOME=$FLEET_HOME)"
}

# ./fleet down --only LIST: stops those infrastructure components only; services and
# the rest keep running (a test stops its own object store under its own Postgres).
down_only() {
  local components
  components="$(stack_components "$1")"
  # shellcheck disable=SC2086 # a list of component names
  infra_stop $components
  info "fleet: stopped $components"
}

# --- Switching to a restored cluster ---------------------------------------------

# pg_controldata's value for <field> of the cluster in <dir> (e.g. "Database cluster state").
switch_control_field() {
  local dir="$1" field="$2" bin
  bin="$(pg_bindir)" || return 1
  as_pg_owner "$bin/pg_controldata" -D "$dir" 2>/dev/null |
    awk -v field="$field" -F': *' '$1 == field { print $2; exit }'
}

# The timeline a running cluster writes on (the first 8 hex digits of its WAL file).
switch_running_timeline() {
  local port="$1" wal
  wal="$(PGPASSWORD="$FLEET_PG_SUPERUSER_PASSWORD" psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -At \
    -c 'SELECT pg_walfile_name(pg_current_wal_lsn())' 2>/dev/null)" || return 1
  [[ $wal =~ ^[0-9A-F]{24}$ ]] || return 1
  printf '%d\n' "$((16#${wal:0:8}))"
}

# The timeline of a stopped cluster: its last checkpoint's.
switch_stopped_timeline() {
  local id
  id="$(switch_control_field "$1" "Latest checkpoint's TimeLineID")"
  [[ $id =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$id"
}

# The port a running cluster in <dir> listens on (4th line of postmaster.pid).
switch_running_port() { sed -n 4p "$1/postmaster.pid"; }

# True when the repository's WAL archive already holds <timeline>'s history file: some
# other cluster of this stanza was switched to (or archived on) that timeline.
# History files lie at the top of each archive id's directory (archive/<stanza>/15-1/),
# beside the directories of segments, which are not listed.
switch_timeline_archived() {
  local history listing archive_id
  history="$(printf '%08X.history' "$1")"
  listing="$(backup_pgbackrest --output=json repo-ls "archive/$FLEET_BACKUP_STANZA")" ||
    die "restore: cannot list the WAL archive of stanza $FLEET_BACKUP_STANZA (is the object store up?); nothing was changed"
  for archive_id in $(jq -r 'to_entries[] | select(.value.type == "path" and .key != ".") | .key' <<<"$listing"); do
    listing="$(backup_pgbackrest --output=json "--filter=^${history//./\\.}\$" repo-ls "archive/$FLEET_BACKUP_STANZA/$archive_id")" ||
      die "restore: cannot list the WAL archive of stanza $FLEET_BACKUP_STANZA (is the object store up?); nothing was changed"
    [[ "$(jq 'length' <<<"$listing")" == 0 ]] || return 0
  done
  return 1
}

# Lets Postgres archive what the restored cluster wrote on its new timeline while it
# ran without archiving: the timeline's history file and every complete segment from
# the one where the timeline began, up to (not including) the segment its shutdown
# checkpoint is in, which the server goes on writing. Postgres archives a file when it
# finds <file>.ready in pg_wal/archive_status; it marks new files that way itself only
# while archiving is on. (The old timeline's last, partial segment is not archived: a
# restore replays the new timeline's copy of it, and another restore's different
# .partial of the same segment would collide with it in the archive.)
# Prints how many files it marked, then the first segment of the new timeline that a
# checkpoint already removed (empty when none): from there the archive has a gap.
switch_mark_for_archiving() {
  local dir="$1" timeline="$2" prefix history fork_lsn fork_segment redo_segment wal status segment file next
  local count=0 missing=""
  wal="$dir/pg_wal"
  status="$wal/archive_status"
  prefix="$(printf '%08X' "$timeline")"
  history="$prefix.history"
  [[ -f $wal/$history ]] || die "restore: $wal/$history is missing: cannot archive the new timeline's history"
  # The history file's last line: <parent timeline> <switch point LSN> <reason>.
  fork_lsn="$(awk 'NF >= 2 && $1 ~ /^[0-9]+$/ { lsn = $2 } END { print lsn }' "$wal/$history")"
  [[ $fork_lsn =~ ^([0-9A-F]+)/([0-9A-F]+)$ ]] || die "restore: cannot read the switch point in $wal/$history"
  # The segment of an LSN with 16 MB segments (the default, which the stack uses).
  fork_segment="$(printf '%s%08X%08X' "$prefix" "$((16#${BASH_REMATCH[1]}))" "$((16#${BASH_REMATCH[2]} >> 24))")"
  redo_segment="$(switch_control_field "$dir" "Latest checkpoint's REDO WAL file")"
  [[ $redo_segment =~ ^${prefix}[0-9A-F]{16}$ ]] ||
    die "restore: the last checkpoint of $dir is not on timeline $timeline ($redo_segment)"
  for file in "$history" $(cd "$wal" && printf '%s\n' "$prefix"???????????????? | sort); do
    [[ -f $wal/$file ]] || continue
    if [[ $file != "$history" ]]; then
      [[ ! $file < "$fork_segment" && $file < "$redo_segment" ]] || continue
    fi
    [[ -e $status/$file.done || -e $status/$file.ready ]] && continue
    touch "$status/$file.ready"
    pg_chown "$status/$file.ready"
    count=$((count + 1))
  done
  segment="$fork_segment"
  while [[ -z $missing && $segment < "$redo_segment" ]]; do
    [[ -f $wal/$segment ]] || missing="$segment"
    next=$((16#${segment:8:8} * 256 + 16#${segment:16:8} + 1))
    segment="$(printf '%s%08X%08X' "$prefix" "$((next / 256))" "$((next % 256))")"
  done
  printf '%s %s\n' "$count" "$missing"
}

# Checks that <dir> holds a restored cluster of this stack that the stack may switch
# to; dies, having changed nothing, when it does not. Prints its timeline.
switch_check() {
  local dir="$1" data own_id their_id state own_timeline their_timeline port
  data="$(pg_data)"
  [[ $dir != "$data" ]] || die "restore: $dir is the stack's own cluster; --switch takes a restored one; nothing was changed"
  [[ -d $dir ]] || die "restore: $dir does not exist; nothing was changed"
  [[ -f $dir/PG_VERSION && -f $dir/global/pg_control ]] ||
    die "restore: $dir is not a Postgres data directory (no PG_VERSION, global/pg_control); nothing was changed"
  [[ -f $data/PG_VERSION ]] ||
    die "restore: the stack has no cluster in $data to replace (./fleet up --infra makes one); nothing was changed"
  [[ "$(cat -- "$dir/PG_VERSION")" == "$(cat -- "$data/PG_VERSION")" ]] ||
    die "restore: $dir is a Postgres $(cat -- "$dir/PG_VERSION") cluster, the stack's is $(cat -- "$data/PG_VERSION"); nothing was changed"
  own_id="$(backup_system_identifier "$data")" || die "restore: cannot read the system identifier of $data"
  their_id="$(backup_system_identifier "$dir")" || die "restore: cannot read the system identifier of $dir"
  [[ $their_id == "$own_id" ]] ||
    die "restore: $dir is cluster $their_id, the stack's is $own_id: not a restore of this stack's cluster (--switch takes what ./fleet restore --to made); nothing was changed"
  [[ ! -e $dir/recovery.signal && ! -e $dir/standby.signal ]] ||
    die "restore: $dir is still in recovery (recovery.signal or standby.signal): not promoted yet; nothing was changed"
  if live_pid "$dir/postmaster.pid" postgres >/dev/null; then
    port="$(switch_running_port "$dir")"
    restore_promoted "$port" ||
      die "restore: the cluster in $dir (port $port) is still recovering: wait until ./fleet restore says done; nothing was changed"
    their_timeline="$(switch_running_timeline "$port")" || die "restore: cannot read the timeline of the cluster on port $port"
  else
    state="$(switch_control_field "$dir" "Database cluster state")"
    [[ $state == "shut down" ]] ||
      die "restore: the cluster in $dir was not stopped cleanly (state: ${state:-unknown}); start it (pg_ctl start) until it is consistent, or restore again; nothing was changed"
    their_timeline="$(switch_stopped_timeline "$dir")" || die "restore: cannot read the timeline of $dir"
  fi
  if pg_pid >/dev/null; then
    own_timeline="$(switch_running_timeline "$FLEET_PG_PORT")" || die "restore: cannot read the stack's timeline"
  else
    own_timeline="$(switch_stopped_timeline "$data")" || die "restore: cannot read the timeline of $data"
  fi
  ((their_timeline > own_timeline)) ||
    die "restore: $dir is on timeline $their_timeline, the stack's cluster on $own_timeline: not a restore made since (a restore is promoted to a new timeline); nothing was changed"
  [[ -f $dir/pg_wal/$(printf '%08X' "$their_timeline").history ]] ||
    die "restore: $dir has no history file of its timeline $their_timeline in pg_wal: not a cluster that a restore promoted; nothing was changed"
  if switch_timeline_archived "$their_timeline"; then
    die "restore: timeline $their_timeline is already in the repository's WAL archive (another cluster archived on it since $dir was restored): restore again, the new restore takes a later timeline; nothing was changed"
  fi
  printf '%s\n' "$their_timeline"
}

# Says, when a switch fails after the data directories moved, where each cluster is
# and how to go back (EXIT trap of cmd_restore_switch).
switch_explain_failure() {
  local status=$? dir="$1" kept="$2" data
  ((status != 0)) || return 0
  data="$(pg_data)"
  printf 'fleet: error: restore: the switch did not finish: the replaced cluster is in %s, the restored one in %s.
' \
    "$kept" "$([[ -f $data/PG_VERSION ]] && printf '%s' "$data" || printf '%s' "$dir")" >&2
  printf 'fleet: error:   to go back: ./fleet down; mv %s %s; mv %s %s; ./fleet up\n' "$data" "$dir" "$kept" "$data" >&2
}

# ./fleet restore --switch DIR
# Makes the restored cluster in DIR the stack's Postgres: checks it (switch_check),
# stops the services ./fleet up started and the restored cluster, stops the stack's
# Postgres and keeps its data directory beside it as postgres.replaced-<time> (never
# deleted), moves DIR in its place, gives it the stack's settings (port, archiving into
# the same stanza: same system identifier, new timeline), lets it archive what it wrote
# since it was promoted, starts it, proves that WAL reaches the repository on the new
# timeline (pgbackrest check), drops agent-state's cached checkpoints and starts again
# the services that were running.
cmd_restore_switch() {
  local dir timeline data kept stamp service port bin marked missing started_ms elapsed unarchived
  local -a services=()
  dir="$(realpath -m -- "$1")"
  data="$(pg_data)"
  started_ms="$(now_ms)"
  backup_require_repository
  redis_ready ||
    die "restore: Redis does not answer on 127.0.0.1:$FLEET_REDIS_PORT, so agent-state's cached checkpoints cannot be dropped (./fleet up --infra); nothing was changed"
  timeline="$(switch_check "$dir")" || exit 1
  bin="$(pg_bindir)" || die "postgres: server binaries not found (set FLEET_PG_BIN)"
  stamp="$(TZ=UTC date +%Y%m%dT%H%M%SZ)"
  kept="$data.replaced-$stamp"
  [[ ! -e $kept ]] || die "restore: $kept exists; try again in a second; nothing was changed"
  info "restore: switching the stack to the cluster in $dir (timeline $timeline)"

  while read -r service port; do
    service_pid "$service" >/dev/null && services+=("$service $port")
  done < <(services_list)
  services_stop
  if live_pid "$dir/postmaster.pid" postgres >/dev/null; then
    as_pg_owner "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null ||
      die "restore: could not stop the restored cluster in $dir; the stack's Postgres was not touched (services stopped: ./fleet up starts them)"
  fi
  [[ "$(switch_control_field "$dir" "Database cluster state")" == "shut down" ]] ||
    die "restore: the restored cluster in $dir did not shut down cleanly; the stack's Postgres was not touched"
  pg_stop
  unarchived="$(find "$data/pg_wal/archive_status" -name '*.ready' 2>/dev/null | wc -l)"
  ((unarchived == 0)) ||
    warn "restore: the replaced cluster has $unarchived WAL files not archived (the object store did not take them); they stay in $kept/pg_wal"
  mv -- "$data" "$kept"
  # On another file system mv copies, and removes DIR only once the copy is complete:
  # a failed move leaves DIR whole, and the partial copy goes.
  if ! mv -- "$dir" "$data"; then
    if [[ -f $dir/PG_VERSION && -f $dir/global/pg_control ]]; then
      rm -rf -- "$data"
      mv -- "$kept" "$data"
      die "restore: could not move $dir to $data; the stack's cluster is back in place and $dir unchanged (./fleet up starts the stack's)"
    fi
    die "restore: could not move $dir to $data; the replaced cluster is in $kept"
  fi
  # shellcheck disable=SC2064 # the paths of this switch, fixed now
  trap "switch_explain_failure $(printf '%q' "$dir") $(printf '%q' "$kept")" EXIT
  # pgBackRest's restore left its recovery settings (restore_command, the target,
  # archive_mode = 'off') in postgresql.auto.conf, which overrides fleet.conf: they
  # go; the stack's archiving applies again.
  if [[ -f $data/postgresql.auto.conf ]]; then
    sed -i -E '/^(# Recovery settings generated by pgBackRest|restore_command|recovery_target|archive_mode)/d' \
      "$data/postgresql.auto.conf"
  fi
  marked="$(switch_mark_for_archiving "$data" "$timeline")" || exit 1
  read -r marked missing <<<"$marked"
  pg_start
  pg_wait
  restore_promoted "$FLEET_PG_PORT" || die "restore: the switched cluster is in recovery on 127.0.0.1:$FLEET_PG_PORT (see $(pg_log))"
  [[ "$(switch_running_timeline "$FLEET_PG_PORT")" == "$timeline" ]] ||
    die "restore: the switched cluster does not write on timeline $timeline (see $(pg_log))"
  info "restore: the cluster from $dir runs on 127.0.0.1:$FLEET_PG_PORT, timeline $timeline; the replaced one is kept in $kept"
  # The history file and the segments since the switch point first (Postgres archives
  # the oldest first), then pgbackrest check's own segment.
  if ! backup_pgbackrest --log-level-console=warn --archive-timeout=60 check; then
    die "restore: pgbackrest check failed: WAL of timeline $timeline does not reach the repository (archive_command errors are in $(pg_log)); the cluster runs, the services are stopped"
  fi
  info "restore: WAL archiving works on timeline $timeline ($marked files written before the switch archived with it; last archived $(pg_psql -d postgres -At -c 'SELECT last_archived_wal FROM pg_stat_archiver'))"
  if [[ -n $missing ]]; then
    # A checkpoint of the restored cluster removed WAL it wrote before the switch (it
    # did not archive): no restore can replay through that gap, so a new full backup
    # is where restores of the new timeline start.
    warn "restore: WAL segment $missing of timeline $timeline was removed before it could be archived: instants between the restore and the switch cannot be restored; taking a full backup so that later ones can"
    backup_pgbackrest --log-level-console=warn --type=full backup ||
      die "restore: the full backup after the switch failed (log in $(backup_log_dir)); the cluster runs, the services are stopped"
    info "restore: full backup on timeline $timeline done"
  fi
  # The cluster is switched; what follows fails with its own message.
  trap - EXIT
  restore_drop_caches ""
  for service in "${services[@]}"; do
    # shellcheck disable=SC2086 # "<service> <port>"
    service_start $service
  done
  for service in "${services[@]}"; do
    # shellcheck disable=SC2086
    service_wait $service
  done
  elapsed=$(($(now_ms) - started_ms))
  info "restore: switched in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s; services restarted: ${#services[@]}$( ((${#services[@]} == 0)) || printf ' (%s)' "$(printf '%s\n' "${services[@]}" | cut -d' ' -f1 | paste -sd, - | sed 's/,/, /g')")"
  info "  the replaced cluster stays in $kept (delete it when no longer needed)"
}
