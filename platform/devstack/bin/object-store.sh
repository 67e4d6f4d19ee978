# shellcheck shell=bash
# The object store of the local stack: an S3-compatible server (s3proxy over a
# filesystem backend in $FLEET_HOME/object-store/data) on https://127.0.0.1:$FLEET_OBJECT_STORE_PORT
# only, with a certificate from the local CA (tls.sh) and an access key generated once
# into $FLEET_HOME/object-store (development credentials, never used elsewhere).
# Buckets: fleet-backups (pgBackRest's repository, backup.sh). s3proxy is one jar from
# Maven Central, run on the JDK the stack already needs: no Docker, no Go build, and
# it speaks the S3 API (SigV4, multipart uploads, path-style URIs) that pgBackRest and
# the AWS SDKs use. Sourced by ./fleet; needs common.sh and tls.sh.

# Pinned: the same server in every developer's stack and in CI.
FLEET_OBJECT_STORE_VERSION="4.1.0"
FLEET_OBJECT_STORE_HEAP="${FLEET_OBJECT_STORE_HEAP:-128m}"
# The region clients sign for; s3proxy accepts any, clients need one.
FLEET_OBJECT_STORE_REGION="us-east-1"
FLEET_OBJECT_STORE_BUCKETS=(fleet-backups)

object_store_home() { printf '%s\n' "$FLEET_HOME/object-store"; }
object_store_data() { printf '%s\n' "$FLEET_HOME/object-store/data"; }
object_store_jar() { printf '%s\n' "$FLEET_HOME/object-store/s3proxy-$FLEET_OBJECT_STORE_VERSION.jar"; }
object_store_conf() { printf '%s\n' "$FLEET_HOME/object-store/s3proxy.conf"; }
object_store_pid_file() { printf '%s\n' "$FLEET_RUN/object-store.pid"; }
object_store_log() { printf '%s\n' "$FLEET_LOGS/object-store.log"; }
object_store_pid() { live_pid "$(object_store_pid_file)" "$(object_store_jar)"; }
object_store_url() { printf 'https://127.0.0.1:%s\n' "$FLEET_OBJECT_STORE_PORT"; }
# The access key and its secret, one file each, readable by their owner only.
object_store_access_key_file() { printf '%s\n' "$FLEET_HOME/object-store/access-key"; }
object_store_secret_key_file() { printf '%s\n' "$FLEET_HOME/object-store/secret-key"; }
object_store_access_key() { cat -- "$(object_store_access_key_file)"; }
object_store_secret_key() { cat -- "$(object_store_secret_key_file)"; }

# Fetches the jar (with its dependencies) through Maven, like Keycloak: checksums
# checked, cached in the local repository, copied into FLEET_HOME once.
object_store_install() {
  local home jar log artifact download cached
  home="$(object_store_home)"
  jar="$(object_store_jar)"
  [[ -s $jar ]] && return 0
  artifact="org.gaul:s3proxy:$FLEET_OBJECT_STORE_VERSION:jar:jar-with-dependencies"
  log="$FLEET_LOGS/object-store-install.log"
  download="$home/download"
  mkdir -p "$home"
  # Already in the default local repository (checked by Maven when it stored it): a
  # copy spares every new FLEET_HOME (each CI run) a Maven JVM competing with Kafka's boot.
  cached="$HOME/.m2/repository/org/gaul/s3proxy/$FLEET_OBJECT_STORE_VERSION/s3proxy-$FLEET_OBJECT_STORE_VERSION-jar-with-dependencies.jar"
  if [[ -s $cached ]]; then
    cp -- "$cached" "$jar.tmp" && mv -f -- "$jar.tmp" "$jar" && return 0
  fi
  info "object-store: fetching $artifact with Maven (55 MB, once; log in $log)"
  rm -rf -- "$download"
  if ! mvn -q -B -Dstyle.color=never -f "$FLEET_DEVSTACK/pom.xml" dependency:copy \
    -Dartifact="$artifact" -DoutputDirectory="$download" >"$log" 2>&1; then
    show_log_tail "$log"
    die "object-store: could not fetch $artifact"
  fi
  [[ -s $download/s3proxy-$FLEET_OBJECT_STORE_VERSION-jar-with-dependencies.jar ]] ||
    die "object-store: Maven made no s3proxy-$FLEET_OBJECT_STORE_VERSION-jar-with-dependencies.jar"
  mv -f -- "$download/s3proxy-$FLEET_OBJECT_STORE_VERSION-jar-with-dependencies.jar" "$jar"
  rm -rf -- "$download"
}

# The access key and secret, generated once (clients such as backup.sh read them).
object_store_credentials_ensure() {
  mkdir -p "$(object_store_home)"
  random_token_file "$(object_store_access_key_file)" 20
  random_token_file "$(object_store_secret_key_file)" 40
}

# The server's configuration at every start (port and paths come from the
# environment). The file holds secrets: owner only.
object_store_write_conf() {
  local conf keystore
  conf="$(object_store_conf)"
  keystore="$(tls_server_keystore object-store)"
  mkdir -p "$(object_store_data)"
  # The repository is encrypted, but the bucket is nobody else's business either.
  chmod 700 "$(object_store_home)" "$(object_store_data)"
  object_store_credentials_ensure
  (umask 077 && cat >"$conf.tmp" <<EOF
# Written by ./fleet at every start (platform/devstack/bin/object-store.sh): edits here are lost.
# HTTPS only, on loopback only.
s3proxy.secure-endpoint=$(object_store_url)
s3proxy.keystore-path=$keystore
s3proxy.keystore-password=$(cat -- "$(tls_server_keystore_password_file object-store)")
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$(object_store_access_key)
s3proxy.credential=$(object_store_secret_key)
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$(object_store_data)
EOF
  )
  mv -f -- "$conf.tmp" "$conf"
}

# Generates what is missing (CA, certificate, credentials, jar), then starts the
# server without waiting for it (object_store_wait does), so the rest of the stack
# starts while its JVM boots.
object_store_start() {
  local pid log
  tls_server_ensure object-store
  if pid="$(object_store_pid)"; then
    if [[ $TLS_SERVER_ISSUED == no ]]; then
      info "object-store: already running (pid $pid)"
      return 0
    fi
    info "object-store: restarting to present its new certificate"
    object_store_stop
  fi
  require_free_port object-store "$FLEET_OBJECT_STORE_PORT" FLEET_OBJECT_STORE_PORT
  command -v "$(java_bin)" >/dev/null 2>&1 || die "object-store: java not found (JDK 17 or newer)"
  object_store_install
  object_store_write_conf
  log="$(object_store_log)"
  info "object-store: starting on $(object_store_url) (S3 API, path-style; data in $(object_store_data))"
  # Full tiered compilation: only C2 uses the CPU's AES-GCM instructions, and every byte
  # it stores or serves passes through TLS (C1 alone made it the slowest step of exports).
  spawn "$(object_store_pid_file)" "$log" \
    "$(java_bin)" -Xms32m "-Xmx$FLEET_OBJECT_STORE_HEAP" -XX:+UseSerialGC \
    -jar "$(object_store_jar)" --properties "$(object_store_conf)"
}

# curl with SigV4 and the stack's credentials, verifying the server against the CA.
# The secret goes to curl through a config file on stdin, not the command line.
# s3proxy checks x-amz-content-sha256, which curl 7.88 does not send by itself: the
# requests here have empty bodies, whose SHA-256 it is.
object_store_curl() {
  printf 'user = "%s:%s"\n' "$(object_store_access_key)" "$(object_store_secret_key)" |
    curl -sS --max-time 10 --config - --cacert "$(tls_ca_cert)" \
      --aws-sigv4 "aws:amz:$FLEET_OBJECT_STORE_REGION:s3" \
      -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' "$@"
}

# Ready when a signed ListBuckets succeeds: TLS, the certificate and the credentials
# all work.
object_store_ready() { object_store_curl -f -o /dev/null "$(object_store_url)/"; }

# Waits for the server, then creates the buckets that do not exist yet.
object_store_wait() {
  local bucket status
  wait_for 60 "$(object_store_pid || true)" "$(object_store_log)" object-store object_store_ready ||
    die "object-store: no signed S3 answer on $(object_store_url)"
  for bucket in "${FLEET_OBJECT_STORE_BUCKETS[@]}"; do
    status="$(object_store_curl -o /dev/null -w '%{http_code}' -I "$(object_store_url)/$bucket")" || status=000
    [[ $status == 200 ]] && continue
    object_store_curl -f -o /dev/null -X PUT "$(object_store_url)/$bucket" ||
      die "object-store: could not create bucket $bucket"
  done
}

object_store_stop() {
  local pid
  pid="$(object_store_pid)" || return 0
  info "object-store: stopping (pid $pid)"
  stop_pid object-store "$pid" 30
  rm -f -- "$(object_store_pid_file)"
}

object_store_status() { status_line object-store "$(object_store_pid || true)" "$(object_store_url)"; }
