#!/usr/bin/env bash
# docker-compose.yml's continuous backup of Postgres, set up as ./fleet up sets up the local
# stack's (platform/devstack/bin/backup.sh: backup_write_conf, then backup_stanza_ensure),
# with compose's addresses. Run as root by the one-shot postgres-backup at every `up`, once
# Postgres and the object store answer:
#   1. HOME/repository-passphrase: the repository's encryption passphrase, 64 random letters
#      and digits, made once and kept (losing it loses every backup in the repository);
#   2. HOME/pgbackrest.conf, rewritten every time with backup.sh's settings: the repository
#      in the object store's bucket fleet-backups over HTTPS, verified with compose's CA,
#      signed with the access key of object-store-credentials.sh, encrypted (aes-256-cbc),
#      in the directory /cluster-<system identifier> as backup.sh names it (a cluster made
#      anew starts a new repository beside the old one's); the stanza's cluster on its data
#      directory and unix socket, which the postgres container shares through volumes. The
#      server's archive_command reads this file: owned by postgres, readable by it alone;
#   3. pgbackrest stanza-create (or the check that the stanza matches this cluster), then
#      pgbackrest check: a WAL segment reaches the repository.
# Development credentials only. Usage: postgres-backup.sh HOME
#
# Environment: FLEET_TLS [/fleet/tls] (ca.crt, object-store/access-key and secret-key),
# PGDATA [/var/lib/postgresql/data], FLEET_PG_SOCKET [/var/run/postgresql],
# OBJECT_STORE_HOST [object-store], OBJECT_STORE_PORT [9443],
# FLEET_BACKUP_RETENTION_FULL [2], FLEET_PG_RUN_AS and FLEET_PG_OWNER (below);
# pg_controldata and pgbackrest on PATH (the fleet's Postgres image has both).
set -euo pipefail
home="${1:?usage: postgres-backup.sh HOME}"
tls="${FLEET_TLS:-/fleet/tls}"
data="${PGDATA:-/var/lib/postgresql/data}"
socket="${FLEET_PG_SOCKET:-/var/run/postgresql}"
retention="${FLEET_BACKUP_RETENTION_FULL:-2}"
# backup.sh's stanza and object-store.sh's bucket and region (ComposeParityTest compares).
stanza=fleet
bucket=fleet-backups
region=us-east-1

[[ $retention =~ ^[1-9][0-9]*$ ]] ||
  { echo "postgres-backup: FLEET_BACKUP_RETENTION_FULL must be a positive number of full backups, not '$retention'" >&2; exit 2; }
for file in "$tls/ca.crt" "$tls/object-store/access-key" "$tls/object-store/secret-key"; do
  [[ -s $file ]] || { echo "postgres-backup: $file is missing (the tls one-shot makes it)" >&2; exit 1; }
done

# As the cluster's owner, who runs pgBackRest on the server too (archive_command): as root,
# through FLEET_PG_RUN_AS [gosu postgres] and owned by FLEET_PG_OWNER [postgres] (a test
# sets both empty); as anyone else, as that user.
run_as="${FLEET_PG_RUN_AS-gosu postgres}"
owner="${FLEET_PG_OWNER-postgres}"
as_postgres() {
  if ((EUID == 0)) && [[ -n $run_as ]]; then $run_as "$@"; else "$@"; fi
}
owned_by_postgres() {
  if ((EUID == 0)) && [[ -n $owner ]]; then chown "$owner:$owner" "$@"; fi
}

system_id="$(as_postgres pg_controldata -D "$data" | awk -F: '/^Database system identifier/ { gsub(/ /, "", $2); print $2 }')"
[[ $system_id =~ ^[0-9]+$ ]] || { echo "postgres-backup: cannot read the system identifier of $data" >&2; exit 1; }

mkdir -p "$home/log" "$home/lock" "$home/spool"
chmod 700 "$home"
owned_by_postgres "$home" "$home/log" "$home/lock" "$home/spool"
passphrase="$home/repository-passphrase"
if [[ ! -s $passphrase ]]; then
  token=""
  while ((${#token} < 64)); do token+="$(head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"; done
  (umask 077 && printf '%s' "${token:0:64}" >"$passphrase.tmp")
  owned_by_postgres "$passphrase.tmp"
  mv -f -- "$passphrase.tmp" "$passphrase"
fi

conf="$home/pgbackrest.conf"
(umask 077 && cat >"$conf.tmp" <<EOF
# Written by postgres-backup.sh at every start of docker-compose.yml: edits here are lost.
[global]
# The repository: the bucket $bucket of compose's object store, over TLS with the server's
# certificate (which names object-store) verified against compose's CA.
repo1-type=s3
repo1-s3-bucket=$bucket
repo1-s3-endpoint=${OBJECT_STORE_HOST:-object-store}
repo1-storage-port=${OBJECT_STORE_PORT:-9443}
repo1-s3-uri-style=path
repo1-s3-region=$region
repo1-s3-key=$(<"$tls/object-store/access-key")
repo1-s3-key-secret=$(<"$tls/object-store/secret-key")
repo1-storage-ca-file=$tls/ca.crt
repo1-storage-verify-tls=y
repo1-path=/cluster-$system_id
# Encrypted at rest: a lost bucket reveals nothing without the passphrase.
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=$(<"$passphrase")
repo1-retention-full=$retention
compress-type=lz4
# As backup.sh: a dead object store fails a push or a backup after 10 s without progress.
io-timeout=10
process-max=2
start-fast=y
log-path=$home/log
lock-path=$home/lock
spool-path=$home/spool
log-level-console=warn
log-level-file=info

[$stanza]
pg1-path=$data
pg1-port=5432
pg1-socket-path=$socket
pg1-user=postgres
EOF
)
owned_by_postgres "$conf.tmp"
mv -f -- "$conf.tmp" "$conf"

started="$(date +%s)"
as_postgres pgbackrest "--config=$conf" "--stanza=$stanza" --log-level-console=info stanza-create
as_postgres pgbackrest "--config=$conf" "--stanza=$stanza" --log-level-console=info --archive-timeout=30 check
echo "postgres-backup: stanza $stanza ready, WAL archived to https://${OBJECT_STORE_HOST:-object-store}:${OBJECT_STORE_PORT:-9443}/$bucket/cluster-$system_id ($(($(date +%s) - started)) s)"
