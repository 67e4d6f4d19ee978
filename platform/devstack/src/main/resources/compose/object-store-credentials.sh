#!/usr/bin/env bash
# docker-compose.yml's object store credentials and the services' shared export directory,
# made once by the one-shot `tls` service (as ./fleet up makes them under FLEET_HOME,
# platform/devstack/bin/object-store.sh):
#   CREDENTIALS/access-key, CREDENTIALS/secret-key   random (20 and 40 letters and digits),
#       kept across restarts; s3proxy (object-store-server.sh) takes them as its identity and
#       credential, the services read them as aicunet.privacy.object-store.s3.access-key-file
#       and secret-key-file. Owned by the services' user (185), readable by it alone
#       (s3proxy runs as root).
#   OBJECTS   the directory store of platform/privacy (aicunet.privacy.object-store-directory,
#       used with object-store.kind=directory), shared by every service: owned by 185.
# Development credentials only. Usage: object-store-credentials.sh CREDENTIALS OBJECTS
set -euo pipefail
credentials="${1:?usage: object-store-credentials.sh CREDENTIALS OBJECTS}"
objects="${2:?usage: object-store-credentials.sh CREDENTIALS OBJECTS}"
service_uid="${FLEET_SERVICE_UID:-185}"

# Writes <file> once with <length> random letters and digits; an existing one is kept, so
# the services and the store keep agreeing across restarts.
token_file() {
  local file="$1" length="$2" token=""
  [[ -s $file ]] && return 0
  while ((${#token} < length)); do
    token+="$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  done
  (umask 077 && printf '%s' "${token:0:length}" >"$file.tmp")
  if ((EUID == 0)); then chown "$service_uid:$service_uid" "$file.tmp"; fi
  mv -f -- "$file.tmp" "$file"
}

mkdir -p "$credentials" "$objects"
chmod 755 "$credentials"
token_file "$credentials/access-key" 20
token_file "$credentials/secret-key" 40
if ((EUID == 0)); then chown "$service_uid:$service_uid" "$objects"; fi
chmod 750 "$objects"
echo "object-store-credentials: access key and secret in $credentials, export directory $objects"
