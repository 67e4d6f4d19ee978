#!/usr/bin/env bash
# Creates the database and roles of every service with create-service-database.sql,
# the same file the local stack (./fleet up) and the tests run. docker-compose mounts
# this script into the Postgres image's /docker-entrypoint-initdb.d, which runs it
# once, on the first start of an empty data directory.
#
# Environment (defaults in brackets):
#   FLEET_SERVICES            services, space-separated [tenant ledger agent-state audit config]
#   FLEET_DATABASE_PREFIX     prepended to every role prefix and database name [none];
#                             tests use it to create throw-away databases and roles
#   FLEET_SERVICE_SQL         path of create-service-database.sql [next to this script]
#   <PREFIX>_OWNER_PASSWORD,  the passwords of a service's roles, by the role prefix in
#   <PREFIX>_APP_PASSWORD     upper case (TENANT_OWNER_PASSWORD, AGENT_STATE_APP_PASSWORD);
#                             unset, the local stack's development passwords
#                             (<prefix>_owner_dev, <prefix>_app_dev), which the services'
#                             application.properties also default to
#   PGHOST, PGPORT, PGUSER,   where psql connects, as a superuser [the Postgres image's
#   PGPASSWORD                init server: its socket, POSTGRES_USER or postgres]
#
# A service named "agent-state" gets the role prefix and database "agent_state".
# Running it again changes nothing but the passwords (the SQL is idempotent).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
sql="${FLEET_SERVICE_SQL:-$here/create-service-database.sql}"
services="${FLEET_SERVICES:-tenant ledger agent-state audit config}"
prefix="${FLEET_DATABASE_PREFIX:-}"
superuser="${PGUSER:-${POSTGRES_USER:-postgres}}"

if [[ ! -f $sql ]]; then
  printf 'create-service-databases: %s not found (set FLEET_SERVICE_SQL)\n' "$sql" >&2
  exit 1
fi

for service in $services; do
  role_prefix="$prefix${service//-/_}"
  if [[ ! $role_prefix =~ ^[a-z_][a-z0-9_]{0,50}$ ]]; then
    printf 'create-service-databases: "%s" is no valid role prefix\n' "$role_prefix" >&2
    exit 1
  fi
  upper="${role_prefix^^}"
  owner_variable="${upper}_OWNER_PASSWORD"
  app_variable="${upper}_APP_PASSWORD"
  owner_password="${!owner_variable:-${role_prefix}_owner_dev}"
  app_password="${!app_variable:-${role_prefix}_app_dev}"
  printf 'create-service-databases: %s -> database %s, roles %s_owner and %s_app\n' \
    "$service" "$role_prefix" "$role_prefix" "$role_prefix"
  # The SQL quotes every name and password itself (format with %I and %L).
  psql -X -q -v ON_ERROR_STOP=1 --username "$superuser" --dbname postgres \
    -v role_prefix="$role_prefix" -v database="$role_prefix" \
    -v owner_password="$owner_password" -v app_password="$app_password" \
    -f "$sql"
done
