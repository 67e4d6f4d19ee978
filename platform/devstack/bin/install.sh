# shellcheck shell=bash
# Installs what the stack and the tests need when it is missing, so that a fresh
# Debian machine (a new CI machine) runs ./fleet test with nothing set up by hand.
# Sourced by ./fleet; needs common.sh, postgres.sh and opa.sh.

# Debian packages by name into the system, with non-interactive apt; `apt-get update`
# runs once, and only when something must be installed. Needs root or passwordless sudo;
# the stack's own programs go through tools_install (tools.sh), which manages without.
apt_install() {
  local log="$FLEET_LOGS/apt.log"
  local -a sudo=()
  command -v apt-get >/dev/null 2>&1 || die "missing: $* (and no apt-get to install them)"
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "missing Debian packages: $* (run as root, or: sudo apt-get install $*)"
    sudo=(sudo -n)
  fi
  info "installing missing Debian packages: $* (log in $log)"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 ||
    ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$log" 2>&1; then
    show_log_tail "$log"
    die "apt-get install $* failed"
  fi
}

fleet_ensure_tools() {
  local -a pkgs=()
  # The stack's native programs: the system's, or unpacked without root (tools.sh).
  pg_bindir >/dev/null || pkgs+=(postgresql)
  tools_has psql || pkgs+=(postgresql-client)
  tools_has redis-server || pkgs+=(redis-server)
  tools_has redis-cli || pkgs+=(redis-tools)
  # ./fleet token reads and writes JSON (Keycloak's admin API) with jq.
  tools_has jq || pkgs+=(jq)
  # WAL archiving and backups (backup.sh); `column` formats ./fleet backups.
  tools_has pgbackrest || pkgs+=(pgbackrest)
  tools_has column || pkgs+=(bsdextrautils)
  ((${#pkgs[@]} == 0)) || tools_install "${pkgs[@]}"
  # The developer's own tools: curl, the local CA and certificates (tls.sh), Java and Maven.
  pkgs=()
  command -v curl >/dev/null 2>&1 || pkgs+=(curl)
  command -v openssl >/dev/null 2>&1 || pkgs+=(openssl)
  command -v "$(java_bin)" >/dev/null 2>&1 || pkgs+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
  ((${#pkgs[@]} == 0)) || apt_install "${pkgs[@]}"
  pg_audit_ensure
  opa_ensure
  schemathesis_ensure
}

# pgaudit (Debian's postgresql-<major>-pgaudit) for the server that pg_bindir finds,
# which on a fresh machine exists only after the install above: so a second,
# separate install, only when the library is missing. Without root, the server is
# unpacked beside it (the system's server loads libraries from its own directory only).
pg_audit_ensure() {
  local major
  pg_audit_library >/dev/null && return 0
  major="$(pg_major)" || die "postgres: cannot tell the server's major version (set FLEET_PG_BIN)"
  if tools_can_apt; then
    apt_install "postgresql-$major-pgaudit"
  else
    tools_install "postgresql-$major" "postgresql-$major-pgaudit"
  fi
  pg_audit_library >/dev/null ||
    die "postgres: postgresql-$major-pgaudit is installed but $(pg_audit_library_path) is missing (FLEET_PG_BIN points to another server?)"
}
