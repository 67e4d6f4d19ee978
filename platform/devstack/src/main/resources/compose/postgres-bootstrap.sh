#!/usr/bin/env bash
# docker-compose.yml's Postgres, once on an empty data directory (the image's
# /docker-entrypoint-initdb.d, after create-service-databases.sh): each service's own
# superuser steps, services/<service>/src/main/resources/db/bootstrap/*.sql mounted at
# BOOTSTRAP/<service>/, with the variables ./fleet up gives them
# (platform/devstack/bin/postgres.sh, pg_create_service_databases): reporting_password
# <prefix>_reporting_dev (e.g. the ledger's reporting role). Development passwords only.
#
# Environment: FLEET_BOOTSTRAP [/fleet/bootstrap]; PGHOST, PGUSER... as psql takes them
# [the image's init server: its socket, POSTGRES_USER or postgres].
set -euo pipefail
bootstrap="${FLEET_BOOTSTRAP:-/fleet/bootstrap}"
superuser="${PGUSER:-${POSTGRES_USER:-postgres}}"
for directory in "$bootstrap"/*/; do
  [[ -d $directory ]] || continue
  service="$(basename -- "$directory")"
  prefix="${service//-/_}"
  for sql in "$directory"*.sql; do
    [[ -f $sql ]] || continue
    echo "postgres-bootstrap: $service: $(basename -- "$sql")"
    psql -X -q -v ON_ERROR_STOP=1 --username "$superuser" --dbname postgres \
      -v reporting_password="${prefix}_reporting_dev" -f "$sql"
  done
done
