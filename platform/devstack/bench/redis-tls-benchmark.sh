#!/usr/bin/env bash
# What TLS to Redis costs (docs/tls.md "Redis", docs/BENCHMARKS.md "TLS to Redis"):
# redis-benchmark against two scratch redis-servers side by side, started the same way as
# the stack's (its redis.conf, its ACL file, 127.0.0.1), one with a plaintext port and one
# TLS only with the stack's Redis certificate; as fleet-admin. Each is measured twice in
# ABBA order (plaintext, TLS, TLS, plaintext), so drift on a busy machine falls on both:
# SET and GET one command per round trip (-P 1, what the services' rate limit and caches
# do) and pipelined 16 deep. The stack's own Redis is not touched. Prints redis-benchmark's
# -q lines per run.
# Usage: redis-tls-benchmark.sh [requests] [clients]
# Needs redis-server, redis-benchmark and the stack's CA, Redis certificate and ACL file
# ($FLEET_HOME/tls, $FLEET_HOME/redis/users.acl: ./fleet up --infra makes them).
set -euo pipefail
REQUESTS=${1:-100000}
CLIENTS=${2:-50}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd -P)
FLEET_HOME=$(realpath -m -- "${FLEET_HOME:-$ROOT/.fleet}")
TLS=$FLEET_HOME/tls
ACL=$FLEET_HOME/redis/users.acl
PLAIN_PORT=${BENCH_REDIS_PLAIN_PORT:-26379}
TLS_PORT=${BENCH_REDIS_TLS_PORT:-26380}
[[ -s $TLS/ca.crt && -s $TLS/redis.crt && -s $ACL ]] || { echo "no $TLS/redis.crt or $ACL: run ./fleet up --infra first" >&2; exit 1; }
WORK=$(mktemp -d /tmp/redis-tls-bench.XXXXXX)
cleanup() {
  local pid
  for pid in "$WORK"/*.pid; do [[ -s $pid ]] && kill "$(cat "$pid")" 2>/dev/null || true; done
  sleep 0.5
  rm -rf -- "$WORK"
}
trap cleanup EXIT
start() {
  local name="$1"
  shift
  mkdir -p "$WORK/$name"
  redis-server "$ROOT/platform/devstack/src/main/resources/redis/redis.conf" --bind 127.0.0.1 --protected-mode yes \
    --daemonize yes --pidfile "$WORK/$name.pid" --dir "$WORK/$name" --logfile "$WORK/$name.log" --aclfile "$ACL" "$@"
}
start plain --port "$PLAIN_PORT"
start tls --port 0 --tls-port "$TLS_PORT" --tls-cert-file "$TLS/redis.crt" --tls-key-file "$TLS/redis.key" \
  --tls-ca-cert-file "$TLS/ca.crt"
sleep 1
export REDISCLI_AUTH=fleet-dev-redis-fleet-admin
bench() {
  local mode="$1" args
  if [[ $mode == plaintext ]]; then args=(-p "$PLAIN_PORT"); else args=(-p "$TLS_PORT" --tls --cacert "$TLS/ca.crt"); fi
  # redis-benchmark reads no REDISCLI_AUTH: the development password on its command line.
  redis-benchmark -h 127.0.0.1 "${args[@]}" --user fleet-admin -a "$REDISCLI_AUTH" -n "$REQUESTS" -c "$CLIENTS" \
    -t set,get -q 2>/dev/null | tr '\r' '\n' | grep 'requests per second' | sed "s/^/$mode P1  /"
  redis-benchmark -h 127.0.0.1 "${args[@]}" --user fleet-admin -a "$REDISCLI_AUTH" -n $((REQUESTS * 4)) -c "$CLIENTS" \
    -P 16 -t set,get -q 2>/dev/null | tr '\r' '\n' | grep 'requests per second' | sed "s/^/$mode P16 /"
}
echo "redis-benchmark -n $REQUESTS -c $CLIENTS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in plaintext tls tls plaintext; do bench "$mode"; done
