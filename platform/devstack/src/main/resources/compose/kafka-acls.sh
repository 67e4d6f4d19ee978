#!/usr/bin/env bash
# docker-compose.yml's one-shot kafka-acls: each service's SCRAM-SHA-512 principal (with its
# development password fleet-dev-kafka-<service>, platform/outbox's %dev setting) and the
# ACLs of platform/devstack/src/main/resources/kafka/acls.conf with an empty topic prefix
# ({p}), as ./fleet up applies them with platform/testing's KafkaAcls (bin/kafka.sh,
# kafka_secure). KafkaAcls needs a JDK, which the Kafka image lacks, so this script reads
# the same file with the same rules and calls Kafka's own tools: kafka-configs.sh for the
# credentials, kafka-acls.sh for the bindings (one call per principal, resource, pattern
# and operations, naming all their resources). Both are idempotent: a restart re-applies.
# A line removed from acls.conf is not revoked here (KafkaAcls' sync does that on the
# local stack): `docker compose down -v` starts compose's Kafka afresh.
#
#   kafka-acls.sh ACLS_FILE
#
# Environment: KAFKA_BOOTSTRAP [kafka:9092], FLEET_TLS [/fleet/tls],
# FLEET_KAFKA_ADMIN_PASSWORD [fleet-dev-kafka-admin], KAFKA_BIN [/opt/kafka/bin].
set -euo pipefail
acls="${1:?usage: kafka-acls.sh ACLS_FILE}"
bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"
tls="${FLEET_TLS:-/fleet/tls}"
admin_password="${FLEET_KAFKA_ADMIN_PASSWORD:-fleet-dev-kafka-admin}"
kafka_bin="${KAFKA_BIN:-/opt/kafka/bin}"

fail() { echo "kafka-acls.sh: $*" >&2; exit 1; }

# The lines, checked as KafkaAcls.parse checks them: a typo must not drop or widen a grant.
declare -A groups=()
declare -a order=() principals=()
number=0
while IFS= read -r line || [[ -n $line ]]; do
  number=$((number + 1))
  line="${line#"${line%%[![:space:]]*}"}"
  [[ -z $line || $line == \#* ]] && continue
  read -r -a fields <<<"$line"
  ((${#fields[@]} == 5)) || fail "$acls:$number: expected 'principal resource pattern name operations', got '$line'"
  principal="${fields[0]}" resource="${fields[1]}" pattern="${fields[2]}" name="${fields[3]//\{p\}/}" operations="${fields[4]}"
  [[ $principal =~ ^[a-z][a-z0-9-]*$ ]] || fail "$acls:$number: bad principal '$principal'"
  [[ $resource == topic || $resource == group ]] || fail "$acls:$number: resource must be topic or group, not '$resource'"
  [[ $pattern == literal || $pattern == prefixed ]] || fail "$acls:$number: pattern must be literal or prefixed, not '$pattern'"
  IFS=, read -r -a operation_list <<<"$operations"
  for operation in "${operation_list[@]}"; do
    case "${operation^^}" in
      READ | WRITE | CREATE | DELETE | ALTER | DESCRIBE | CLUSTER_ACTION | DESCRIBE_CONFIGS | ALTER_CONFIGS | IDEMPOTENT_WRITE | CREATE_TOKENS | DESCRIBE_TOKENS | TWO_PHASE_COMMIT) ;;
      *) fail "$acls:$number: unknown or too wide operation '$operation'" ;;
    esac
  done
  [[ " ${principals[*]} " == *" $principal "* ]] || principals+=("$principal")
  key="$principal $resource $pattern ${operations^^}"
  [[ -n ${groups[$key]+set} ]] || order+=("$key")
  groups[$key]+="$name"$'\n'
done <"$acls"
((${#order[@]} > 0)) || fail "$acls grants nothing"

config="$(mktemp)"
trap 'rm -f -- "$config"' EXIT
cat >"$config" <<EOF_ADMIN
security.protocol=SASL_SSL
ssl.truststore.type=PEM
ssl.truststore.location=$tls/ca.crt
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="fleet-admin" password="$admin_password";
EOF_ADMIN

# Kafka's tools, a few times: the broker may still be electing itself.
tool() {
  local attempt
  for attempt in 1 2 3 4 5; do
    "$kafka_bin/$1" --bootstrap-server "$bootstrap" --command-config "$config" "${@:2}" && return 0
    echo "kafka-acls.sh: $1 failed (attempt $attempt of 5); trying again in 5 s" >&2
    sleep 5
  done
  fail "$1 ${*:2} failed"
}

for principal in "${principals[@]}"; do
  tool kafka-configs.sh --alter --entity-type users --entity-name "$principal" \
    --add-config "SCRAM-SHA-512=[password=fleet-dev-kafka-$principal]"
done
bindings=0
for key in "${order[@]}"; do
  read -r principal resource pattern operations <<<"$key"
  arguments=(--add --allow-principal "User:$principal" --resource-pattern-type "$pattern")
  IFS=, read -r -a operation_list <<<"$operations"
  for operation in "${operation_list[@]}"; do arguments+=(--operation "$operation"); done
  while IFS= read -r name; do
    [[ -n $name ]] || continue
    arguments+=("--$resource" "$name")
    bindings=$((bindings + ${#operation_list[@]}))
  done <<<"${groups[$key]}"
  tool kafka-acls.sh "${arguments[@]}"
done
echo "kafka-acls.sh: ${#principals[@]} service principals, $bindings ACL bindings from $acls"
