#!/usr/bin/env bash
# A PostgreSQL server of a test's own: a cluster created in a temporary directory, started on a free
# loopback port with its unix socket in that directory, stopped by its pid. Needs the server programs
# (scripts/common.bash setup-postgresql installs them). Functions only; nothing runs when sourced.
#
#   dir="$(mktemp -d /tmp/dokku-migrate-pg.XXXXXX)"
#   port="$(pg-cluster-start "$dir")"      # superuser "postgres", trust authentication on loopback
#   psql -h 127.0.0.1 -p "$port" -U postgres -c 'select 1'
#   pg-cluster-stop "$dir"                 # fast shutdown of that server, then rm -rf "$dir" is safe

# shellcheck source=../scripts/common.bash
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scripts/common.bash"

pg-cluster-user() {
  declare desc="prints the user the server runs as: initdb and postgres refuse to run as root"
  if [[ "$(id -u)" != "0" ]]; then
    id -un
  elif getent passwd postgres >/dev/null; then
    echo postgres
  else
    echo nobody
  fi
}

pg-cluster-as() {
  declare desc="prints, one word a line, the command prefix that runs a program as USER (none when not root); setpriv execs, so \$! of a background call is the program's own pid"
  declare USER_NAME="$1"
  [[ "$(id -u)" == "0" ]] || return 0
  printf '%s\n' setpriv "--reuid=$USER_NAME" "--regid=$(id -g "$USER_NAME")" --init-groups --
}

pg-cluster-free-port() {
  declare desc="prints a loopback TCP port that nothing listens on right now"
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg-cluster-start() {
  declare desc="creates a cluster in DIR/data and starts it; prints the port. The server's pid is in DIR/server.pid, its log in DIR/server.log"
  declare DIR="$1"
  local bindir user port pid attempt as=()
  bindir="$(setup-postgresql-bindir)" || {
    echo " !     PostgreSQL's server programs are missing: run scripts/common.bash's setup-postgresql as root (apt-get install postgresql)" 1>&2
    return 1
  }
  user="$(pg-cluster-user)"
  mkdir -p "$DIR/socket"
  chown -R "$user" "$DIR"
  mapfile -t as < <(pg-cluster-as "$user")
  "${as[@]}" "$bindir/initdb" --pgdata="$DIR/data" --username=postgres --auth=trust --encoding=UTF8 \
    --no-sync >"$DIR/initdb.log" 2>&1 || {
    echo " !     initdb failed in $DIR/data (as $user); its output:" 1>&2
    cat "$DIR/initdb.log" 1>&2
    return 1
  }
  # another program may take the free port before the server binds it: then try another one
  for attempt in 1 2 3; do
    port="$(pg-cluster-free-port)"
    "${as[@]}" "$bindir/postgres" -D "$DIR/data" -p "$port" -k "$DIR/socket" \
      -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60 </dev/null >"$DIR/server.log" 2>&1 3>&- &
    pid=$!
    echo "$pid" >"$DIR/server.pid"
    if pg-cluster-await-ready "$DIR" "$pid"; then
      echo "$port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null && pg-cluster-stop "$DIR"
    grep -q 'could not bind' "$DIR/server.log" || break
    echo "       port $port was taken (attempt $attempt), trying another" 1>&2
  done
  echo " !     PostgreSQL did not start from $DIR/data; its log:" 1>&2
  cat "$DIR/server.log" 1>&2
  return 1
}

pg-cluster-await-ready() {
  declare desc="waits (at most 60 s) until the server of pid PID reports 'ready' in DIR/data/postmaster.pid; fails if it exits first"
  declare DIR="$1" PID="$2"
  local status
  for _ in $(seq 1 600); do
    kill -0 "$PID" 2>/dev/null || return 1
    # line 8 of postmaster.pid is the server's status once it has one: "ready" when it accepts connections
    status="$(sed -n 8p "$DIR/data/postmaster.pid" 2>/dev/null || true)"
    [[ "${status// /}" != "ready" ]] || return 0
    sleep 0.1
  done
  return 1
}

stop-by-pid-file() {
  declare desc="stops the process whose pid FILE holds with SIGNAL, waits until it is gone (SIGKILL after 30 s), and removes FILE"
  declare FILE="$1" SIGNAL="$2" WHAT="$3"
  local pid
  pid="$(cat "$FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 0
  kill "-$SIGNAL" "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || {
      rm -f "$FILE"
      return 0
    }
    sleep 0.1
  done
  echo " !     $WHAT (pid $pid) did not stop within 30 s of SIG$SIGNAL; killing it" 1>&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$FILE"
}

pg-cluster-stop() {
  declare desc="stops the server started in DIR by its pid (fast shutdown: open sessions are ended), and waits until it is gone"
  declare DIR="$1"
  stop-by-pid-file "$DIR/server.pid" INT PostgreSQL
}
