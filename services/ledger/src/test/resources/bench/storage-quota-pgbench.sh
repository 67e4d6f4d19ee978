#!/usr/bin/env bash
# What the ledger's storage quota (changeset 0009, docs/ledger.md "Storage quota") costs a
# batch insert: pgbench against a scratch database holding the ledger's transfers table
# as its changesets 0002, 0007 and (for the counted modes) 0009 and 0010 create it. Each
# transaction inserts one batch of BATCH transfers with one INSERT ... SELECT (as PostBatch
# writes one statement), reads the tenant's count as StorageQuota.checkWrite does (only
# the modes with metadata), and commits. Modes:
#   baseline   no 0009 (no triggers), no metadata
#   baseline-m no 0009, 100 bytes of metadata per transfer (what the metadata itself costs)
#   none       0009's triggers, transfers without metadata (every batch pays the trigger)
#   spread     0009, 100 bytes of metadata per transfer, batches of 1000 tenants at random
#   hot        0009, 100 bytes of metadata per transfer, every batch for one tenant
# WITHOUT_0010=1 measures 0009's trigger as it was (a function call per row).
# Usage: storage-quota-pgbench.sh [seconds per run] [clients] [batch]
# Stack of `./fleet up --infra`; the scratch database is created and dropped.
set -euo pipefail
SECONDS_PER_RUN=${1:-10}
CLIENTS=${2:-4}
BATCH=${3:-100}
HERE=$(cd "$(dirname "$0")" && pwd)
CHANGELOG=$HERE/../../../main/resources/db/changelog
export PGHOST=127.0.0.1 PGPORT=${FLEET_PG_PORT:-15432} PGUSER=postgres
export PGPASSWORD=${FLEET_PG_SUPERUSER_PASSWORD:-fleet-dev}
DB=ledger_storage_bench_$$
WORK=$(mktemp -d)
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

changeset_sql() {
  python3 - "$1" <<'PY'
import sys, yaml
for entry in yaml.safe_load(open(sys.argv[1]))["databaseChangeLog"]:
    for change in entry["changeSet"]["changes"]:
        print(change["sql"]["sql"])
PY
}

setup() { # $1: with 0009 or not
  dropdb --if-exists "$DB" >/dev/null 2>&1 || true
  createdb "$DB"
  {
    echo "CREATE SCHEMA ledger; SET search_path = ledger;"
    changeset_sql "$CHANGELOG/0002-create-transfers.yaml"
    # 0007 alters accounts too: only its transfers part is needed here.
    echo "ALTER TABLE transfers ADD COLUMN personal_metadata text CHECK (personal_metadata LIKE 'aes1:%');"
    if [ "$1" = counted ]; then
      changeset_sql "$CHANGELOG/0009-count-tenant-storage.yaml"
      [ "${WITHOUT_0010:-}" = 1 ] || changeset_sql "$CHANGELOG/0010-count-tenant-storage-inline.yaml"
    fi
  } > "$WORK/schema.sql"
  psql -q -v ON_ERROR_STOP=1 -d "$DB" -f "$WORK/schema.sql" >/dev/null
}

script() { # $1: metadata bytes per transfer (0: none), $2: tenants to pick from, $3: plain or counted
  local metadata check tenant="('00000000-0000-0000-0000-' || lpad(:t::text, 12, '0'))::uuid"
  if [ "$1" -gt 0 ]; then
    metadata="jsonb_build_object('k', repeat('x', $1 - 9))"
  else
    metadata="'{}'::jsonb"
  fi
  if [ "$1" -gt 0 ] && [ "$3" = counted ]; then
    check="SELECT s.bytes, set_config('aicunet.storage_delta_bytes', '0', true) FROM ledger.tenant_storage s WHERE s.tenant_id = $tenant;"
  else
    check=""
  fi
  cat <<SQL
\set t random(1, $2)
BEGIN;
INSERT INTO ledger.transfers (tenant_id, transfer_id, debit_account_id, credit_account_id, amount, unit, kind,
    linked, timeout_seconds, code, metadata, recorded_at, request_sha256, debit_debits_posted,
    debit_credits_posted, debit_debits_pending, debit_credits_pending, credit_debits_posted,
    credit_credits_posted, credit_debits_pending, credit_credits_pending)
SELECT $tenant, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 1, 'CREDIT', 'posted', false, 0,
       'usage', $metadata, clock_timestamp(), sha256(i::text::bytea), i, 0, 0, 0, 0, i, 0, 0
  FROM generate_series(1, $BATCH) AS i;
$check
COMMIT;
SQL
}

run() { # $1 mode, $2 schema, $3 metadata bytes, $4 tenants
  setup "$2"
  script "$3" "$4" "$2" > "$WORK/$1.sql"
  local result
  result=$(pgbench -n -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -f "$WORK/$1.sql" "$DB" 2>&1)
  printf '%-10s batches/s %8s  latency average ms %7s\n' "$1" \
    "$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$result")" \
    "$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$result")"
}

echo "batch $BATCH transfers, $CLIENTS clients, $SECONDS_PER_RUN s per run, load: $(cut -d' ' -f1-3 /proc/loadavg)"
run baseline plain 0 1000
run baseline-m plain 100 1000
run none counted 0 1000
run spread counted 100 1000
run hot counted 100 1
