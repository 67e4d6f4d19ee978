# shellcheck shell=bash
# Keycloak of the local stack: the fleet's OAuth2/OIDC identity provider on
# https://127.0.0.1:$FLEET_KEYCLOAK_PORT (TLS only, a certificate from the local CA,
# tls.sh; management and health on $FLEET_KEYCLOAK_MANAGEMENT_PORT, also TLS),
# serving realm `aicunet` from src/main/resources/keycloak/aicunet-realm.json.
# The distribution is Maven Central's org.keycloak:keycloak-quarkus-dist, unpacked and
# built once under $FLEET_HOME/keycloak (never in git). docs/identity.md explains the
# realm. Sourced by ./fleet; needs common.sh and tls.sh.

# Pinned: the same Keycloak in every developer's stack and in CI.
FLEET_KEYCLOAK_VERSION="26.5.6"

# Build-time options (`kc.sh build`): a file database in the distribution's data/
# directory, and health endpoints. Changing them rebuilds once.
FLEET_KEYCLOAK_BUILD_OPTIONS=(--db=dev-file --health-enabled=true)

# Maximum heap of the server: enough for the local stack and its tests.
FLEET_KEYCLOAK_HEAP="${FLEET_KEYCLOAK_HEAP:-512m}"

# The realm the fleet uses, and the master realm's bootstrap administrator.
FLEET_KEYCLOAK_REALM="aicunet"
FLEET_KEYCLOAK_ADMIN="admin"

keycloak_home() { printf '%s\n' "$FLEET_HOME/keycloak"; }
keycloak_dist() { printf '%s\n' "$FLEET_HOME/keycloak/keycloak-$FLEET_KEYCLOAK_VERSION"; }
keycloak_pid_file() { printf '%s\n' "$FLEET_RUN/keycloak.pid"; }
keycloak_log() { printf '%s\n' "$FLEET_LOGS/keycloak.log"; }
keycloak_pid() { live_pid "$(keycloak_pid_file)" "$(keycloak_dist)/bin/kc.sh"; }
# The master realm administrator's password: generated once, readable by its owner only.
keycloak_admin_password_file() { printf '%s\n' "$FLEET_HOME/keycloak/admin-password"; }
keycloak_realm_file() { printf '%s\n' "$FLEET_RESOURCES/keycloak/aicunet-realm.json"; }
# The sha256 of the realm file that the database holds (beside the database, so that
# removing one removes the other).
keycloak_imported_marker() { printf '%s\n' "$(keycloak_dist)/data/fleet-imported-realm.sha256"; }

keycloak_url() { printf 'https://127.0.0.1:%s\n' "$FLEET_KEYCLOAK_PORT"; }
keycloak_issuer() { printf '%s/realms/%s\n' "$(keycloak_url)" "$FLEET_KEYCLOAK_REALM"; }
keycloak_token_endpoint() { printf '%s/protocol/openid-connect/token\n' "$(keycloak_issuer)"; }

# Fetches the distribution through Maven (checksums checked, cached in the local
# repository like every other artifact) and unpacks it into FLEET_HOME. The unpacked
# tree moves into place only when complete, so an interrupted install is redone.
keycloak_install() {
  local home dist log artifact tarball unpack
  home="$(keycloak_home)"
  dist="$(keycloak_dist)"
  [[ -x $dist/bin/kc.sh ]] && return 0
  artifact="org.keycloak:keycloak-quarkus-dist:$FLEET_KEYCLOAK_VERSION:tar.gz"
  log="$FLEET_LOGS/keycloak-install.log"
  mkdir -p "$home"
  info "keycloak: fetching $artifact with Maven (once; log in $log)"
  rm -rf -- "$home/download" "$home/unpack.tmp"
  if ! mvn -q -B -Dstyle.color=never -f "$FLEET_DEVSTACK/pom.xml" dependency:copy \
    -Dartifact="$artifact" -DoutputDirectory="$home/download" >"$log" 2>&1; then
    show_log_tail "$log"
    die "keycloak: could not fetch $artifact"
  fi
  tarball="$home/download/keycloak-quarkus-dist-$FLEET_KEYCLOAK_VERSION.tar.gz"
  [[ -f $tarball ]] || die "keycloak: Maven made no $tarball"
  unpack="$home/unpack.tmp"
  mkdir -p "$unpack"
  tar -xzf "$tarball" -C "$unpack" || die "keycloak: could not unpack $tarball"
  [[ -x $unpack/keycloak-$FLEET_KEYCLOAK_VERSION/bin/kc.sh ]] ||
    die "keycloak: $tarball holds no keycloak-$FLEET_KEYCLOAK_VERSION/bin/kc.sh"
  mv -- "$unpack/keycloak-$FLEET_KEYCLOAK_VERSION" "$dist"
  # The copy in the Maven repository stays; this one is not needed any more.
  rm -rf -- "$home/download" "$unpack"
}

# `kc.sh build` bakes the build-time options into the distribution (about 25 s);
# `start --optimized` then skips that step. Redone only when the options change.
keycloak_build() {
  local dist marker log options
  dist="$(keycloak_dist)"
  marker="$dist/fleet-build-options"
  options="${FLEET_KEYCLOAK_BUILD_OPTIONS[*]}"
  [[ -f $marker && "$(<"$marker")" == "$options" ]] && return 0
  log="$FLEET_LOGS/keycloak-build.log"
  info "keycloak: kc.sh build $options (once; log in $log)"
  rm -f -- "$marker"
  if ! JAVA_OPTS_KC_HEAP="-Xms64m -Xmx$FLEET_KEYCLOAK_HEAP" \
    "$dist/bin/kc.sh" build "${FLEET_KEYCLOAK_BUILD_OPTIONS[@]}" >"$log" 2>&1; then
    show_log_tail "$log"
    die "keycloak: kc.sh build failed"
  fi
  printf '%s\n' "$options" >"$marker"
}

# Removes Keycloak's database, so that the next start creates the master realm (with
# the administrator of the password file) and imports the realm file afresh.
keycloak_reset_database() {
  local dist
  dist="$(keycloak_dist)"
  rm -rf -- "$dist/data/h2" "$dist/data/transaction-logs" "$(keycloak_imported_marker)"
}

keycloak_has_database() { [[ -d "$(keycloak_dist)/data/h2" ]]; }

# Keycloak sets the bootstrap administrator's password only when it creates the master
# realm, so a new password (the file was deleted) needs a new database.
keycloak_admin_password() {
  local file
  file="$(keycloak_admin_password_file)"
  if [[ ! -s $file ]]; then
    if keycloak_has_database; then
      info "keycloak: no $file; recreating Keycloak's database with a new administrator password"
      keycloak_reset_database
    fi
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$file.tmp")
    mv -f -- "$file.tmp" "$file"
  fi
  cat -- "$file"
}

keycloak_realm_hash() {
  local hash
  hash="$(sha256sum -- "$(keycloak_realm_file)")"
  printf '%s\n' "${hash%% *}"
}

# True when the database holds the realm file as it is now.
keycloak_realm_current() {
  local marker
  marker="$(keycloak_imported_marker)"
  [[ -f $marker && "$(<"$marker")" == "$(keycloak_realm_hash)" ]]
}

# `--import-realm` imports data/import/*.json when the realm does not exist yet and
# skips it otherwise, so restarts keep users and signing keys. When the realm file
# changed since the database imported it, the database is recreated: the users that
# ./fleet token made are made again on demand, and services fetch the new keys.
keycloak_prepare_import() {
  local realm_file import_dir hash
  realm_file="$(keycloak_realm_file)"
  [[ -f $realm_file ]] || die "keycloak: $realm_file is missing"
  import_dir="$(keycloak_dist)/data/import"
  hash="$(keycloak_realm_hash)"
  if keycloak_has_database && ! keycloak_realm_current; then
    info "keycloak: ${realm_file#"$FLEET_ROOT"/} changed since it was imported; recreating Keycloak's database"
    keycloak_reset_database
  fi
  rm -rf -- "$import_dir"
  mkdir -p "$import_dir"
  cp -- "$realm_file" "$import_dir/$FLEET_KEYCLOAK_REALM-realm.json"
  KEYCLOAK_IMPORTING_HASH="$hash"
}

# Installs and builds on first use, then starts the server without waiting for it
# (keycloak_wait does), so that the rest of the stack starts while its JVM boots.
keycloak_start() {
  local pid password log
  if pid="$(keycloak_pid)" &&
    answers_plaintext "http://127.0.0.1:$FLEET_KEYCLOAK_PORT/realms/$FLEET_KEYCLOAK_REALM"; then
    info "keycloak: running without TLS (pid $pid); restarting it"
    keycloak_stop
  fi
  if pid="$(keycloak_pid)"; then
    info "keycloak: already running (pid $pid)"
    keycloak_realm_current ||
      warn "keycloak: the realm file changed since it was imported; it is imported again when Keycloak next starts (./fleet down, then ./fleet up)"
    return 0
  fi
  require_free_port keycloak "$FLEET_KEYCLOAK_PORT" FLEET_KEYCLOAK_PORT
  require_free_port "keycloak management" "$FLEET_KEYCLOAK_MANAGEMENT_PORT" FLEET_KEYCLOAK_MANAGEMENT_PORT
  command -v "$(java_bin)" >/dev/null 2>&1 || die "keycloak: java not found (JDK 17 or newer)"
  keycloak_install
  keycloak_build
  password="$(keycloak_admin_password)"
  keycloak_prepare_import
  tls_server_ensure keycloak
  log="$(keycloak_log)"
  if [[ -f $log ]]; then mv -f -- "$log" "$FLEET_LOGS/keycloak.previous.log"; fi
  info "keycloak: starting on $(keycloak_url) (management 127.0.0.1:$FLEET_KEYCLOAK_MANAGEMENT_PORT, realm $FLEET_KEYCLOAK_REALM)"
  KEYCLOAK_STARTED_AT_MS="$(now_ms)"
  # HTTPS only: no plaintext listener. Keycloak reads the certificate files again every
  # hour (its default), so a renewed certificate is presented without a restart; the
  # management interface inherits the same TLS settings.
  # The hostname fixes the issuer (iss) to this URL whichever name a client uses. A
  # local (not clustered) cache: one node needs no JGroups, which would also listen on
  # every interface.
  # The administrator's password goes through the environment, not the command line
  # that every user sees in ps.
  spawn "$(keycloak_pid_file)" "$log" \
    env KC_BOOTSTRAP_ADMIN_USERNAME="$FLEET_KEYCLOAK_ADMIN" KC_BOOTSTRAP_ADMIN_PASSWORD="$password" \
    JAVA_OPTS_KC_HEAP="-Xms64m -Xmx$FLEET_KEYCLOAK_HEAP" \
    "$(keycloak_dist)/bin/kc.sh" start --optimized \
    --http-enabled=false --http-host=127.0.0.1 --https-port="$FLEET_KEYCLOAK_PORT" \
    --https-certificate-file="$(tls_server_cert keycloak)" \
    --https-certificate-key-file="$(tls_server_key keycloak)" \
    --http-management-port="$FLEET_KEYCLOAK_MANAGEMENT_PORT" \
    --hostname="$(keycloak_url)" --hostname-strict=false \
    --cache=local \
    --import-realm --log=console --log-console-color=false
}

# Ready when the realm's discovery document answers: the server is up and the realm
# imported.
keycloak_ready() {
  curl -fsS -o /dev/null --max-time 2 --cacert "$(tls_ca_cert)" "$(keycloak_issuer)/.well-known/openid-configuration"
}

keycloak_wait() {
  local pid elapsed
  pid="$(keycloak_pid)" || {
    show_log_tail "$(keycloak_log)"
    die "keycloak: not running"
  }
  wait_for "${FLEET_KEYCLOAK_WAIT:-180}" "$pid" "$(keycloak_log)" keycloak keycloak_ready ||
    die "keycloak: realm $FLEET_KEYCLOAK_REALM not served on $(keycloak_url)"
  if [[ -n ${KEYCLOAK_IMPORTING_HASH:-} ]]; then
    printf '%s\n' "$KEYCLOAK_IMPORTING_HASH" >"$(keycloak_imported_marker)"
  fi
  if [[ -n ${KEYCLOAK_STARTED_AT_MS:-} ]]; then
    elapsed=$(($(now_ms) - KEYCLOAK_STARTED_AT_MS))
    info "keycloak: ready after $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s"
  fi
}

keycloak_stop() {
  local pid
  pid="$(keycloak_pid)" || return 0
  info "keycloak: stopping (pid $pid)"
  # kc.sh passes SIGTERM on to the JVM and waits for it.
  stop_pid keycloak "$pid" 60
  rm -f -- "$(keycloak_pid_file)"
}

keycloak_status() { status_line keycloak "$(keycloak_pid || true)" "$(keycloak_issuer)"; }

# --- ./fleet token -----------------------------------------------------------------

# The client that mints tokens on the local stack (see the realm file).
FLEET_TOKENS_CLIENT="fleet-tokens"
FLEET_TOKENS_SECRET="fleet-tokens-dev-client-secret"
FLEET_TOKEN_SERVICES=(tenant ledger agent-state audit config)

token_usage() {
  cat <<'EOF'
usage: ./fleet token --tenant TENANT --roles ROLE[,ROLE...] [--subject SUBJECT]
       ./fleet token --service SERVICE
Prints an access token of the local stack's Keycloak (realm aicunet) on stdout.
  --tenant   the tenant the user is bound to: a UUID, or `platform` for platform staff
             (then the token has no tenant claim)
  --roles    comma-separated roles, e.g. tenant-admin or platform-admin
  --subject  the user (preferred_username) [dev]; created or updated, with a new password
  --service  a service's own token (client credentials): tenant, ledger, agent-state,
             audit or config
Example: curl -H "authorization: Bearer $(./fleet token --tenant platform --roles platform-admin --subject ops)" ...
EOF
}

token_fail() {
  printf 'fleet token: %s\n' "$*" >&2
  exit 2
}

# A wrong or missing argument: the reason, and where the usage is.
token_usage_fail() {
  printf 'fleet token: %s (./fleet token --help shows the usage)\n' "$*" >&2
  exit 2
}

keycloak_token_server_ready() {
  keycloak_ready 2>/dev/null ||
    token_fail "Keycloak does not answer on $(keycloak_url) (start the stack: ./fleet up --infra)"
}

# POSTs a form to the token endpoint; prints the access token.
token_request() {
  local response token
  response="$(curl -sS --max-time 10 --cacert "$(tls_ca_cert)" -X POST "$(keycloak_token_endpoint)" "$@")" ||
    token_fail "the token endpoint $(keycloak_token_endpoint) did not answer"
  token="$(jq -r '.access_token // empty' <<<"$response" 2>/dev/null)" || token=""
  [[ -n $token ]] || token_fail "Keycloak issued no token: $response"
  printf '%s\n' "$token"
}

# curl against the admin REST API of the realm; prints the body, fails on an HTTP error.
keycloak_admin_api() {
  local admin_token="$1" method="$2" path="$3"
  shift 3
  local out status
  out="$(mktemp)"
  status="$(curl -sS --max-time 10 --cacert "$(tls_ca_cert)" -o "$out" -w '%{http_code}' -X "$method" \
    -H "authorization: Bearer $admin_token" -H 'content-type: application/json' \
    "$(keycloak_url)/admin/realms/$FLEET_KEYCLOAK_REALM$path" "$@")" || {
    rm -f -- "$out"
    token_fail "the admin API of $(keycloak_url) did not answer ($method $path)"
  }
  if [[ $status != 2* ]]; then
    printf 'fleet token: %s %s answered %s: %s\n' "$method" "$path" "$status" "$(cat -- "$out")" >&2
    rm -f -- "$out"
    return 1
  fi
  cat -- "$out"
  rm -f -- "$out"
}

# Prints the id of user <subject>, or nothing.
keycloak_user_id() {
  local admin_token="$1" subject="$2"
  keycloak_admin_api "$admin_token" GET "/users?exact=true&briefRepresentation=true&username=$(jq -rn --arg s "$subject" '$s|@uri')" |
    jq -r --arg s "$subject" '.[] | select(.username == $s) | .id'
}

cmd_token() {
  local tenant="" roles="" subject="dev" service="" have_user_options=no
  if (($# == 0)); then
    token_usage >&2
    exit 2
  fi
  while (($#)); do
    case "$1" in
      --tenant | --roles | --subject | --service)
        (($# >= 2)) || token_usage_fail "$1 needs a value"
        case "$1" in
          --tenant) tenant="$2" have_user_options=yes ;;
          --roles) roles="$2" have_user_options=yes ;;
          --subject) subject="$2" have_user_options=yes ;;
          --service) service="$2" ;;
        esac
        shift 2
        ;;
      -h | --help)
        token_usage
        exit 0
        ;;
      *) token_usage_fail "unknown argument '$1'" ;;
    esac
  done
  command -v jq >/dev/null 2>&1 || token_fail "jq is needed (apt-get install jq)"

  if [[ -n $service ]]; then
    [[ $have_user_options == no ]] || token_usage_fail "--service takes no --tenant, --roles or --subject"
    [[ " ${FLEET_TOKEN_SERVICES[*]} " == *" $service "* ]] ||
      token_usage_fail "unknown service '$service' (one of: ${FLEET_TOKEN_SERVICES[*]})"
    keycloak_token_server_ready
    token_request --data-urlencode grant_type=client_credentials \
      --data-urlencode "client_id=$service" --data-urlencode "client_secret=$service-dev-client-secret"
    return 0
  fi

  [[ -n $tenant ]] || token_usage_fail "--tenant is required (a tenant UUID, or platform)"
  [[ -n $roles ]] || token_usage_fail "--roles is required (e.g. tenant-admin, or platform-admin)"
  # Tenants are UUIDs as the services print them: lowercase.
  tenant="${tenant,,}"
  [[ $tenant == platform || $tenant =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] ||
    token_usage_fail "--tenant must be a UUID or 'platform', not '$tenant'"
  local role
  local -a role_list
  # The trailing comma keeps a trailing empty role visible to the check below.
  IFS=, read -r -a role_list <<<"$roles,"
  for role in "${role_list[@]}"; do
    [[ $role =~ ^[a-z][a-z0-9-]{0,63}$ ]] ||
      token_usage_fail "--roles: '$role' is not a role (lowercase letters, digits and '-', comma-separated)"
  done
  # Keycloak stores usernames in lowercase; the token's preferred_username must be
  # exactly the subject asked for. The realm's user profile allows the same characters.
  [[ $subject =~ ^[a-z0-9][a-z0-9._@:+-]{0,254}$ ]] ||
    token_usage_fail "--subject must be 1-255 lowercase letters, digits or . _ @ : + - (not '$subject')"
  [[ $subject != service-account-* ]] ||
    token_usage_fail "--subject '$subject' is reserved for service accounts"
  keycloak_token_server_ready

  local admin_token attributes user_id password
  admin_token="$(token_request --data-urlencode grant_type=client_credentials \
    --data-urlencode "client_id=$FLEET_TOKENS_CLIENT" --data-urlencode "client_secret=$FLEET_TOKENS_SECRET")"
  # The attributes replace the user's: a platform user has no tenant attribute at all.
  attributes="$(printf '%s\n' "${role_list[@]}" | jq -cR --arg tenant "$tenant" -s \
    '{roles: (split("\n") | map(select(. != "")) | unique)}
     + (if $tenant == "platform" then {} else {tenant: [$tenant]} end)')"
  user_id="$(keycloak_user_id "$admin_token" "$subject")" || exit 1
  if [[ -z $user_id ]]; then
    # Two calls for the same new subject at once: the loser (409) updates instead.
    keycloak_admin_api "$admin_token" POST /users \
      --data "$(jq -cn --arg u "$subject" --argjson a "$attributes" '{username: $u, enabled: true, attributes: $a}')" \
      >/dev/null || true
    user_id="$(keycloak_user_id "$admin_token" "$subject")" || exit 1
    [[ -n $user_id ]] || token_fail "could not create user '$subject'"
  fi
  keycloak_admin_api "$admin_token" PUT "/users/$user_id" \
    --data "$(jq -cn --arg u "$subject" --argjson a "$attributes" '{username: $u, enabled: true, attributes: $a}')" \
    >/dev/null || token_fail "could not set the attributes of user '$subject'"
  # A fresh random password per call: nobody needs to know it, the grant below uses it once.
  password="$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)"
  keycloak_admin_api "$admin_token" PUT "/users/$user_id/reset-password" \
    --data "$(jq -cn --arg p "$password" '{type: "password", value: $p, temporary: false}')" \
    >/dev/null || token_fail "could not set the password of user '$subject'"
  token_request --data-urlencode grant_type=password \
    --data-urlencode "client_id=$FLEET_TOKENS_CLIENT" --data-urlencode "client_secret=$FLEET_TOKENS_SECRET" \
    --data-urlencode "username=$subject" --data-urlencode "password=$password"
}
