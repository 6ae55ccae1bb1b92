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

# waits until FILE has a line matching PATTERN while the push of PID (its output in OUT) goes on;
# fails at once, with that output, when the push ended first
wait_while_pushing() {
  local pid="$1" out="$2" file="$3" pattern="$4"
  wait_for 300 bash -c "grep -qs -- '$pattern' '$file' || ! kill -0 $pid 2>/dev/null"
  has_line "$file" "$pattern" || {
    cat "$out"
    fail "the push ended before a line '$pattern' in $file"
  }
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

# ---------------------------------------------------------------- one PostgreSQL, two hosts

@test "the same revision pushed to both hosts at once: the release runs once, both deploys succeed, both hosts show it and who ran it" {
  local app="same$TEST_ID" source pid_a pid_b rc_a=0 rc_b=0 ran
  use_database
  create_app "$app" host-a host-b
  source="$(app_source "$app" "/app/bin/rel-task mark $app")"
  push_in_background host-a "$app" "$source" "rev$TEST_ID" "$MH_DIR/$app.a.out"
  pid_a=$PUSH_PID
  push_in_background host-b "$app" "$source" "rev$TEST_ID" "$MH_DIR/$app.b.out"
  pid_b=$PUSH_PID
  wait "$pid_a" || rc_a=$?
  wait "$pid_b" || rc_b=$?
  echo "host-a: rc $rc_a" && cat "$MH_DIR/$app.a.out"
  echo "host-b: rc $rc_b" && cat "$MH_DIR/$app.b.out"
  assert_equal "$rc_a" 0
  assert_equal "$rc_b" 0

  # the release task's container ran once in all; the predeploy once on each host (its own image)
  assert_equal "$(lines_of "$TASKS/log" "^run $app")" 1
  assert_equal "$(lines_of "$TASKS/log" "^predeploy $app")" 2
  run runs_of host-a "$app" release
  assert_success
  ran="$(grep -o $'^succeeded\thost-[ab]' <<<"$output" | cut -f2)"
  assert_equal "$(wc -l <<<"$ran")" 1
  assert_line --regexp $'^skipped\thost-[ab]\t.*already ran on '"$ran"
  local on_a="$output"
  run runs_of host-b "$app" release
  assert_success
  assert_equal "$output" "$on_a"
}

@test "8 apps of one lock group deploying at once across both hosts: no two task intervals overlap" {
  local group="g$TEST_ID" apps=() hosts=() app i host pids=() pid rc=0 previous_end=0 overlaps=0 start end opener
  use_database
  TIMES="$MH_DIR/times-$TEST_ID"
  mkdir -p "$TIMES"
  chmod 0777 "$TIMES"
  for i in $(seq 1 8); do
    app="lg$i$TEST_ID"
    apps+=("$app")
    host="host-a"
    [[ $((i % 2)) -eq 0 ]] && host="host-b"
    hosts+=("$host")
    run mh-dokku "$host" apps:create "$app"
    assert_success
    run mh-dokku "$host" docker-options:add "$app" deploy "-v $TIMES:/tasks"
    assert_success
    run mh-dokku "$host" migrate:set "$app" lock-group "$group"
    assert_success
  done
  # the first task to hold the lock stays in /tasks/closed until a push says it waits for the group
  # lock (at most two minutes), so the waiting is an event the test arranges, not a race
  touch "$TIMES/closed"
  (
    wait_for 120 bash -c "grep -qs 'Waiting for the group.$group lock' '$TIMES'/*.out"
    rm -f "$TIMES/closed"
  ) 3>&- &
  opener=$!
  for i in "${!apps[@]}"; do
    push_in_background "${hosts[$i]}" "${apps[$i]}" "$(app_source "${apps[$i]}" "/app/bin/rel-task times ${apps[$i]} 1")" \
      "rev$TEST_ID" "$TIMES/${apps[$i]}.out"
    pids+=("$PUSH_PID")
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || rc=$?
  done
  wait "$opener" || true
  assert_equal "$rc" 0

  run sort -k2,2n "$TIMES/times"
  assert_equal "${#lines[@]}" 8
  for i in "${!lines[@]}"; do
    read -r app start end <<<"${lines[$i]}"
    if awk -v s="$start" -v e="$previous_end" 'BEGIN { exit !(s < e) }'; then
      overlaps=$((overlaps + 1))
    fi
    previous_end="$(awk -v a="$previous_end" -v b="$end" 'BEGIN { print (b > a ? b : a) }')"
  done
  echo "tasks: ${lines[*]}"
  assert_equal "$overlaps" 0
  run grep -l "Waiting for the group.$group lock" "$TIMES"/*.out
  assert [ "${#lines[@]}" -ge 1 ]
}

@test "one host's helper killed with SIGKILL mid-task: the other host's deploy goes on once its session is gone, the run is interrupted naming the dead host" {
  local app="kill$TEST_ID" source pid_a pid_b helper rc_b=0
  use_database
  create_app "$app" host-a host-b
  source="$(app_source "$app" "/app/bin/rel-task hold $app")"
  touch "$TASKS/hold"
  push_in_background host-a "$app" "$source" "rev$TEST_ID" "$MH_DIR/$app.a.out"
  pid_a=$PUSH_PID
  wait_while_pushing "$pid_a" "$MH_DIR/$app.a.out" "$TASKS/log" "^start $app"
  push_in_background host-b "$app" "$source" "rev$TEST_ID" "$MH_DIR/$app.b.out"
  pid_b=$PUSH_PID
  # host-b's helper waits for the app's lock that host-a's session holds
  wait_while_pushing "$pid_b" "$MH_DIR/$app.b.out" "$MH_DIR/$app.b.out" "Waiting for the app.$app lock"
  helper="$(mh-helper-pids host-a)"
  assert_equal "$(wc -w <<<"$helper")" 1
  kill -KILL "$helper"
  wait "$pid_a" || true
  # what happens to the dead helper's container is reported, not asserted: no part of the design
  # stops it (a host that dies takes it along; a helper that dies alone leaves it running)
  echo "# observed: task containers still running on host-a after its helper was killed:" \
    "$(mh-run host-a docker container ls -q --filter "label=com.dokku.app-name=$app" --filter "label=com.dokku.migrate.run-id" | wc -l)" >&3
  # host-a's task container is an orphan now: let it end, as a real one would run to its end
  rm -f "$TASKS/hold"
  wait "$pid_b" || rc_b=$?
  cat "$MH_DIR/$app.b.out"
  assert_equal "$rc_b" 0

  assert_equal "$(lines_of "$TASKS/log" "^start $app")" 2
  echo "# observed: task log after the kill: $(tr '\n' ' ' <"$TASKS/log")" >&3
  run runs_of host-b "$app" release
  assert_success
  assert_line --index 0 --regexp $'^interrupted\thost-a\t.*host-a'
  assert_line --index 0 --partial "$helper"
  assert_line --index 1 --regexp $'^succeeded\thost-b\t'
}

@test "PostgreSQL stopped before a deploy, then during a task, then started again: each deploy stops naming the server; the next records what is known" {
  local app="down$TEST_ID" source scheduled pid_a rc=0
  use_database
  create_app "$app" host-a
  source="$(app_source "$app" "/app/bin/rel-task hold $app")"

  # stopped before the deploy: no task and no container
  mh-pg-stop
  scheduled="$(wc -l <"$(mh-lib-root host-a)/harness/scheduled.log")"
  run mh-dokku host-a harness:push "$app" "$source" "rev1$TEST_ID"
  assert_failure
  assert_output --partial "Cannot reach PostgreSQL at 127.0.0.1:$MH_PG_PORT"
  assert_output --regexp ' !     '
  assert_equal "$(lines_of "$TASKS/log" "^start $app")" 0
  assert_equal "$(wc -l <"$(mh-lib-root host-a)/harness/scheduled.log")" "$scheduled"
  run mh-run host-a docker container ls -aq --filter "label=com.dokku.app-name=$app" --filter "label=com.dokku.migrate.run-id"
  assert_output ""

  # stopped while the task runs: the deploy fails naming the server, the output stays in the local log
  mh-pg-restart
  touch "$TASKS/hold"
  push_in_background host-a "$app" "$source" "rev2$TEST_ID" "$MH_DIR/$app.out"
  pid_a=$PUSH_PID
  wait_while_pushing "$pid_a" "$MH_DIR/$app.out" "$TASKS/log" "^start $app"
  mh-pg-stop
  rm -f "$TASKS/hold"
  wait "$pid_a" || rc=$?
  cat "$MH_DIR/$app.out"
  refute [ "$rc" -eq 0 ]
  run grep -c "127.0.0.1:$MH_PG_PORT" "$MH_DIR/$app.out"
  refute_output "0"
  run grep -rl "rel-task: $app holding" "$(mh-lib-root host-a)/data/migrate/logs"
  assert_success

  # started again: the next deploy works, the lost run is recorded interrupted, the new one succeeded
  mh-pg-restart
  run mh-dokku host-a harness:push "$app" "$(app_source "$app" "/app/bin/rel-task mark $app")" "rev3$TEST_ID"
  assert_success
  run runs_of host-a "$app" release
  assert_success
  assert_line --index 0 --regexp $'^interrupted\thost-a\t'
  assert_line --index 1 --regexp $'^succeeded\thost-a\t'
}

@test "migrate:set refuses a bad URL, a wrong password, a missing database and a URL with a password, and saves nothing" {
  local url
  run mh-dokku host-a migrate:set --global ledger-url
  assert_success
  assert_file_not_exists "$(property_file host-a)"

  run mh-dokku host-a migrate:set --global ledger-url "mysql://$MH_PG_ROLE@127.0.0.1:$MH_PG_PORT/$MH_PG_DB"
  assert_failure
  assert_output --regexp '^ !     '
  assert_file_not_exists "$(property_file host-a)"

  run mh-dokku host-a migrate:set --global ledger-url "postgresql://$MH_PG_ROLE:sekrit$TEST_ID@127.0.0.1:$MH_PG_PORT/$MH_PG_DB"
  assert_failure
  assert_output --partial ".pgpass"
  refute_output --partial "sekrit$TEST_ID"
  assert_file_not_exists "$(property_file host-a)"

  mh-pgpass host-a "wrong$TEST_ID"
  run mh-dokku host-a migrate:set --global ledger-url "$(mh-pg-url)"
  mh-pgpass host-a
  assert_failure
  # refused for the password it was given, not for finding none
  assert_output --partial "127.0.0.1:$MH_PG_PORT refused the password"
  refute_output --partial "wrong$TEST_ID"
  assert_file_not_exists "$(property_file host-a)"

  url="$(mh-pg-url "missing$TEST_ID")"
  run mh-dokku host-a migrate:set --global ledger-url "$url"
  assert_failure
  assert_output --partial "no database missing$TEST_ID"
  assert_file_not_exists "$(property_file host-a)"
  run mh-psql postgres -Atc "SELECT count(*) FROM pg_database WHERE datname = 'missing$TEST_ID'"
  assert_output "0"

  # the right one is taken: the refusals above were for their own reasons
  DB="db_$TEST_ID"
  mh-psql postgres -qc "CREATE DATABASE $DB OWNER $MH_PG_ROLE"
  run mh-dokku host-a migrate:set --global ledger-url "$(mh-pg-url "$DB")"
  assert_success
  assert_equal "$(cat "$(property_file host-a)")" "$(mh-pg-url "$DB")"
}

@test "the SQLite history is copied into PostgreSQL when ledger-url is set, and a second copy adds nothing" {
  local app="copy$TEST_ID" ledger local_runs local_deploys i
  run mh-dokku host-a migrate:set --global ledger-url
  assert_success
  create_app "$app" host-a
  for i in 1 2; do
    run mh-dokku host-a harness:push "$app" "$(app_source "$app" "/app/bin/rel-task mark $app")" "rev$i$TEST_ID"
    assert_success
  done
  ledger="$(mh-lib-root host-a)/data/migrate/ledger.db"
  local_runs="$(sqlite3 "$ledger" "SELECT count(*) FROM runs WHERE app = '$app'")"
  local_deploys="$(sqlite3 "$ledger" "SELECT count(*) FROM deploys WHERE app = '$app'")"
  assert_equal "$local_runs" 4

  DB="db_$TEST_ID"
  mh-psql postgres -qc "CREATE DATABASE $DB OWNER $MH_PG_ROLE"
  run mh-dokku host-a migrate:set --global ledger-url "$(mh-pg-url "$DB")"
  assert_success
  assert_equal "$(mh-psql "$DB" -Atc "SELECT count(*) FROM runs WHERE app = '$app'")" "$local_runs"
  assert_equal "$(mh-psql "$DB" -Atc "SELECT count(*) FROM deploys WHERE app = '$app'")" "$local_deploys"
  assert_equal "$(mh-psql "$DB" -Atc "SELECT count(DISTINCT origin_host) FROM deploys WHERE app = '$app'")" 1
  assert_equal "$(mh-psql "$DB" -Atc "SELECT min(origin_host) FROM deploys WHERE app = '$app'")" host-a
  run runs_of host-a "$app" release
  assert_equal "${#lines[@]}" 2

  # back to SQLite and again to the same database: nothing new, nothing lost, the file kept
  run mh-dokku host-a migrate:set --global ledger-url
  assert_success
  run mh-dokku host-a migrate:set --global ledger-url "$(mh-pg-url "$DB")"
  assert_success
  assert_equal "$(mh-psql "$DB" -Atc "SELECT count(*) FROM runs WHERE app = '$app'")" "$local_runs"
  assert_equal "$(mh-psql "$DB" -Atc "SELECT count(*) FROM deploys WHERE app = '$app'")" "$local_deploys"
  assert_equal "$(sqlite3 "$ledger" "SELECT count(*) FROM runs WHERE app = '$app'")" "$local_runs"
}
