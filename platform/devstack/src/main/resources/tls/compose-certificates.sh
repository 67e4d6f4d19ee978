#!/usr/bin/env bash
# docker-compose.yml's CA and the certificate of every server in it (docs/tls.md), made
# once into OUT (the fleet-tls volume): the compose fleet's own, as ./fleet up has its own
# (platform/devstack/bin/tls.sh), because inside compose clients dial the servers by their
# compose names ("postgres", "kafka", "tenant", ...), names the local stack's certificates
# do not carry. Every certificate also names localhost and 127.0.0.1 (as a DNS name and an
# IP address, like tls.sh's), so the host reaches each server on the same 127.0.0.1 port
# as ./fleet up's and verifies it with this CA.
#
# OUT holds, as tls.sh lays out FLEET_HOME/tls:
#   ca.crt                          the CA every client trusts
#   <server>.crt, <server>.key      postgres, redis, kafka, opa, keycloak, object-store
#   <server>.p12, <server>.p12.password   PKCS#12 keystores of the Java servers (kafka, object-store)
#   service/tls.crt, tls.key, ca.crt      the services' own certificate (REST, gRPC and the
#                                   tenant service's data keys over TLS), laid out as
#                                   platform/tenancy's profile service-tls reads it and as
#                                   devstack's services.sh gives it to ./fleet up's services
# Each key belongs to the user its server runs as in compose (readable by it alone):
# Postgres refuses a key anyone else may read. The CA's key is deleted once everything is
# signed: nothing else is ever signed with it; new certificates (after 825 days, a new
# server or name, or `docker compose down -v`) come with a new CA, all at once.
# Development keys only. Usage: compose-certificates.sh [OUT]
set -euo pipefail
out="${1:-/fleet/tls-out}"
# The compose names of the fleet's services: each is dialled under its name (the tenant
# service for data keys), so the one service certificate names them all, like the
# local stack's one certificate for 127.0.0.1.
services="${FLEET_SERVICES:-tenant ledger agent-state audit config}"
# server -> the uid it runs as in docker-compose.yml (the images' own users: postgres and
# redis 999, Kafka's appuser, Keycloak and OPA 1000, s3proxy root, the services 185).
declare -A owner=([postgres]=999 [redis]=999 [kafka]=1000 [opa]=1000 [keycloak]=1000 [object-store]=0 [service]=185)
servers=(postgres redis kafka opa keycloak object-store)
keystores=(kafka object-store)
loopback="DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1"

names_of() {
  local server="$1" service list=""
  if [[ $server == service ]]; then
    for service in $services; do list+="DNS:$service,"; done
    printf '%s%s\n' "$list" "$loopback"
  else
    printf 'DNS:%s,%s\n' "$server" "$loopback"
  fi
}

cert_of() { if [[ $1 == service ]]; then printf '%s/service/tls.crt\n' "$2"; else printf '%s/%s.crt\n' "$2" "$1"; fi; }
key_of() { if [[ $1 == service ]]; then printf '%s/service/tls.key\n' "$2"; else printf '%s/%s.key\n' "$2" "$1"; fi; }

# True when <server>'s certificate in OUT chains to OUT's CA, stays valid for 30 more
# days and carries exactly the names above (a new service's name issues everything anew).
current() {
  local server="$1" cert names
  cert="$(cert_of "$server" "$out")"
  [[ -s $cert && -s "$(key_of "$server" "$out")" ]] || return 1
  openssl verify -CAfile "$out/ca.crt" "$cert" >/dev/null 2>&1 || return 1
  openssl x509 -in "$cert" -noout -checkend $((30 * 24 * 3600)) >/dev/null 2>&1 || return 1
  names="$(openssl x509 -in "$cert" -noout -ext subjectAltName 2>/dev/null | sed -n 2p | tr -d ' ')"
  [[ $names == "$(names_of "$server" | sed 's/IP:/IPAddress:/g')" ]]
}

all_current() {
  local server
  [[ -s $out/ca.crt && -s $out/service/ca.crt ]] || return 1
  cmp -s -- "$out/ca.crt" "$out/service/ca.crt" || return 1
  for server in "${servers[@]}" service; do current "$server" || return 1; done
  for server in "${keystores[@]}"; do [[ -s $out/$server.p12 && -s $out/$server.p12.password ]] || return 1; done
}

if all_current; then
  echo "compose-certificates: the certificates in $out are current"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT
(
  umask 077
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$work/ca.key" -out "$work/ca.crt" -days 3650 -subj "/CN=aicunet fleet compose CA" \
    -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' -addext 'keyUsage=critical,keyCertSign,cRLSign'
  for server in "${servers[@]}" service; do
    printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
      'extendedKeyUsage=serverAuth' "subjectAltName=$(names_of "$server")" >"$work/$server.ext"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$work/$server.key" -out "$work/$server.csr" -subj "/CN=$server"
    openssl x509 -req -in "$work/$server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
      -CAserial "$work/ca.srl" -out "$work/$server.crt" -days 825 -extfile "$work/$server.ext"
  done
  for server in "${keystores[@]}"; do
    head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$work/$server.p12.password"
    openssl pkcs12 -export -in "$work/$server.crt" -inkey "$work/$server.key" -certfile "$work/ca.crt" \
      -name "$server" -out "$work/$server.p12" -passout "file:$work/$server.p12.password"
  done
) >"$work/openssl.log" 2>&1 || { cat "$work/openssl.log" >&2; exit 1; }

# Readable by its server's user alone (chown only as root: a test runs this as anyone).
place() {
  local source="$1" target="$2" mode="$3" uid="$4"
  install -m "$mode" "$source" "$target.tmp"
  if ((EUID == 0)); then chown "$uid:$uid" "$target.tmp"; fi
  mv -f -- "$target.tmp" "$target"
}

mkdir -p "$out/service"
chmod 755 "$out" "$out/service"
for server in "${servers[@]}" service; do
  place "$work/$server.key" "$(key_of "$server" "$out")" 600 "${owner[$server]}"
  place "$work/$server.crt" "$(cert_of "$server" "$out")" 644 0
done
for server in "${keystores[@]}"; do
  place "$work/$server.p12" "$out/$server.p12" 600 "${owner[$server]}"
  place "$work/$server.p12.password" "$out/$server.p12.password" 600 "${owner[$server]}"
done
place "$work/ca.crt" "$out/service/ca.crt" 644 0
# The CA last: a run interrupted before this line issues everything again.
place "$work/ca.crt" "$out/ca.crt" 644 0
echo "compose-certificates: a new CA and the certificates of ${servers[*]} and the services ($services) written to $out"
