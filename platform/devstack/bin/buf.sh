# shellcheck shell=bash
# Contract checks of ./fleet test: `buf lint` and `buf breaking` over contracts/
# (configuration: contracts/buf.yaml), and a self-test proving that both refuse a
# violation. Run on their own with `./fleet contracts`. docs/contracts.md explains the
# baseline that `buf breaking` compares with.
# Sourced by ./fleet; needs common.sh.

# Pinned: the same buf in every developer's checkout and in CI.
FLEET_BUF_VERSION="v1.75.0"

buf_contracts_dir() { printf '%s\n' "$FLEET_ROOT/contracts"; }
# The proto root: the module path in contracts/buf.yaml and Maven's proto directory.
buf_proto_subdir() { printf '%s\n' "contracts/src/main/proto"; }
buf_install_dir() { printf '%s\n' "$FLEET_HOME/tools/buf-$FLEET_BUF_VERSION"; }

# True when the binary reports the pinned version (`buf --version` prints 1.75.0).
buf_is_pinned() {
  [[ -x $1 ]] && [[ "$("$1" --version 2>/dev/null)" == "${FLEET_BUF_VERSION#v}" ]]
}

# The pinned buf: from FLEET_HOME (where buf_ensure puts it), else from PATH or
# $(go env GOPATH)/bin if that one is the pinned version. Another version found
# there is not used, and not replaced either.
buf_bin() {
  local bin
  for bin in "$(buf_install_dir)/buf" "$(command -v buf 2>/dev/null || true)" \
    "$(go="$(tools_go_find)" && printf '%s/bin/buf' "$("$go" env GOPATH | cut -d: -f1)")"; do
    [[ -n $bin ]] && buf_is_pinned "$bin" && { printf '%s\n' "$bin"; return 0; }
  done
  return 1
}

# Builds buf from source with the Go toolchain into FLEET_HOME (Go modules come from
# the module proxy; no binary is downloaded). Skipped when the pinned buf is present.
buf_ensure() {
  buf_bin >/dev/null && return 0
  local go log="$FLEET_LOGS/buf-install.log" dir
  go="$(tools_go)" ||
    die "buf: not found, and no Go toolchain to build it (install Go, then: go install github.com/bufbuild/buf/cmd/buf@$FLEET_BUF_VERSION)"
  dir="$(buf_install_dir)"
  info "buf: building $FLEET_BUF_VERSION with go install into $dir (about two minutes, once; log in $log)"
  mkdir -p "$dir"
  if ! GOBIN="$dir" "$go" install "github.com/bufbuild/buf/cmd/buf@$FLEET_BUF_VERSION" >"$log" 2>&1; then
    show_log_tail "$log"
    die "buf: go install failed"
  fi
  buf_bin >/dev/null || die "buf: go install succeeded but $dir/buf is not buf $FLEET_BUF_VERSION"
}

# The git revision whose contracts `buf breaking` compares with; prints nothing when
# there is none (the contracts' first commit). FLEET_BUF_BASELINE (any revision: a
# release tag, a branch, a commit) overrides it. Otherwise, "the contracts as the
# last commit that changed them before the state under test left them":
#   - protos changed in the working tree or index: HEAD (its protos are those of the
#     last commit that touched them), so a developer's edit is checked before commit;
#   - a clean tree (CI's fresh clone of main): the parent of the last commit that
#     changed a proto, so the newest contract change is checked against what it changed.
buf_baseline() {
  local last
  if ! git -C "$FLEET_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    info "buf: $FLEET_ROOT is not a git checkout; nothing to compare with" >&2
    return 0
  fi
  if [[ -n ${FLEET_BUF_BASELINE:-} ]]; then
    git -C "$FLEET_ROOT" rev-parse -q --verify "$FLEET_BUF_BASELINE^{commit}" ||
      die "buf: FLEET_BUF_BASELINE=$FLEET_BUF_BASELINE is not a commit in this clone"
    return 0
  fi
  if [[ -n "$(git -C "$FLEET_ROOT" status --porcelain -- "$(buf_proto_subdir)")" ]]; then
    git -C "$FLEET_ROOT" rev-parse HEAD
    return 0
  fi
  last="$(git -C "$FLEET_ROOT" rev-list -1 HEAD -- "$(buf_proto_subdir)")"
  [[ -n $last ]] || return 0
  if [[ "$(git -C "$FLEET_ROOT" rev-parse --is-shallow-repository)" == true ]] &&
    ! git -C "$FLEET_ROOT" rev-parse -q --verify "$last^" >/dev/null; then
    die "buf: this clone is shallow and lacks the parent of $last, the baseline of buf breaking (git fetch --unshallow, or set FLEET_BUF_BASELINE)"
  fi
  git -C "$FLEET_ROOT" rev-parse -q --verify "$last^" || true
}

# Writes the protos of <revision> under <dir> (as <dir>/contracts/src/main/proto).
buf_export_revision() {
  local revision="$1" dir="$2"
  mkdir -p "$dir"
  git -C "$FLEET_ROOT" archive --format=tar "$revision" -- "$(buf_proto_subdir)" 2>/dev/null | tar -x -C "$dir" 2>/dev/null || true
}

# Every proto lives in aicunet/<service>/v<N>/ (with PACKAGE_DIRECTORY_MATCH that
# makes the package aicunet.<service>.v<N>); STANDARD lint cannot say "aicunet".
buf_layout_check() {
  local root="$1" file rc=0
  while IFS= read -r file; do
    if [[ ! $file =~ ^aicunet/[a-z][a-z0-9]*/v[1-9][0-9]*/[a-z][a-z0-9_]*\.proto$ ]]; then
      printf 'buf: %s is outside aicunet/<service>/v<N>/<lower_snake>.proto\n' "$file" >&2
      rc=1
    fi
  done < <(cd "$root/src/main/proto" && find . -name '*.proto' | sed 's|^\./||' | sort)
  return "$rc"
}

# A copy of contracts/ (buf.yaml and src/) in <dir>, with one sed edit of tenant.proto
# applied; fails when the edit changed nothing (tenant.proto no longer matches it).
buf_mutated_copy() {
  local dir="$1" edit="$2" file=src/main/proto/aicunet/tenant/v1/tenant.proto
  mkdir -p "$dir"
  cp -R "$(buf_contracts_dir)/buf.yaml" "$(buf_contracts_dir)/src" "$dir/"
  sed -i "$edit" "$dir/$file"
  if cmp -s "$dir/$file" "$(buf_contracts_dir)/$file"; then
    printf 'buf self-test: the edit %s changed nothing in %s; update buf_self_test\n' "$edit" "$file" >&2
    return 1
  fi
}

# Expects `buf <command> <dir> [args]` to fail with a finding of <rule> (in buf's JSON
# error format), and nothing else to go wrong.
buf_expect_refused() {
  local bin="$1" what="$2" rule="$3" out
  shift 3
  if out="$("$bin" "$@" --error-format=json 2>&1)"; then
    printf 'buf self-test: buf %s accepted %s\n' "$1" "$what" >&2
    return 1
  fi
  if ! grep -q "\"type\":\"$rule\"" <<<"$out"; then
    printf 'buf self-test: buf %s refused %s, but not with %s:\n%s\n' "$1" "$what" "$rule" "$out" >&2
    return 1
  fi
}

# The self-test: on temporary copies of the contracts, `buf breaking` must refuse a
# renumbered field and a field removed without `reserved` (and accept one removed
# with its number and name reserved), `buf lint` must refuse a service without the
# Service suffix, and the layout check a proto outside aicunet/. Proves the checks
# can fail, so that a passing check means something.
buf_self_test() {
  local bin="$1" tmp rc=0 out base
  tmp="$(mktemp -d)"
  base="$(buf_contracts_dir)/src/main/proto"

  # Tenant.slug = 2 becomes 20 (the first `slug = 2`, in message Tenant).
  if buf_mutated_copy "$tmp/renumbered" '0,/^  string slug = 2;/s//  string slug = 20;/'; then
    buf_expect_refused "$bin" "a renumbered field (Tenant.slug 2 -> 20)" \
      FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED breaking "$tmp/renumbered" --against "$base" || rc=1
  else
    rc=1
  fi
  # Tenant.region = 4 removed without reserving it.
  if buf_mutated_copy "$tmp/removed" '0,/^  string region = 4;/s///'; then
    buf_expect_refused "$bin" "a removed field that is not reserved (Tenant.region)" \
      FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED breaking "$tmp/removed" --against "$base" || rc=1
  else
    rc=1
  fi
  # The same removal with number and name reserved is compatible.
  if buf_mutated_copy "$tmp/reserved" '0,/^  string region = 4;/s//  reserved 4;\n  reserved "region";/'; then
    if ! out="$("$bin" breaking "$tmp/reserved" --against "$base" 2>&1)"; then
      printf 'buf self-test: buf breaking refused a removed field whose number and name are reserved:\n%s\n' "$out" >&2
      rc=1
    fi
  else
    rc=1
  fi
  # TenantService becomes Tenants.
  if buf_mutated_copy "$tmp/misnamed" 's/^service TenantService {/service Tenants {/'; then
    buf_expect_refused "$bin" "a service named Tenants" SERVICE_SUFFIX lint "$tmp/misnamed" || rc=1
    # A proto outside aicunet/<service>/v<N>/.
    mkdir -p "$tmp/misnamed/src/main/proto/other/v1"
    printf 'syntax = "proto3";\npackage other.v1;\n' >"$tmp/misnamed/src/main/proto/other/v1/x.proto"
    if buf_layout_check "$tmp/misnamed" 2>/dev/null; then
      printf 'buf self-test: the layout check accepted other/v1/x.proto\n' >&2
      rc=1
    fi
  else
    rc=1
  fi

  rm -rf "$tmp"
  return "$rc"
}

# buf lint, buf breaking against buf_baseline, and the self-test. Prints one line per
# check; returns non-zero when any of them failed.
buf_test() {
  local bin baseline tmp rc=0 dir
  buf_ensure
  bin="$(buf_bin)"
  dir="$(buf_contracts_dir)"

  if buf_layout_check "$dir" && (cd "$FLEET_ROOT" && "$bin" lint contracts); then
    info "buf: lint OK (STANDARD, contracts/buf.yaml)"
  else
    printf 'buf: lint FAILED: the protos above break contracts/buf.yaml (docs/contracts.md)\n' >&2
    rc=1
  fi

  baseline="$(buf_baseline)" || return 1
  if [[ -z $baseline ]]; then
    info "buf: breaking skipped: no earlier commit of contracts/ to compare with"
  else
    tmp="$(mktemp -d)"
    buf_export_revision "$baseline" "$tmp"
    if [[ ! -d $tmp/$(buf_proto_subdir) ]]; then
      info "buf: breaking skipped: $(git -C "$FLEET_ROOT" rev-parse --short "$baseline") has no $(buf_proto_subdir)"
    elif (cd "$FLEET_ROOT" && "$bin" breaking contracts --against "$tmp/$(buf_proto_subdir)"); then
      info "buf: breaking OK (FILE) against $(git -C "$FLEET_ROOT" log -1 --format='%h %s' "$baseline")"
    else
      printf 'buf: breaking FAILED against %s: the changes above break callers (reserve removed fields, never renumber; docs/contracts.md)\n' \
        "$(git -C "$FLEET_ROOT" log -1 --format='%h' "$baseline")" >&2
      rc=1
    fi
    rm -rf "$tmp"
  fi

  if buf_self_test "$bin"; then
    info "buf: self-test OK (refused: a renumbered field, an unreserved removal, a misnamed service, a proto outside aicunet/)"
  else
    printf 'buf: self-test FAILED: the contract checks would not catch a violation\n' >&2
    rc=1
  fi
  return "$rc"
}
