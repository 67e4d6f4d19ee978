# shellcheck shell=bash
# Schemathesis, the REST fuzzer the OpenApiConformanceTests run against each service's
# /q/openapi (platform/testing OpenApiConformance): installed from PyPI into a virtual
# environment under FLEET_HOME, pinned, once per FLEET_HOME.
# Sourced by ./fleet; needs common.sh and install.sh.

# Pinned: the same fuzzer, with the same checks, in every checkout and in CI.
FLEET_SCHEMATHESIS_VERSION="4.32.5"

schemathesis_dir() { printf '%s\n' "$FLEET_HOME/tools/schemathesis-$FLEET_SCHEMATHESIS_VERSION"; }

schemathesis_is_pinned() {
  local bin
  bin="$(schemathesis_dir)/bin/st"
  [[ -x $bin ]] && "$bin" --version 2>/dev/null | grep -qF "version $FLEET_SCHEMATHESIS_VERSION"
}

schemathesis_ensure() {
  schemathesis_is_pinned && return 0
  local dir log="$FLEET_LOGS/schemathesis-install.log"
  dir="$(schemathesis_dir)"
  command -v python3 >/dev/null 2>&1 || tools_install python3
  info "schemathesis: installing $FLEET_SCHEMATHESIS_VERSION from PyPI into $dir (once; log in $log)"
  rm -rf "$dir"
  # Debian's python3 lacks venv's pip (ensurepip) until python3-venv is installed;
  # without root, the venv gets none and pip runs from Debian's pip wheel instead.
  local -a pip=("$dir/bin/pip")
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if tools_can_apt; then
      apt_install python3-venv
    else
      tools_has_file usr/share/python-wheels/pip-*.whl || tools_unpack python3-pip-whl
      pip=("$dir/bin/python" "$(tools_file usr/share/python-wheels/pip-*.whl)/pip")
    fi
  fi
  local -a venv=(python3 -m venv)
  [[ ${pip[0]} == "$dir/bin/pip" ]] || venv+=(--without-pip)
  if ! "${venv[@]}" "$dir" >"$log" 2>&1 ||
    ! "${pip[@]}" install -q --disable-pip-version-check "schemathesis==$FLEET_SCHEMATHESIS_VERSION" >>"$log" 2>&1; then
    show_log_tail "$log"
    die "schemathesis: pip install failed"
  fi
  schemathesis_is_pinned || die "schemathesis: installed, but $dir/bin/st is not $FLEET_SCHEMATHESIS_VERSION"
}
