# shellcheck shell=bash
# The HA stack as a whole (./fleet up --ha; docs/failover.md): which stack `up` ran
# last (the mode file), the settings the services get on it, and the HA components'
# lines of `./fleet status`. The components: postgres-ha.sh, redis-cluster.sh,
# kafka-cluster.sh. Sourced by ./fleet; needs common.sh and those.

# single or ha: what the last `./fleet up` started; `down` removes it.
ha_mode_file() { printf '%s\n' "$FLEET_RUN/mode"; }
ha_mode() {
  if [[ -s $(ha_mode_file) ]]; then cat -- "$(ha_mode_file)"; else printf 'single\n'; fi
}
ha_record_mode() { printf '%s\n' "$1" >"$(ha_mode_file)"; }

# The HA components' lines of `./fleet status`: when the HA stack is the mode, or any
# of its components runs (--only, beside the single stack).
ha_status() {
  if [[ $(ha_mode) == ha ]] || pg_ha_pid >/dev/null || redis_cluster_pid >/dev/null || kafka_cluster_pid >/dev/null; then
    pg_ha_status
    redis_cluster_status
    kafka_cluster_status
  fi
}

# ha_service_environment SERVICE: what SERVICE gets on the HA stack beyond the single
# stack's settings (NAME=VALUE a line; ./fleet env --ha SERVICE prints them with the
# rest): every Kafka broker; Redis as a cluster, every node as the service's ACL user;
# Postgres with both nodes, the reactive pool and JDBC (Liquibase) on whichever is the
# primary (targetServerType=primary; the JDBC URL's other parameters as in the
# services' application.properties), and a reporting pool, where the service has one,
# with both nodes too: platform/tenancy's ReportingPoolCreator connects to whichever is
# a standby, and to the primary while none is (a failover, a rebuild).
ha_service_environment() {
  local service="$1" database hosts
  service_port "$service" >/dev/null || die "env: no service '$service' in $FLEET_SERVICES_CONF"
  database="${service//-/_}"
  hosts="127.0.0.1:$FLEET_PG_HA_PORT,127.0.0.1:$FLEET_PG_STANDBY_PORT"
  printf 'KAFKA_BOOTSTRAP_SERVERS=%s\n' "$(KAFKA_NODE=1 kafka_bootstrap)"
  printf 'QUARKUS_REDIS_CLIENT_TYPE=cluster\n'
  printf 'QUARKUS_REDIS_HOSTS=%s\n' "$(redis_cluster_urls "$service")"
  printf 'QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:%s/%s,postgresql://127.0.0.1:%s/%s\n' \
    "$FLEET_PG_HA_PORT" "$database" "$FLEET_PG_STANDBY_PORT" "$database"
  printf 'QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://%s/%s?targetServerType=primary&sslmode=verify-full&sslrootcert=%s\n' \
    "$hosts" "$database" "$(tls_ca_cert)"
  # Lease and task writes acknowledged only once a replica has them (docs/redis-durability.md).
  [[ $service != agent-state ]] || printf 'AGENT_STATE_REDIS_WAIT_REPLICAS=1\n'
  if grep -q '^quarkus\.datasource\.reporting\.' "$(service_dir "$service")/src/main/resources/application.properties" 2>/dev/null; then
    printf 'QUARKUS_DATASOURCE_REPORTING_REACTIVE_URL=postgresql://127.0.0.1:%s/%s,postgresql://127.0.0.1:%s/%s\n' \
      "$FLEET_PG_STANDBY_PORT" "$database" "$FLEET_PG_HA_PORT" "$database"
  fi
}

# Fails when the other kind of stack runs: services started for one would keep talking
# to it after `up` of the other (they are not restarted when already running).
ha_require_mode() {
  local want="$1" service _
  [[ $(ha_mode) == "$want" ]] && return 0
  local running=""
  if [[ $want == ha ]]; then
    pg_pid >/dev/null && running+=" postgres"
    redis_pid >/dev/null && running+=" redis"
    kafka_pid >/dev/null && running+=" kafka"
  else
    pg_ha_pid >/dev/null && running+=" postgres-ha"
    redis_cluster_pid >/dev/null && running+=" redis-cluster"
    kafka_cluster_pid >/dev/null && running+=" kafka-cluster"
  fi
  while read -r service _; do
    service_pid "$service" >/dev/null && running+=" $service"
  done < <(services_list)
  [[ -z $running ]] ||
    die "up: the $(ha_mode) stack runs ($running ); stop it first (./fleet down), then ./fleet up$([[ $want == ha ]] && printf ' --ha')"
}

ha_print_endpoints() {
  local with_services="$1" service port
  info ""
  info "Fleet HA stack is up (FLEET_HOME=$FLEET_HOME, logs in $FLEET_LOGS; docs/failover.md):"
  info "  postgres  primary 127.0.0.1:$(pg_ha_port "$(pg_ha_writer)") (node $(pg_ha_writer)), standby 127.0.0.1:$(pg_ha_port "$(pg_ha_other "$(pg_ha_writer)")")" \
    "($([[ $FLEET_PG_HA_SYNC == on ]] && printf synchronous || printf asynchronous)); TLS only (CA $(tls_ca_cert)); users as on the single stack;" \
    "./fleet failover postgres promotes the standby"
  info "  redis     cluster rediss://127.0.0.1:$FLEET_REDIS_CLUSTER_PORT..$((FLEET_REDIS_CLUSTER_PORT + FLEET_REDIS_CLUSTER_NODES - 1))" \
    "(3 masters + 3 replicas, TLS only; redis-cli -c --tls --cacert $(tls_ca_cert) -p $FLEET_REDIS_CLUSTER_PORT --user fleet-admin)"
  info "  kafka     bootstrap.servers=$(KAFKA_NODE=1 kafka_bootstrap) (3 KRaft nodes, RF 3, min.insync.replicas 2;" \
    "SASL_SSL as on the single stack; tools: platform/devstack/bin/kafka-tool --cluster topics --list)"
  info "  objects   $(object_store_url); opa $(opa_url); keycloak issuer $(keycloak_issuer)"
  if [[ $with_services == yes ]]; then
    while read -r service port; do
      info "  $(printf '%-9s' "$service") https://127.0.0.1:$port  (HA settings: ./fleet env --ha $service)"
    done < <(services_list)
  fi
}
