# shellcheck shell=bash
# Kafka of the local stack: a single KRaft node (broker + controller) in its own JVM,
# run from the Maven jars that platform/devstack/pom.xml declares (no tarball to
# download). Sourced by ./fleet and bin/kafka-tool; needs common.sh.
#
# The same functions run each node of the HA stack's three-node cluster
# (kafka-cluster.sh) when KAFKA_NODE names it (1, 2 or 3, e.g. `KAFKA_NODE=2 kafka_start`):
# its own directory, ports, logs and pid file, and the cluster's settings over the
# single node's (kafka_cluster_settings). Empty or unset: the single node.

kafka_name() { printf 'kafka%s\n' "${KAFKA_NODE:+-cluster-$KAFKA_NODE}"; }
kafka_dir() {
  if [[ -n ${KAFKA_NODE:-} ]]; then printf '%s\n' "$FLEET_HOME/kafka-cluster/$KAFKA_NODE"; else printf '%s\n' "$FLEET_HOME/kafka"; fi
}
kafka_pid_file() { printf '%s\n' "$FLEET_RUN/$(kafka_name).pid"; }
# Where log4j writes kafka.log: a directory of its own per cluster node.
kafka_logs_dir() { printf '%s\n' "$FLEET_LOGS${KAFKA_NODE:+/$(kafka_name)}"; }
kafka_log() { printf '%s\n' "$(kafka_logs_dir)/kafka.log"; }
# JVM output that does not go through log4j (crash messages, GC warnings).
kafka_out() { printf '%s\n' "$FLEET_LOGS/$(kafka_name).out"; }

# The n-th (1-based) of a comma-separated list.
kafka_nth() { cut -d, -f"$2" <<<"$1"; }
# The broker and controller ports of the node (the single one's, or the cluster node's).
kafka_port() {
  if [[ -n ${KAFKA_NODE:-} ]]; then kafka_nth "$FLEET_KAFKA_CLUSTER_PORT" "$KAFKA_NODE"; else printf '%s\n' "$FLEET_KAFKA_PORT"; fi
}
kafka_controller_port() {
  if [[ -n ${KAFKA_NODE:-} ]]; then kafka_nth "$FLEET_KAFKA_CLUSTER_CONTROLLER_PORT" "$KAFKA_NODE"; else printf '%s\n' "$FLEET_KAFKA_CONTROLLER_PORT"; fi
}
# What clients bootstrap from: the single node, or every node of the cluster.
kafka_bootstrap() {
  local port list=""
  if [[ -z ${KAFKA_NODE:-} ]]; then
    printf '127.0.0.1:%s\n' "$FLEET_KAFKA_PORT"
    return 0
  fi
  for port in ${FLEET_KAFKA_CLUSTER_PORT//,/ }; do
    list+="${list:+,}127.0.0.1:$port"
  done
  printf '%s\n' "$list"
}
kafka_classpath_file() { printf '%s\n' "$FLEET_HOME/kafka.classpath"; }
# The administrator's client settings (fleet-admin, a super user): kafka-tool and
# ./fleet up's ACL step use them; so can a developer (--command-config).
kafka_admin_config() { printf '%s\n' "$(kafka_dir)/admin.properties"; }
# Who may do what (one principal per service): applied by kafka_secure.
kafka_acls_file() { printf '%s\n' "$FLEET_RESOURCES/kafka/acls.conf"; }
# Marks a storage formatted with SASL credentials (older stacks ran without).
kafka_sasl_marker() { printf '%s\n' "$(kafka_dir)/data/aicunet-sasl"; }
kafka_pid() { live_pid "$(kafka_pid_file)" kafka.Kafka; }

# Heap of the broker: plenty for development, small enough for a 2-core CI machine.
FLEET_KAFKA_HEAP="${FLEET_KAFKA_HEAP:-512m}"

kafka_classpath_complete() {
  local cp_file="$1" jar
  local -a jars
  IFS=: read -r -a jars <"$cp_file" || true
  ((${#jars[@]} > 0)) || return 1
  for jar in "${jars[@]}"; do
    [[ -f $jar ]] || return 1
  done
}

# Resolves the broker's classpath with Maven once and caches it in FLEET_HOME; again
# only when a pom changed (the versions live in the root pom) or a jar went missing
# from the local repository.
kafka_classpath() {
  local cp_file pom root_pom log
  cp_file="$(kafka_classpath_file)"
  pom="$FLEET_DEVSTACK/pom.xml"
  root_pom="$FLEET_ROOT/pom.xml"
  if [[ ! -s $cp_file || $pom -nt $cp_file || $root_pom -nt $cp_file ]] ||
    ! kafka_classpath_complete "$cp_file"; then
    log="$FLEET_LOGS/kafka-classpath.log"
    # To stderr: stdout is the classpath.
    info "kafka: resolving the broker's jars with Maven (platform/devstack/pom.xml)" >&2
    if mvn -q -B -Dstyle.color=never -f "$pom" dependency:build-classpath \
      -Dmdep.outputFile="$cp_file.tmp" >"$log" 2>&1; then
      # Renamed into place only when complete, so an interrupted run is redone.
      mv -f -- "$cp_file.tmp" "$cp_file"
    elif [[ -s $cp_file ]] && kafka_classpath_complete "$cp_file"; then
      # A root pom in the middle of an edit must not stop a broker that ran before.
      warn "kafka: could not re-resolve the classpath (see $log); using the cached one"
    else
      show_log_tail "$log"
      die "kafka: could not resolve the classpath"
    fi
  fi
  cat -- "$cp_file"
}

# Runs a Kafka command-line tool (a main class) on the broker's classpath.
kafka_run_tool() {
  local cp
  cp="$(kafka_classpath)" || exit 1
  "$(java_bin)" -Xmx256m -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$FLEET_RESOURCES/kafka/log4j2-tools.properties" \
    -cp "$cp" "$@"
}

# Renders server.properties and admin.properties into a new file each (.new beside
# them); kafka_write_config moves them into place. Kept apart so that kafka_start can
# tell whether a running broker runs with what it would be given now.
kafka_render_config() {
  local dir template
  dir="$(kafka_dir)"
  template="$FLEET_RESOURCES/kafka/server.properties"
  [[ -f $template ]] || die "kafka: $template is missing"
  mkdir -p "$dir/data" "$(kafka_logs_dir)"
  # Both hold passwords: readable by the current user only.
  (
    umask 077
    sed -e "s|@KAFKA_PORT@|$(kafka_port)|g" \
      -e "s|@KAFKA_CONTROLLER_PORT@|$(kafka_controller_port)|g" \
      -e "s|@KAFKA_DATA_DIR@|$dir/data|g" \
      -e "s|@KAFKA_BROKER_PASSWORD@|$FLEET_KAFKA_BROKER_PASSWORD|g" \
      -e "s|@KAFKA_KEYSTORE@|$(tls_server_keystore kafka)|g" \
      -e "s|@KAFKA_KEYSTORE_PASSWORD@|$(<"$(tls_server_keystore_password_file kafka)")|g" \
      -e "s|@KAFKA_CA@|$(tls_ca_cert)|g" \
      "$template" | kafka_cluster_settings >"$dir/server.properties.new"
    cat >"$(kafka_admin_config).new" <<EOF_ADMIN
bootstrap.servers=$(kafka_bootstrap)
security.protocol=SASL_SSL
ssl.truststore.type=PEM
ssl.truststore.location=$(tls_ca_cert)
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="fleet-admin" password="$FLEET_KAFKA_ADMIN_PASSWORD";
EOF_ADMIN
  )
}

# Filters server.properties: on a cluster node, the settings of kafka_cluster_overrides
# replace the single node's (their lines dropped, the overrides appended); the single
# node's pass unchanged.
kafka_cluster_settings() {
  if [[ -z ${KAFKA_NODE:-} ]]; then
    cat
    return 0
  fi
  local overrides
  overrides="$(kafka_cluster_overrides)"
  awk -v keys="$(cut -d= -f1 <<<"$overrides" | paste -sd' ')" '
    BEGIN { n = split(keys, k, " "); for (i = 1; i <= n; i++) drop[k[i]] = 1 }
    { split($0, kv, "="); if (!(kv[1] in drop)) print }'
  printf '\n# The HA cluster (platform/devstack/bin/kafka-cluster.sh): node %s of three, each\n' "$KAFKA_NODE"
  printf '# broker and controller; every partition on three brokers, two in sync to acknowledge.\n'
  printf '%s\n' "$overrides"
}

kafka_cluster_overrides() {
  local voters="" i
  for i in 1 2 3; do
    voters+="${voters:+,}$i@127.0.0.1:$(kafka_nth "$FLEET_KAFKA_CLUSTER_CONTROLLER_PORT" "$i")"
  done
  cat <<EOF_CLUSTER
node.id=$KAFKA_NODE
controller.quorum.voters=$voters
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
unclean.leader.election.enable=false
EOF_CLUSTER
}

# True when the running broker was started with the configuration rendered now and no
# certificate was issued since: otherwise it needs a restart (a stack from before TLS,
# a changed port, a renewed certificate).
kafka_config_current() {
  local dir
  dir="$(kafka_dir)"
  [[ $TLS_SERVER_ISSUED == no && -f $dir/server.properties ]] &&
    cmp -s -- "$dir/server.properties" "$dir/server.properties.new"
}

kafka_write_config() {
  local dir
  dir="$(kafka_dir)"
  mv -f -- "$dir/server.properties.new" "$dir/server.properties"
  mv -f -- "$(kafka_admin_config).new" "$(kafka_admin_config)"
}

# A storage formatted before the stack authenticated its clients has no SCRAM
# credentials, and KRaft takes bootstrap credentials only at format time: such data
# (development events, kept a day) is moved aside and the storage formatted anew.
kafka_retire_unauthenticated_data() {
  local dir aside
  dir="$(kafka_dir)"
  [[ -f $dir/data/meta.properties && ! -f $(kafka_sasl_marker) ]] || return 0
  aside="$dir/data.before-sasl-$(date -u +%Y%m%dT%H%M%SZ)"
  warn "kafka: $dir/data predates SASL authentication; moving it to $aside and formatting anew" \
    "(its topics and consumer offsets stay there; delete it when no longer needed)"
  mv -- "$dir/data" "$aside"
  mkdir -p "$dir/data"
}

# KRaft needs its storage formatted once with a cluster id. The id is random, made
# once, and kept in FLEET_HOME so that a re-format (after a crash during the first
# one) keeps it.
kafka_format() {
  local dir id_file cluster_id log
  dir="$(kafka_dir)"
  kafka_retire_unauthenticated_data
  [[ -f $dir/data/meta.properties ]] && return 0
  # The cluster's nodes share one id.
  id_file="$dir${KAFKA_NODE:+/..}/cluster.id"
  log="$FLEET_LOGS/$(kafka_name)-format.log"
  if [[ ! -s $id_file ]]; then
    kafka_run_tool kafka.tools.StorageTool random-uuid >"$id_file.tmp" 2>"$log" || {
      show_log_tail "$log"
      die "kafka: could not generate a cluster id"
    }
    mv -f -- "$id_file.tmp" "$id_file"
  fi
  cluster_id="$(<"$id_file")"
  info "$(kafka_name): formatting storage (cluster id $cluster_id)"
  # The broker's and the administrator's SCRAM credentials exist from the first start;
  # the services' are made by kafka_secure.
  kafka_run_tool kafka.tools.StorageTool format --ignore-formatted \
    -t "$cluster_id" -c "$dir/server.properties" \
    --add-scram "SCRAM-SHA-512=[name=broker,password=$FLEET_KAFKA_BROKER_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=fleet-admin,password=$FLEET_KAFKA_ADMIN_PASSWORD]" >"$log" 2>&1 || {
    show_log_tail "$log"
    die "kafka: formatting the storage failed"
  }
  : >"$(kafka_sasl_marker)"
}

# The services' principals (SCRAM-SHA-512, development passwords fleet-dev-kafka-<service>,
# as platform/outbox's %dev/%test settings) and the ACLs of acls.conf, applied with
# platform/testing's KafkaAcls (run from its source on the broker's classpath). Only when
# the file or a password changed since the last time: the result is kept in the metadata
# log, and the check is a hash kept beside the data.
kafka_secure() {
  local acls stamp want principals log cp
  acls="$(kafka_acls_file)"
  [[ -f $acls ]] || die "kafka: $acls is missing"
  stamp="$(kafka_dir)/data/aicunet-acls.sha256"
  principals="$(awk '!/^[[:space:]]*(#|$)/ { print $1 }' "$acls" | sort -u)"
  want="$( (cat -- "$acls" "$FLEET_ROOT/platform/testing/src/main/java/io/aicunet/platform/testing/KafkaAcls.java"
    printf '%s\n' "$principals") | sha256sum | cut -d' ' -f1)"
  [[ -f $stamp && "$(<"$stamp")" == "$want" ]] && return 0
  log="$FLEET_LOGS/kafka-acls.log"
  cp="$(kafka_classpath)" || exit 1
  info "kafka: creating the services' principals and ACLs ($acls)"
  # Passwords on standard input, never on a command line.
  awk '{ print $1, "fleet-dev-kafka-" $1 }' <<<"$principals" |
    "$(java_bin)" -Xmx256m -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$FLEET_RESOURCES/kafka/log4j2-tools.properties" \
      -cp "$cp" "$FLEET_ROOT/platform/testing/src/main/java/io/aicunet/platform/testing/KafkaAcls.java" \
      "$acls" "$(kafka_admin_config)" >"$log" 2>&1 || {
    show_log_tail "$log"
    die "kafka: could not create the principals and ACLs"
  }
  tail -n 1 -- "$log"
  printf '%s\n' "$want" >"$stamp"
}

# Starts the broker without waiting for it (kafka_wait does), so that Postgres and
# Redis start while the JVM boots.
kafka_start() {
  local pid cp log
  # The broker's certificate (issued once by the local CA) and its configuration.
  tls_server_ensure kafka
  kafka_render_config
  if pid="$(kafka_pid)"; then
    if [[ -f $(kafka_sasl_marker) ]] && kafka_config_current; then
      rm -f -- "$(kafka_dir)/server.properties.new" "$(kafka_admin_config).new"
      info "$(kafka_name): already running (pid $pid)"
      return 0
    fi
    info "$(kafka_name): running with other settings than these (no SASL or TLS yet, another port, or a" \
      "renewed certificate) (pid $pid); restarting it"
    kafka_stop
  fi
  kafka_check_ports
  command -v "$(java_bin)" >/dev/null 2>&1 || die "kafka: java not found (JDK 17 or newer)"
  cp="$(kafka_classpath)" || exit 1
  kafka_write_config
  kafka_format
  log="$(kafka_log)"
  # A fresh log per run: readiness is a line of this run's log, not of an older one.
  if [[ -f $log ]]; then mv -f -- "$log" "$(kafka_logs_dir)/kafka.previous.log"; fi
  if [[ -f $(kafka_out) ]]; then mv -f -- "$(kafka_out)" "$FLEET_LOGS/$(kafka_name).previous.out"; fi
  info "$(kafka_name): starting on 127.0.0.1:$(kafka_port) (controller 127.0.0.1:$(kafka_controller_port))"
  KAFKA_STARTED_AT_MS="$(now_ms)"
  spawn "$(kafka_pid_file)" "$(kafka_out)" \
    "$(java_bin)" -Xms128m -Xmx"$FLEET_KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$FLEET_RESOURCES/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$(kafka_logs_dir)" \
    -cp "$cp" kafka.Kafka "$(kafka_dir)/server.properties"
}

# "Kafka Server started" is logged once the broker has joined the (local) quorum,
# caught up with the metadata log and been unfenced: it then serves clients.
kafka_ready() {
  port_open "$(kafka_port)" && grep -qF 'Kafka Server started' "$(kafka_log)"
}

kafka_check_ports() {
  if [[ -n ${KAFKA_NODE:-} ]]; then
    require_free_port "$(kafka_name)" "$(kafka_port)" FLEET_KAFKA_CLUSTER_PORT
    require_free_port "$(kafka_name) controller" "$(kafka_controller_port)" FLEET_KAFKA_CLUSTER_CONTROLLER_PORT
  else
    require_free_port kafka "$FLEET_KAFKA_PORT" FLEET_KAFKA_PORT
    require_free_port "kafka controller" "$FLEET_KAFKA_CONTROLLER_PORT" FLEET_KAFKA_CONTROLLER_PORT
  fi
}

kafka_wait() {
  local pid elapsed tries=0
  # Right after kafka_start the spawned process may not have become java (kafka.Kafka)
  # yet, so its pid does not pass kafka_pid's check for a moment: allow it 5 s.
  until pid="$(kafka_pid)"; do
    if ((++tries > 20)); then
      show_log_tail "$(kafka_out)"
      show_log_tail "$(kafka_log)"
      die "$(kafka_name): not running"
    fi
    sleep 0.25
  done
  if ! wait_for "${FLEET_KAFKA_WAIT:-120}" "$pid" "$(kafka_log)" "$(kafka_name)" kafka_ready; then
    show_log_tail "$(kafka_out)" 20
    die "$(kafka_name): broker not ready on 127.0.0.1:$(kafka_port)"
  fi
  if [[ -n ${KAFKA_STARTED_AT_MS:-} ]]; then
    elapsed=$(($(now_ms) - KAFKA_STARTED_AT_MS))
    info "$(kafka_name): ready after $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
  fi
  # The cluster's principals and ACLs once all its nodes run (kafka-cluster.sh).
  [[ -n ${KAFKA_NODE:-} ]] || kafka_secure
}

kafka_stop() {
  local pid
  pid="$(kafka_pid)" || return 0
  info "$(kafka_name): stopping (pid $pid)"
  # A single node shuts down in a few seconds; the bound covers a slow disk.
  stop_pid "$(kafka_name)" "$pid" 60
  rm -f -- "$(kafka_pid_file)"
}

kafka_status() {
  status_line kafka "$(kafka_pid || true)" "bootstrap.servers=127.0.0.1:$FLEET_KAFKA_PORT (SASL_SSL, SCRAM-SHA-512, CA $(tls_ca_cert); admin: $(kafka_admin_config))"
}
