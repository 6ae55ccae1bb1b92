#!/usr/bin/env bats
# Issue 13: two Dokku hosts (tests/multi_host.bash: two harness hosts, each with its own roots,
# docker engine and host name) sharing one PostgreSQL ledger and lock on a real server.

load "/usr/lib/bats/bats-support/load"
load "/usr/lib/bats/bats-assert/load"
load "/usr/lib/bats/bats-file/load"
# shellcheck source=multi_host.bash
source "$BATS_TEST_DIRNAME/multi_host.bash"

REPO_ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"

setup_file() {
  [[ "$(id -u)" == "0" ]] || {
    echo "tests/multi_host.bats needs root (the Dokku harness, unshare --uts, a second docker engine)" >&2
    return 1
  }
  local tool
  for tool in unshare dockerd jq psql; do
    command -v "$tool" >/dev/null || {
      echo "tests/multi_host.bats needs $tool (Debian: util-linux, docker.io, jq, postgresql-client)" >&2
      return 1
    }
  done
  setup-postgresql-bindir >/dev/null || {
    echo "PostgreSQL's server programs are missing: run scripts/common.bash's setup-postgresql as root" >&2
    return 1
  }
  mh-setup "$(mktemp -d /tmp/dokku-migrate-mh.XXXXXX)"
  mh-pg-start
  mh-pgpass host-a
  mh-pgpass host-b
  run mh-dokku host-a plugin:install
  assert_success
  run mh-dokku host-b plugin:install
  assert_success
}

teardown_file() {
  mh-teardown
}

setup() {
  # a server stopped by a test that failed half-way is started again for the next one
  [[ -f "$MH_DIR/pg/server.pid" ]] || mh-pg-restart
  TEST_ID="t$BATS_TEST_NUMBER$(head -c 2 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  KEEP_PIDS=()
}

teardown() {
  local pid
  for pid in "${KEEP_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  rm -f "$MH_DIR/tasks-"*/hold "$MH_DIR/tasks-"*/closed
}

# a database of this test's own, owned by the hosts' role; both hosts' ledger-url point at it
use_database() {
  DB="db_$TEST_ID"
  mh-psql postgres -qc "CREATE DATABASE $DB OWNER $MH_PG_ROLE"
  run mh-dokku host-a migrate:set --global ledger-url "$(mh-pg-url "$DB")"
  assert_success
  run mh-dokku host-b migrate:set --global ledger-url "$(mh-pg-url "$DB")"
  assert_success
}

# creates APP on each HOST given, with /tasks mounted from one directory both hosts share (as an
# NFS mount would be): TASKS is its path
create_app() {
  local app="$1" host
  shift
  TASKS="$MH_DIR/tasks-$app"
  mkdir -p "$TASKS"
  chmod 0777 "$TASKS"
  for host in "$@"; do
    run mh-dokku "$host" apps:create "$app"
    assert_success
    run mh-dokku "$host" docker-options:add "$app" deploy "-v $TASKS:/tasks"
    assert_success
  done
}

# a source directory: the sample app with tests/reliability/fixtures/rel-task and the release
# command RELEASE; BUILD_ID is NAME, so two hosts building it build the same thing
app_source() {
  local name="$1" release="$2" dir
  dir="$MH_DIR/source-$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -a "$REPO_ROOT/examples/sample-app/." "$dir/"
  cp "$REPO_ROOT/tests/reliability/fixtures/rel-task" "$dir/bin/rel-task"
  # shellcheck disable=SC2016 # $PORT is for the app's container
  printf 'release: %s\nweb: httpd -f -p $PORT -h /app/public\n' "$release" >"$dir/Procfile"
  echo "$name" >"$dir/BUILD_ID"
  chmod -R a+rX "$dir"
  echo "$dir"
}

# starts `harness:push APP SOURCE REV` on HOST in the background, its output in OUT; sets PUSH_PID
push_in_background() {
  local host="$1" app="$2" source="$3" rev="$4" out="$5"
  mh-dokku "$host" harness:push "$app" "$source" "$rev" >"$out" 2>&1 3>&- &
  PUSH_PID=$!
  KEEP_PIDS+=("$PUSH_PID")
}

lines_of() {
  local file="$1" pattern="$2"
  [[ -f "$file" ]] || {
    echo 0
    return
  }
  grep -c -- "$pattern" "$file" || true
}

# polls CMD every 0.1 s until it succeeds; fails after SECONDS (a generous bound, not a measure)
wait_for() {
  local seconds="$1" deadline
  shift
  deadline=$((SECONDS + seconds))
  until "$@"; do
    [[ "$SECONDS" -lt "$deadline" ]] || return 1
    sleep 0.1
  done
}

has_line() {
  [[ "$(lines_of "$1" "$2")" -gt 0 ]]
}

# the runs of PHASE of APP as migrate:status on HOST shows them: "state<TAB>host<TAB>detail", oldest first
runs_of() {
  local host="$1" app="$2" phase="$3" json
  json="$(mh-status-json "$host" "$app")" || return 1
  mh-runs "$phase" <<<"$json"
}

property_file() {
  echo "$(mh-lib-root "$1")/config/migrate/--global/ledger-url"
}

# ---------------------------------------------------------------- the harness's two hosts

@test "the two harness hosts have their own host names, roots and docker engines" {
  run mh-run host-a hostname
  assert_output "host-a"
  run mh-run host-b cat /proc/sys/kernel/hostname
  assert_output "host-b"
  # the machine's own name is untouched by either
  assert_equal "$(hostname)" "$(cat /proc/sys/kernel/hostname)"
  refute [ "$(hostname)" = "host-a" ]

  # shellcheck disable=SC2016 # expanded in the host's environment
  run mh-run host-a sh -c 'echo "$DOKKU_LIB_ROOT $DOCKER_HOST"'
  local a="$output"
  # shellcheck disable=SC2016 # expanded in the host's environment
  run mh-run host-b sh -c 'echo "$DOKKU_LIB_ROOT $DOCKER_HOST"'
  local b="$output"
  refute [ "${a% *}" = "${b% *}" ]
  refute [ "${a#* }" = "${b#* }" ]
  run mh-run host-a docker info --format '{{.DockerRootDir}}'
  local engine_a="$output"
  run mh-run host-b docker info --format '{{.DockerRootDir}}'
  refute [ "$engine_a" = "$output" ]
}

@test "each host builds its own image of an app, and its helper records its own host name" {
  local app="img$TEST_ID" source
  # both on their own SQLite ledger here: nothing shared but the source
  run mh-dokku host-a migrate:set --global ledger-url
  run mh-dokku host-b migrate:set --global ledger-url
  create_app "$app" host-a host-b
  source="$(app_source "$app" "/app/bin/rel-task mark $app")"
  run mh-dokku host-a harness:push "$app" "$source" "$TEST_ID"
  assert_success
  run mh-run host-b docker image inspect "dokku/$app:latest"
  assert_failure
  run mh-dokku host-b harness:push "$app" "$source" "$TEST_ID"
  assert_success

  assert_equal "$(lines_of "$TASKS/log" "^run $app")" 2
  run runs_of host-a "$app" release
  assert_success
  assert_output --regexp $'^succeeded\thost-a\t'
  run runs_of host-b "$app" release
  assert_success
  assert_output --regexp $'^succeeded\thost-b\t'
}
