# shellcheck shell=bash
# Redis Cluster of the HA stack (./fleet up --ha, or --only redis-cluster beside the
# single-node stack): six redis-server processes on 127.0.0.1, ports
# $FLEET_REDIS_CLUSTER_PORT .. +5 (default 17001..17006), three masters and a replica
# each, made once with redis-cli --cluster create. Every node is the single Redis's
# twin (redis.sh): TLS only with the local CA's certificate, the same persistence
# (redis.conf), the same ACL users (users.acl.template); the cluster bus (port + 10000)
# and replication run over TLS too, replicas authenticating as fleet-admin. A short
# cluster-node-timeout (FLEET_REDIS_CLUSTER_NODE_TIMEOUT, 2000 ms) lets a replica take
# over a killed master within seconds. Data in $FLEET_HOME/redis-cluster/<port>.
# Sourced by ./fleet; needs common.sh, tls.sh and redis.sh.

FLEET_REDIS_CLUSTER_NODES=6

redis_cluster_home() { printf '%s\n' "$FLEET_HOME/redis-cluster"; }
redis_cluster_acl_file() { printf '%s\n' "$(redis_cluster_home)/users.acl"; }
redis_cluster_node_dir() { printf '%s\n' "$(redis_cluster_home)/$1"; }
redis_cluster_pid_file() { printf '%s\n' "$FLEET_RUN/redis-cluster-$1.pid"; }
redis_cluster_log() { printf '%s\n' "$FLEET_LOGS/redis-cluster-$1.log"; }
redis_cluster_node_pid() { live_pid "$(redis_cluster_pid_file "$1")" redis-server; }

# The nodes' ports, one a line.
redis_cluster_ports() {
  local i
  for ((i = 0; i < FLEET_REDIS_CLUSTER_NODES; i++)); do
    printf '%s\n' "$((FLEET_REDIS_CLUSTER_PORT + i))"
  done
}

# Pids of the running nodes, space-separated (empty when none runs); fails when none runs.
redis_cluster_pid() {
  local port pid pids=""
  for port in $(redis_cluster_ports); do
    pid="$(redis_cluster_node_pid "$port")" && pids+="${pids:+ }$pid"
  done
  [[ -n $pids ]] && printf '%s\n' "$pids"
}

# The node's own settings, after redis.conf (included): cluster mode, TLS between the
# nodes, replication as fleet-admin. A file, not the command line: the replication
# password must not show in ps. Readable by the current user only.
redis_cluster_write_conf() {
  local port="$1" dir
  dir="$(redis_cluster_node_dir "$port")"
  mkdir -p "$dir"
  (
    umask 077
    cat >"$dir/node.conf.tmp" <<EOF
# Written by ./fleet at every start (platform/devstack/bin/redis-cluster.sh): edits here are lost.
include $FLEET_RESOURCES/redis/redis.conf
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout $FLEET_REDIS_CLUSTER_NODE_TIMEOUT
# A replica takes over whatever its master's last contact: a drill kills masters.
cluster-replica-validity-factor 0
# The bus and replication over TLS as well, with the same certificate and CA.
tls-cluster yes
tls-replication yes
masteruser fleet-admin
masterauth $(redis_password fleet-admin)
EOF
  )
  mv -f -- "$dir/node.conf.tmp" "$dir/node.conf"
}

redis_cluster_start() {
  local port pid started=0
  # Its own certificate: the cluster bus asks the connecting node for one, so it must
  # serve as a client's too.
  tls_server_ensure redis-cluster serverAuth,clientAuth
  command -v redis-server >/dev/null 2>&1 || die "redis-cluster: redis-server not found (apt-get install redis-server)"
  mkdir -p "$(redis_cluster_home)"
  redis_render_acl "$(redis_cluster_acl_file)"
  for port in $(redis_cluster_ports); do
    if pid="$(redis_cluster_node_pid "$port")"; then
      # Running: the ACL file again, so a changed template takes effect.
      [[ "$(redis_cli_at "$port" acl load 2>&1)" == OK ]] ||
        die "redis-cluster: ACL LOAD on 127.0.0.1:$port failed"
      continue
    fi
    require_free_port "redis-cluster node" "$port" FLEET_REDIS_CLUSTER_PORT
    require_free_port "redis-cluster bus" "$((port + 10000))" FLEET_REDIS_CLUSTER_PORT
    redis_cluster_write_conf "$port"
    rm -f -- "$(redis_cluster_pid_file "$port")"
    redis_server_launch "$(redis_cluster_node_dir "$port")/node.conf" "$port" "$(redis_cluster_node_dir "$port")" \
      "$(redis_cluster_pid_file "$port")" "$(redis_cluster_log "$port")" "$(redis_cluster_acl_file)" "redis-cluster $port" redis-cluster
    started=$((started + 1))
  done
  if ((started == 0)); then
    info "redis-cluster: already running ($(redis_cluster_pid))"
  else
    info "redis-cluster: started $started of $FLEET_REDIS_CLUSTER_NODES nodes on 127.0.0.1:$FLEET_REDIS_CLUSTER_PORT..$((FLEET_REDIS_CLUSTER_PORT + FLEET_REDIS_CLUSTER_NODES - 1)) (TLS only)"
  fi
}

# A field of CLUSTER INFO on one node.
redis_cluster_info_field() {
  redis_cli_at "$1" cluster info 2>/dev/null | tr -d '\r' | awk -F: -v field="$2" '$1 == field { print $2 }'
}

redis_cluster_node_answers() { [[ "$(redis_cli_at "$1" ping 2>/dev/null)" == PONG ]]; }

# Every node sees the whole cluster with every slot served.
redis_cluster_ready() {
  local port
  for port in $(redis_cluster_ports); do
    [[ "$(redis_cluster_info_field "$port" cluster_state)" == ok ]] || return 1
    [[ "$(redis_cluster_info_field "$port" cluster_known_nodes)" == "$FLEET_REDIS_CLUSTER_NODES" ]] || return 1
  done
}

# Waits for the nodes, makes the cluster when no node has a slot yet (the first start;
# later starts find it in each node's nodes.conf), then waits for cluster_state:ok.
redis_cluster_wait() {
  local port first started_ms elapsed
  local -a addresses=()
  started_ms="$(now_ms)"
  first="$FLEET_REDIS_CLUSTER_PORT"
  for port in $(redis_cluster_ports); do
    wait_for 30 "" "$(redis_cluster_log "$port")" "redis-cluster $port" redis_cluster_node_answers "$port" ||
      die "redis-cluster: node 127.0.0.1:$port not answering PING"
    addresses+=("127.0.0.1:$port")
  done
  if [[ "$(redis_cluster_info_field "$first" cluster_slots_assigned)" == 0 &&
    "$(redis_cluster_info_field "$first" cluster_known_nodes)" == 1 ]]; then
    info "redis-cluster: creating the cluster (3 masters, a replica each)"
    REDISCLI_AUTH="$(redis_password fleet-admin)" timeout 60 redis-cli --tls --cacert "$(tls_ca_cert)" --user fleet-admin \
      --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes \
      >>"$(redis_cluster_log "$first")" 2>&1 || {
      show_log_tail "$(redis_cluster_log "$first")"
      die "redis-cluster: redis-cli --cluster create failed"
    }
  fi
  wait_for 60 "" "$(redis_cluster_log "$first")" redis-cluster redis_cluster_ready ||
    die "redis-cluster: cluster_state not ok on every node (redis-cli -p $first cluster info; logs $FLEET_LOGS/redis-cluster-*.log)"
  elapsed=$(($(now_ms) - started_ms))
  info "redis-cluster: cluster_state ok ($((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s)"
}

redis_cluster_stop() {
  local port pid
  for port in $(redis_cluster_ports); do
    pid="$(redis_cluster_node_pid "$port")" || continue
    info "redis-cluster: stopping node $port (pid $pid)"
    stop_pid "redis-cluster $port" "$pid" 30
    rm -f -- "$(redis_cluster_pid_file "$port")"
  done
}

# One line per node, with its role as the cluster sees it.
redis_cluster_status() {
  local port pid role
  for port in $(redis_cluster_ports); do
    role=""
    if pid="$(redis_cluster_node_pid "$port")"; then
      role="$(redis_cli_at "$port" role 2>/dev/null | head -n 1)"
    else
      pid=""
    fi
    status_line "redis-$port" "$pid" "rediss://127.0.0.1:$port (cluster${role:+, $role})"
  done
}

# The cluster's nodes as a client lists them: rediss://127.0.0.1:<port>?user=<user>, comma-separated.
redis_cluster_urls() {
  local user="$1" port urls=""
  for port in $(redis_cluster_ports); do
    urls+="${urls:+,}rediss://127.0.0.1:$port?user=$user"
  done
  printf '%s\n' "$urls"
}

# Fails before anything starts when a port of a node that is not running is taken.
redis_cluster_check_ports() {
  local port
  for port in $(redis_cluster_ports); do
    redis_cluster_node_pid "$port" >/dev/null && continue
    require_free_port "redis-cluster node" "$port" FLEET_REDIS_CLUSTER_PORT
    require_free_port "redis-cluster bus" "$((port + 10000))" FLEET_REDIS_CLUSTER_PORT
  done
}
