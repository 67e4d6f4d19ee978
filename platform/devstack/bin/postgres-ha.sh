# shellcheck shell=bash
pg_ha_pid() { return 1; }
pg_ha_stop() { :; }
