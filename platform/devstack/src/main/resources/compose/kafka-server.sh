#!/usr/bin/env bash
# docker-compose.yml's Kafka: the local stack's broker configuration
# (platform/devstack/src/main/resources/kafka/server.properties, the template ./fleet up
# renders in platform/devstack/bin/kafka.sh) with compose's paths, passwords and addresses,
# then the storage formatted once with the SCRAM-SHA-512 credentials of the broker and of
# fleet-admin (as kafka_format does), then the broker.
#
#   kafka-server.sh TEMPLATE OUT_DIR [-- COMMAND...]   render (and format, and run COMMAND)
#
# OUT_DIR gets server.properties and admin.properties (fleet-admin's client settings: the
# health check and operators use them). Compose's only difference from the template is a
# block appended at its end (the last value of a key wins): the broker listens on every
# interface of its container, for the other containers as kafka:9092 (CLIENT) and for the
# host as 127.0.0.1:$FLEET_KAFKA_PORT (HOST, published on loopback), both SASL_SSL with
# SCRAM-SHA-512 like the local stack's one listener; the KRaft controller is kafka:9093
# (SASL_SSL, PLAIN, as in the template). The certificate (compose-certificates.sh) names
# kafka, localhost and 127.0.0.1.
#
# Environment (defaults are compose's): FLEET_TLS [/fleet/tls], KAFKA_DATA_DIR
# [/var/lib/kafka/data], FLEET_KAFKA_PORT [19092], FLEET_KAFKA_BROKER_PASSWORD
# [fleet-dev-kafka-broker], FLEET_KAFKA_ADMIN_PASSWORD [fleet-dev-kafka-admin], CLUSTER_ID
# (needed to format), KAFKA_BIN [/opt/kafka/bin]. Development passwords only.
set -euo pipefail
template="${1:?usage: kafka-server.sh TEMPLATE OUT_DIR [-- COMMAND...]}"
out="${2:?usage: kafka-server.sh TEMPLATE OUT_DIR [-- COMMAND...]}"
shift 2
tls="${FLEET_TLS:-/fleet/tls}"
data="${KAFKA_DATA_DIR:-/var/lib/kafka/data}"
host_port="${FLEET_KAFKA_PORT:-19092}"
broker_password="${FLEET_KAFKA_BROKER_PASSWORD:-fleet-dev-kafka-broker}"
admin_password="${FLEET_KAFKA_ADMIN_PASSWORD:-fleet-dev-kafka-admin}"
kafka_bin="${KAFKA_BIN:-/opt/kafka/bin}"

[[ -s $tls/kafka.p12 && -s $tls/kafka.p12.password ]] || { echo "kafka-server.sh: no $tls/kafka.p12 (compose-certificates.sh)" >&2; exit 1; }
mkdir -p "$out"
(
  umask 077
  sed -e "s|@KAFKA_PORT@|9092|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|9093|g" \
    -e "s|@KAFKA_DATA_DIR@|$data|g" \
    -e "s|@KAFKA_BROKER_PASSWORD@|$broker_password|g" \
    -e "s|@KAFKA_KEYSTORE@|$tls/kafka.p12|g" \
    -e "s|@KAFKA_KEYSTORE_PASSWORD@|$(<"$tls/kafka.p12.password")|g" \
    -e "s|@KAFKA_CA@|$tls/ca.crt|g" \
    "$template" >"$out/server.properties.tmp"
  cat >>"$out/server.properties.tmp" <<EOF_COMPOSE

# --- docker-compose.yml (platform/devstack/src/main/resources/compose/kafka-server.sh) ---
# Addresses inside compose: the other containers dial kafka:9092, the host 127.0.0.1:$host_port
# (published on loopback only); both listeners SASL_SSL with SCRAM-SHA-512 like CLIENT above.
listeners=CLIENT://0.0.0.0:9092,HOST://0.0.0.0:19092,CONTROLLER://0.0.0.0:9093
advertised.listeners=CLIENT://kafka:9092,HOST://127.0.0.1:$host_port
listener.security.protocol.map=CLIENT:SASL_SSL,HOST:SASL_SSL,CONTROLLER:SASL_SSL
controller.quorum.voters=1@kafka:9093
listener.name.host.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.host.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$broker_password";
EOF_COMPOSE
  cat >"$out/admin.properties.tmp" <<EOF_ADMIN
bootstrap.servers=kafka:9092
security.protocol=SASL_SSL
ssl.truststore.type=PEM
ssl.truststore.location=$tls/ca.crt
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="fleet-admin" password="$admin_password";
EOF_ADMIN
)
if grep -n '@[A-Z_]*@' "$out/server.properties.tmp" >&2; then
  echo "kafka-server.sh: $template has a placeholder this script does not fill (above)" >&2
  exit 1
fi
mv -f -- "$out/server.properties.tmp" "$out/server.properties"
mv -f -- "$out/admin.properties.tmp" "$out/admin.properties"

(($#)) || exit 0
[[ $1 == -- ]] || { echo "kafka-server.sh: expected -- before the command, got $1" >&2; exit 2; }
shift
# KRaft takes the bootstrap SCRAM credentials only when it formats the storage (once; a
# formatted volume is left as it is). The services' credentials and ACLs come after the
# broker is up (kafka-acls.sh, the kafka-acls one-shot), as on the local stack.
"$kafka_bin/kafka-storage.sh" format --ignore-formatted -t "${CLUSTER_ID:?CLUSTER_ID must be set}" \
  -c "$out/server.properties" \
  --add-scram "SCRAM-SHA-512=[name=broker,password=$broker_password]" \
  --add-scram "SCRAM-SHA-512=[name=fleet-admin,password=$admin_password]"
exec "$@"
