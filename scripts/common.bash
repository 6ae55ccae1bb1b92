#!/usr/bin/env bash
# Set-up shared by scripts/test and scripts/demo on a Debian 12 machine, as root: the packages the
# build and the tests need, a Docker engine (started here only when none answers, and stopped by
# pid at exit), and the helper jar. Functions only; nothing runs when sourced.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP_DOCKERD_PID=""

setup-log() {
  echo "-----> $*"
}

setup-require-root() {
  [[ "$(id -u)" == "0" ]] || {
    echo " !     Run this as root (sudo $0): it installs packages, may start dockerd and creates the dokku user" 1>&2
    exit 1
  }
}

setup-missing-packages() {
  declare desc="the Debian packages whose commands or files are missing"
  local entry
  # command-or-file:package
  for entry in docker:docker.io dockerd:docker.io bats:bats /usr/lib/bats/bats-assert/load.bash:bats-assert \
    /usr/lib/bats/bats-support/load.bash:bats-support /usr/lib/bats/bats-file/load.bash:bats-file \
    shellcheck:shellcheck /bin/busybox:busybox-static mvn:maven javac:default-jdk-headless jq:jq \
    column:bsdextrautils sqlite3:sqlite3 unzip:unzip runuser:util-linux setsid:util-linux ps:procps \
    python3:python3 make:make; do
    if [[ "${entry%%:*}" == /* ]]; then
      [[ -e "${entry%%:*}" ]] || echo "${entry#*:}"
    else
      command -v "${entry%%:*}" >/dev/null || echo "${entry#*:}"
    fi
  done | sort -u
  # a dynamically linked busybox cannot be copied into an image
  if [[ -x /bin/busybox ]] && ldd /bin/busybox >/dev/null 2>&1; then echo busybox-static; fi
}

setup-packages() {
  declare desc="installs what is missing, and only that"
  local missing=()
  mapfile -t missing < <(setup-missing-packages)
  [[ "${#missing[@]}" -gt 0 ]] || return 0
  setup-log "Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -qq -y update
  apt-get -qq -y --no-install-recommends install "${missing[@]}"
}

setup-docker() {
  declare desc="uses the running engine, or starts dockerd and stops that one at exit"
  local log
  docker info >/dev/null 2>&1 && return 0
  setup-log "Starting dockerd (no engine answered)"
  getent group docker >/dev/null || groupadd --system docker
  log="$(mktemp /tmp/dokku-migrate-dockerd.XXXXXX.log)"
  dockerd --iptables=false --ip-masq=false --bridge=none >"$log" 2>&1 &
  SETUP_DOCKERD_PID=$!
  trap setup-stop-docker EXIT
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$SETUP_DOCKERD_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo " !     dockerd did not come up; its log:" 1>&2
  cat "$log" 1>&2
  return 1
}

setup-stop-docker() {
  declare desc="stops the dockerd this script started, and only that one"
  [[ -n "$SETUP_DOCKERD_PID" ]] || return 0
  kill "$SETUP_DOCKERD_PID" 2>/dev/null || true
  wait "$SETUP_DOCKERD_PID" 2>/dev/null || true
  SETUP_DOCKERD_PID=""
}

setup-postgresql-bindir() {
  declare desc="prints the directory of PostgreSQL's server programs (initdb, postgres), or fails"
  local initdb dir
  initdb="$(command -v initdb || true)"
  if [[ -n "$initdb" ]] && [[ -x "$(dirname "$initdb")/postgres" ]]; then
    dirname "$initdb"
    return 0
  fi
  # Debian keeps them off the PATH, one directory per major version: the newest first
  while IFS= read -r dir; do
    [[ -x "$dir/initdb" ]] && [[ -x "$dir/postgres" ]] && {
      echo "$dir"
      return 0
    }
  done < <(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -rV)
  return 1
}

setup-postgresql() {
  declare desc="installs Debian's postgresql package when initdb and postgres are missing; the tests create and start clusters of their own (tests/pg_cluster.bash, PostgresServer in the JUnit tests)"
  setup-postgresql-bindir >/dev/null && return 0
  setup-log "Installing postgresql (the tests start PostgreSQL servers of their own)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -qq -y update
  apt-get -qq -y --no-install-recommends install postgresql
  setup-postgresql-bindir >/dev/null || {
    echo " !     The postgresql package is installed but neither the PATH nor /usr/lib/postgresql/*/bin has initdb and postgres" 1>&2
    return 1
  }
}

# shellcheck disable=SC2120 # the build directory is optional
setup-build-jar() {
  declare desc="builds java-helper/target/migrate-helper.jar, or BUILD_DIR/migrate-helper.jar when a directory is given"
  declare BUILD_DIR="$1"
  local args=(-B -q -Dstyle.color=never -DskipTests)
  [[ -z "$BUILD_DIR" ]] || args+=("-Dmigrate.buildDir=$BUILD_DIR")
  setup-log "Building the helper jar (mvn ${args[*]} package)"
  (cd "$REPO_ROOT/java-helper" && mvn "${args[@]}" package)
}
