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
  # From the service's directory, so Quarkus picks up its .env/config/ there if any.
  # The dev profile: the local stack's settings, development keys among them, exist only
  # there (and in test); in any other profile a service refuses development keys. With
  # service-tls: HTTPS and gRPC over TLS only, on the same port (services_tls_ensure).
  # shellcheck disable=SC2086 # FLEET_SERVICE_JAVA_OPTS is a list of JVM options
  (cd "$(service_dir "$service")" &&
    spawn "$(service_pid_file "$service")" "$(service_log "$service")" \
      env QUARKUS_PROFILE=dev,service-tls AICUNET_SERVICE_TLS_DIRECTORY="$(services_tls_dir)" \
      QUARKUS_HTTP_PORT="$port" FLEET_PG_PORT="$FLEET_PG_PORT" \
      FLEET_REDIS_PORT="$FLEET_REDIS_PORT" FLEET_KAFKA_PORT="$FLEET_KAFKA_PORT" \
      FLEET_OPA_PORT="$FLEET_OPA_PORT" FLEET_OPA_TOKEN="$FLEET_OPA_TOKEN" \
      FLEET_KEYCLOAK_PORT="$FLEET_KEYCLOAK_PORT" \
      "$(java_bin)" $FLEET_SERVICE_JAVA_OPTS -jar "$(service_jar "$service")")
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

services_start() {
  local service port
  services_build_if_needed
  services_tls_ensure
  # All JVMs boot at once; then each is awaited.
  while read -r service port; do service_start "$service" "$port"; done < <(services_list)
  while read -r service port; do service_wait "$service" "$port"; done < <(services_list)
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
