#!/usr/bin/env bats
# Issue 4, concurrency: many hooks of one deploy at once (exactly one run), and apps of one lock
# group deploying at once (their task containers never overlap in time), with the real engine.

load reliability_helper

setup_file() {
  rel_setup_file
}

teardown_file() {
  rel_teardown_file
}

setup() {
  rel_setup
}

teardown() {
  rel_teardown
}

# create_app_with_database APP DIR DATABASE_URL: creates APP (rel_create_app, its task files in
# DIR) with DATABASE_URL in its config, and a DOKKU_PID for its deploy in REL_DEPLOY_PID
create_app_with_database() {
  local app="$1" dir="$2" url="$3"
  rel_create_app "$app" "$dir"
  run dokku config:set --no-restart "$app" "DATABASE_URL=$url"
  assert_success
  rel_new_deploy_pid
}

# pre_deploys_at_once DIR PATTERN APP DOKKU_PID [APP DOKKU_PID ...]: starts `pre-deploy APP latest`
# of every app at once, each as its own deploy's DOKKU_PID and with its output in DIR/APP.out,
# while the first task to hold the lock waits in DIR/closed until a hook prints PATTERN (see
# rel_hold_until_waiting); waits for every hook and asserts that all of them exited 0
pre_deploys_at_once() {
  local dir="$1" pattern="$2" pids=() pid rc=0
  shift 2
  rel_hold_until_waiting "$dir" "$pattern"
  while [[ $# -gt 0 ]]; do
    rel_hook "$2" pre-deploy "$1" latest >"$dir/$1.out" 2>&1 3>&- &
    pids+=("$!")
    shift 2
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || rc=$?
  done
  wait "$REL_OPENER"
  seen "last non-zero exit of the ${#pids[@]} hooks: $rc"
  assert_equal "$rc" 0
}

@test "32 concurrent pre-deploy hooks of one deploy run the task exactly once and all return its result" {
  rel_row "32 pre-deploy hooks of one deploy (same DOKKU_PID) started at once, 32 separate JVMs" \
    "exactly one task container run; all 32 exit 0 and name that same run"
  local app tasks results i runs ids
  app="$(rel_app_name c32)"
  tasks="$HOST_ROOT/tasks-$app"
  results="$HOST_ROOT/c32"
  mkdir -p "$results"
  rel_create_app "$app"
  rel_new_deploy_pid
  run rel_extract "$app" "$(rel_source "release: /app/bin/rel-task mark c32
web: httpd -f -p \$PORT -h /app/public")" "$REL_DEPLOY_PID"
  assert_success

  local hooks=()
  for i in $(seq 1 32); do
    (
      rc=0
      rel_hook "$REL_DEPLOY_PID" pre-deploy "$app" latest >"$results/$i.out" 2>&1 || rc=$?
      echo "$rc" >"$results/$i.rc"
    ) 3>&- &
    hooks+=("$!")
  done
  wait "${hooks[@]}"

  run bash -c "cat '$results'/*.rc | sort | uniq -c | sed 's/^ *//'"
  seen "exit codes (count code): $(echo "$output" | tr '\n' ' ')"
  assert_output "32 0"
  runs="$(rel_task_lines "$tasks/log" "^run c32")"
  seen "task executions: $runs"
  assert_equal "$runs" 1
  assert_equal "$(grep -c "^release $app " "$HARNESS_LOGS/post-container-create.log")" 1
  assert_equal "$(rel_sql "SELECT count(*) FROM runs WHERE app = '$app'")" 1
  ids="$(grep -ho 'run #[0-9]*' "$results"/*.out | sort | uniq -c | sed 's/^ *//')"
  seen "run named in the hooks' output: $(echo "$ids" | tr '\n' ' ')"
  assert_equal "$(wc -l <<<"$ids")" 1
  assert_equal "$(grep -l 'run #' "$results"/*.out | wc -l)" 32
  assert_equal "$(grep -l 'already ran for this deploy' "$results"/*.out | wc -l)" 31
}

@test "8 apps in one lock group deploying at once never run task containers at the same time" {
  rel_row "8 apps sharing a lock-group, each deploy's pre-deploy started at once; each task records its start/end (host uptime)" \
    "all 8 tasks run, one at a time: no two [start, end] intervals overlap; the others wait for the group lock"
  local times="$HOST_ROOT/lock-group" group="g$REL_ID" apps=() app i pids=() deploy_pids=() hooks=() previous_end overlaps=0
  mkdir -p "$times"
  chmod 0777 "$times"
  for i in $(seq 1 8); do
    apps+=("$(rel_app_name "lg$i")")
  done
  for app in "${apps[@]}"; do
    rel_create_app "$app" "$times" 3>&- &
    pids+=("$!")
  done
  wait "${pids[@]}"
  pids=()
  for app in "${apps[@]}"; do
    set_property migrate "$app" lock-group "$group"
    rel_new_deploy_pid
    deploy_pids+=("$REL_DEPLOY_PID")
    rel_extract "$app" "$(rel_source "release: /app/bin/rel-task times $app 1
web: httpd -f -p \$PORT -h /app/public")" "$REL_DEPLOY_PID" >/dev/null 3>&- &
    pids+=("$!")
  done
  for i in "${pids[@]}"; do
    wait "$i"
  done

  # the first task to hold the lock stays in /tasks/closed until another hook says it waits for the
  # group lock (or two minutes pass), so the waiting is an event the test arranges, not a race
  for i in $(seq 0 7); do
    hooks+=("${apps[$i]}" "${deploy_pids[$i]}")
  done
  pre_deploys_at_once "$times" "Waiting for the group.$group lock" "${hooks[@]}"

  run sort -k2,2n "$times/times"
  seen "tasks recorded: ${#lines[@]}"
  assert_equal "${#lines[@]}" 8
  previous_end=0
  for i in "${!lines[@]}"; do
    read -r app start end <<<"${lines[$i]}"
    if awk -v s="$start" -v e="$previous_end" 'BEGIN { exit !(s < e) }'; then
      overlaps=$((overlaps + 1))
    fi
    previous_end="$(awk -v a="$previous_end" -v b="$end" 'BEGIN { print (b > a ? b : a) }')"
  done
  seen "overlapping task intervals: $overlaps (first start $(cut -d' ' -f2 <<<"${lines[0]}")s, last end ${previous_end}s of uptime)"
  assert_equal "$overlaps" 0
  run grep -l "Waiting for the group.$group lock" "$times"/*.out
  seen "hooks that waited for the group lock: ${#lines[@]}"
  assert [ "${#lines[@]}" -ge 1 ]
}

@test "2 apps whose DATABASE_URLs name one database with different credentials never run tasks at the same time" {
  rel_row "2 apps without a lock-group whose DATABASE_URLs name one database with different users and passwords, pre-deploys started at once" \
    "one database lock: the two [start, end] intervals do not overlap; one hook waits for the db lock"
  local times="$HOST_ROOT/db-lock" apps=() i deploy_pids=() starts ends
  mkdir -p "$times"
  chmod 0777 "$times"
  apps=("$(rel_app_name db1)" "$(rel_app_name db2)")
  for i in 0 1; do
    create_app_with_database "${apps[$i]}" "$times" \
      "postgres://user$i:password-$i@dokku-postgres-shared-$REL_ID:5432/shared"
    deploy_pids+=("$REL_DEPLOY_PID")
    rel_extract "${apps[$i]}" "$(rel_source "release: /app/bin/rel-task times ${apps[$i]} 1
web: httpd -f -p \$PORT -h /app/public")" "$REL_DEPLOY_PID" >/dev/null 3>&-
  done

  # as for the lock group: the first task waits in /tasks/closed until the other hook says it waits
  # for the database's lock (or two minutes pass), so the waiting is an event, not a race
  pre_deploys_at_once "$times" "Waiting for the db\.[0-9a-f]* lock" "${apps[0]}" "${deploy_pids[0]}" \
    "${apps[1]}" "${deploy_pids[1]}"

  run sort -k2,2n "$times/times"
  assert_equal "${#lines[@]}" 2
  read -r _ _ ends <<<"${lines[0]}"
  read -r _ starts _ <<<"${lines[1]}"
  seen "first task ended at ${ends}s, second started at ${starts}s of uptime"
  assert awk -v s="$starts" -v e="$ends" 'BEGIN { exit !(s >= e) }'
  run grep -l "Waiting for the db\.[0-9a-f]* lock" "$times"/*.out
  seen "hooks that waited for the database lock: ${#lines[@]}"
  assert_equal "${#lines[@]}" 1
  # one lock key for both, and no clear address in what the hooks printed
  run dokku migrate:report "${apps[0]}" --migrate-lock-key
  assert_output --regexp '^db\.[0-9a-f]{16}$'
  assert_equal "$(dokku migrate:report "${apps[1]}" --migrate-lock-key)" "$output"
  run grep -l -e "dokku-postgres-shared" -e "password-" "$times"/*.out
  assert_output ""
}

@test "2 apps whose DATABASE_URLs name different databases may run their tasks at the same time" {
  rel_row "2 apps without a lock-group whose DATABASE_URLs name different databases on one server; the first task holds until told" \
    "2 database locks: the second app's task runs and ends while the first one still holds"
  local dir="$HOST_ROOT/db-two" apps=() i deploy_pids=() holder other
  mkdir -p "$dir"
  chmod 0777 "$dir"
  apps=("$(rel_app_name dba)" "$(rel_app_name dbb)")
  for i in 0 1; do
    create_app_with_database "${apps[$i]}" "$dir" "postgres://app:secret@dokku-postgres-$REL_ID:5432/db$i"
    deploy_pids+=("$REL_DEPLOY_PID")
  done
  rel_extract "${apps[0]}" "$(rel_source "release: /app/bin/rel-task hold ${apps[0]}")" "${deploy_pids[0]}" >/dev/null 3>&-
  rel_extract "${apps[1]}" "$(rel_source "release: /app/bin/rel-task mark ${apps[1]}")" "${deploy_pids[1]}" >/dev/null 3>&-

  touch "$dir/hold"
  rel_hook "${deploy_pids[0]}" pre-deploy "${apps[0]}" latest >"$dir/holder.out" 2>&1 3>&- &
  holder=$!
  rel_wait_for 120 grep -qs "start ${apps[0]}" "$dir/log" || rel_fail "the first app's task never started"
  rel_hook "${deploy_pids[1]}" pre-deploy "${apps[1]}" latest >"$dir/other.out" 2>&1 3>&- &
  other=$!
  rel_wait_pid "$other" 120
  seen "second app's pre-deploy exit while the first task held: $REL_WAIT_STATUS"
  assert_equal "$REL_WAIT_STATUS" 0
  assert_equal "$(rel_task_lines "$dir/log" "end ${apps[0]}")" 0
  assert_equal "$(rel_task_lines "$dir/log" "run ${apps[1]}")" 1
  rm -f "$dir/hold"
  rel_wait_pid "$holder" 120
  assert_equal "$REL_WAIT_STATUS" 0
  run grep -c "Waiting for the" "$dir/holder.out" "$dir/other.out"
  refute_output --partial ":1"
}
