#!/usr/bin/env bash
# What a hot tenant pays for the storage quota (docs/storage-quotas.md): pgbench against
# a scratch database on the local stack's PostgreSQL (./fleet up --infra), created and
# dropped here. Three runs of the same write transaction (insert a 1 KiB checkpoint row,
# read the tenant's count as StorageQuota.checkWrite does, append an outbox-like row,
# commit), each CLIENTS connections for SECONDS seconds:
#   baseline  no counting trigger, no check (the write as it was before)
#   spread    counting triggers of agent-state 0007, 1000 tenants chosen at random
#   hot       counting triggers, every write for one tenant (all serialised on its row)
# Usage: storage-quota-pgbench.sh [seconds=10] [clients=16]
set -euo pipefail
SECONDS_PER_RUN=${1:-10}
CLIENTS=${2:-16}
export PGHOST=127.0.0.1 PGPORT=${FLEET_PG_PORT:-15432} PGUSER=postgres
export PGPASSWORD=${FLEET_PG_SUPERUSER_PASSWORD:-fleet-dev}
DB=storage_bench_$$
WORK=$(mktemp -d)
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
createdb "$DB"
psql -q -v ON_ERROR_STOP=1 -d "$DB" <<'SQL'
CREATE TABLE plain_checkpoints (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, state text NOT NULL,
                                state_bytes integer NOT NULL);
CREATE TABLE checkpoints (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, state text NOT NULL,
                          state_bytes integer NOT NULL);
CREATE TABLE outbox (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, payload text NOT NULL);
CREATE TABLE tenant_storage (tenant_id uuid PRIMARY KEY, bytes bigint NOT NULL CHECK (bytes >= 0),
                             updated_at timestamptz NOT NULL);
CREATE FUNCTION add_tenant_storage(p_tenant uuid, p_delta bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_delta = 0 THEN RETURN; END IF;
    INSERT INTO tenant_storage AS s (tenant_id, bytes, updated_at) VALUES (p_tenant, greatest(p_delta, 0), clock_timestamp())
        ON CONFLICT (tenant_id) DO UPDATE SET bytes = greatest(s.bytes + p_delta, 0), updated_at = clock_timestamp();
    PERFORM set_config('aicunet.storage_delta_bytes',
        (coalesce(nullif(current_setting('aicunet.storage_delta_bytes', true), ''), '0')::bigint + p_delta)::text, true);
END $$;
CREATE FUNCTION count_checkpoint_storage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed record;
BEGIN
    FOR changed IN SELECT tenant_id, sum(state_bytes)::bigint AS bytes FROM added GROUP BY tenant_id ORDER BY tenant_id LOOP
        PERFORM add_tenant_storage(changed.tenant_id, changed.bytes);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER checkpoints_storage_added AFTER INSERT ON checkpoints REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_checkpoint_storage();
SQL
cat > "$WORK/baseline.sql" <<'SQL'
\set t random(1, 1000)
BEGIN;
INSERT INTO plain_checkpoints (tenant_id, state, state_bytes) VALUES (md5(:t::text)::uuid, repeat('x', 1024), 1024);
INSERT INTO outbox (tenant_id, payload) VALUES (md5(:t::text)::uuid, 'CheckpointSaved');
COMMIT;
SQL
for mode in spread hot; do
  range=1000; [ "$mode" = hot ] && range=1
  cat > "$WORK/$mode.sql" <<SQL
\\set t random(1, $range)
BEGIN;
INSERT INTO checkpoints (tenant_id, state, state_bytes) VALUES (md5(:t::text)::uuid, repeat('x', 1024), 1024);
SELECT s.bytes, coalesce(nullif(current_setting('aicunet.storage_delta_bytes', true), ''), '0')::bigint,
       set_config('aicunet.storage_delta_bytes', '0', true) FROM tenant_storage s WHERE s.tenant_id = md5(:t::text)::uuid;
INSERT INTO outbox (tenant_id, payload) VALUES (md5(:t::text)::uuid, 'CheckpointSaved');
COMMIT;
SQL
done
for mode in baseline spread hot; do
  result=$(pgbench -n -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -f "$WORK/$mode.sql" "$DB" 2>&1)
  tps=$(grep -E '^tps' <<<"$result" | sed -E 's/.*= ([0-9.]+).*/\1/')
  latency=$(grep -E '^latency average' <<<"$result" | sed -E 's/.*= ([0-9.]+) ms/\1/')
  printf '%-8s %10s tx/s   latency avg %8s ms\n' "$mode" "$tps" "$latency"
done
