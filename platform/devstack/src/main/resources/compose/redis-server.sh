#!/usr/bin/env bash
# docker-compose.yml's Redis: renders the local stack's ACL users, then runs the command
# after `--` (redis-server with the shared redis.conf, TLS only; docker-compose.yml).
#
#   redis-server.sh TEMPLATE ACL_FILE [-- COMMAND...]
#
# The ACL file is rendered as ./fleet up renders it (platform/devstack/bin/redis.sh,
# redis_render_acl; ComposeParityTest compares the two): the template's comment and blank
# lines dropped (an ACL file holds only `user` lines) and each %SHA256(<user>)% replaced by
# the SHA-256 of that user's development password fleet-dev-redis-<user>, so the file holds
# no password in clear. The users are the ones the template names; the default user is off.
# Development passwords only.
set -euo pipefail
template="${1:?usage: redis-server.sh TEMPLATE ACL_FILE [-- COMMAND...]}"
acl_file="${2:?usage: redis-server.sh TEMPLATE ACL_FILE [-- COMMAND...]}"
shift 2

content="$(grep -v -e '^#' -e '^[[:space:]]*$' -- "$template")"
for user in $(grep -o '%SHA256([^)]*)%' -- "$template" | sed -e 's/^%SHA256(//' -e 's/)%$//' | sort -u); do
  hash="$(printf 'fleet-dev-redis-%s' "$user" | sha256sum | cut -d' ' -f1)"
  content="${content//"%SHA256($user)%"/$hash}"
done
if [[ $content == *%SHA256\(* ]]; then
  echo "redis-server.sh: $template names a user without a password: ${content#*%SHA256(}" >&2
  exit 1
fi
mkdir -p "$(dirname -- "$acl_file")"
(umask 077 && printf '%s\n' "$content" >"$acl_file.tmp") && mv -f -- "$acl_file.tmp" "$acl_file"

if (($#)); then
  [[ $1 == -- ]] || { echo "redis-server.sh: expected -- before the command, got $1" >&2; exit 2; }
  shift
  exec "$@"
fi
