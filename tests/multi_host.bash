#!/usr/bin/env bash
# Two Dokku hosts of the harness on one machine, sharing one PostgreSQL server, for the tests and
# the bench of several hosts (issue 13). Each host has its own Dokku roots (DOKKU_ROOT,
# DOKKU_LIB_ROOT, plugins, SQLite ledger, data and logs), its own docker engine (so its own images,
# as each real host builds its own), and its own host name: every command of a host runs in a UTS
# namespace of its own (`unshare --uts`) named host-a or host-b, which is the name the kernel, and so
# the helper, reports. Run as root. Functions only; nothing runs when sourced.
#
#   mh-setup "$(mktemp -d /tmp/dokku-migrate-mh.XXXXXX)"   # the two hosts; host-b's engine started
#   mh-pg-start                                             # the shared server, its role and database
#   mh-pgpass host-a; mh-pgpass host-b                      # the dokku user's ~/.pgpass on each host
#   mh-dokku host-a migrate:set --global ledger-url "$(mh-pg-url)"
#   mh-teardown                                             # server, engine and hosts gone, by pid

# shellcheck source=harness/setup.bash
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/harness/setup.bash"
# shellcheck source=pg_cluster.bash
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pg_cluster.bash"

MH_HOSTS=(host-a host-b)
# the role and database the hosts' ledger-url names; its password is only in the .pgpass files
MH_PG_ROLE="migrate"
MH_PG_DB="migrate"

mh-root() {
  declare desc="prints the directory of host NAME (its harness host root)"
  declare NAME="$1"
  echo "$MH_DIR/$NAME"
}

mh-engine-start() {
  declare desc="starts a docker engine of its own under DIR (data, exec root, socket); prints its DOCKER_HOST. Its pid is in DIR/dockerd.pid, its log in DIR/dockerd.log"
  declare DIR="$1"
  local pid socket="$DIR/docker.sock"
  mkdir -p "$DIR/data" "$DIR/exec"
  dockerd --iptables=false --ip-masq=false --bridge=none --data-root "$DIR/data" --exec-root "$DIR/exec" \
    --pidfile "$DIR/dockerd.pid.own" --host "unix://$socket" </dev/null >"$DIR/dockerd.log" 2>&1 3>&- &
  pid=$!
  echo "$pid" >"$DIR/dockerd.pid"
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || break
    if DOCKER_HOST="unix://$socket" docker version >/dev/null 2>&1; then
      echo "unix://$socket"
      return 0
    fi
    sleep 0.1
  done
  echo " !     the docker engine of $DIR did not start; its log:" 1>&2
  cat "$DIR/dockerd.log" 1>&2
  return 1
}

mh-engine-stop() {
  declare desc="stops the docker engine started under DIR by its pid, and waits until it is gone"
  declare DIR="$1"
  stop-by-pid-file "$DIR/dockerd.pid" TERM dockerd
}

mh-setup() {
  declare desc="creates host-a and host-b under DIR: host-a uses the caller's docker engine, host-b one of its own started here; the base image is in both"
  declare DIR="$1"
  local name engine
  export MH_DIR="$DIR"
  mkdir -p "$MH_DIR"
  chmod 0755 "$MH_DIR"
  harness-dokku-user || return 1
  harness-base-image || return 1
  engine="$(mh-engine-start "$MH_DIR/engine-b")" || return 1
  for name in "${MH_HOSTS[@]}"; do
    mkdir -p "$(mh-root "$name")"
    harness-host-create "$(mh-root "$name")" || return 1
    echo "$name" >"$(mh-root "$name")/host-name"
  done
  echo "${DOCKER_HOST:-unix:///var/run/docker.sock}" >"$(mh-root host-a)/docker-host"
  echo "$engine" >"$(mh-root host-b)/docker-host"
  DOCKER_HOST="$engine" harness-base-image
}

mh-teardown() {
  declare desc="stops the shared PostgreSQL and host-b's engine by their pids, removes both hosts and their apps' images"
  local name
  [[ -n "$MH_DIR" && -d "$MH_DIR" ]] || return 0
  [[ ! -d "$MH_DIR/pg" ]] || pg-cluster-stop "$MH_DIR/pg"
  for name in "${MH_HOSTS[@]}"; do
    [[ -f "$(mh-root "$name")/docker-host" ]] || continue
    (
      DOCKER_HOST="$(cat "$(mh-root "$name")/docker-host")"
      export DOCKER_HOST
      harness-host-remove "$(mh-root "$name")"
    )
  done
  mh-engine-stop "$MH_DIR/engine-b"
  rm -rf "$MH_DIR"
}

mh-run() {
  declare desc="runs CMD ARGS... as host NAME: its Dokku environment, its docker engine, and its host name in a UTS namespace of its own"
  declare NAME="$1"
  shift
  local root
  root="$(mh-root "$NAME")"
  (
    harness-host-env "$root"
    DOCKER_HOST="$(cat "$root/docker-host")"
    export DOCKER_HOST
    # the JVM takes ~ from the passwd entry (/home/dokku, shared by both harness hosts), not from
    # HOME: name this host's ~/.pgpass (in its DOKKU_ROOT, the dokku user's home on a real host)
    export PGPASSFILE="$DOKKU_ROOT/.pgpass"
    # the name is set inside the new namespace only; every process the command starts (the
    # helper too) inherits it, as every process of a real host shares its name
    # shellcheck disable=SC2016 # expanded by the inner sh
    exec unshare --uts -- /bin/sh -c 'hostname "$0" && exec "$@"' "$NAME" "$@"
  )
}

mh-dokku() {
  declare desc="runs \`dokku ARGS...\` on host NAME"
  declare NAME="$1"
  shift
  mh-run "$NAME" dokku "$@"
}

mh-lib-root() {
  declare desc="prints DOKKU_LIB_ROOT of host NAME"
  echo "$(mh-root "$1")/var-lib-dokku"
}

mh-home() {
  declare desc="prints DOKKU_ROOT (the dokku user's HOME under the harness) of host NAME"
  echo "$(mh-root "$1")/home-dokku"
}

# ---------------------------------------------------------------- the shared PostgreSQL

mh-pg-start() {
  declare desc="starts the shared PostgreSQL under MH_DIR/pg (tests/pg_cluster.bash), with a role and database \"$MH_PG_ROLE\" that log in by password over TCP; sets MH_PG_PORT and MH_PG_PASSWORD"
  local dir="$MH_DIR/pg" hba
  mkdir -p "$dir"
  MH_PG_PORT="$(pg-cluster-start "$dir")" || return 1
  MH_PG_PASSWORD="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export MH_PG_PORT MH_PG_PASSWORD
  mh-psql postgres -qc "CREATE ROLE $MH_PG_ROLE LOGIN PASSWORD '$MH_PG_PASSWORD'" || return 1
  mh-psql postgres -qc "CREATE DATABASE $MH_PG_DB OWNER $MH_PG_ROLE" || return 1
  # initdb's trust on loopback would take any password: the hosts' role must give the right one
  # (scram-sha-256), as on a real server; the fixture itself keeps trust on the unix socket
  hba="$dir/data/pg_hba.conf"
  {
    echo "local all all trust"
    echo "host all $MH_PG_ROLE 127.0.0.1/32 scram-sha-256"
    echo "host all postgres 127.0.0.1/32 trust"
  } >"$hba"
  kill -HUP "$(cat "$dir/server.pid")"
  # the reload is asynchronous: wait until a wrong password is refused
  for _ in $(seq 1 100); do
    PGPASSWORD="not-$MH_PG_PASSWORD" psql -X -h 127.0.0.1 -p "$MH_PG_PORT" -U "$MH_PG_ROLE" -d "$MH_PG_DB" \
      -Atc 'select 1' >/dev/null 2>&1 || return 0
    sleep 0.1
  done
  echo " !     the server under $dir still takes any password after reloading $hba" 1>&2
  return 1
}

mh-pg-stop() {
  declare desc="stops the shared PostgreSQL (fast shutdown: open sessions are ended)"
  pg-cluster-stop "$MH_DIR/pg"
}

mh-pg-restart() {
  declare desc="starts the shared PostgreSQL again on the same port, from the same data"
  local dir="$MH_DIR/pg" bindir user pid as=()
  bindir="$(setup-postgresql-bindir)" || return 1
  user="$(pg-cluster-user)"
  mapfile -t as < <(pg-cluster-as "$user")
  "${as[@]}" "$bindir/postgres" -D "$dir/data" -p "$MH_PG_PORT" -k "$dir/socket" \
    -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60 </dev/null >>"$dir/server.log" 2>&1 3>&- &
  pid=$!
  echo "$pid" >"$dir/server.pid"
  pg-cluster-await-ready "$dir" "$pid"
}

mh-psql() {
  declare desc="runs psql as the superuser on the unix socket of the shared server, in database DB"
  declare DB="$1"
  shift
  psql -X -h "$MH_DIR/pg/socket" -p "$MH_PG_PORT" -U postgres -d "$DB" "$@"
}

mh-pg-url() {
  declare desc="prints the ledger-url of the shared server (no password: that is in .pgpass); DB defaults to $MH_PG_DB"
  declare DB="${1:-$MH_PG_DB}"
  echo "postgresql://$MH_PG_ROLE@127.0.0.1:$MH_PG_PORT/$DB"
}

mh-pgpass() {
  declare desc="writes ~/.pgpass of the dokku user on host NAME (HOME is DOKKU_ROOT under the harness), 0600, with PASSWORD (the server's when not given)"
  declare NAME="$1" PASSWORD="${2:-$MH_PG_PASSWORD}"
  local file
  file="$(mh-home "$NAME")/.pgpass"
  printf '127.0.0.1:%s:*:%s:%s\n' "$MH_PG_PORT" "$MH_PG_ROLE" "$PASSWORD" >"$file"
  chown dokku:dokku "$file"
  chmod 0600 "$file"
}

# ---------------------------------------------------------------- observing

mh-helper-pids() {
  declare desc="prints the pids of the helper JVMs of host NAME running now (java processes whose environment has that host's DOKKU_LIB_ROOT), one a line"
  declare NAME="$1"
  local lib pid
  lib="$(mh-lib-root "$NAME")"
  for pid in $(pgrep -x java); do
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "DOKKU_LIB_ROOT=$lib" && echo "$pid"
  done
  return 0
}

mh-status-json() {
  declare desc="prints migrate:status APP --all --format json as host NAME"
  declare NAME="$1" APP="$2"
  mh-dokku "$NAME" migrate:status "$APP" --all --format json
}

mh-runs() {
  declare desc="prints, from JSON of migrate:status on stdin, one line per run of PHASE: state, host, detail (tab-separated), oldest first"
  declare PHASE="$1"
  jq -r --arg phase "$PHASE" '[.latest_deploy // empty, .history[]] | map(.runs[]) | unique_by(.id)
    | map(select(.phase == $phase))[] | [.state, .host, .detail] | @tsv'
}
