# shellcheck shell=bash
# Kafka of the local stack: a single KRaft node (broker + controller) in its own JVM,
# run from the Maven jars that platform/devstack/pom.xml declares (no tarball to
# download). Sourced by ./fleet and bin/kafka-tool; needs common.sh.

kafka_dir() { printf '%s\n' "$FLEET_HOME/kafka"; }
kafka_pid_file() { printf '%s\n' "$FLEET_RUN/kafka.pid"; }
kafka_log() { printf '%s\n' "$FLEET_LOGS/kafka.log"; }
# JVM output that does not go through log4j (crash messages, GC warnings).
kafka_out() { printf '%s\n' "$FLEET_LOGS/kafka.out"; }
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
  mkdir -p "$dir/data"
  # Both hold passwords: readable by the current user only.
  (
    umask 077
    sed -e "s|@KAFKA_PORT@|$FLEET_KAFKA_PORT|g" \
      -e "s|@KAFKA_CONTROLLER_PORT@|$FLEET_KAFKA_CONTROLLER_PORT|g" \
      -e "s|@KAFKA_DATA_DIR@|$dir/data|g" \
      -e "s|@KAFKA_BROKER_PASSWORD@|$FLEET_KAFKA_BROKER_PASSWORD|g" \
      -e "s|@KAFKA_KEYSTORE@|$(tls_server_keystore kafka)|g" \
      -e "s|@KAFKA_KEYSTORE_PASSWORD@|$(<"$(tls_server_keystore_password_file kafka)")|g" \
      -e "s|@KAFKA_CA@|$(tls_ca_cert)|g" \
      "$template" >"$dir/server.properties.new"
    cat >"$(kafka_admin_config).new" <<EOF_ADMIN
bootstrap.servers=127.0.0.1:$FLEET_KAFKA_PORT
security.protocol=SASL_SSL
ssl.truststore.type=PEM
ssl.truststore.location=$(tls_ca_cert)
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="fleet-admin" password="$FLEET_KAFKA_ADMIN_PASSWORD";
EOF_ADMIN
  )
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
  id_file="$dir/cluster.id"
  log="$FLEET_LOGS/kafka-format.log"
  if [[ ! -s $id_file ]]; then
    kafka_run_tool kafka.tools.StorageTool random-uuid >"$id_file.tmp" 2>"$log" || {
      show_log_tail "$log"
      die "kafka: could not generate a cluster id"
    }
    mv -f -- "$id_file.tmp" "$id_file"
  fi
  cluster_id="$(<"$id_file")"
  info "kafka: formatting storage (cluster id $cluster_id)"
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
      info "kafka: already running (pid $pid)"
      return 0
    fi
    info "kafka: running with other settings than these (no SASL or TLS yet, another port, or a" \
      "renewed certificate) (pid $pid); restarting it"
    kafka_stop
  fi
  require_free_port kafka "$FLEET_KAFKA_PORT" FLEET_KAFKA_PORT
  require_free_port "kafka controller" "$FLEET_KAFKA_CONTROLLER_PORT" FLEET_KAFKA_CONTROLLER_PORT
  command -v "$(java_bin)" >/dev/null 2>&1 || die "kafka: java not found (JDK 17 or newer)"
  cp="$(kafka_classpath)" || exit 1
  kafka_write_config
  kafka_format
  log="$(kafka_log)"
  # A fresh log per run: readiness is a line of this run's log, not of an older one.
  if [[ -f $log ]]; then mv -f -- "$log" "$FLEET_LOGS/kafka.previous.log"; fi
  if [[ -f $(kafka_out) ]]; then mv -f -- "$(kafka_out)" "$FLEET_LOGS/kafka.previous.out"; fi
  info "kafka: starting on 127.0.0.1:$FLEET_KAFKA_PORT (controller 127.0.0.1:$FLEET_KAFKA_CONTROLLER_PORT)"
  KAFKA_STARTED_AT_MS="$(now_ms)"
  spawn "$(kafka_pid_file)" "$(kafka_out)" \
    "$(java_bin)" -Xms128m -Xmx"$FLEET_KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$FLEET_RESOURCES/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$FLEET_LOGS" \
    -cp "$cp" kafka.Kafka "$(kafka_dir)/server.properties"
}

# "Kafka Server started" is logged once the broker has joined the (local) quorum,
# caught up with the metadata log and been unfenced: it then serves clients.
kafka_ready() {
  port_open "$FLEET_KAFKA_PORT" && grep -qF 'Kafka Server started' "$(kafka_log)"
}

kafka_wait() {
  local pid elapsed tries=0
  # Right after kafka_start the spawned process may not have become java (kafka.Kafka)
  # yet, so its pid does not pass kafka_pid's check for a moment: allow it 5 s.
  until pid="$(kafka_pid)"; do
    if ((++tries > 20)); then
      show_log_tail "$(kafka_out)"
      show_log_tail "$(kafka_log)"
      die "kafka: not running"
    fi
    sleep 0.25
  done
  if ! wait_for "${FLEET_KAFKA_WAIT:-120}" "$pid" "$(kafka_log)" kafka kafka_ready; then
    show_log_tail "$(kafka_out)" 20
    die "kafka: broker not ready on 127.0.0.1:$FLEET_KAFKA_PORT"
  fi
  if [[ -n ${KAFKA_STARTED_AT_MS:-} ]]; then
    elapsed=$(($(now_ms) - KAFKA_STARTED_AT_MS))
    info "kafka: ready after $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
  fi
  kafka_secure
}

kafka_stop() {
  local pid
  pid="$(kafka_pid)" || return 0
  info "kafka: stopping (pid $pid)"
  # A single node shuts down in a few seconds; the bound covers a slow disk.
  stop_pid kafka "$pid" 60
  rm -f -- "$(kafka_pid_file)"
}

kafka_status() {
  status_line kafka "$(kafka_pid || true)" "bootstrap.servers=127.0.0.1:$FLEET_KAFKA_PORT (SASL_SSL, SCRAM-SHA-512, CA $(tls_ca_cert); admin: $(kafka_admin_config))"
}
