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
