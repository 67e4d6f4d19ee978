#!/usr/bin/env bash
# FLEET_HOME for the containers of platform/testing's FleetContainers, made by the local
# stack's own scripts so that both kinds of infrastructure share one layout: the CA and a
# certificate per server (platform/devstack/bin/tls.sh: tls/ca.crt, tls/<server>.crt|.key|.p12
# and .p12.password, for 127.0.0.1 and localhost), the object store's access key and secret
# (object-store/access-key, secret-key) and Keycloak's administrator password
# (keycloak/admin-password), each generated once and kept. Run by FleetContainers with
# FLEET_ROOT (the checkout) and FLEET_HOME set; needs bash and openssl, as the local stack does.
set -euo pipefail
: "${FLEET_ROOT:?FLEET_ROOT must be set}"
: "${FLEET_HOME:?FLEET_HOME must be set}"
# shellcheck source=/dev/null
source "$FLEET_ROOT/platform/devstack/bin/common.sh"
# shellcheck source=/dev/null
source "$FLEET_ROOT/platform/devstack/bin/tls.sh"
fleet_config
fleet_dirs
for server in postgres redis kafka opa keycloak object-store; do
  tls_server_ensure "$server"
done
mkdir -p "$FLEET_HOME/object-store" "$FLEET_HOME/keycloak" "$FLEET_HOME/kafka"
chmod 700 "$FLEET_HOME/object-store"
# The lengths object-store.sh and keycloak.sh give them.
random_token_file "$FLEET_HOME/object-store/access-key" 20
random_token_file "$FLEET_HOME/object-store/secret-key" 40
random_token_file "$FLEET_HOME/keycloak/admin-password" 24
