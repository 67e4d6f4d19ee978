#!/usr/bin/env bash
# What TLS to Postgres costs (docs/tls.md, docs/BENCHMARKS.md "TLS to Postgres"): pgbench
# over TCP to 127.0.0.1 with sslmode=disable and with sslmode=verify-full (the stack's CA,
# the host name checked), each twice: a connection per transaction (-C: the handshake is
# paid every time, the worst case) and one connection per client for the whole run (what a
# pool does). The stack's own Postgres refuses plaintext, and is not loosened for this: a
# scratch cluster of the same server binaries, with the stack's certificate and its TLS
# settings but a pg_hba.conf that also takes plaintext, is made in a temporary directory,
# on its own port, and removed at the end. Prints one table (tps, average latency, and the
# average connection time pgbench reports).
# Usage: postgres-tls-pgbench.sh [seconds per run] [clients]
# Needs the stack's CA and Postgres certificate ($FLEET_HOME/tls, made by ./fleet up).
set -euo pipefail
SECONDS_PER_RUN=${1:-10}
CLIENTS=${2:-4}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd -P)
FLEET_HOME=$(realpath -m -- "${FLEET_HOME:-$ROOT/.fleet}")
CA=$FLEET_HOME/tls/ca.crt
PORT=${BENCH_PG_PORT:-$((${FLEET_PG_PORT:-15432} + 40))}
[[ -s $CA && -s $FLEET_HOME/tls/postgres.crt ]] || { echo "no $CA or postgres.crt: run ./fleet up --infra first" >&2; exit 1; }
BIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV | head -n 1)
WORK=$(mktemp -d /tmp/pg-tls-bench.XXXXXX)
chmod 755 "$WORK"
as_owner() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_owner "$BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf -- "$WORK"
}
trap cleanup EXIT
((EUID == 0)) && chown postgres "$WORK"
printf 'bench\n' >"$WORK/pw"
((EUID == 0)) && chown postgres "$WORK/pw"
as_owner "$BIN/initdb" -D "$WORK/data" -U postgres --pwfile="$WORK/pw" --auth=scram-sha-256 >/dev/null
install -m 600 "$FLEET_HOME/tls/postgres.crt" "$WORK/data/server.crt"
install -m 600 "$FLEET_HOME/tls/postgres.key" "$WORK/data/server.key"
cat >>"$WORK/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$WORK'
max_connections = 100
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_min_protocol_version = 'TLSv1.2'
CONF
# Both, for the comparison: 'host' matches TLS and plaintext connections.
printf 'local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n' >"$WORK/data/pg_hba.conf"
((EUID == 0)) && chown postgres "$WORK/data/server.crt" "$WORK/data/server.key" "$WORK/data/pg_hba.conf"
as_owner "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/log" -w start >/dev/null

export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGPASSWORD=bench PGDATABASE=postgres PGSSLROOTCERT=$CA
PGSSLMODE=verify-full pgbench -q -i -s 10 >/dev/null 2>&1

run() { # $1 sslmode, $2 extra options; prints tps, latency ms, connection ms
  local out
  out=$(PGSSLMODE=$1 pgbench -n -S -c "$CLIENTS" -j "$CLIENTS" -T "$SECONDS_PER_RUN" $2 2>&1)
  printf '%s | %s | %s' \
    "$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$out" | cut -d. -f1)" \
    "$(sed -nE 's/^latency average = ([0-9.]+) ms/\1/p' <<<"$out")" \
    "$(sed -nE 's/^(average|initial) connection time = ([0-9.]+) ms/\2/p' <<<"$out")"
}
echo "pgbench -S (select only), scale 10, $CLIENTS clients, ${SECONDS_PER_RUN} s per run, $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| connections | sslmode | tps | latency avg ms | connection ms |"
echo "|---|---|---|---|---|"
for mode in "one per transaction (-C)|-C" "one per client (pool)|"; do
  for ssl in disable verify-full; do
    echo "| ${mode%%|*} | $ssl | $(run "$ssl" "${mode#*|}") |"
  done
done
