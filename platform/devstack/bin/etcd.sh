# shellcheck shell=bash
# etcd, the peer `./fleet bench config` measures config against (writes, watch
# propagation, reads; services/config's ConfigBenchmark starts it on free loopback ports).
# Not a part of the stack: built once per FLEET_HOME with the Go toolchain, pinned.
# `go install go.etcd.io/etcd/server/v3@...` refuses (its go.mod has replace directives),
# so it is built from a wrapper module of one main that calls etcdmain.Main.
# Sourced by ./fleet; needs common.sh and tools.sh.

FLEET_ETCD_VERSION="3.6.6"

etcd_bin() { printf '%s\n' "$FLEET_HOME/tools/etcd-$FLEET_ETCD_VERSION/etcd"; }

# Prints the etcd binary, building it first when it is not there; fails without Go.
etcd_ensure() {
  local bin dir go log="$FLEET_LOGS/etcd-build.log"
  bin="$(etcd_bin)"
  if [[ -x $bin ]] && "$bin" --version 2>/dev/null | grep -qF "etcd Version: $FLEET_ETCD_VERSION"; then
    printf '%s\n' "$bin"
    return 0
  fi
  go="$(tools_go)" || return 1
  dir="$(dirname "$bin")/src"
  info "etcd: building $FLEET_ETCD_VERSION with Go into $(dirname "$bin") (about a minute, once; log in $log)" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  cat >"$dir/main.go" <<'EOF'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
  if ! (cd "$dir" && "$go" mod init fleet.local/etcd && "$go" get "go.etcd.io/etcd/server/v3@v$FLEET_ETCD_VERSION" &&
    "$go" build -o "$bin" .) >"$log" 2>&1; then
    show_log_tail "$log" >&2
    return 1
  fi
  printf '%s\n' "$bin"
}
