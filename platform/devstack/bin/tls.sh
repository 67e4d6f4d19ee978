# shellcheck shell=bash
# The local stack's certificate authority: one CA generated once under
# $FLEET_HOME/tls, and server certificates it signs for the components that speak
# TLS (today the object store; the other connections later). Clients trust
# $FLEET_HOME/tls/ca.crt and verify the server's name. Development keys only: they
# never leave FLEET_HOME. Sourced by ./fleet; needs common.sh and openssl.

# Validity: the CA outlives any checkout; a server certificate is renewed by the first
# start after less than 30 days remain (825 days is the most that clients accept).
FLEET_TLS_CA_DAYS=3650
FLEET_TLS_SERVER_DAYS=825
FLEET_TLS_RENEW_SECONDS=$((30 * 24 * 3600))

tls_dir() { printf '%s\n' "$FLEET_HOME/tls"; }
tls_ca_cert() { printf '%s\n' "$(tls_dir)/ca.crt"; }
tls_ca_key() { printf '%s\n' "$(tls_dir)/ca.key"; }
tls_server_cert() { printf '%s\n' "$(tls_dir)/$1.crt"; }
tls_server_key() { printf '%s\n' "$(tls_dir)/$1.key"; }
# A PKCS#12 keystore (key, certificate and CA) for Java servers, and its password.
tls_server_keystore() { printf '%s\n' "$(tls_dir)/$1.p12"; }
tls_server_keystore_password_file() { printf '%s\n' "$(tls_dir)/$1.p12.password"; }

# A random token of letters and digits (passwords, keys), from the kernel's CSPRNG.
random_token() {
  local length="$1" token=""
  while ((${#token} < length)); do
    token+="$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  done
  printf '%s\n' "${token:0:length}"
}

# Writes <file> once with a random token of <length> characters, readable by its
# owner only; prints nothing. An existing file is kept: keys stay stable across runs.
random_token_file() {
  local file="$1" length="$2"
  [[ -s $file ]] && return 0
  (umask 077 && random_token "$length" >"$file.tmp")
  mv -f -- "$file.tmp" "$file"
}

# The CA: an EC P-256 key and a self-signed certificate, generated once. Both move
# into place only when complete, so an interrupted run generates them again.
tls_ca_ensure() {
  local dir cert key log
  dir="$(tls_dir)"
  cert="$(tls_ca_cert)"
  key="$(tls_ca_key)"
  [[ -s $cert && -s $key ]] && return 0
  command -v openssl >/dev/null 2>&1 || die "tls: openssl not found (apt-get install openssl)"
  mkdir -p "$dir"
  chmod 755 "$dir"
  log="$FLEET_LOGS/tls.log"
  info "tls: generating the local CA in $dir (once)"
  if ! (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$key.tmp" -out "$cert.tmp" -days "$FLEET_TLS_CA_DAYS" \
    -subj "/CN=aicunet fleet local CA ($(hostname -s 2>/dev/null || echo local))" \
    -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' \
    -addext 'keyUsage=critical,keyCertSign,cRLSign' >"$log" 2>&1); then
    show_log_tail "$log"
    die "tls: could not generate the CA"
  fi
  chmod 644 "$cert.tmp"
  mv -f -- "$key.tmp" "$key"
  mv -f -- "$cert.tmp" "$cert"
  # Server certificates of an earlier CA no longer verify: issue them again.
  rm -f -- "$dir"/*.p12 "$dir"/*.p12.password
  find "$dir" -maxdepth 1 -name '*.crt' ! -name ca.crt -delete
}

# The names a server certificate carries. 127.0.0.1 appears twice: as an IP address
# (what TLS clients such as curl and Java match an address against) and as a DNS
# name, because pgBackRest 2.45 compares the host it connects to with DNS names
# only ("unable to find hostname '127.0.0.1' in certificate"), and connecting as
# localhost could reach ::1, where nothing of the stack listens.
FLEET_TLS_SERVER_NAMES="DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1"

# True when <cert> was signed by the current CA, carries FLEET_TLS_SERVER_NAMES,
# and stays valid for at least FLEET_TLS_RENEW_SECONDS.
tls_server_cert_current() {
  local cert="$1"
  [[ -s $cert ]] || return 1
  openssl verify -CAfile "$(tls_ca_cert)" "$cert" >/dev/null 2>&1 || return 1
  openssl x509 -in "$cert" -noout -checkend "$FLEET_TLS_RENEW_SECONDS" >/dev/null 2>&1 || return 1
  local names
  names="$(openssl x509 -in "$cert" -noout -ext subjectAltName 2>/dev/null | sed -n 2p | tr -d ' ')"
  [[ $names == "$(printf '%s' "$FLEET_TLS_SERVER_NAMES" | sed 's/IP:/IPAddress:/g')" ]]
}

# tls_server_ensure <name>: a key and certificate for a server on 127.0.0.1, signed
# by the CA, with the subject alternative names FLEET_TLS_SERVER_NAMES, and a PKCS#12
# keystore of both with a generated password. Issued once, renewed when it nears
# its end or the CA changed; TLS_SERVER_ISSUED says whether this call issued one (a
# running server then needs a restart to present it). [usage]: the extended key usage,
# serverAuth by default; serverAuth,clientAuth for servers that also present it as
# clients of each other (Redis Cluster's bus asks every node for a certificate).
tls_server_ensure() {
  TLS_SERVER_ISSUED=no
  local name="$1" usage="${2:-serverAuth}" dir cert key keystore password_file log csr ext
  tls_ca_ensure
  dir="$(tls_dir)"
  cert="$(tls_server_cert "$name")"
  key="$(tls_server_key "$name")"
  keystore="$(tls_server_keystore "$name")"
  password_file="$(tls_server_keystore_password_file "$name")"
  if tls_server_cert_current "$cert" && [[ -s $key && -s $keystore && -s $password_file ]]; then
    return 0
  fi
  log="$FLEET_LOGS/tls.log"
  csr="$dir/$name.csr.tmp"
  ext="$dir/$name.ext.tmp"
  info "tls: issuing the certificate of $name ($FLEET_TLS_SERVER_NAMES) from the local CA"
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
    "extendedKeyUsage=$usage" "subjectAltName=$FLEET_TLS_SERVER_NAMES" >"$ext"
  random_token_file "$password_file" 32
  if ! (umask 077 &&
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$key.tmp" -out "$csr" -subj "/CN=localhost" &&
    openssl x509 -req -in "$csr" -CA "$(tls_ca_cert)" -CAkey "$(tls_ca_key)" -CAcreateserial \
      -CAserial "$dir/ca.srl" -out "$cert.tmp" -days "$FLEET_TLS_SERVER_DAYS" -extfile "$ext" &&
    openssl pkcs12 -export -in "$cert.tmp" -inkey "$key.tmp" -certfile "$(tls_ca_cert)" \
      -name "$name" -out "$keystore.tmp" -passout "file:$password_file") >"$log" 2>&1; then
    rm -f -- "$csr" "$ext" "$key.tmp" "$cert.tmp" "$keystore.tmp"
    show_log_tail "$log"
    die "tls: could not issue the certificate of $name"
  fi
  rm -f -- "$csr" "$ext"
  chmod 644 "$cert.tmp"
  mv -f -- "$key.tmp" "$key"
  mv -f -- "$cert.tmp" "$cert"
  mv -f -- "$keystore.tmp" "$keystore"
  # Read by the caller (object-store.sh).
  # shellcheck disable=SC2034
  TLS_SERVER_ISSUED=yes
}
