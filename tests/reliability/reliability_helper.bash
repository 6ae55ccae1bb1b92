#!/usr/bin/env bash
# Shared by the reliability suite (issue 4): one throw-away Dokku host per bats file (tests/harness),
# the plugin installed on it, a test image with /app/bin/rel-task (fixtures/rel-task), helpers that
# drive Dokku's hooks directly as the dokku user (so a test can signal, crash or starve them), and
# the results table: every test describes the fault it tries (rel_row), notes what it observes
# (seen), and its teardown appends one row, "FAILED: ..." included, which zz_table.bats prints.

# shellcheck source=../test_helper.bash
load "../test_helper"

REL_DIR="$REPO_ROOT/tests/reliability"
REL_FIXTURES="$REL_DIR/fixtures"

# ---------------------------------------------------------------- per file

# a host, the plugin installed on it, and the test image; run from setup_file
rel_setup_file() {
  [[ "$(id -u)" == "0" ]] || skip "the reliability suite needs root (Dokku harness, tmpfs mounts, a private dockerd)"
  local tool
  for tool in sqlite3 setpriv setsid perl jq busybox; do
    command -v "$tool" >/dev/null || {
      echo "the reliability suite needs $tool (Debian: apt-get install sqlite3 util-linux perl jq busybox-static)" >&2
      return 1
    }
  done
  export REL_ID
  REL_ID="$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export HOST_ROOT
  HOST_ROOT="$(mktemp -d "/tmp/dokku-migrate-rel.XXXXXX")"
  harness_setup
  export HARNESS_LOGS DOKKU_MIGRATE_JAR
  install_plugin
  export REL_IMAGE="dokku-migrate-rel/app:$REL_ID"
  rel_build_image
  export REL_DATA="$DOKKU_LIB_ROOT/data/migrate"
  export REL_LEDGER="$REL_DATA/ledger.db"
  export REL_RESULTS="$BATS_RUN_TMPDIR/reliability-results.tsv"
  touch "$REL_RESULTS"
}

rel_teardown_file() {
  harness_teardown
  [[ -z "$REL_IMAGE" ]] || docker image rm -f "$REL_IMAGE" >/dev/null 2>&1 || true
}

# the sample app plus fixtures/rel-task, built once per file on the harness's busybox image
rel_build_image() {
  local context
  context="$(mktemp -d "$HOST_ROOT/image.XXXXXX")"
  cp -a "$REPO_ROOT/examples/sample-app/." "$context/"
  cp "$REL_FIXTURES/rel-task" "$context/bin/rel-task"
  DOCKER_BUILDKIT=0 docker image build -q -t "$REL_IMAGE" "$context" >/dev/null
  rm -rf "$context"
}

# ---------------------------------------------------------------- per test

rel_setup() {
  REL_FAULT=""
  REL_EXPECTED=""
  REL_SEEN=()
  REL_PIDS=()
  REL_CLEANUPS=()
}

rel_teardown() {
  local cleanup pid
  rel_record_row
  for cleanup in "${REL_CLEANUPS[@]}"; do
    eval "$cleanup" || true
  done
  for pid in "${REL_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  return 0
}

# names the fault or attack this test tries, and what the plugin must do
rel_row() {
  REL_FAULT="$1"
  REL_EXPECTED="$2"
}

# notes an observation; the row's "what happened" column lists them in order
seen() {
  REL_SEEN+=("$*")
}

# fails the test, noting why in its row
rel_fail() {
  seen "$*"
  fail "$*"
}

# runs CMD at teardown (cleanups registered first run first)
rel_on_teardown() {
  REL_CLEANUPS+=("$1")
}

# one line of table text: no tabs, newlines, pipes or control characters
rel_cell() {
  printf '%s' "$*" | LC_ALL=C tr '\t\n\r|' '   /' | LC_ALL=C tr -d '\000-\037\177' | cut -c1-600
}

rel_record_row() {
  local happened outcome
  [[ -n "$REL_RESULTS" ]] || return 0
  happened="$(printf '%s; ' "${REL_SEEN[@]}")"
  happened="${happened%; }"
  if [[ -n "$BATS_TEST_COMPLETED" ]]; then
    outcome="ok"
  else
    outcome="FAILED"
    happened="FAILED: ${happened:-nothing observed}"
    [[ -z "$output" ]] || happened+=" (last output: $(rel_cell "${output: -300}"))"
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$(basename "$BATS_TEST_FILENAME")" "$outcome" \
    "$(rel_cell "${REL_FAULT:-$BATS_TEST_DESCRIPTION}")" "$(rel_cell "$REL_EXPECTED")" "$(rel_cell "$happened")" \
    >>"$REL_RESULTS"
}

# ---------------------------------------------------------------- apps, sources, deploys

# the name of a test app, unique to this run (the harness removes containers by app label)
rel_app_name() {
  echo "rel-$REL_ID-$1"
}

# creates APP with /tasks mounted from $HOST_ROOT/tasks-APP (or DIR) and the test image as dokku/APP:latest
rel_create_app() {
  local app="$1" dir="${2:-$HOST_ROOT/tasks-$1}"
  dokku apps:create "$app" >/dev/null
  mkdir -p "$dir"
  chmod 0777 "$dir"
  set_property docker-options "$app" _default_.deploy "-v $dir:/tasks"
  docker image tag "$REL_IMAGE" "dokku/$app:latest"
}

# a source directory for a deploy: the sample app and rel-task, with PROCFILE and APP_JSON (none when empty)
rel_source() {
  local procfile="$1" app_json="$2" dir
  dir="$(mktemp -d "$HOST_ROOT/source.XXXXXX")"
  cp -a "$REPO_ROOT/examples/sample-app/." "$dir/"
  cp "$REL_FIXTURES/rel-task" "$dir/bin/rel-task"
  printf '%s\n' "$procfile" >"$dir/Procfile"
  if [[ -n "$app_json" ]]; then
    printf '%s\n' "$app_json" >"$dir/app.json"
  else
    rm -f "$dir/app.json"
  fi
  chmod -R a+rX "$dir"
  echo "$dir"
}

# a live process whose pid stands for one Dokku invocation (DOKKU_PID), killed at teardown
rel_new_deploy_pid() {
  sleep 3600 3>&- &
  REL_PIDS+=("$!")
  REL_DEPLOY_PID="$!"
}

# runs a command as the dokku user, in place (no intermediate process), as Dokku runs hooks
rel_as_dokku() {
  setpriv --reuid=dokku --regid=dokku --init-groups -- env HOME="$DOKKU_ROOT" "$@"
}

# post-extract of a git deploy of SOURCE for APP as DOKKU_PID: Dokku's core copies, then every plugin's hook
rel_extract() {
  local app="$1" source="$2" pid="$3"
  rel_as_dokku env DOKKU_PID="$pid" plugn trigger core-post-extract "$app" "$source" "" &&
    rel_as_dokku env DOKKU_PID="$pid" plugn trigger post-extract "$app" "$source" ""
}

# the migrate plugin's own trigger file HOOK, run as the dokku user for DOKKU_PID
rel_hook() {
  local pid="$1" hook="$2"
  shift 2
  rel_as_dokku env DOKKU_PID="$pid" "$PLUGIN_ENABLED_PATH/migrate/$hook" "$@"
}

# starts `pre-deploy APP latest` in the background as its own session (a hook of an ssh session),
# with SIGINT and SIGQUIT at their defaults (bash ignores them in background jobs); sets REL_HOOK_PID
rel_start_pre_deploy() {
  local pid="$1" app="$2" out="$3"
  setsid env --default-signal=INT,QUIT setpriv --reuid=dokku --regid=dokku --init-groups -- \
    env HOME="$DOKKU_ROOT" DOKKU_PID="$pid" "$PLUGIN_ENABLED_PATH/migrate/pre-deploy" "$app" latest \
    >"$out" 2>&1 3>&- &
  REL_HOOK_PID="$!"
  REL_PIDS+=("$REL_HOOK_PID")
}

# the helper's JVM under a hook started by rel_start_pre_deploy
rel_helper_jvm() {
  pgrep -P "$1" -x java | head -n1
}

# ---------------------------------------------------------------- observing

# polls CMD every 0.1s until it succeeds; fails after SECONDS
rel_wait_for() {
  local seconds="$1" deadline
  shift 1
  deadline=$((SECONDS + seconds))
  until "$@"; do
    [[ "$SECONDS" -lt "$deadline" ]] || return 1
    sleep 0.1
  done
}

# waits for a background pid to end within SECONDS; sets REL_WAIT_STATUS (124 when it did not end)
rel_wait_pid() {
  local pid="$1" seconds="$2"
  REL_WAIT_STATUS=0
  if ! rel_wait_for "$seconds" rel_not_alive "$pid"; then
    REL_WAIT_STATUS=124
    return 0
  fi
  wait "$pid" || REL_WAIT_STATUS=$?
}

rel_not_alive() {
  ! kill -0 "$1" 2>/dev/null
}

# a query on the ledger, as the dokku user (sqlite creates the -wal/-shm files as their owner)
rel_sql() {
  rel_as_dokku sqlite3 -batch -noheader -cmd ".timeout 10000" "${REL_SQL_LEDGER:-$REL_LEDGER}" "$@"
}

rel_task_lines() {
  local file="$1" pattern="$2"
  [[ -f "$file" ]] || {
    echo 0
    return
  }
  grep -c -- "$pattern" "$file" || true
}

# the task containers of APP, running or not, one id per line
rel_containers() {
  docker container ls -aq --filter "label=com.dokku.app-name=$1" --filter "label=com.dokku.migrate.run-id"
}

# whether a process holds a POSIX (fcntl) lock on FILE right now, from /proc/locks
rel_file_locked() {
  local inode
  inode="$(stat -c %i "$1")"
  grep -Eq "POSIX +ADVISORY +[A-Z]+ +[0-9]+ +[0-9a-f]+:[0-9a-f]+:$inode " /proc/locks
}

# bytes in FILE that a terminal acts on: ESC, CR, BEL, BS and the other C0 controls but tab and newline
rel_control_bytes() {
  LC_ALL=C tr -d -c '\000-\010\013-\037\177' <"$1" | wc -c
}

# ---------------------------------------------------------------- the table

# the results of this bats run as a Markdown table: fault or attack tried | expected | what happened
rel_print_table() {
  local results="$1" total failed
  [[ -s "$results" ]] || {
    echo "No reliability results were recorded (did any tests/reliability/*.bats file run before this one?)"
    return 0
  }
  total="$(wc -l <"$results")"
  failed="$(awk -F'\t' '$2 != "ok"' "$results" | wc -l)"
  echo ""
  echo "Reliability and security suite (issue 4): $total faults and attacks tried, $((total - failed)) as expected, $failed FAILED"
  echo ""
  echo "| fault or attack tried | expected | what happened |"
  echo "|---|---|---|"
  awk -F'\t' '{ printf "| %s | %s | %s |\n", $3, $4, $5 }' "$results"
  echo ""
}

# holds the first task of a test in /tasks/closed (the DIR mounted at /tasks) until a hook's output
# in DIR/*.out matches PATTERN (it waits for a lock), or two minutes pass: the waiting is an event the
# test arranges, not a race; sets REL_OPENER to the pid of the background opener to wait for
rel_hold_until_waiting() {
  local dir="$1" pattern="$2"
  touch "$dir/closed"
  (
    for _ in $(seq 1 1200); do
      grep -qs "$pattern" "$dir"/*.out && break
      sleep 0.1
    done
    rm -f "$dir/closed"
  ) 3>&- &
  REL_OPENER=$!
}
