# shellcheck shell=bash
# Kafka of the HA stack (./fleet up --ha, or --only kafka-cluster beside the
# single-node stack): three KRaft nodes, each broker and controller (node ids 1..3, one
# static controller quorum of the three), brokers on FLEET_KAFKA_CLUSTER_PORT
# (19192,19292,19392), controllers on FLEET_KAFKA_CLUSTER_CONTROLLER_PORT
# (19193,19293,19393), data in $FLEET_HOME/kafka-cluster/<id>, FLEET_KAFKA_HEAP each.
# Every node runs kafka.sh's functions (KAFKA_NODE=<id>): the single node's TLS,
# SASL SCRAM-SHA-512 users and ACLs (acls.conf), with replication factor 3,
# min.insync.replicas 2 and no unclean leader election (kafka_cluster_overrides), so a
# producer with acks=all goes on when one broker dies. Topics appear on first use
# (auto-create) with replication factor 3. Sourced by ./fleet; needs common.sh, tls.sh
# and kafka.sh. Tools: platform/devstack/bin/kafka-tool --cluster topics --list.

KAFKA_CLUSTER_NODES=(1 2 3)

# Pids of the running nodes; fails when none runs.
kafka_cluster_pid() {
  local node pid pids=""
  for node in "${KAFKA_CLUSTER_NODES[@]}"; do
    pid="$(KAFKA_NODE=$node kafka_pid)" && pids+="${pids:+ }$pid"
  done
  [[ -n $pids ]] && printf '%s\n' "$pids"
}

kafka_cluster_check_ports() {
  local node
  for node in "${KAFKA_CLUSTER_NODES[@]}"; do
    KAFKA_NODE=$node kafka_pid >/dev/null || KAFKA_NODE=$node kafka_check_ports
  done
}

# Starts the nodes without waiting (kafka_cluster_wait does): the three JVMs boot together.
kafka_cluster_start() {
  local node
  KAFKA_CLUSTER_STARTED_AT_MS="$(now_ms)"
  for node in "${KAFKA_CLUSTER_NODES[@]}"; do
    KAFKA_NODE=$node kafka_start
  done
}

# Waits for every node (each logs "Kafka Server started" once the quorum has a leader
# and it caught up), then creates the principals and ACLs through the cluster.
kafka_cluster_wait() {
  local node elapsed
  for node in "${KAFKA_CLUSTER_NODES[@]}"; do
    # No time per node (kafka_wait would count from the last node's start).
    KAFKA_STARTED_AT_MS="" KAFKA_NODE=$node kafka_wait
  done
  if [[ -n ${KAFKA_CLUSTER_STARTED_AT_MS:-} ]]; then
    elapsed=$(($(now_ms) - KAFKA_CLUSTER_STARTED_AT_MS))
    info "kafka-cluster: all three nodes ready after $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
  fi
  KAFKA_NODE=1 kafka_secure
}

# All nodes at once: stopped one after another, the last one found no controller quorum
# left for its controlled shutdown and waited until it was killed (60 s).
kafka_cluster_stop() {
  local node pid
  for node in "${KAFKA_CLUSTER_NODES[@]}"; do
    pid="$(KAFKA_NODE=$node kafka_pid)" && kill -TERM "$pid" 2>/dev/null
  done
  for node in "${KAFKA_CLUSTER_NODES[@]}"; do
    KAFKA_NODE=$node kafka_stop
  done
}

kafka_cluster_status() {
  local node
  for node in "${KAFKA_CLUSTER_NODES[@]}"; do
    status_line "kafka-$node" "$(KAFKA_NODE=$node kafka_pid || true)" \
      "127.0.0.1:$(KAFKA_NODE=$node kafka_port) (controller 127.0.0.1:$(KAFKA_NODE=$node kafka_controller_port); SASL_SSL)"
  done
}
