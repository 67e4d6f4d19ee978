#!/usr/bin/env bash
# What TLS to Kafka costs (docs/tls.md, docs/BENCHMARKS.md "TLS to Kafka"): Kafka's own
# ProducerPerformance (acks=all, idempotent, as the outbox relay) and ConsumerPerformance
# through a SASL_SSL listener (the stack's CA, host name verified) and a SASL_PLAINTEXT
# listener of the same scratch broker, in one run, so both see the same disk and JVM. The
# stack's broker takes TLS only and is not loosened for this: the scratch broker (the
# stack's jars, its certificate, its SCRAM mechanism) lives in a temporary directory on
# ports of its own and is removed at the end. Prints one table: each listener twice, in
# the order plaintext, TLS, TLS, plaintext.
# Usage: kafka-tls-perf.sh [records] [record bytes] [records/s, -1: as fast as it goes]
# (a fixed rate shows the latency a moderately loaded producer sees, the relay's case).
# Needs ./fleet up --infra to have run once (the broker's jars and certificate).
set -euo pipefail
RECORDS=${1:-200000}
RECORD_BYTES=${2:-1024}
THROUGHPUT=${3:--1}
FLEET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd -P)"
bin_dir="$FLEET_ROOT/platform/devstack/bin"
for lib in common tls kafka; do
  # shellcheck source=/dev/null
  source "$bin_dir/$lib.sh"
done
fleet_config
fleet_dirs
BASE=${BENCH_KAFKA_PORT:-$((FLEET_KAFKA_PORT + 40))}
TLS_PORT=$BASE PLAIN_PORT=$((BASE + 1)) CONTROLLER_PORT=$((BASE + 2))
keystore="$(tls_server_keystore kafka)"
[[ -s $keystore ]] || die "no $keystore: run ./fleet up --infra first"
cp="$(kafka_classpath)"
WORK=$(mktemp -d /tmp/kafka-tls-bench.XXXXXX)
pid=""
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf -- "$WORK"
}
trap cleanup EXIT
jaas='org.apache.kafka.common.security.scram.ScramLoginModule required username="bench" password="bench";'
(
  umask 077
  cat >"$WORK/server.properties" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=TLS://127.0.0.1:$TLS_PORT,PLAIN://127.0.0.1:$PLAIN_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=TLS://127.0.0.1:$TLS_PORT,PLAIN://127.0.0.1:$PLAIN_PORT
listener.security.protocol.map=TLS:SASL_SSL,PLAIN:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAIN
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.tls.scram-sha-512.sasl.jaas.config=$jaas
listener.name.plain.scram-sha-512.sasl.jaas.config=$jaas
ssl.keystore.type=PKCS12
ssl.keystore.location=$keystore
ssl.keystore.password=$(<"$(tls_server_keystore_password_file kafka)")
ssl.enabled.protocols=TLSv1.3,TLSv1.2
log.dirs=$WORK/data
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
CONF
  printf '%s\n' "security.protocol=SASL_SSL" "ssl.truststore.type=PEM" "ssl.truststore.location=$(tls_ca_cert)" \
    "sasl.mechanism=SCRAM-SHA-512" "sasl.jaas.config=$jaas" >"$WORK/tls.properties"
  printf '%s\n' "security.protocol=SASL_PLAINTEXT" "sasl.mechanism=SCRAM-SHA-512" "sasl.jaas.config=$jaas" \
    >"$WORK/plain.properties"
)
for port in "$TLS_PORT" "$PLAIN_PORT" "$CONTROLLER_PORT"; do
  require_free_port "bench kafka" "$port" BENCH_KAFKA_PORT
done
kafka_run_tool kafka.tools.StorageTool format -t "$(kafka_run_tool kafka.tools.StorageTool random-uuid)" \
  -c "$WORK/server.properties" --add-scram "SCRAM-SHA-512=[name=bench,password=bench]" >"$WORK/format.log" 2>&1 ||
  { cat "$WORK/format.log" >&2; die "could not format the scratch broker's storage"; }
"$(java_bin)" -Xms256m -Xmx"$FLEET_KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$FLEET_RESOURCES/kafka/log4j2.properties" -Dkafka.logs.dir="$WORK" \
  -cp "$cp" kafka.Kafka "$WORK/server.properties" >"$WORK/broker.out" 2>&1 &
pid=$!
scratch_ready() { port_open "$PLAIN_PORT" && port_open "$TLS_PORT" && grep -qF 'Kafka Server started' "$WORK/kafka.log"; }
wait_for 120 "$pid" "$WORK/broker.out" "bench kafka" scratch_ready || die "the scratch broker did not start"

# Produces <records> to a new topic through <listener> (plain or tls) at <rate>; prints
# ProducerPerformance's summary line.
produce() {
  local listener="$1" topic="$2" records="$3" rate="$4" port=$PLAIN_PORT
  [[ $listener == tls ]] && port=$TLS_PORT
  kafka_run_tool org.apache.kafka.tools.ProducerPerformance --topic "$topic" \
    --num-records "$records" --record-size "$RECORD_BYTES" --throughput "$rate" \
    --producer.config "$WORK/$listener.properties" \
    --producer-props "bootstrap.servers=127.0.0.1:$port" acks=all enable.idempotence=true linger.ms=5 2>&1 | tail -n 1
}
# A warm-up through each listener first (JIT, page cache, the broker's first segments), not counted.
for listener in plain tls; do
  produce "$listener" "warm-up-$listener" $((RECORDS / 10 + 1)) -1 >/dev/null
done
printf 'scratch broker ready and warmed up; %s records of %s bytes per run, %s records/s (-1: unbounded), acks=all, idempotent, linger.ms=5\n' \
  "$RECORDS" "$RECORD_BYTES" "$THROUGHPUT"
printf '| listener | produce records/s | produce MB/s | produce avg latency ms | p99 ms | consume records/s | consume MB/s |\n'
printf '|---|---|---|---|---|---|---|\n'
# ABBA order: a broker that warms up (or a machine that gets busier) during the run
# favours neither listener.
for listener in plain tls tls plain; do
  port=$PLAIN_PORT
  [[ $listener == tls ]] && port=$TLS_PORT
  topic="bench-$listener-$(date +%s)"
  produced="$(produce "$listener" "$topic" "$RECORDS" "$THROUGHPUT")"
  # "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, p50 ms 50th, p95 ms 95th, p99 ms 99th, ..."
  read -r rate mb avg p99 < <(sed -E 's/.* sent, ([0-9.]+) records\/sec \(([0-9.]+) MB\/sec\), ([0-9.]+) ms avg latency.*, ([0-9]+) ms 99th.*/\1 \2 \3 \4/' <<<"$produced")
  consumed="$(kafka_run_tool org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "127.0.0.1:$port" \
    --topic "$topic" --messages "$RECORDS" --consumer.config "$WORK/$listener.properties" --hide-header --timeout 60000 2>/dev/null | tail -n 1)"
  # start, end, MB, MB/s, records, records/s, ...
  IFS=', ' read -r -a fields <<<"$(tr -s ' ' <<<"$consumed")"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$([[ $listener == tls ]] && echo SASL_SSL || echo SASL_PLAINTEXT)" \
    "$rate" "$mb" "$avg" "$p99" "${fields[7]:-?}" "${fields[5]:-?}"
done
