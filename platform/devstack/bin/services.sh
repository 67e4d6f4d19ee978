# shellcheck shell=bash
# The fleet's Quarkus services, run from their packaged jars (quarkus-run.jar) against
# the local infrastructure. Which services and on which HTTP port (gRPC shares it):
# platform/devstack/services.conf. Sourced by ./fleet; needs common.sh.

# Memory bounds per service, the charts' at their 768 MiB limit (docs/BENCHMARKS.md,
# "Memory per service"): the heap, and the JVM's other growing parts (class metadata,
# compiled code, direct buffers), so the resident set has a ceiling. Override for profiling.
FLEET_SERVICE_JAVA_OPTS="${FLEET_SERVICE_JAVA_OPTS:--Xmx384m -XX:MaxMetaspaceSize=160m -XX:ReservedCodeCacheSize=96m -XX:MaxDirectMemorySize=128m}"

# Prints "<service> <port>" per service of services.conf (comments and blank lines
# skipped), and fails on a malformed line rather than starting half a fleet.
services_list() {
  local service port extra
  [[ -f $FLEET_SERVICES_CONF ]] || die "$FLEET_SERVICES_CONF is missing"
  while read -r service port extra || [[ -n ${service:-} ]]; do
    [[ -z $service || $service == \#* ]] && continue
    if [[ ! $service =~ ^[a-z][a-z0-9-]*$ || ! $port =~ ^[0-9]+$ || -n $extra ]]; then
      die "$FLEET_SERVICES_CONF: bad line '$service $port $extra' (expected: <service> <http-port>)"
    fi
    printf '%s %s\n' "$service" "$port"
  done <"$FLEET_SERVICES_CONF"
}

service_dir() { printf '%s\n' "$FLEET_ROOT/services/$1"; }
service_jar() { printf '%s\n' "$FLEET_ROOT/services/$1/target/quarkus-app/quarkus-run.jar"; }
service_pid_file() { printf '%s\n' "$FLEET_RUN/service-$1.pid"; }
service_log() { printf '%s\n' "$FLEET_LOGS/$1.log"; }
service_pid() { live_pid "$(service_pid_file "$1")" "$(service_jar "$1")"; }

# One Maven build for all services when any jar is missing (a build per service
# would rebuild the shared modules each time).
services_build_if_needed() {
  local service port missing=()
  while read -r service port; do
    [[ -f $(service_jar "$service") ]] || missing+=("$service")
  done < <(services_list)
  ((${#missing[@]} == 0)) && return 0
  info "services: no packaged jar for ${missing[*]}; building the fleet (mvn -q -B package -DskipTests)"
  (cd "$FLEET_ROOT" && mvn -q -B package -DskipTests) || die "services: the build failed"
  for service in "${missing[@]}"; do
    [[ -f $(service_jar "$service") ]] || die "services: the build made no $(service_jar "$service")"
  done
}

# The services' own certificate: TLS on their port (REST, gRPC, health) and the CA their
# calls to the tenant service trust, issued once by the local CA (tls.sh) and laid out as
# platform/tenancy's profile service-tls reads it, the layout of cert-manager's Secret:
# tls.crt, tls.key and ca.crt in one directory (docs/tls.md, "Service to service"). A
# renewed certificate is picked up by running services within the profile's reload period.
services_tls_dir() { printf '%s
' "$(tls_dir)/service"; }

services_tls_ensure() {
  local dir
  tls_server_ensure service
  dir="$(services_tls_dir)"
  mkdir -p "$dir"
  chmod 755 "$dir"
  cmp -s -- "$(tls_server_cert service)" "$dir/tls.crt" || install -m 644 "$(tls_server_cert service)" "$dir/tls.crt"
  cmp -s -- "$(tls_server_key service)" "$dir/tls.key" || install -m 600 "$(tls_server_key service)" "$dir/tls.key"
  cmp -s -- "$(tls_ca_cert)" "$dir/ca.crt" || install -m 644 "$(tls_ca_cert)" "$dir/ca.crt"
}

service_start() {
  local service="$1" port="$2" pid
  if pid="$(service_pid "$service")"; then
    if ! answers_plaintext "http://127.0.0.1:$port/q/health/live"; then
      info "$service: already running (pid $pid)"
      return 0
    fi
    info "$service: running without TLS (pid $pid); restarting it"
    stop_pid "$service" "$pid" 30
    rm -f -- "$(service_pid_file "$service")"
  fi
  require_free_port "$service" "$port" "the port in $FLEET_SERVICES_CONF"
  info "$service: starting on 127.0.0.1:$port"
  service_environment "$port" "$service"
  # From the service's directory, so Quarkus picks up its .env/config/ there if any.
  # shellcheck disable=SC2086 # FLEET_SERVICE_JAVA_OPTS is a list of JVM options
  (cd "$(service_dir "$service")" &&
    spawn "$(service_pid_file "$service")" "$(service_log "$service")" \
      env "${SERVICE_ENVIRONMENT[@]}" "$(java_bin)" $FLEET_SERVICE_JAVA_OPTS -jar "$(service_jar "$service")")
}

# service_environment <port> [service]: the settings every service gets from the stack,
# into SERVICE_ENVIRONMENT (NAME=VALUE each); `./fleet env` prints them. The dev profile:
# the local stack's settings, development keys among them, exist only there (and in
# test); in any other profile a service refuses development keys. With service-tls:
# HTTPS and gRPC over TLS only, on the same port (services_tls_ensure). On the HA stack
# (FLEET_STACK_MODE=ha, ha.sh) the ports are the HA components' and the service's
# connection settings name every node (ha_service_environment).
service_environment() {
  local pg_port="$FLEET_PG_PORT" redis_port="$FLEET_REDIS_PORT" kafka_port="$FLEET_KAFKA_PORT"
  if [[ ${FLEET_STACK_MODE:-single} == ha ]]; then
    pg_port="$(pg_ha_port "$(pg_ha_writer)")"
    redis_port="$FLEET_REDIS_CLUSTER_PORT"
    kafka_port="$(KAFKA_NODE=1 kafka_port)"
  fi
  SERVICE_ENVIRONMENT=(
    QUARKUS_PROFILE=dev,service-tls AICUNET_SERVICE_TLS_DIRECTORY="$(services_tls_dir)"
    QUARKUS_HTTP_PORT="$1" FLEET_PG_PORT="$pg_port"
    FLEET_REDIS_PORT="$redis_port" FLEET_KAFKA_PORT="$kafka_port"
    FLEET_OPA_PORT="$FLEET_OPA_PORT" FLEET_OPA_TOKEN="$FLEET_OPA_TOKEN"
    FLEET_KEYCLOAK_PORT="$FLEET_KEYCLOAK_PORT"
  )
  if [[ ${FLEET_STACK_MODE:-single} == ha && -n ${2:-} ]]; then
    local line
    while read -r line; do
      SERVICE_ENVIRONMENT+=("$line")
    done < <(ha_service_environment "$2")
  fi
}

# The HTTP port of a service of services.conf; fails for any other name.
service_port() {
  local service port
  while read -r service port; do
    [[ $service == "$1" ]] && { printf '%s\n' "$port"; return 0; }
  done < <(services_list)
  return 1
}

service_ready() {
  curl -fsS -o /dev/null --max-time 2 --cacert "$(tls_ca_cert)" "https://127.0.0.1:$1/q/health/ready"
}

service_wait() {
  local service="$1" port="$2"
  wait_for "${FLEET_SERVICE_WAIT:-90}" "$(service_pid "$service" || true)" "$(service_log "$service")" \
    "$service" service_ready "$port" ||
    die "$service: /q/health/ready not OK on 127.0.0.1:$port"
}

# services_start [SERVICE...]: every service of services.conf but the ones named (the
# one `./fleet dev` runs in dev mode).
services_start() {
  local service port skip=" $* "
  services_build_if_needed
  services_tls_ensure
  # All JVMs boot at once; then each is awaited.
  while read -r service port; do
    [[ $skip == *" $service "* ]] || service_start "$service" "$port"
  done < <(services_list)
  while read -r service port; do
    [[ $skip == *" $service "* ]] || service_wait "$service" "$port"
  done < <(services_list)
}

# ./fleet dev SERVICE [MAVEN ARGS]: SERVICE in Quarkus dev mode (live reload of its
# sources and of the platform modules it uses) against the stack, with the settings a
# packaged service gets, on its own port; the infrastructure and the other services
# are started packaged when they are not running.
services_dev() {
  local service="${1:-}" port pid maven quarkus
  port="$(service_port "$service")" ||
    die "usage: ./fleet dev SERVICE [MAVEN ARGS] (SERVICE: $(services_list | cut -d' ' -f1 | paste -sd' '))"
  shift
  maven="$(tools_dev_maven)"
  # Dev mode adds Quarkus' Dev UI, which neither the packaged services nor the tests use:
  # a repository that lacks it at the project's Quarkus version (the partial mirror of
  # the project's own machines) fails dev mode deep in its resolver, so say it here.
  quarkus="$(awk -F'[<>]' '/<quarkus.version>/ { print $3; exit }' "$FLEET_ROOT/pom.xml")"
  if ! (cd "$FLEET_ROOT" && "$maven" -q -B -ntp -Dstyle.color=never dependency:get -Dtransitive=false \
    -Dartifact="io.quarkus:quarkus-devui:$quarkus") >"$FLEET_LOGS/dev-$service.log" 2>&1; then
    die "dev: Quarkus dev mode needs io.quarkus:quarkus-devui:$quarkus, which the Maven repository does not serve" \
      "(log: $FLEET_LOGS/dev-$service.log); the packaged services and the tests do not need it"
  fi
  if pid="$(service_pid "$service")"; then
    info "$service: stopping the packaged one (pid $pid); dev mode takes its port"
    stop_pid "$service" "$pid" 30
    rm -f -- "$(service_pid_file "$service")"
  fi
  require_free_port "$service" "$port" "the port in $FLEET_SERVICES_CONF"
  FLEET_UP_SKIP_SERVICES="$service" cmd_up
  # The platform modules it depends on, installed, so dev mode resolves them (and then
  # watches their sources in the workspace).
  info "$service: mvn install -pl services/$service -am (the platform modules it uses)"
  (cd "$FLEET_ROOT" && mvn -B -ntp -q install -DskipTests -pl "services/$service" -am) ||
    die "dev: the build of services/$service failed"
  service_environment "$port" "$service"
  info "$service: Quarkus dev mode on https://127.0.0.1:$port (Dev UI https://127.0.0.1:$port/q/dev-ui," \
    "Swagger UI https://127.0.0.1:$port/q/swagger-ui; CA $(tls_ca_cert)); edits reload on the next request; q quits"
  cd "$(service_dir "$service")"
  exec env "${SERVICE_ENVIRONMENT[@]}" "$maven" -ntp quarkus:dev "$@"
}

# Stops every service this stack started, by its pid file: also one that was taken
# out of services.conf while it ran.
services_stop() {
  local pid_file service pid
  for pid_file in "$FLEET_RUN"/service-*.pid; do
    [[ -e $pid_file ]] || continue
    service="${pid_file##*/service-}"
    service="${service%.pid}"
    if pid="$(service_pid "$service")"; then
      info "$service: stopping (pid $pid)"
      stop_pid "$service" "$pid" 30
    fi
    rm -f -- "$pid_file"
  done
}

services_status() {
  local service port
  while read -r service port; do
    status_line "$service" "$(service_pid "$service" || true)" "https://127.0.0.1:$port (REST + gRPC, TLS only)"
  done < <(services_list)
}
