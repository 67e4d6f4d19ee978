# shellcheck shell=bash
# The stack's native programs without root. It runs PostgreSQL (with pgaudit), psql,
# pgBackRest, Redis, jq and column, and builds OPA and buf with Go. Where the system
# has them (Debian packages, Homebrew, anything on PATH), those are used. Where it does
# not and apt-get cannot install them (not root, no passwordless sudo), they come from
# Debian's package archive all the same, unpacked as the current user into FLEET_TOOLS:
# apt's lists kept there, `apt-get download`, `dpkg-deb -x`, no maintainer scripts run.
# Go, when missing, comes from the Go module proxy (the golang.org/toolchain module
# that GOTOOLCHAIN fetches too) into FLEET_TOOLS. Nothing is written outside FLEET_TOOLS.
#
# FLEET_TOOLS [${XDG_CACHE_HOME:-~/.cache}/aicunet-fleet]: one per user, shared by every
# clone. FLEET_PACKAGES [auto]: auto = the system's programs, installed with apt-get
# when root (or passwordless sudo) can, else unpacked into FLEET_TOOLS; user = always
# the ones in FLEET_TOOLS, even where the system has its own (how CI proves this path);
# system = apt-get only, as before. Sourced by ./fleet; needs common.sh.

# Pinned: the Go that builds OPA and buf where the machine has none, and the Maven that
# runs Quarkus dev mode where the machine's is older than 3.9 (which dev mode refuses).
FLEET_GO_VERSION="1.26.8"
FLEET_DEV_MAVEN_VERSION="3.9.11"

tools_config() {
  FLEET_TOOLS="${FLEET_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/aicunet-fleet}"
  FLEET_TOOLS="$(realpath -m -- "$FLEET_TOOLS")"
  FLEET_PACKAGES="${FLEET_PACKAGES:-auto}"
  case "$FLEET_PACKAGES" in
    auto | user | system) ;;
    *) die "FLEET_PACKAGES=$FLEET_PACKAGES: expected auto, user or system" ;;
  esac
  export FLEET_TOOLS FLEET_PACKAGES
}

# The tree Debian packages are unpacked into (its usr/bin, usr/lib/postgresql/NN/bin...).
tools_root() { printf '%s\n' "$FLEET_TOOLS/debian/root"; }

# Present while packages are being unpacked: a tree it marks was left half-written
# (the run was killed), so it is not used, and the next unpack starts it anew.
tools_unpacking_mark() { printf '%s\n' "$FLEET_TOOLS/debian/unpacking"; }

# The newest PostgreSQL server unpacked into FLEET_TOOLS, if any.
tools_pg_bindir() {
  local dir
  [[ -e $(tools_unpacking_mark) ]] && return 1
  while read -r dir; do
    [[ -x $dir/initdb ]] && { printf '%s\n' "$dir"; return 0; }
  done < <(printf '%s\n' "$(tools_root)"/usr/lib/postgresql/*/bin | sort -rV)
  return 1
}

# Puts what FLEET_TOOLS holds ahead of the system's programs on PATH, and its shared
# libraries on the loader's path (the system's stay behind them): PostgreSQL's bin
# first, since Debian's /usr/bin/psql is a wrapper that looks only at the system.
tools_activate() {
  local root dir prefix="" libs=""
  root="$(tools_root)"
  [[ -d $root && ! -e $(tools_unpacking_mark) ]] || return 0
  dir="$(tools_pg_bindir)" && prefix="$dir:"
  for dir in "$root/usr/bin" "$root/usr/sbin" "$FLEET_TOOLS/go/bin"; do
    [[ -d $dir ]] && prefix+="$dir:"
  done
  [[ :$PATH: == *":$prefix"* ]] || PATH="$prefix$PATH"
  for dir in "$root"/usr/lib/*-linux-gnu "$root"/lib/*-linux-gnu; do
    [[ -d $dir ]] && libs+="$dir:"
  done
  if [[ -n $libs && :${LD_LIBRARY_PATH:-}: != *":$libs"* ]]; then
    LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:-}"
    export LD_LIBRARY_PATH
  fi
  export PATH
}

# True when apt-get may install system packages: root, or sudo without a password.
tools_can_apt() {
  [[ $FLEET_PACKAGES != user ]] || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  ((EUID == 0)) && return 0
  command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1
}

# True when PROGRAM is the stack's: in user mode only one from FLEET_TOOLS counts.
tools_has() {
  local root
  if [[ $FLEET_PACKAGES == user ]]; then
    [[ -e $(tools_unpacking_mark) ]] && return 1
    root="$(tools_root)"
    PATH="$(tools_pg_bindir || true):$root/usr/bin:$root/usr/sbin" command -v "$1" >/dev/null 2>&1
  else
    command -v "$1" >/dev/null 2>&1
  fi
}

# apt-get and apt-cache with this user's lists and cache (FLEET_TOOLS), not the system's.
tools_apt() {
  local apt="$FLEET_TOOLS/debian/apt"
  apt-get -q -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Debug::NoLocking=1 "$@"
}
tools_apt_cache() {
  local apt="$FLEET_TOOLS/debian/apt"
  apt-cache -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" "$@"
}

# tools_unpack PACKAGE...: the packages, and those of their dependencies the system
# does not have (apt's own answer, from a simulated install), downloaded as the current
# user and unpacked into tools_root. Packages the system has in another version are not
# unpacked again: their libraries would shadow the system's (libc among them).
tools_unpack() {
  local apt="$FLEET_TOOLS/debian/apt" root log="$FLEET_LOGS/tools-install.log" deb link target name
  local -a names
  root="$(tools_root)"
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
    die "missing: $* (no apt-get here to fetch them: install them, e.g. with Homebrew on macOS, see README 'Platforms')"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$root"
  # apt's lists of this user, refreshed when older than a day.
  if [[ -z $(find "$apt/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1) ]]; then
    tools_apt update >>"$log" 2>&1 || { show_log_tail "$log"; die "tools: apt-get update (as $(id -un), lists in $apt) failed"; }
  fi
  # Debian's postgresql and postgresql-client are metapackages: where the system has
  # the server they name, apt would fetch only them. So the server's own packages.
  local -a wanted=()
  local major
  for name in "$@"; do
    case "$name" in
      postgresql | postgresql-client)
        major="$(tools_apt_cache depends "$name" 2>>"$log" | awk -F'postgresql-' '/Depends: postgresql-/ { print $NF; exit }')"
        major="${major##*-}"
        [[ $major =~ ^[0-9]+$ ]] || die "tools: cannot tell which PostgreSQL Debian's $name names"
        # The server comes with pgaudit, which the stack loads into it (postgres.sh).
        if [[ $name == postgresql ]]; then
          wanted+=("postgresql-$major" "postgresql-$major-pgaudit")
        else
          wanted+=("postgresql-client-$major")
        fi
        ;;
      *) wanted+=("$name") ;;
    esac
  done
  set -- "${wanted[@]}"
  info "tools: unpacking Debian packages into $FLEET_TOOLS without root: $* (log in $log)"
  mapfile -t names < <({
    printf '%s\n' "$@"
    tools_apt -s install --no-install-recommends "$@" 2>>"$log" | awk '$1 == "Inst" && $3 !~ /^\[/ { print $2 }'
  } | sort -u)
  rm -rf -- "$apt/debs"
  mkdir -p "$apt/debs"
  if ! (cd "$apt/debs" && tools_apt download "${names[@]}") >>"$log" 2>&1; then
    show_log_tail "$log"
    die "tools: apt-get download ${names[*]} failed"
  fi
  # A tree left half-unpacked by a killed run is dropped; what else it held is fetched
  # again when next needed.
  if [[ -e $(tools_unpacking_mark) ]]; then
    warn "tools: $root was left half-unpacked; starting it anew"
    rm -rf -- "$root"
  fi
  mkdir -p "$root"
  : >"$(tools_unpacking_mark)"
  for deb in "$apt/debs"/*.deb; do
    dpkg-deb -x "$deb" "$root" || die "tools: cannot unpack $deb"
  done
  rm -rf -- "$apt/debs"
  # Absolute links inside the packages (/usr/bin/x -> /usr/lib/...) point into the tree.
  while IFS= read -r -d '' link; do
    target="$(readlink -- "$link")"
    [[ $target == /* && -e $root$target ]] && ln -sfn -- "$root$target" "$link"
  done < <(find "$root" -type l -print0)
  rm -f -- "$(tools_unpacking_mark)"
  tools_activate
}

# tools_file GLOB: the newest file under tools_root matching GLOB (relative to it).
tools_file() {
  local root
  root="$(tools_root)"
  # shellcheck disable=SC2086 # the glob is meant to expand
  printf '%s\n' "$root"/$1 | sort -V | tail -n 1
}
tools_has_file() { [[ -e $(tools_file "$1") ]]; }

# The packages go to the system when it may, else into FLEET_TOOLS.
tools_install() {
  if tools_can_apt; then
    apt_install "$@"
  elif [[ $FLEET_PACKAGES == system ]]; then
    die "missing Debian packages: $* (FLEET_PACKAGES=system: run as root, or: sudo apt-get install $*)"
  else
    tools_unpack "$@"
  fi
}

# Go: from PATH, where the official archive installs it (often not on a user's PATH),
# or FLEET_TOOLS. Prints the go binary.
tools_go_find() {
  local bin
  for bin in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go "$FLEET_TOOLS/go/bin/go"; do
    [[ -n $bin && -x $bin ]] && { printf '%s\n' "$bin"; return 0; }
  done
  return 1
}

# Go as tools_go_find finds it, else fetched from the module proxy into FLEET_TOOLS.
tools_go() {
  local goos goarch version="v0.0.1-go$FLEET_GO_VERSION" zip log="$FLEET_LOGS/tools-install.log"
  tools_go_find && return 0
  case "$(uname -s)" in Linux) goos=linux ;; Darwin) goos=darwin ;; *) return 1 ;; esac
  case "$(uname -m)" in x86_64 | amd64) goarch=amd64 ;; aarch64 | arm64) goarch=arm64 ;; *) return 1 ;; esac
  version+=".$goos-$goarch"
  info "tools: fetching Go $FLEET_GO_VERSION from the Go module proxy into $FLEET_TOOLS/go (once)" >&2
  mkdir -p "$FLEET_TOOLS"
  zip="$FLEET_TOOLS/go-$version.zip"
  # The module's zip holds golang.org/toolchain@<version>/{bin,pkg,src,...}.
  if ! curl -fsS --retry 3 -o "$zip.tmp" "$(go_proxy)/golang.org/toolchain/@v/$version.zip" 2>>"$log"; then
    rm -f -- "$zip.tmp"
    return 1
  fi
  rm -rf -- "$FLEET_TOOLS/go" "$FLEET_TOOLS/go.unpack"
  mkdir -p "$FLEET_TOOLS/go.unpack"
  # The JDK's jar unpacks zips everywhere the stack runs (unzip may be missing).
  (cd "$FLEET_TOOLS/go.unpack" && "${JAVA_HOME:+$JAVA_HOME/bin/}jar" xf "$zip.tmp") >>"$log" 2>&1 || return 1
  mv -- "$FLEET_TOOLS/go.unpack/golang.org/toolchain@$version" "$FLEET_TOOLS/go"
  chmod -R u+x "$FLEET_TOOLS/go/bin" "$FLEET_TOOLS/go/pkg/tool"
  rm -rf -- "$FLEET_TOOLS/go.unpack" "$zip.tmp"
  printf '%s\n' "$FLEET_TOOLS/go/bin/go"
}

# The first proxy of GOPROXY (the public one when unset).
go_proxy() {
  local proxy="${GOPROXY:-https://proxy.golang.org}"
  proxy="${proxy%%[,|]*}"
  [[ $proxy == direct || $proxy == off ]] && proxy="https://proxy.golang.org"
  printf '%s\n' "$proxy"
}

# Maven for Quarkus dev mode (3.9 or newer): the machine's when it is new enough, else
# Apache Maven from Maven Central (fetched by the machine's Maven, checksums checked)
# unpacked into FLEET_TOOLS. Prints the mvn to run.
tools_dev_maven() {
  local version dir="$FLEET_TOOLS/apache-maven-$FLEET_DEV_MAVEN_VERSION" download log="$FLEET_LOGS/tools-install.log"
  version="$(mvn -v -B -Dstyle.color=never 2>/dev/null | awk '/^Apache Maven/ { print $3; exit }')"
  if [[ $version =~ ^([0-9]+)\.([0-9]+) ]] &&
    ((BASH_REMATCH[1] > 3 || (BASH_REMATCH[1] == 3 && BASH_REMATCH[2] >= 9))); then
    printf 'mvn\n'
    return 0
  fi
  if [[ ! -x $dir/bin/mvn ]]; then
    info "tools: Quarkus dev mode needs Maven 3.9 or newer (this is ${version:-unknown}): fetching Apache Maven $FLEET_DEV_MAVEN_VERSION into $FLEET_TOOLS (once)" >&2
    download="$FLEET_TOOLS/download"
    rm -rf -- "$download"
    mkdir -p "$download"
    if ! mvn -q -B -Dstyle.color=never -f "$FLEET_DEVSTACK/pom.xml" dependency:copy \
      -Dartifact="org.apache.maven:apache-maven:$FLEET_DEV_MAVEN_VERSION:tar.gz:bin" -DoutputDirectory="$download" >>"$log" 2>&1 ||
      ! tar -xzf "$download/apache-maven-$FLEET_DEV_MAVEN_VERSION-bin.tar.gz" -C "$download" >>"$log" 2>&1; then
      show_log_tail "$log"
      die "tools: could not fetch Apache Maven $FLEET_DEV_MAVEN_VERSION"
    fi
    rm -rf -- "$dir"
    mv -- "$download/apache-maven-$FLEET_DEV_MAVEN_VERSION" "$dir"
    rm -rf -- "$download"
  fi
  printf '%s\n' "$dir/bin/mvn"
}
