#!/usr/bin/env bash
# The superuser steps ./fleet up runs after creating the service databases
# (platform/devstack/bin/postgres.sh: pg_create_service_databases, then pg_configure_audit),
# for the containerised Postgres of docker-compose.yml and of platform/testing's
# FleetContainers: run once, on an empty data directory, by the image's
# /docker-entrypoint-initdb.d after create-service-databases.sh.
#   - each service's own superuser steps, services/<service>/src/main/resources/db/bootstrap/*.sql
#     mounted at BOOTSTRAP/<service>/, with the variables ./fleet up gives them:
#     reporting_password <prefix>_reporting_dev (e.g. the ledger's reporting role);
#   - pgaudit.log = 'all' on every superuser (AUDIT_SQL, the devstack's audit-superusers.sql);
#   - pgaudit's extension in pg_catalog of the maintenance database and of every service's
#     database (FLEET_SERVICES), so that its event triggers name the objects of DDL.
# Development passwords only. The server must preload pgaudit (shared_preload_libraries).
#
# Environment: FLEET_SERVICES (required), FLEET_BOOTSTRAP [/fleet/bootstrap],
# FLEET_AUDIT_SQL [/fleet/postgres/audit-superusers.sql]; PGHOST, PGPORT, PGUSER... as psql
# takes them [the image's init server: its socket, POSTGRES_USER or postgres].
set -euo pipefail
: "${FLEET_SERVICES:?FLEET_SERVICES must name the services (space-separated)}"
bootstrap="${FLEET_BOOTSTRAP:-/fleet/bootstrap}"
audit_sql="${FLEET_AUDIT_SQL:-/fleet/postgres/audit-superusers.sql}"
superuser="${PGUSER:-${POSTGRES_USER:-postgres}}"
run_psql() { psql -X -q -v ON_ERROR_STOP=1 --username "$superuser" "$@"; }

for directory in "$bootstrap"/*/; do
  [[ -d $directory ]] || continue
  service="$(basename -- "$directory")"
  prefix="${service//-/_}"
  for sql in "$directory"*.sql; do
    [[ -f $sql ]] || continue
    echo "postgres-bootstrap: $service: $(basename -- "$sql")"
    run_psql --dbname postgres -v reporting_password="${prefix}_reporting_dev" -f "$sql"
  done
done

[[ -f $audit_sql ]] || { echo "postgres-bootstrap: $audit_sql is missing" >&2; exit 1; }
run_psql --dbname postgres -f "$audit_sql"
databases=(postgres)
for service in $FLEET_SERVICES; do databases+=("${service//-/_}"); done
for database in "${databases[@]}"; do
  run_psql --dbname "$database" -c 'CREATE EXTENSION IF NOT EXISTS pgaudit SCHEMA pg_catalog'
done
echo "postgres-bootstrap: superuser auditing, and pgaudit in ${databases[*]}"
