#!/usr/bin/env bash
# The superuser steps ./fleet up runs after creating the service databases
# (platform/devstack/bin/postgres.sh, pg_create_service_databases and pg_configure_audit),
# for FleetContainers' Postgres: run once by the image's entrypoint from
# /docker-entrypoint-initdb.d, after 10-create-service-databases.sh (the devstack's own).
#   - each service's bootstrap SQL (services/<svc>/src/main/resources/db/bootstrap/*.sql,
#     copied to /fleet/bootstrap/<svc>/), with the development password of its reporting role;
#   - pgaudit.log = 'all' on every superuser (platform/devstack/.../audit-superusers.sql);
#   - the pgaudit extension in pg_catalog of the maintenance database and every service database.
set -euo pipefail
: "${FLEET_SERVICES:?FLEET_SERVICES must be set}"
superuser="${POSTGRES_USER:-postgres}"
run_psql() { psql -X -q -v ON_ERROR_STOP=1 --username "$superuser" "$@"; }
databases=(postgres)
for service in $FLEET_SERVICES; do
  prefix="${service//-/_}"
  databases+=("$prefix")
  for bootstrap in /fleet/bootstrap/"$service"/*.sql; do
    [[ -f $bootstrap ]] || continue
    echo "postgres-fleet-setup: $bootstrap"
    run_psql --dbname postgres -v reporting_password="${prefix}_reporting_dev" -f "$bootstrap"
  done
done
run_psql --dbname postgres -f /fleet/postgres/audit-superusers.sql
for database in "${databases[@]}"; do
  run_psql --dbname "$database" -c 'CREATE EXTENSION IF NOT EXISTS pgaudit SCHEMA pg_catalog'
done
echo "postgres-fleet-setup: bootstrap SQL, superuser auditing and pgaudit in ${databases[*]}"
