#!/usr/bin/env bats
# tests/pg_cluster.bash: a PostgreSQL server of a test's own, in a temporary directory, on a free
# loopback port, stopped by its pid. The PostgreSQL ledger and lock tests stand on it.

load "/usr/lib/bats/bats-support/load"
load "/usr/lib/bats/bats-assert/load"
load "/usr/lib/bats/bats-file/load"
# shellcheck source=pg_cluster.bash
source "$BATS_TEST_DIRNAME/pg_cluster.bash"

setup() {
  setup-postgresql-bindir >/dev/null || skip "PostgreSQL's server programs are missing (scripts/common.bash setup-postgresql installs them)"
  PG_DIR="$(mktemp -d /tmp/dokku-migrate-pg.XXXXXX)"
}

teardown() {
  local dir
  for dir in "$PG_DIR" "$OTHER_DIR"; do
    [[ -n "$dir" ]] || continue
    pg-cluster-stop "$dir"
    rm -rf "$dir"
  done
}

@test "a started cluster answers on loopback TCP and on its own unix socket, as a user that is not root" {
  run pg-cluster-start "$PG_DIR"
  assert_success
  port="$output"
  assert_regex "$port" '^[0-9]+$'

  run psql -X -h 127.0.0.1 -p "$port" -U postgres -Atc 'select current_user, inet_server_addr()'
  assert_success
  assert_output "postgres|127.0.0.1"
  run psql -X -h "$PG_DIR/socket" -p "$port" -U postgres -Atc 'select 40 + 2'
  assert_success
  assert_output "42"
  [[ -S "$PG_DIR/socket/.s.PGSQL.$port" ]]
  run ps -o user= -p "$(cat "$PG_DIR/server.pid")"
  assert_success
  refute_output "root"
}

@test "stopping by pid ends that server and frees its port, even with a session still open" {
  port="$(pg-cluster-start "$PG_DIR")"
  pid="$(cat "$PG_DIR/server.pid")"
  assert_equal "$pid" "$(head -n1 "$PG_DIR/data/postmaster.pid")"
  # a session that stays open: a fast shutdown ends it rather than waiting for it
  psql -X -h 127.0.0.1 -p "$port" -U postgres -c 'select pg_sleep(600)' >/dev/null 2>&1 &
  sleeper=$!

  run pg-cluster-stop "$PG_DIR"
  assert_success

  run kill -0 "$pid"
  assert_failure
  wait "$sleeper" || true
  run psql -X -h 127.0.0.1 -p "$port" -U postgres -Atc 'select 1'
  assert_failure
  assert_file_not_exists "$PG_DIR/server.pid"
}

@test "two clusters run side by side on different ports" {
  OTHER_DIR="$(mktemp -d /tmp/dokku-migrate-pg.XXXXXX)"
  port="$(pg-cluster-start "$PG_DIR")"
  other_port="$(pg-cluster-start "$OTHER_DIR")"

  [[ "$port" != "$other_port" ]]
  psql -X -h 127.0.0.1 -p "$port" -U postgres -qc 'create database only_here'
  run psql -X -h 127.0.0.1 -p "$other_port" -U postgres -Atc "select count(*) from pg_database where datname = 'only_here'"
  assert_success
  assert_output "0"
}

@test "a cluster that cannot start is reported with the server's log" {
  port="$(pg-cluster-start "$PG_DIR")"
  pg-cluster-stop "$PG_DIR"
  # the data directory is still there: a second initdb into it refuses
  run pg-cluster-start "$PG_DIR"
  assert_failure
  assert_output --partial "initdb failed in $PG_DIR/data"
}
