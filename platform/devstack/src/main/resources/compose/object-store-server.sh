#!/usr/bin/env bash
# docker-compose.yml's object store: s3proxy with the settings ./fleet up writes
# (platform/devstack/bin/object-store.sh, object_store_write_conf): HTTPS only, with the
# PKCS#12 keystore of compose-certificates.sh, AWS v2/v4 signatures with the access key and
# secret of object-store-credentials.sh, and a filesystem backend on the object-store-data
# volume with the buckets object-store.sh creates (fleet-backups, pgBackRest's repository: a
# bucket of this backend is a directory under its base directory). Renders the properties
# file, makes the buckets that do not exist yet, then runs the command after `--`.
#
#   object-store-server.sh CONF [-- COMMAND...]
#
# Environment: FLEET_TLS [/fleet/tls] (object-store.p12 and its password, object-store/
# access-key and secret-key), OBJECT_STORE_ENDPOINT [https://0.0.0.0:9443],
# OBJECT_STORE_DATA [/data], OBJECT_STORE_BUCKETS [fleet-backups] (space-separated).
# Development credentials only.
set -euo pipefail
conf="${1:?usage: object-store-server.sh CONF [-- COMMAND...]}"
shift
tls="${FLEET_TLS:-/fleet/tls}"
for file in "$tls/object-store.p12" "$tls/object-store.p12.password" "$tls/object-store/access-key" "$tls/object-store/secret-key"; do
  [[ -s $file ]] || { echo "object-store-server.sh: $file is missing (the tls one-shot makes it)" >&2; exit 1; }
done
mkdir -p "$(dirname -- "$conf")" "${OBJECT_STORE_DATA:-/data}"
(umask 077 && cat >"$conf.tmp" <<EOF_CONF
# Written by object-store-server.sh at every start of compose's object store.
s3proxy.secure-endpoint=${OBJECT_STORE_ENDPOINT:-https://0.0.0.0:9443}
s3proxy.keystore-path=$tls/object-store.p12
s3proxy.keystore-password=$(<"$tls/object-store.p12.password")
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$(<"$tls/object-store/access-key")
s3proxy.credential=$(<"$tls/object-store/secret-key")
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=${OBJECT_STORE_DATA:-/data}
EOF_CONF
)
mv -f -- "$conf.tmp" "$conf"
for bucket in ${OBJECT_STORE_BUCKETS-fleet-backups}; do
  [[ $bucket =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || { echo "object-store-server.sh: '$bucket' is no bucket name" >&2; exit 2; }
  mkdir -p "${OBJECT_STORE_DATA:-/data}/$bucket"
done

(($#)) || exit 0
[[ $1 == -- ]] || { echo "object-store-server.sh: expected -- before the command, got $1" >&2; exit 2; }
shift
exec "$@"
