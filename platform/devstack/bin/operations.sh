# shellcheck shell=bash
# The stack's operations on its data, on the record and on a schedule:
#
# - Every `./fleet backup` and `./fleet restore` run (success and failure) appends a
#   record to the platform's own audit log (tenant 00000000-0000-0000-0000-000000000000)
#   through the audit service's REST Append, with a token from `./fleet token`: who (the
#   OS user, and FLEET_OPERATOR if set), when, what (the backup's label, type, times and
#   WAL range; the restored cluster, its target time; exit code, duration). When the
#   audit service does not answer (a stack started with --infra has none), the record is
#   queued under $FLEET_HOME/audit-queue, one file per record written atomically, and
#   delivered by the next command that finds the audit service up. Each record carries
#   its own id: a record delivered twice (a crash between Append and removing its file)
#   is answered as `replayed` and appended once.
# - `./fleet up` starts the backup scheduler, a background process (pid file, log, stopped
#   by `./fleet down`, one line in `./fleet status`) that runs `./fleet backup --type
#   full` when the newest full backup is FLEET_BACKUP_FULL_EVERY old (or there is none)
#   and `--type diff` when the newest full or differential one is FLEET_BACKUP_DIFF_EVERY
#   old. It reads those times from `pgbackrest info`, so a restart does not reset the
#   schedule, and every run is recorded like a manual one.
#
# docs/backup-restore.md describes both. Sourced by ./fleet; needs common.sh, backup.sh,
# services.sh (the audit service's port).

# The platform's own log in the audit service.
FLEET_PLATFORM_LOG_TENANT="00000000-0000-0000-0000-000000000000"
# The role of the token that appends: platform-operator, which the policy (platform/policy
# audit.rego) lets append to the platform's own log and to no tenant's, and read nothing.
# (The fleet services' own accounts can append too, but a record appended with a
# service's identity would claim that service did it.)
FLEET_AUDIT_APPEND_ROLE="${FLEET_AUDIT_APPEND_ROLE:-platform-operator}"
# Records sent in one Append (the service takes at most 1000).
FLEET_AUDIT_BATCH_RECORDS_MAX=100
# Records kept in the queue at most: a record beyond it is refused loudly (printed in
# full on stderr) rather than filling the disk of a stack whose audit never runs.
FLEET_AUDIT_QUEUE_RECORDS_MAX="${FLEET_AUDIT_QUEUE_RECORDS_MAX:-10000}"
FLEET_BACKUP_DIFF_EVERY="${FLEET_BACKUP_DIFF_EVERY:-24h}"
FLEET_BACKUP_FULL_EVERY="${FLEET_BACKUP_FULL_EVERY:-7d}"
# How often the scheduler looks at the newest backups' times.
FLEET_BACKUP_CHECK_EVERY="${FLEET_BACKUP_CHECK_EVERY:-60s}"
# on: `./fleet up` starts the scheduler; off: it does not (`./fleet test` runs with off,
# so no backup is taken behind the tests' backs).
FLEET_BACKUP_SCHEDULE="${FLEET_BACKUP_SCHEDULE:-on}"
# How long `./fleet backup` waits for a backup that is already running (the scheduler's
# or another operator's) before it gives up.
FLEET_BACKUP_LOCK_WAIT="${FLEET_BACKUP_LOCK_WAIT:-30m}"

operations_audit_url() {
  local port
  port="$(services_list | awk '$1 == "audit" { print $2 }')"
  printf '%s\n' "${FLEET_AUDIT_URL:-https://127.0.0.1:${port:-18084}}"
}
operations_queue() { printf '%s\n' "${FLEET_AUDIT_QUEUE:-$FLEET_HOME/audit-queue}"; }
operations_backup_lock() { printf '%s\n' "$FLEET_RUN/backup.lock"; }

# <duration>: 30s, 15m, 24h, 7d, or plain seconds; prints seconds, fails on anything else.
operations_seconds() {
  local value="$1" number unit
  [[ $value =~ ^([1-9][0-9]{0,8})([smhd]?)$ ]] || return 1
  number="${BASH_REMATCH[1]}"
  unit="${BASH_REMATCH[2]}"
  case "$unit" in
    "" | s) printf '%s\n' "$number" ;;
    m) printf '%s\n' $((number * 60)) ;;
    h) printf '%s\n' $((number * 3600)) ;;
    d) printf '%s\n' $((number * 86400)) ;;
  esac
}

operations_require_seconds() {
  local name="$1" seconds
  seconds="$(operations_seconds "${!name}")" ||
    die "$name must be a duration such as 90s, 30m, 24h or 7d, not '${!name}'"
  printf '%s\n' "$seconds"
}

# Who runs the command, as the record's actor: the OS user, and the operator that
# FLEET_OPERATOR names. Refuses an operator name the audit log would refuse.
operations_actor() {
  local user
  user="$(id -un)"
  if [[ -z ${FLEET_OPERATOR:-} ]]; then
    printf 'os-user:%s\n' "$user"
    return 0
  fi
  if ((${#FLEET_OPERATOR} > 100)) || [[ $FLEET_OPERATOR =~ [[:cntrl:]] || $FLEET_OPERATOR =~ ^[[:space:]] ||
    $FLEET_OPERATOR =~ [[:space:]]$ ]]; then
    die "FLEET_OPERATOR must be 1 to 100 characters without control characters or surrounding spaces"
  fi
  printf 'operator:%s via os-user:%s\n' "$FLEET_OPERATOR" "$user"
}

# The token's subject: the OS user, as Keycloak user names may be written.
operations_token_subject() {
  local user
  user="$(id -un | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9._@:+\n-' '-')"
  printf 'fleet-ops.%s\n' "${user:0:60}"
}

now_rfc3339_us() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }

# operations_record <action> <resource> <outcome> <reason> <details JSON> <occurred at> <correlation id>
# Queues one record (a file holding the Append body's record, written to a temporary
# name and renamed: a reader never sees half of it), then delivers the queue.
operations_record() {
  local action="$1" resource="$2" outcome="$3" reason="$4" details="$5" occurred_at="$6" correlation="$7"
  local queue id file count actor
  queue="$(operations_queue)"
  actor="$(operations_actor)"
  id="$(cat /proc/sys/kernel/random/uuid)"
  mkdir -p -- "$queue"
  chmod 700 "$queue"
  count="$(find "$queue" -maxdepth 1 -name '*.json' -type f | wc -l)"
  local record
  record="$(jq -cn --arg id "$id" --arg actor "$actor" --arg action "$action" --arg resource "$resource" \
    --arg outcome "$outcome" --arg reason "${reason:0:2000}" --arg correlation "$correlation" \
    --arg occurred "$occurred_at" --argjson details "$details" \
    '{record_id: $id, actor: $actor, action: $action, resource: $resource, outcome: $outcome,
      reason: $reason, correlation_id: $correlation, occurred_at: $occurred,
      details: ($details | tojson | @base64)}')"
  if ((count >= FLEET_AUDIT_QUEUE_RECORDS_MAX)); then
    warn "audit: the queue $queue holds $count records (FLEET_AUDIT_QUEUE_RECORDS_MAX); this record is not kept: $record"
    return 0
  fi
  # Named by time, so the queue is delivered in the order things happened.
  file="$queue/$(date +%s%N)-$id.json"
  (umask 077 && printf '%s\n' "$record" >"$queue/.$id.tmp")
  mv -f -- "$queue/.$id.tmp" "$file"
  ( operations_deliver ) || true
}

operations_audit_ready() {
  curl -fsS -o /dev/null --max-time 2 --cacert "$(tls_ca_cert)" "$(operations_audit_url)/q/health/ready" 2>/dev/null
}

# Delivers the queued records to the platform's log, oldest first, in batches; a record
# is removed from the queue once the audit service answered its sequence (new or
# replayed). Never fails the command that calls it: what is not delivered stays queued.
# A record the service refuses (400, 409: it would refuse it at every try) is moved to
# refused/ beside its answer, so it cannot hold up the rest.
operations_deliver() (
  local queue lock lock_fd url token headers errors status answer body delivered=0 replayed=0 file
  local -a files batch
  queue="$(operations_queue)"
  [[ -d $queue ]] || return 0
  mapfile -t files < <(find "$queue" -maxdepth 1 -name '*.json' -type f | sort)
  ((${#files[@]} > 0)) || return 0
  url="$(operations_audit_url)"
  if ! operations_audit_ready; then
    info "audit: ${#files[@]} record(s) queued in $queue; delivered when the audit service answers on $url"
    return 0
  fi
  # One delivery at a time (the scheduler and an operator may both try).
  lock="$queue/.deliver.lock"
  exec {lock_fd}>"$lock"
  flock -w 30 "$lock_fd" || {
    info "audit: another command is delivering the queue"
    return 0
  }
  mapfile -t files < <(find "$queue" -maxdepth 1 -name '*.json' -type f | sort)
  errors="$(mktemp)"
  token="$("$FLEET_ROOT/fleet" token --tenant platform --roles "$FLEET_AUDIT_APPEND_ROLE" \
    --subject "$(operations_token_subject)" 2>"$errors")" || {
    warn "audit: no token to append with ($(tail -n 1 -- "$errors")); ${#files[@]} record(s) stay queued in $queue"
    rm -f -- "$errors"
    return 0
  }
  rm -f -- "$errors"
  # The token goes to curl in a file only its owner reads, never on a command line.
  headers="$(mktemp)"
  chmod 600 "$headers"
  printf 'authorization: Bearer %s\nx-aicunet-tenant: platform\ncontent-type: application/json\n' "$token" >"$headers"
  answer="$(mktemp)"
  local i=0
  while ((i < ${#files[@]})); do
    batch=("${files[@]:i:FLEET_AUDIT_BATCH_RECORDS_MAX}")
    i=$((i + ${#batch[@]}))
    body="$(jq -cs '{records: .}' -- "${batch[@]}")" || {
      printf 'not JSON\n' >"$answer"
      operations_refuse "$answer" "${batch[@]}"
      continue
    }
    status="$(operations_append "$url" "$headers" "$body" "$answer")"
    case "$status" in
      200)
        for file in "${batch[@]}"; do
          # The answer names each record id with its sequence: only those leave the queue.
          if jq -e --arg id "$(jq -r .record_id -- "$file")" 'any(.[]; .record_id == $id)' "$answer" >/dev/null; then
            rm -f -- "$file"
            delivered=$((delivered + 1))
          fi
        done
        replayed=$((replayed + $(jq '[.[] | select(.replayed)] | length' "$answer")))
        ;;
      400 | 409 | 422)
        # One of the batch is refused, and Append takes all or nothing: each alone.
        for file in "${batch[@]}"; do
          status="$(operations_append "$url" "$headers" "$(jq -c '{records: [.]}' -- "$file")" "$answer")"
          if [[ $status == 200 ]]; then
            rm -f -- "$file"
            delivered=$((delivered + 1))
            replayed=$((replayed + $(jq '[.[] | select(.replayed)] | length' "$answer")))
          elif [[ $status =~ ^(400|409|422)$ ]]; then
            operations_refuse "$answer" "$file"
          else
            break 2
          fi
        done
        ;;
      *)
        warn "audit: Append answered ${status:-nothing}: $(head -c 500 -- "$answer" 2>/dev/null); records stay queued in $queue"
        break
        ;;
    esac
  done
  rm -f -- "$answer" "$headers"
  local left
  left="$(find "$queue" -maxdepth 1 -name '*.json' -type f | wc -l)"
  info "audit: $delivered record(s) appended to the platform log at $url ($replayed already there)$( ((left == 0)) || printf '; %s still queued in %s' "$left" "$queue")"
)

# operations_append <url> <headers file> <body> <answer file>: POSTs one Append; prints
# the HTTP status (nothing when the service did not answer).
operations_append() {
  local url="$1" headers="$2" body="$3" answer="$4"
  curl -sS --max-time 20 --cacert "$(tls_ca_cert)" -o "$answer" -w '%{http_code}' -X POST -H "@$headers" \
    --data-binary @- "$url/v1/audit/tenants/$FLEET_PLATFORM_LOG_TENANT/records" <<<"$body" 2>/dev/null || true
}

# operations_refuse <answer file> <record file>...: moves records the service refused
# to refused/, each with the service's answer beside it.
operations_refuse() {
  local answer="$1" queue file
  shift
  queue="$(operations_queue)"
  mkdir -p -- "$queue/refused"
  for file in "$@"; do
    mv -f -- "$file" "$queue/refused/"
    cp -- "$answer" "$queue/refused/$(basename -- "$file" .json).answer" 2>/dev/null || true
    warn "audit: the audit service refused the record $(basename -- "$file"); kept in $queue/refused/ with its answer"
  done
}

# Runs ./fleet <command> [args...] as its own process (so its `set -e` and exits are
# its own), shows its output as it comes, and keeps a copy of each stream; sets
# OPERATION_RC, OPERATION_OUT, OPERATION_ERR (files the caller removes).
# FLEET_OPERATION_RECORDED_BY tells the inner ./fleet that this process records it.
operations_run_inner() {
  OPERATION_OUT="$(mktemp)"
  OPERATION_ERR="$(mktemp)"
  local rc_file pipeline_rc=0
  rc_file="$(mktemp)"
  # The inner command's stdout goes to fd 3 (tee'd into OPERATION_OUT), its stderr
  # through the pipe (tee'd into OPERATION_ERR and back to stderr). Neither the inner
  # command nor what it leaves running (a restored cluster) holds fd 3.
  { { FLEET_OPERATION_RECORDED_BY=$$ "$FLEET_ROOT/fleet" "$@" 3>&- || printf '%s\n' "$?" >"$rc_file"; } \
    2>&1 1>&3 3>&- | tee -- "$OPERATION_ERR" >&2; } 3>&1 | tee -- "$OPERATION_OUT" || pipeline_rc=$?
  # Without an exit code from the command, the pipeline was cut short (a signal): its status.
  OPERATION_RC="$(cat -- "$rc_file")"
  OPERATION_RC="${OPERATION_RC:-$pipeline_rc}"
  rm -f -- "$rc_file"
}

# The reason of a failure: the last error line the command printed.
operations_failure_reason() {
  local line
  line="$(grep -E '^(fleet: error: |fleet token: |ERROR: )' -- "$1" | tail -n 1)" || true
  if [[ -z $line ]] && (($2 > 128)); then
    line="interrupted by signal $(($2 - 128)) (exit $2)"
  fi
  printf '%s\n' "${line:-exited $2 without an error message}"
}

operations_host() { hostname 2>/dev/null || printf 'unknown\n'; }

# ./fleet backup [...], recorded: BackupCompleted with the backup's label, type, times,
# WAL range and sizes (from pgbackrest info), or BackupFailed with the exit code and
# the error. One backup at a time: the scheduler's and an operator's wait for each other.
operations_backup() {
  local arg started_at started_ms elapsed json details action outcome reason resource correlation wait lock_fd
  for arg in "$@"; do
    [[ $arg == -h || $arg == --help ]] && { cmd_backup "$@"; return 0; }
  done
  operations_actor >/dev/null
  wait="$(operations_require_seconds FLEET_BACKUP_LOCK_WAIT)"
  correlation="fleet-backup-$(cat /proc/sys/kernel/random/uuid)"
  started_at="$(now_rfc3339_us)"
  started_ms="$(now_ms)"
  exec {lock_fd}>"$(operations_backup_lock)"
  if ! flock -n "$lock_fd"; then
    info "backup: another backup is running; waiting for it (at most $FLEET_BACKUP_LOCK_WAIT, FLEET_BACKUP_LOCK_WAIT)"
    if ! flock -w "$wait" "$lock_fd"; then
      OPERATION_RC=1
      reason="backup: another backup was still running after $FLEET_BACKUP_LOCK_WAIT; nothing was done"
      printf 'fleet: error: %s\n' "$reason" >&2
      operations_record aicunet.fleet.v1.BackupFailed "stanza/$FLEET_BACKUP_STANZA" failure "$reason" \
        "$(jq -cn --arg args "$*" --arg started "$started_at" --arg host "$(operations_host)" \
          '{command: ("./fleet backup " + $args), exit_code: 1, started_at: $started, host: $host}')" \
        "$started_at" "$correlation"
      exit 1
    fi
  fi
  # Stopped (./fleet down stops the scheduler's backup, Ctrl-C an operator's): the signal
  # reaches the whole process group, pgBackRest ends, and this shell records the failed
  # run before it exits (bash runs the trap once the command it waits for has ended).
  trap 'info "backup: interrupted"' TERM INT
  operations_run_inner backup "$@"
  exec {lock_fd}>&-
  elapsed=$(($(now_ms) - started_ms))
  details="$(jq -cn --arg args "$*" --argjson rc "$OPERATION_RC" --arg started "$started_at" \
    --arg stopped "$(now_rfc3339_us)" --argjson ms "$elapsed" --arg host "$(operations_host)" \
    --arg user "$(id -un)" --arg operator "${FLEET_OPERATOR:-}" \
    '{command: ("./fleet backup " + $args | rtrimstr(" ")), exit_code: $rc, started_at: $started,
      stopped_at: $stopped, duration_ms: $ms, host: $host, os_user: $user}
     + (if $operator == "" then {} else {operator: $operator} end)')"
  if ((OPERATION_RC == 0)); then
    action=aicunet.fleet.v1.BackupCompleted
    outcome=success
    reason=""
    # The backup just taken is the newest of the repository (backups run one at a time).
    json="$(backup_info_json 2>/dev/null)" || json=""
    resource="stanza/$FLEET_BACKUP_STANZA"
    if [[ -n $json ]] && [[ "$(jq '.[0].backup | length' <<<"$json")" != 0 ]]; then
      local newest
      if newest="$(jq -c --argjson d "$details" '.[0].backup | max_by(.timestamp.stop) |
        $d + {label: .label, type: .type, backup_started_at: (.timestamp.start | todate),
              backup_stopped_at: (.timestamp.stop | todate), wal_start: .archive.start, wal_stop: .archive.stop,
              size_bytes: .info.size, stored_bytes: .info.repository.delta, prior: .prior}' <<<"$json")"; then
        details="$newest"
        resource="stanza/$FLEET_BACKUP_STANZA/backup/$(jq -r .label <<<"$details")"
      fi
    fi
  else
    action=aicunet.fleet.v1.BackupFailed
    outcome=failure
    reason="$(operations_failure_reason "$OPERATION_ERR" "$OPERATION_RC")"
    resource="stanza/$FLEET_BACKUP_STANZA"
  fi
  operations_record "$action" "$resource" "$outcome" "$reason" "$details" "$started_at" "$correlation"
  rm -f -- "$OPERATION_OUT" "$OPERATION_ERR"
  return "$OPERATION_RC"
}

# ./fleet restore [...], recorded by step: --to (RestoreCompleted / RestoreFailed: the
# target time, the new cluster's directory and port, the backup it started from),
# --drop-caches (RestoreCachesDropped / ...Failed), --stop (RestoredClusterStopped /
# ...Failed), and a switch-over of the stack to a restored cluster (--switch or
# --promote: RestoreSwitched / RestoreSwitchFailed). --help is not recorded.
operations_restore() {
  local arg step="" to="" into="" port="" cluster="" tenant="" stop_dir="" switch_dir="" previous=""
  local started_at started_ms elapsed details action outcome reason resource correlation
  for arg in "$@"; do
    case "$previous" in
      --to) to="$arg" ;;
      --into) into="$arg" ;;
      --port) port="$arg" ;;
      --cluster) cluster="$arg" ;;
      --tenant) tenant="$arg" ;;
      --stop) stop_dir="$arg" ;;
      --switch | --promote) switch_dir="$arg" ;;
    esac
    case "$arg" in
      -h | --help) cmd_restore "$@"; return 0 ;;
      --drop-caches) step="${step:-CachesDropped}" ;;
      --stop) step=ClusterStopped ;;
      --switch | --promote) step=Switched ;;
    esac
    previous="$arg"
  done
  step="${step:-Restored}"
  operations_actor >/dev/null
  correlation="fleet-restore-$(cat /proc/sys/kernel/random/uuid)"
  started_at="$(now_rfc3339_us)"
  started_ms="$(now_ms)"
  operations_run_inner restore "$@"
  elapsed=$(($(now_ms) - started_ms))
  details="$(jq -cn --arg args "$*" --argjson rc "$OPERATION_RC" --arg started "$started_at" \
    --arg stopped "$(now_rfc3339_us)" --argjson ms "$elapsed" --arg host "$(operations_host)" \
    --arg user "$(id -un)" --arg operator "${FLEET_OPERATOR:-}" \
    '{command: ("./fleet restore " + $args), exit_code: $rc, started_at: $started, stopped_at: $stopped,
      duration_ms: $ms, host: $host, os_user: $user}
     + (if $operator == "" then {} else {operator: $operator} end)')"
  case "$step" in
    Restored)
      local done_line target="" dir="" restored_port=""
      # "restore: done in 6.1 s: the cluster in DIR answers on 127.0.0.1:PORT, restored to TARGET"
      done_line="$(grep -E '^restore: done in .* answers on 127\.0\.0\.1:[0-9]+, restored to ' -- "$OPERATION_OUT" | tail -n 1)" || true
      if [[ $done_line =~ the\ cluster\ in\ (.*)\ answers\ on\ 127\.0\.0\.1:([0-9]+),\ restored\ to\ (.*)$ ]]; then
        dir="${BASH_REMATCH[1]}"
        restored_port="${BASH_REMATCH[2]}"
        target="${BASH_REMATCH[3]}"
      fi
      details="$(jq -c --arg to "$to" --arg target "$target" --arg into "${dir:-$into}" --arg port "${restored_port:-$port}" \
        --arg cluster "$cluster" --arg system "$(backup_system_identifier "$(pg_data)" 2>/dev/null || true)" \
        '. + {target_time_requested: $to, cluster_dir: $into}
         + (if $target == "" then {} else {target_time: $target} end)
         + (if $port == "" then {} else {port: ($port | tonumber? // $port)} end)
         + {restored_from_cluster: (if $cluster == "" then $system else $cluster end)}' <<<"$details")"
      resource="cluster/${dir:-${into:-$FLEET_HOME/restores}}"
      ;;
    CachesDropped)
      details="$(jq -c --arg tenant "$tenant" --arg dropped "$(grep -oE 'dropped [0-9]+ cached' -- "$OPERATION_OUT" | grep -oE '[0-9]+' | tail -n 1)" \
        '. + {tenant: (if $tenant == "" then "every tenant" else $tenant end)}
         + (if $dropped == "" then {} else {checkpoints_dropped: ($dropped | tonumber)} end)' <<<"$details")"
      resource="redis/127.0.0.1:$FLEET_REDIS_PORT/agent-state-checkpoint-cache${tenant:+/tenant/$tenant}"
      ;;
    ClusterStopped)
      resource="cluster/$(realpath -m -- "${stop_dir:-.}")"
      ;;
    Switched)
      details="$(jq -c --arg dir "$switch_dir" '. + {cluster_dir: $dir}' <<<"$details")"
      resource="cluster/$(realpath -m -- "${switch_dir:-.}")"
      ;;
  esac
  case "$step:$((OPERATION_RC == 0))" in
    Restored:1) action=RestoreCompleted ;;
    Restored:0) action=RestoreFailed ;;
    CachesDropped:1) action=RestoreCachesDropped ;;
    CachesDropped:0) action=RestoreDropCachesFailed ;;
    ClusterStopped:1) action=RestoredClusterStopped ;;
    ClusterStopped:0) action=RestoredClusterStopFailed ;;
    Switched:1) action=RestoreSwitched ;;
    Switched:0) action=RestoreSwitchFailed ;;
  esac
  action="aicunet.fleet.v1.$action"
  if ((OPERATION_RC == 0)); then
    outcome=success
    reason=""
  else
    outcome=failure
    reason="$(operations_failure_reason "$OPERATION_ERR" "$OPERATION_RC")"
  fi
  operations_record "$action" "$resource" "$outcome" "$reason" "$details" "$started_at" "$correlation"
  rm -f -- "$OPERATION_OUT" "$OPERATION_ERR"
  return "$OPERATION_RC"
}

# --- The backup scheduler ---

operations_scheduler_pid_file() { printf '%s\n' "$FLEET_RUN/backup-scheduler.pid"; }
operations_scheduler_log() { printf '%s\n' "$FLEET_LOGS/backup-scheduler.log"; }
# The scheduler's settings and its last decision, for `./fleet status`.
operations_scheduler_state() { printf '%s\n' "$FLEET_RUN/backup-scheduler.state"; }

# A line of the scheduler's log, with its time; the last one is its state.
# OPERATIONS_NOTE_QUIET=yes: the state only (a decision repeated every check).
operations_scheduler_note() {
  local line
  line="$(date -u +%FT%TZ) $*"
  [[ ${OPERATIONS_NOTE_QUIET:-no} == yes ]] || info "$line"
  printf 'diff every %s, full every %s; %s\n' "$FLEET_BACKUP_DIFF_EVERY" "$FLEET_BACKUP_FULL_EVERY" "$line" \
    >"$(operations_scheduler_state)"
}
operations_scheduler_pid() { live_pid "$(operations_scheduler_pid_file)" "fleet backup-scheduler"; }

# backup_schedule_decide <now epoch s> <diff every s> <full every s>, `pgbackrest info`
# JSON on stdin: prints "full|diff|none <why>". Full when there is no full backup or
# the newest full one stopped <full every> ago or more; else diff when the newest full
# or differential one stopped <diff every> ago or more (incremental backups taken by
# hand do not count: a differential backup is what a restore needs besides the full).
backup_schedule_decide() {
  jq -r --argjson now "$1" --argjson diff "$2" --argjson full "$3" '
    def ago(t): ($now - t);
    (.[0].backup // []) as $b
    | ($b | map(select(.type == "full")) | map(.timestamp.stop) | max) as $full_stop
    | ($b | map(select(.type == "full" or .type == "diff")) | map(.timestamp.stop) | max) as $diff_stop
    | if $full_stop == null then "full no full backup yet"
      elif ago($full_stop) >= $full then "full the newest full backup stopped \(ago($full_stop)) s ago"
      elif ago($diff_stop) >= $diff then "diff the newest full or differential backup stopped \(ago($diff_stop)) s ago"
      else "none next differential in \($diff - ago($diff_stop)) s, next full in \($full - ago($full_stop)) s"
      end'
}

# The scheduler's loop (./fleet backup-scheduler, started by `up`): every
# FLEET_BACKUP_CHECK_EVERY, skipped while a backup runs, decides from the repository and
# runs ./fleet backup --type full|diff as FLEET_OPERATOR=backup-scheduler.
operations_scheduler_loop() {
  local diff full check now json decision type last_type="" rc child="" running single_fd
  operations_check_settings
  diff="$(operations_require_seconds FLEET_BACKUP_DIFF_EVERY)"
  full="$(operations_require_seconds FLEET_BACKUP_FULL_EVERY)"
  check="$(operations_require_seconds FLEET_BACKUP_CHECK_EVERY)"
  # One scheduler per stack, however it was started (by `up`, or as this command):
  # it holds a lock for its whole life and names itself in the pid file that `status`
  # and `down` read.
  exec {single_fd}>"$FLEET_RUN/backup-scheduler.lock"
  if ! flock -n "$single_fd"; then
    running="$(operations_scheduler_pid)" || running="?"
    die "backup-scheduler: already running (pid $running); one per stack"
  fi
  printf '%s\n' "$$" >"$(operations_scheduler_pid_file)"
  # ./fleet down: a backup under way is interrupted (pgBackRest stops cleanly on
  # SIGTERM; the run is recorded as failed) and awaited, then the loop ends.
  trap 'operations_scheduler_note "stopping"
    if [[ -n $child ]]; then kill -TERM -- "-$child" 2>/dev/null; wait "$child" 2>/dev/null; fi
    rm -f -- "$(operations_scheduler_pid_file)"
    exit 0' TERM INT
  operations_scheduler_note "backup scheduler: differential every $FLEET_BACKUP_DIFF_EVERY, full every $FLEET_BACKUP_FULL_EVERY, checked every $FLEET_BACKUP_CHECK_EVERY"
  while true; do
    if ! flock -n "$(operations_backup_lock)" true; then
      operations_scheduler_note "a backup is running; next check in $FLEET_BACKUP_CHECK_EVERY"
    else
      now="$(date +%s)"
      if json="$(backup_info_json 2>&1)"; then
        decision="$(backup_schedule_decide "$now" "$diff" "$full" <<<"$json")"
        type="${decision%% *}"
        # Nothing to do, again: the state changes, the log does not grow by a line a check.
        OPERATIONS_NOTE_QUIET="$([[ $type == none && $last_type == none ]] && echo yes || echo no)" \
          operations_scheduler_note "$type: ${decision#* }"
        last_type="$type"
        if [[ $type == full || $type == diff ]]; then
          # Its own process group, so that stopping the scheduler stops the backup too.
          FLEET_OPERATOR="${FLEET_OPERATOR:-backup-scheduler}" setsid "$FLEET_ROOT/fleet" backup --type "$type" {single_fd}>&- &
          child=$!
          rc=0
          wait "$child" || rc=$?
          if ((rc == 0)); then
            operations_scheduler_note "$type backup done"
          else
            operations_scheduler_note "$type backup failed (exit $rc); retried at the next check"
          fi
          child=""
        fi
      else
        operations_scheduler_note "cannot read the repository (${json##*$'\n'}); next check in $FLEET_BACKUP_CHECK_EVERY"
      fi
    fi
    sleep "$check" {single_fd}>&- &
    wait $! || true
  done
}

# At the start of `up`, before anything starts: the scheduler's settings and the
# operator's name are refused there, not half-way through.
operations_check_settings() {
  [[ $FLEET_BACKUP_SCHEDULE == on || $FLEET_BACKUP_SCHEDULE == off ]] ||
    die "FLEET_BACKUP_SCHEDULE must be on or off, not '$FLEET_BACKUP_SCHEDULE'"
  local diff full
  diff="$(operations_require_seconds FLEET_BACKUP_DIFF_EVERY)"
  full="$(operations_require_seconds FLEET_BACKUP_FULL_EVERY)"
  operations_require_seconds FLEET_BACKUP_CHECK_EVERY >/dev/null
  ((diff <= full)) ||
    die "FLEET_BACKUP_DIFF_EVERY ($FLEET_BACKUP_DIFF_EVERY) must not be longer than FLEET_BACKUP_FULL_EVERY ($FLEET_BACKUP_FULL_EVERY)"
  operations_actor >/dev/null
}

# At `up`, after Postgres and the object store are ready.
operations_scheduler_start() {
  local pid
  if [[ $FLEET_BACKUP_SCHEDULE == off ]]; then
    info "backup-scheduler: not started (FLEET_BACKUP_SCHEDULE=off)"
    return 0
  fi
  operations_check_settings
  if pid="$(operations_scheduler_pid)"; then
    info "backup-scheduler: already running (pid $pid)"
    return 0
  fi
  spawn "$(operations_scheduler_pid_file)" "$(operations_scheduler_log)" "$FLEET_ROOT/fleet" backup-scheduler
  info "backup-scheduler: started (differential every $FLEET_BACKUP_DIFF_EVERY, full every $FLEET_BACKUP_FULL_EVERY; log $(operations_scheduler_log))"
}

operations_scheduler_stop() {
  local pid
  if pid="$(operations_scheduler_pid)"; then
    info "backup-scheduler: stopping (pid $pid)"
    stop_pid backup-scheduler "$pid" 60
  fi
  rm -f -- "$(operations_scheduler_pid_file)"
}

operations_scheduler_status() {
  local pid state=""
  if pid="$(operations_scheduler_pid)"; then
    state="$(cat -- "$(operations_scheduler_state)" 2>/dev/null)" || true
  fi
  status_line backup-sched "${pid:-}" "${state:-diff every $FLEET_BACKUP_DIFF_EVERY, full every $FLEET_BACKUP_FULL_EVERY} (log $(operations_scheduler_log))"
}
