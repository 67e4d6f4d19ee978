# shellcheck shell=bash
# Continuous backup of the local Postgres with pgBackRest (Debian package pgbackrest):
# Postgres archives every WAL segment through `pgbackrest archive-push` into an
# encrypted repository (aes-256-cbc, passphrase generated once into
# $FLEET_HOME/pgbackrest) in the object store's bucket fleet-backups (object-store.sh),
# over TLS verified against the local CA. `./fleet up` configures it and creates the
# stanza; `./fleet backup` takes a backup, `./fleet backups` lists them, `./fleet
# restore` recovers to an instant into a new cluster. docs/backup-restore.md is the
# runbook. Sourced by ./fleet; needs common.sh, tls.sh, object-store.sh, postgres.sh.

# One stanza (pgBackRest's name for a cluster's backups). Each cluster has its own
# directory in the bucket, named by its database system identifier: a cluster
# created anew (its data directory removed) starts a new repository and leaves the
# old one's backups to restore from.
FLEET_BACKUP_STANZA="fleet"
# Full backups kept (older ones expire with their differential and incremental
# backups and the WAL they need); configurable, development default.
FLEET_BACKUP_RETENTION_FULL="${FLEET_BACKUP_RETENTION_FULL:-2}"
# A WAL segment is archived when full, or after this many seconds with writes: the
# bound on what an idle-ish cluster can lose (RPO) on the local stack.
FLEET_BACKUP_ARCHIVE_TIMEOUT="${FLEET_BACKUP_ARCHIVE_TIMEOUT:-60}"

backup_home() { printf '%s\n' "$FLEET_HOME/pgbackrest"; }
# FLEET_BACKUP_CONF names a copy of pgbackrest.conf for `backup`, `backups` and
# `restore` (the restore drill's wrong repository key and unreachable object store),
# so a drill never edits the stack's own file; `up` always writes the stack's own.
backup_conf() { printf '%s\n' "${FLEET_BACKUP_CONF:-$FLEET_HOME/pgbackrest/pgbackrest.conf}"; }
backup_own_conf() { printf '%s\n' "$FLEET_HOME/pgbackrest/pgbackrest.conf"; }
# The repository's encryption passphrase: generated once, never printed. Losing it
# loses every backup in the repository.
backup_cipher_pass_file() { printf '%s\n' "$FLEET_HOME/pgbackrest/repository-passphrase"; }
backup_log_dir() { printf '%s\n' "$FLEET_LOGS/pgbackrest"; }

backup_bin() { command -v pgbackrest 2>/dev/null; }

# The system identifier of the cluster in <data dir> (pg_controldata), which names
# its directory in the bucket.
backup_system_identifier() {
  local data="$1" bin id
  bin="$(pg_bindir)" || return 1
  id="$(as_pg_owner "$bin/pg_controldata" -D "$data" 2>/dev/null |
    awk -F: '/^Database system identifier/ { gsub(/ /, "", $2); print $2 }')"
  [[ $id =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$id"
}

# Settings for postgresql (fleet.conf): archiving through pgBackRest.
backup_archive_settings() {
  local bin
  bin="$(backup_bin)" || die "backup: pgbackrest not found (apt-get install pgbackrest)"
  cat <<EOF
# Continuous archiving (platform/devstack/bin/backup.sh): every WAL segment goes
# through pgBackRest into the encrypted repository in the object store.
archive_mode = on
archive_command = '$bin --config=$(backup_own_conf) --stanza=$FLEET_BACKUP_STANZA archive-push %p'
archive_timeout = $FLEET_BACKUP_ARCHIVE_TIMEOUT
EOF
}

# Writes pgbackrest.conf for the cluster in $(pg_data) (run after initdb: the path
# in the bucket is its system identifier). The file holds the object store's secret
# key and the passphrase: readable by the cluster owner only, who runs pgBackRest
# (archive_command runs as the server's user).
backup_write_conf() {
  local home conf log_dir lock_dir spool_dir system_id
  home="$(backup_home)"
  conf="$(backup_own_conf)"
  log_dir="$(backup_log_dir)"
  lock_dir="$FLEET_RUN/pgbackrest"
  spool_dir="$home/spool"
  [[ $FLEET_BACKUP_RETENTION_FULL =~ ^[1-9][0-9]*$ ]] ||
    die "backup: FLEET_BACKUP_RETENTION_FULL must be a positive number of full backups, not '$FLEET_BACKUP_RETENTION_FULL'"
  [[ $FLEET_BACKUP_ARCHIVE_TIMEOUT =~ ^[1-9][0-9]*$ ]] ||
    die "backup: FLEET_BACKUP_ARCHIVE_TIMEOUT must be a positive number of seconds, not '$FLEET_BACKUP_ARCHIVE_TIMEOUT'"
  system_id="$(backup_system_identifier "$(pg_data)")" || die "backup: cannot read the system identifier of $(pg_data)"
  tls_ca_ensure
  object_store_credentials_ensure
  mkdir -p "$home" "$log_dir" "$lock_dir" "$spool_dir"
  chmod 700 "$home"
  random_token_file "$(backup_cipher_pass_file)" 64
  (umask 077 && cat >"$conf.tmp" <<EOF
# Written by ./fleet at every start (platform/devstack/bin/backup.sh): edits here are lost.
[global]
# The repository: the bucket fleet-backups of the local object store, over TLS with
# the server's certificate (which names 127.0.0.1, tls.sh) verified against the local CA.
repo1-type=s3
repo1-s3-bucket=fleet-backups
repo1-s3-endpoint=127.0.0.1
repo1-storage-port=$FLEET_OBJECT_STORE_PORT
repo1-s3-uri-style=path
repo1-s3-region=$FLEET_OBJECT_STORE_REGION
repo1-s3-key=$(object_store_access_key)
repo1-s3-key-secret=$(object_store_secret_key)
repo1-storage-ca-file=$(tls_ca_cert)
repo1-storage-verify-tls=y
repo1-path=/cluster-$system_id
# Encrypted at rest: a lost bucket reveals nothing without the passphrase.
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=$(cat -- "$(backup_cipher_pass_file)")
repo1-retention-full=$FLEET_BACKUP_RETENTION_FULL
compress-type=lz4
# An object store that stops answering fails a backup or a WAL push after 10 s without
# progress (pgBackRest's default, 60 s per attempt, made a backup against a dead store
# take 8 minutes to fail); Postgres retries a failed archive_command by itself.
io-timeout=10
process-max=2
start-fast=y
log-path=$log_dir
lock-path=$lock_dir
# Not the packaged default (/var/spool/pgbackrest, the system's postgres user's): the
# stack runs as whoever runs it (tools.sh), and restore lists this path.
spool-path=$spool_dir
log-level-console=warn
log-level-file=info

[$FLEET_BACKUP_STANZA]
pg1-path=$(pg_data)
pg1-port=$FLEET_PG_PORT
pg1-socket-path=$FLEET_RUN
pg1-user=postgres
EOF
  )
  mv -f -- "$conf.tmp" "$conf"
  pg_chown -R "$home" "$log_dir" "$lock_dir" "$spool_dir"
}

# pgBackRest as the cluster owner, with the stanza and configuration of the stack.
# Commands that connect to Postgres get the superuser password through the
# environment (never the command line).
# BACKUP_REPOSITORY_OPTIONS names another cluster's repository (restore --cluster).
BACKUP_REPOSITORY_OPTIONS=()
backup_pgbackrest() {
  local bin
  bin="$(backup_bin)" || die "backup: pgbackrest not found (apt-get install pgbackrest)"
  as_pg_owner env PGPASSWORD="$FLEET_PG_SUPERUSER_PASSWORD" \
    "$bin" "--config=$(backup_conf)" "--stanza=$FLEET_BACKUP_STANZA" ${BACKUP_REPOSITORY_OPTIONS[@]+"${BACKUP_REPOSITORY_OPTIONS[@]}"} "$@"
}

# The clusters with a repository in the bucket (their system identifiers), one a line.
backup_clusters() {
  object_store_curl -f "$(object_store_url)/fleet-backups?delimiter=%2F&list-type=2" |
    grep -o '<Prefix>cluster-[0-9]*/</Prefix>' | sed -E 's|<Prefix>cluster-([0-9]+)/</Prefix>|\1|'
}

backup_archive_mode() { pg_psql -d postgres -At -c 'SHOW archive_mode' 2>/dev/null; }

# At `up`, after Postgres and the object store are ready: creates the stanza (or
# checks that it matches this cluster), then `pgbackrest check` proves that a WAL
# segment reaches the repository. A cluster started before archiving existed keeps
# running without it until its next restart (pg_apply_conf does not restart for it).
backup_stanza_ensure() {
  local log="$FLEET_LOGS/pgbackrest-setup.log" started_ms elapsed
  started_ms="$(now_ms)"
  # Always the stack's own configuration, whatever FLEET_BACKUP_CONF names.
  local FLEET_BACKUP_CONF=""
  if ! backup_pgbackrest --log-level-console=info stanza-create >"$log" 2>&1; then
    show_log_tail "$log"
    die "backup: pgbackrest stanza-create failed (repository $(object_store_url)/fleet-backups/cluster-$(backup_system_identifier "$(pg_data)" || echo '?'))"
  fi
  if [[ "$(backup_archive_mode)" != on ]]; then
    warn "backup: this Postgres was started before WAL archiving was configured; it archives after its next restart (./fleet down && ./fleet up)"
    return 0
  fi
  if ! backup_pgbackrest --log-level-console=info --archive-timeout=30 check >>"$log" 2>&1; then
    show_log_tail "$log"
    die "backup: pgbackrest check failed: WAL does not reach the repository (archive_command errors are in $(pg_log))"
  fi
  elapsed=$(($(now_ms) - started_ms))
  info "backup: stanza $FLEET_BACKUP_STANZA ready, WAL archived to $(object_store_url)/fleet-backups ($((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s)"
}

backup_require_running() {
  pg_pid >/dev/null || die "backup: Postgres is not running (./fleet up --infra)"
  backup_require_repository
}

backup_require_repository() {
  object_store_pid >/dev/null || die "backup: the object store is not running (./fleet up --infra)"
  [[ -s "$(backup_conf)" ]] || die "backup: $(backup_conf) is missing (./fleet up --infra writes it)"
}

# ./fleet backup [--type full|diff|incr]
cmd_backup() {
  local type=incr started_ms elapsed
  while (($#)); do
    case "$1" in
      --type)
        (($# >= 2)) || die "backup: --type needs a value (full, diff or incr)"
        type="$2"
        shift 2
        ;;
      --type=*)
        type="${1#--type=}"
        shift
        ;;
      -h | --help)
        info "usage: ./fleet backup [--type full|diff|incr]  (default incr; the first backup is always full)"
        return 0
        ;;
      *) die "backup: unknown argument '$1' (usage: ./fleet backup [--type full|diff|incr])" ;;
    esac
  done
  [[ $type == full || $type == diff || $type == incr ]] ||
    die "backup: --type must be full, diff or incr, not '$type'"
  backup_require_running
  started_ms="$(now_ms)"
  info "backup: pgbackrest backup --type=$type (stanza $FLEET_BACKUP_STANZA, repository $(object_store_url)/fleet-backups)"
  backup_pgbackrest --log-level-console=info "--type=$type" backup ||
    die "backup: pgbackrest backup failed (log in $(backup_log_dir))"
  elapsed=$(($(now_ms) - started_ms))
  info "backup: done in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
  backup_list
}

# The backups of the running cluster with the time each covers, and the span of
# archived WAL: a restore can reach any instant from the end of the oldest backup to
# the last archived segment.
backup_list() {
  local json
  json="$(backup_info_json)" || exit 1
  jq -r '.[0] | "stanza \(.name) (repository \(.cipher)-encrypted): \(.status.message)"' <<<"$json"
  if [[ "$(jq '.[0].backup | length' <<<"$json")" == 0 ]]; then
    info "  no backups yet: ./fleet backup"
    return 0
  fi
  jq -r '.[0] |
    def t: strftime("%Y-%m-%d %H:%M:%S UTC");
    def mb: (. / 1048576 * 10 | round / 10 | tostring) + " MB";
    (["label", "type", "started", "stopped", "size", "stored", "WAL from", "WAL to"] | @tsv),
    (.backup[] | [.label, .type, (.timestamp.start | t), (.timestamp.stop | t),
      (.info.size | mb), (.info.repository.delta | mb), .archive.start, .archive.stop] | @tsv)' <<<"$json" |
    column -t -s $'\t' | sed 's/^/  /'
  # pgBackRest records a backup's stop to the second, and picks a backup only if it
  # stopped before the target: the next full second is the first instant surely restorable.
  jq -r '.[0] | "restorable: from \(.backup | map(.timestamp.stop) | min + 1 | strftime("%Y-%m-%d %H:%M:%S UTC"))" +
    " to the last archived WAL segment (\(.archive[0].max // "none"); a written segment is archived within" +
    " '"$FLEET_BACKUP_ARCHIVE_TIMEOUT"' s)"' <<<"$json"
}

# `pgbackrest info` as JSON; a repository that cannot be read (a wrong passphrase, the
# object store unreachable) is an error that says so.
backup_info_json() {
  local json status
  json="$(backup_pgbackrest --output=json info 2>&1)" || {
    printf '%s\n' "$json" >&2
    die "backup: pgbackrest info failed"
  }
  # A wrong passphrase decrypts the info files to bytes that are not even JSON text.
  status="$(jq -r '.[0].status.code' <<<"$json" 2>/dev/null)" || status=""
  case "$status" in
    0 | 2) printf '%s\n' "$json" ;; # ok, or no backups yet
    *)
      if grep -qE 'FormatError|CryptoError' <<<"$json"; then
        die "backup: the repository of stanza $FLEET_BACKUP_STANZA does not decrypt with the passphrase in $(if [[ -n ${FLEET_BACKUP_CONF:-} ]]; then backup_conf; else backup_cipher_pass_file; fi) (pgBackRest: unable to load info file, FormatError): a wrong repository key; nothing was changed"
      fi
      if grep -q 'missing stanza path' <<<"$json"; then
        die "backup: no repository of stanza $FLEET_BACKUP_STANZA there; repositories in the bucket: $(backup_clusters | sed 's/^/cluster /' | paste -sd, -)"
      fi
      grep -o '"message":"[^"]*"' <<<"$json" >&2 || printf '%s\n' "$json" >&2
      die "backup: the repository of stanza $FLEET_BACKUP_STANZA cannot be read (is the object store up? ./fleet status)"
      ;;
  esac
}

# ./fleet backups
cmd_backups() {
  (($# == 0)) || die "backups: takes no arguments (usage: ./fleet backups)"
  backup_require_repository
  backup_list
}

restore_usage() {
  cat <<'USAGE'
usage: ./fleet restore --to TIME [--into DIR] [--port PORT] [--cluster ID]
       ./fleet restore --stop DIR
       ./fleet restore --drop-caches [--tenant ID]
       ./fleet restore --switch DIR
Restores the stack's Postgres to the instant TIME into a NEW cluster (never in place)
and starts it on 127.0.0.1:PORT, without WAL archiving, for inspection.
  --to       the instant, as `date -d` reads it, e.g. '2026-12-05 02:40:00 UTC' (no zone: UTC)
  --into     the new cluster's data directory, absent or empty [$FLEET_HOME/restores/<time>]
  --port     its port [FLEET_PG_PORT + 1]
  --cluster  restore another cluster's backups: its system identifier, as the bucket
             names it (cluster-ID); for a cluster whose data directory was replaced
             [the stack's current cluster]
  --stop     stop a restored cluster
  --drop-caches  part of switching services over to a restored cluster: deletes
             agent-state's cached latest checkpoints from the stack's Redis (every
             tenant's, or --tenant ID's only); they may name versions the restored
             database never had
  --switch   make the restored cluster in DIR the stack's Postgres: stops the services
             and both clusters, keeps the stack's data directory as postgres.replaced-<time>,
             moves DIR in its place with the stack's port and WAL archiving (same stanza,
             the restore's new timeline), checks archiving, drops the caches, restarts
             the services that ran (docs/backup-restore.md, step 5)
USAGE
}

# The restored cluster's server log, beside its data directory.
restore_log() { printf '%s\n' "$1.log"; }

# Stops a restored cluster (./fleet restore --stop DIR); the stack's own is refused.
restore_stop() {
  local dir bin
  dir="$(realpath -m -- "$1")"
  [[ $dir != "$(pg_data)" ]] || die "restore: $dir is the stack's own cluster: ./fleet down stops it"
  [[ -f $dir/postmaster.pid ]] || die "restore: no running cluster in $dir"
  bin="$(pg_bindir)" || die "postgres: server binaries not found (set FLEET_PG_BIN)"
  as_pg_owner "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null || die "restore: pg_ctl stop failed"
  info "restore: stopped the cluster in $dir"
}

# Deletes agent-state's latest-checkpoint cache entries (t:{<tenant>}:agent-state:
# thread:<id>:latest, with their fences) from the stack's Redis: after a restore they
# hold versions written after the restored instant, which agent-state would serve.
# Only the cache: task streams, leases and heartbeats stay.
restore_drop_caches() {
  local tenant="$1" pattern count=0 key keys
  if [[ -n $tenant ]]; then
    [[ $tenant =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] ||
      die "restore: --tenant takes a tenant id (a UUID in lower case), not '$tenant'"
    pattern="t:{$tenant}:agent-state:thread:*:latest"
  else
    pattern="t:{*}:agent-state:thread:*:latest"
  fi
  # As fleet-admin (redis.sh's redis_cli: the password through the environment).
  redis_cli ping >/dev/null 2>&1 ||
    die "restore: Redis does not answer on 127.0.0.1:$FLEET_REDIS_PORT (./fleet up --infra)"
  keys="$(redis_cli --scan --pattern "$pattern")" ||
    die "restore: could not list agent-state's cache in Redis; nothing was deleted"
  while IFS= read -r key; do
    [[ -n $key ]] || continue
    [[ "$(redis_cli unlink "$key")" =~ ^[01]$ ]] ||
      die "restore: could not delete $key (deleted $count before it)"
    count=$((count + 1))
  done <<<"$keys"
  info "restore: dropped $count cached latest checkpoints of agent-state (${tenant:-every tenant})"
}

# ./fleet restore --to TIME [--into DIR] [--port PORT]
# Checks before it writes anything: the repository reads with the passphrase, TIME
# is not before the end of the oldest backup, DIR is new, PORT is free. Then
# `pgbackrest restore --type=time` into DIR (the newest backup that ended before
# TIME, and the archived WAL up to TIME), recovery on PORT, promotion, and a check
# that the new cluster answers. A TIME after the last archived WAL makes Postgres
# stop recovery with an error: reported as such, and the new directory is removed.
cmd_restore() {
  local to="" into="" port="" drop_caches=no tenant="" target_epoch target json first_stop_epoch first_stop bin log started_ms elapsed
  local sets set set_stop archived_now=no
  while (($#)); do
    case "$1" in
      --drop-caches)
        drop_caches=yes
        shift
        ;;
      --to | --into | --port | --stop | --switch | --cluster | --tenant)
        (($# >= 2)) || die "restore: $1 needs a value (./fleet restore --help)"
        case "$1" in
          --to) to="$2" ;;
          --tenant) tenant="$2" ;;
          --cluster)
            [[ $2 =~ ^[0-9]+$ ]] || die "restore: --cluster takes a system identifier (digits), not '$2'"
            BACKUP_REPOSITORY_OPTIONS=("--repo1-path=/cluster-$2")
            ;;
          --into) into="$2" ;;
          --port) port="$2" ;;
          --stop)
            restore_stop "$2"
            return 0
            ;;
          --switch)
            if (($# != 2)) || [[ -n $to$into$port$tenant || $drop_caches == yes || ${#BACKUP_REPOSITORY_OPTIONS[@]} != 0 ]]; then
              die "restore: --switch DIR goes alone (./fleet restore --help)"
            fi
            cmd_restore_switch "$2" # switch.sh
            return 0
            ;;
        esac
        shift 2
        ;;
      -h | --help)
        restore_usage
        return 0
        ;;
      *) die "restore: unknown argument '$1' (./fleet restore --help)" ;;
    esac
  done
  if [[ $drop_caches == yes ]]; then
    [[ -z $to && -z $into && -z $port ]] || die "restore: --drop-caches goes alone (with --tenant at most)"
    restore_drop_caches "$tenant"
    return 0
  fi
  [[ -z $tenant ]] || die "restore: --tenant goes with --drop-caches only"
  [[ -n $to ]] || die "restore: --to TIME is required (./fleet restore --help)"
  # Without a zone the instant is UTC, like every time the stack prints.
  target_epoch="$(TZ=UTC date -d "$to" +%s.%N 2>/dev/null)" ||
    die "restore: --to '$to' is not a time (e.g. '2026-12-05 02:40:00 UTC')"
  target="$(TZ=UTC date -d "@$target_epoch" '+%Y-%m-%d %H:%M:%S.%6N+00')"
  port="${port:-$((FLEET_PG_PORT + 1))}"
  if [[ ! $port =~ ^[0-9]{1,5}$ ]] || ((port < 1 || port > 65535)); then
    die "restore: --port must be a TCP port, not '$port'"
  fi
  port_open "$port" && die "restore: 127.0.0.1:$port is in use; choose another with --port"
  into="$(realpath -m -- "${into:-$FLEET_HOME/restores/$(TZ=UTC date -d "@$target_epoch" +%Y%m%dT%H%M%SZ)}")"
  [[ $into != "$(pg_data)" ]] || die "restore: --into is the stack's own data directory; a restore never writes in place"
  if [[ -e $into ]] && [[ -n "$(ls -A -- "$into" 2>/dev/null)" ]]; then
    die "restore: $into exists and is not empty; name a new directory with --into"
  fi
  backup_require_repository
  bin="$(pg_bindir)" || die "postgres: server binaries not found (set FLEET_PG_BIN)"

  json="$(backup_info_json)" || exit 1
  # Recorded to the second (see backup_list): the next second is the first instant surely after it.
  first_stop_epoch="$(jq -r '.[0].backup | map(.timestamp.stop) | min // empty | . + 1' <<<"$json")"
  [[ -n $first_stop_epoch ]] ||
    die "restore: this cluster's repository holds no backup (./fleet backup takes one); repositories in the bucket: cluster $(backup_clusters | paste -sd, - | sed 's/,/, cluster /g') (--cluster ID)"
  first_stop="$(TZ=UTC date -d "@$first_stop_epoch" '+%Y-%m-%d %H:%M:%S UTC')"
  if [[ "$(awk -v t="$target_epoch" -v f="$first_stop_epoch" 'BEGIN { print (t < f) ? "before" : "ok" }')" == before ]]; then
    die "restore: $target is before the end of the oldest backup (restorable from $first_stop): nothing to restore it from; nothing was changed"
  fi
  if [[ "$(awk -v t="$target_epoch" -v n="$(date +%s.%N)" 'BEGIN { print (t > n) ? "future" : "ok" }')" == future ]]; then
    die "restore: $target is in the future; nothing was changed"
  fi

  started_ms="$(now_ms)"
  if pg_pid >/dev/null && ((${#BACKUP_REPOSITORY_OPTIONS[@]} == 0)); then
    backup_archive_now
    archived_now=yes
  else
    info "restore: the stack's Postgres is not running (or another cluster is restored): recovering from what reached the archive"
  fi
  log="$(restore_log "$into")"
  # The backup set, chosen here rather than by pgBackRest: see restore_backup_sets.
  sets="$(restore_backup_sets "$json" "$target_epoch")"
  # Its own descriptor: pgBackRest and pg_ctl inside the loop must not read the list.
  while read -r set set_stop <&3; do
    mkdir -p "$into"
    chmod 700 "$into"
    pg_chown "$into"
    : >"$log"
    pg_chown "$log"
    info "restore: pgbackrest restore --type=time --target='$target' --set=$set (stopped $(TZ=UTC date -d "@$set_stop" '+%Y-%m-%d %H:%M:%S UTC')) into $into"
    # archive-mode=off: the restored cluster must not archive into the original's
    # repository. promote: it leaves recovery at the target and takes writes.
    if ! backup_pgbackrest --log-level-console=warn --type=time "--target=$target" "--set=$set" --target-action=promote \
      --archive-mode=off "--pg1-path=$into" restore; then
      rm -rf -- "$into"
      die "restore: pgbackrest restore failed; $into removed"
    fi
    # The backup carries the original's fleet.conf (its port, archiving): the new
    # cluster gets its own, with its socket in its own directory.
    pg_write_conf "$into" "$port" "$into" off
    info "restore: recovering to $target on 127.0.0.1:$port (log $log)"
    # pg_ctl -w returns once recovery is consistent (read-only connections), before it
    # reaches the target; done is when the cluster is promoted. Recovery that runs out
    # of archived WAL before the target stops the server (what happened is in the log).
    as_pg_owner "$bin/pg_ctl" -D "$into" -l "$log" -w -t 600 start >/dev/null 2>&1 || true
    restore_wait_promoted "$into" "$port" 600 && break
    if ((set_stop == ${target_epoch%.*})) && grep -q 'requested recovery stop point is before consistent recovery point' "$log" &&
      ! live_pid "$into/postmaster.pid" postgres >/dev/null; then
      # TIME lies in the second this backup stopped, but before its end: the one before it.
      info "restore: $target is before the end of backup $set (it stopped within that second); restoring from the backup before it"
      mv -f -- "$log" "$log.$set"
      rm -rf -- "$into"
      continue
    fi
    if grep -q 'recovery ended before configured recovery target was reached' "$log"; then
      rm -rf -- "$into"
      if [[ $archived_now == yes ]]; then
        # The WAL up to this command was archived above: what recovery did not find is a gap.
        die "restore: recovery from backup $set ran out of archived WAL before $target ($(grep -o 'last completed transaction was at log time .*' "$log" | tail -n 1 || echo 'no transaction replayed')), although the WAL up to now is archived: the archive has a gap between that backup and $target (a switch to a restored cluster that lost WAL it never archived: the instants between that restore and the switch's full backup cannot be restored; ./fleet backups lists the backups): nothing restored, $into removed (recovery log: $log)"
      fi
      die "restore: $target is after the last archived transaction (./fleet backups names the last archived WAL segment): nothing restored, $into removed (recovery log: $log)"
    fi
    show_log_tail "$log"
    die "restore: the restored cluster in $into did not finish recovery (left as it is for inspection)"
  done 3<<<"$sets"
  restore_promoted "$port" || die "restore: no backup set could be restored to $target (recovery logs: $log*)"
  elapsed=$(($(now_ms) - started_ms))
  info "restore: done in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s: the cluster in $into answers on 127.0.0.1:$port, restored to $target"
  PGPASSWORD="$FLEET_PG_SUPERUSER_PASSWORD" psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -At \
    -c "SELECT '  databases: ' || string_agg(datname, ', ' ORDER BY datname) FROM pg_database WHERE NOT datistemplate"
  info "  psql \"host=127.0.0.1 port=$port user=postgres sslmode=verify-full sslrootcert=$(tls_ca_cert)\"   (TLS only, like the stack's; superuser password as on the stack's cluster)"
  info "  stop it: ./fleet restore --stop $into"
}

# The backup sets a restore to <target epoch> starts from, newest first, as "<label>
# <stop epoch>" lines: the newest that stopped within or before the target's second,
# then, when that one stopped within it, the one before. pgBackRest records a backup's
# stop to the second and, left to choose, takes the newest that stopped in an earlier
# second than the target: for a target in the second a backup stopped, the backup
# before, whose WAL to the target may be gone (a switch to a restored cluster that lost
# unarchived WAL takes a full backup, and restores of its timeline start from there
# only). So the newest one is tried first; if the target was before its end, recovery
# stops with "requested recovery stop point is before consistent recovery point" and
# the one before is tried.
restore_backup_sets() {
  jq -r --argjson t "${2%.*}" '.[0].backup | map(select(.timestamp.stop <= $t)) | sort_by(.timestamp.stop) | reverse |
    (if (.[0].timestamp.stop == $t) then .[0:2] else .[0:1] end)[] | "\(.label) \(.timestamp.stop)"' <<<"$1"
}

# restore_wait_promoted <dir> <port> <timeout-s>: until the cluster in <dir> left
# recovery; fails as soon as its server is gone, or after the timeout.
restore_wait_promoted() {
  local dir="$1" port="$2" deadline=$((SECONDS + $3))
  until restore_promoted "$port"; do
    live_pid "$dir/postmaster.pid" postgres >/dev/null || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.3
  done
}

# While the stack's cluster runs, its WAL up to now reaches the archive before a
# restore reads it: an empty transaction writes a commit record (recovery to an
# instant needs a commit after it, or it reports the target as never reached), then
# the current segment is closed and archived. Prints how long archiving took: the
# archive lag at this moment.
backup_archive_now() {
  local segment started_ms archived elapsed deadline=$((SECONDS + 60))
  [[ "$(backup_archive_mode)" == on ]] || return 0
  started_ms="$(now_ms)"
  segment="$(pg_psql -d postgres -At -c 'SELECT txid_current()' -c 'SELECT pg_walfile_name(pg_switch_wal())' | tail -n 1)" ||
    die "backup: could not switch the WAL segment"
  until archived="$(pg_psql -d postgres -At -c 'SELECT last_archived_wal FROM pg_stat_archiver')" &&
    [[ -n $archived && ! $archived < $segment ]]; do
    ((SECONDS < deadline)) || die "backup: WAL segment $segment not archived after 60 s (archive_command errors are in $(pg_log))"
    sleep 0.1
  done
  elapsed=$(($(now_ms) - started_ms))
  info "backup: WAL up to now archived (segment $segment, $elapsed ms)"
}

restore_promoted() {
  [[ "$(PGPASSWORD="$FLEET_PG_SUPERUSER_PASSWORD" psql -X -q -h 127.0.0.1 -p "$1" -U postgres -d postgres -At \
    -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" == f ]]
}
