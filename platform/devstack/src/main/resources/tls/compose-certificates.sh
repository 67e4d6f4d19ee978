#!/usr/bin/env bash
# docker-compose.yml's CA and the certificate of its Postgres (docs/tls.md), made once
# into OUT (the fleet-tls volume): the compose fleet's own, as ./fleet up has its own
# (platform/devstack/bin/tls.sh), because inside compose the services dial Postgres as
# "postgres", a name the local stack's certificate does not carry. The CA's key is
# deleted once the certificate is signed: nothing else is ever signed with it; a new
# certificate (after 825 days, or `docker compose down -v`) comes with a new CA.
# Postgres wants its key owned by the server's user: POSTGRES_UID (999 in the
# postgres image). Development keys only. Usage: compose-certificates.sh [OUT]
set -euo pipefail
out="${1:-/fleet/tls-out}"
postgres_uid="${POSTGRES_UID:-999}"
names="DNS:postgres,DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1"
if [[ -s $out/ca.crt && -s $out/postgres.crt && -s $out/postgres.key ]] &&
  openssl verify -CAfile "$out/ca.crt" "$out/postgres.crt" >/dev/null 2>&1 &&
  openssl x509 -in "$out/postgres.crt" -noout -checkend $((30 * 24 * 3600)) >/dev/null 2>&1; then
  echo "compose-certificates: $out/postgres.crt is current"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT
(
  umask 077
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$work/ca.key" -out "$work/ca.crt" -days 3650 -subj "/CN=aicunet fleet compose CA" \
    -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' -addext 'keyUsage=critical,keyCertSign,cRLSign'
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
    'extendedKeyUsage=serverAuth' "subjectAltName=$names" >"$work/ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$work/postgres.key" -out "$work/postgres.csr" -subj "/CN=postgres"
  openssl x509 -req -in "$work/postgres.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
    -CAserial "$work/ca.srl" -out "$work/postgres.crt" -days 825 -extfile "$work/ext"
) >"$work/openssl.log" 2>&1 || { cat "$work/openssl.log" >&2; exit 1; }
mkdir -p "$out"
install -m 644 "$work/ca.crt" "$out/ca.crt"
install -m 644 "$work/postgres.crt" "$out/postgres.crt"
install -m 600 "$work/postgres.key" "$out/postgres.key"
if ((EUID == 0)); then chown "$postgres_uid" "$out/postgres.key"; fi
echo "compose-certificates: CA and Postgres certificate ($names) written to $out"
