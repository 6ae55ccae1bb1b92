#!/usr/bin/env bats
# Issue 4, faults: the helper killed or interrupted mid-task, the Docker engine gone, the ledger's
# disk full, the ledger locked, corrupt or not SQLite at all, a task that never ends. Every test
# uses the real Docker engine and a real ledger file; hooks run as the dokku user, as Dokku runs them.

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

# a release task that appends "start NAME" to the app's /tasks/log and then waits while /tasks/hold exists
hold_source() {
  rel_source "release: /app/bin/rel-task hold $1
web: httpd -f -p \$PORT -h /app/public"
}

task_started_twice() {
  [[ "$(rel_task_lines "$1" "^start ")" -eq 2 ]]
}

# a deploy of APP started in the background, its task running (holding) when this returns
start_held_deploy() {
  local app="$1" source="$2" out="$3" tasks="$HOST_ROOT/tasks-$1"
  rel_new_deploy_pid
  run rel_extract "$app" "$source" "$REL_DEPLOY_PID"
  assert_success
  rel_start_pre_deploy "$REL_DEPLOY_PID" "$app" "$out"
  rel_wait_for 60 grep -qs "^start " "$tasks/log" || rel_fail "the task did not start: $(tail -c 400 "$out")"
}

# starts a deploy (app and task named NAME) whose release task holds, sends SIGNAL to the
# pre-deploy hook's process group, and checks the hook exits STATUS, the container is gone, the run
# is recorded interrupted and the task never reached its end
signal_interrupts_held_task() {
  local signal="$1" name="$2" exit_status="$3"
  local app tasks container
  app="$(rel_app_name "$name")"
  tasks="$HOST_ROOT/tasks-$app"
  rel_create_app "$app"
  touch "$tasks/hold"
  chmod 0666 "$tasks/hold"
  start_held_deploy "$app" "$(hold_source "$name")" "$HOST_ROOT/$name.out"
  container="$(rel_containers "$app")"
  [[ -n "$container" ]]

  kill -"$signal" -- "-$REL_HOOK_PID"
  rel_wait_pid "$REL_HOOK_PID" 60
  seen "hook exit $REL_WAIT_STATUS"
  assert_equal "$REL_WAIT_STATUS" "$exit_status"
  run docker container inspect "$container"
  seen "container ${container:0:12} $([[ "$status" -eq 0 ]] && echo 'still there' || echo removed)"
  assert_failure
  run rel_sql "SELECT state || ': ' || detail FROM runs WHERE app = '$app'"
  seen "run $output"
  assert_output --regexp '^interrupted: .*signal'
  assert_equal "$(rel_task_lines "$tasks/log" "^end $name")" 0
}

# replaces the ledger with FILE for this test; the real one comes back at teardown
swap_ledger() {
  mv "$REL_LEDGER" "$REL_LEDGER.rel-saved"
  rel_on_teardown "mv -f '$REL_LEDGER.rel-saved' '$REL_LEDGER'; rm -f '$REL_LEDGER-wal' '$REL_LEDGER-shm'"
  cp "$1" "$REL_LEDGER"
  chown dokku:dokku "$REL_LEDGER"
  chmod 0640 "$REL_LEDGER"
}

# Dokku's release path for DOKKU_PID: its own runner (pre-release-builder: predeploy;
# post-release-builder: release, then the migrate plugin's pre-deploy), as the dokku user
release_path() {
  local pid="$1" app="$2"
  rel_as_dokku env DOKKU_PID="$pid" plugn trigger pre-release-builder dockerfile "$app" "dokku/$app:latest" &&
    rel_as_dokku env DOKKU_PID="$pid" plugn trigger post-release-builder dockerfile "$app" "dokku/$app:latest"
}

# checks that a post-extract that could not take the tasks over left them to Dokku: its copy of the
# Procfile byte for byte as SOURCE's, no takeover mark, and the release path ran TASK (rel-task
# mark TASK) exactly once, through Dokku's own runner
assert_left_to_dokku() {
  local app="$1" source="$2" pid="$3" task="$4" tasks="$HOST_ROOT/tasks-$1" before
  run cmp "$source/Procfile" "$DOKKU_LIB_ROOT/data/ps/$app/Procfile.$pid"
  seen "Procfile copy $([[ "$status" -eq 0 ]] && echo untouched || echo CHANGED)"
  assert_success
  assert_file_not_exists "$REL_DATA/takeovers/$app/$pid"
  before="$(rel_task_lines "$tasks/log" "^run $task")"
  run release_path "$pid" "$app"
  seen "release path exit $status; Dokku's runner ran: $(grep -c "^$pid $app release " "$HARNESS_LOGS/native-tasks.log") task(s)"
  assert_success
  assert_output --partial "Executing release task from Procfile: /app/bin/rel-task mark $task"
  assert_equal "$(grep -c "^$pid $app release /app/bin/rel-task mark $task\$" "$HARNESS_LOGS/native-tasks.log")" 1
  assert_equal "$(rel_task_lines "$tasks/log" "^run $task")" "$((before + 1))"
}

# deploys APP with a mark task against the ledger in place: post-extract warns, names the problem
# and the fix, and leaves the tasks to Dokku's runner, which runs the task once; the file is untouched
assert_ledger_refused() {
  local app="$1" before after source
  before="$(sha256sum <"$REL_LEDGER")"
  rel_new_deploy_pid
  source="$(rel_source "release: /app/bin/rel-task mark refused
web: httpd -f -p \$PORT -h /app/public")"
  run rel_extract "$app" "$source" "$REL_DEPLOY_PID"
  seen "post-extract exit $status: $(grep -m1 '^ !' <<<"$output" | cut -c1-120)"
  assert_success
  assert_line --regexp "^ !     The ledger at $REL_LEDGER is not a SQLite database or is corrupt; nothing was changed"
  assert_output --partial "mv $REL_LEDGER $REL_LEDGER.broken"
  assert_output --partial "Dokku's own runner runs this deploy's release and predeploy tasks; the deploy goes on."
  assert_left_to_dokku "$app" "$source" "$REL_DEPLOY_PID" refused
  run dokku migrate:status "$app"
  seen "migrate:status exit $status"
  assert_failure
  assert_line --regexp "^ !     The ledger at $REL_LEDGER is not a SQLite database or is corrupt"
  after="$(sha256sum <"$REL_LEDGER")"
  seen "ledger bytes $([[ "$before" == "$after" ]] && echo unchanged || echo CHANGED)"
  assert_equal "$after" "$before"
}

@test "SIGKILL of the helper mid-task: the next deploy removes the orphan container, marks the run interrupted, and runs the task again" {
  rel_row "SIGKILL to the helper JVM while its release task runs" \
    "orphan container removed and run marked interrupted by the next call; task lock free; next deploy runs the task again"
  local app tasks first_pid container lock
  app="$(rel_app_name kill)"
  tasks="$HOST_ROOT/tasks-$app"
  rel_create_app "$app"
  touch "$tasks/hold"
  chmod 0666 "$tasks/hold"
  start_held_deploy "$app" "$(hold_source killed)" "$HOST_ROOT/kill-1.out"
  first_pid="$REL_DEPLOY_PID"

  kill -KILL "$(rel_helper_jvm "$REL_HOOK_PID")"
  rel_wait_pid "$REL_HOOK_PID" 30
  seen "hook exit $REL_WAIT_STATUS"
  assert_equal "$REL_WAIT_STATUS" 137
  container="$(rel_containers "$app")"
  run docker container inspect --format '{{.State.Running}}' "$container"
  seen "task container ${container:0:12} running after the kill: $output"
  assert_output true
  assert_equal "$(rel_sql "SELECT state FROM runs WHERE app = '$app'")" running
  lock="$REL_DATA/locks/app.$app.lock"
  assert_file_exists "$lock"
  run rel_file_locked "$lock"
  seen "task lock held by anyone after the kill: $([[ "$status" -eq 0 ]] && echo yes || echo no)"
  assert_failure

  # the next deploy of the same source; its own run holds too, so the orphan cannot end by itself
  rel_new_deploy_pid
  run rel_extract "$app" "$(hold_source killed)" "$REL_DEPLOY_PID"
  assert_success
  rel_start_pre_deploy "$REL_DEPLOY_PID" "$app" "$HOST_ROOT/kill-2.out"
  rel_wait_for 60 task_started_twice "$tasks/log" ||
    rel_fail "the next deploy's task did not start: $(tail -c 400 "$HOST_ROOT/kill-2.out")"
  run docker container inspect "$container"
  seen "orphan container after the next call: $([[ "$status" -eq 0 ]] && echo present || echo removed)"
  assert_failure
  run rel_sql "SELECT id || ':' || state FROM runs WHERE app = '$app' ORDER BY id"
  seen "runs: $(echo "$output" | tr '\n' ' ')"
  assert_line --index 0 --regexp ':interrupted$'
  assert_line --index 1 --regexp ':running$'
  rm -f "$tasks/hold"
  rel_wait_pid "$REL_HOOK_PID" 60
  seen "next deploy exit $REL_WAIT_STATUS"
  assert_equal "$REL_WAIT_STATUS" 0
  run cat "$HOST_ROOT/kill-2.out"
  assert_output --partial "was interrupted when its helper stopped; marked interrupted and its container removed"
  seen "next deploy waited for the task lock: $([[ "$output" == *"Waiting for the"* ]] && echo yes || echo no)"
  refute_output --partial "Waiting for the"
  assert_equal "$(rel_sql "SELECT state FROM runs WHERE app = '$app' ORDER BY id DESC LIMIT 1")" succeeded
  assert_equal "$(rel_task_lines "$tasks/log" "^end killed")" 1
  assert_equal "$(rel_containers "$app")" ""
  seen "task ran again and succeeded; no container left"
  kill "$first_pid"
}

@test "SIGHUP to the hook (ssh disconnect during git push): the container is stopped and the run recorded interrupted" {
  rel_row "SIGHUP to the pre-deploy hook's process group while its task runs (ssh disconnect)" \
    "container stopped and removed, run recorded interrupted, hook exits non-zero"
  signal_interrupts_held_task HUP hup 129
}

@test "SIGINT to the hook (Ctrl-C during git push): the container is stopped and the run recorded interrupted" {
  rel_row "SIGINT to the pre-deploy hook's process group while its task runs (Ctrl-C)" \
    "container stopped and removed, run recorded interrupted, hook exits non-zero"
  signal_interrupts_held_task INT int 130
}

# a private dockerd under DIR: the only engine this suite ever stops
start_private_dockerd() {
  local dir="$1"
  mkdir -p "$dir"
  dockerd --iptables=false --ip-masq=false --bridge=none --host "unix://$dir/docker.sock" \
    --data-root "$dir/root" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" >"$dir/dockerd.log" 2>&1 3>&- &
  PRIVATE_DOCKERD_PID="$!"
  rel_wait_for 60 env DOCKER_HOST="unix://$dir/docker.sock" docker info >/dev/null 2>&1
}

# stops the private dockerd (started again when it was killed, so it cleans up after itself) and removes DIR
remove_private_dockerd() {
  local dir="$1" ids mount
  [[ -d "$dir" ]] || return 0
  if [[ -n "$PRIVATE_DOCKERD_PID" ]] && kill -0 "$PRIVATE_DOCKERD_PID" 2>/dev/null; then
    :
  else
    start_private_dockerd "$dir" || true
  fi
  ids="$(DOCKER_HOST="unix://$dir/docker.sock" docker container ls -aq 2>/dev/null)"
  # shellcheck disable=SC2086
  [[ -z "$ids" ]] || DOCKER_HOST="unix://$dir/docker.sock" docker container rm -f $ids >/dev/null 2>&1 || true
  if [[ -n "$PRIVATE_DOCKERD_PID" ]]; then
    kill -TERM "$PRIVATE_DOCKERD_PID" 2>/dev/null || true
    rel_wait_for 60 rel_not_alive "$PRIVATE_DOCKERD_PID" || kill -KILL "$PRIVATE_DOCKERD_PID" 2>/dev/null || true
  fi
  # the dockerd the test killed with SIGKILL left its containerd running
  pkill -KILL -f -- "$dir/exec/containerd/" 2>/dev/null || true
  while read -r mount; do
    umount -l "$mount" 2>/dev/null || true
  done < <(awk -v dir="$dir" '$2 ~ "^" dir { print $2 }' /proc/mounts | sort -r)
  rm -rf "$dir"
}

@test "dockerd killed mid-run: a clear report, the run recorded interrupted, nothing hangs past the timeout" {
  rel_row "the Docker engine (a private dockerd) killed with SIGKILL while a task runs" \
    "clear report naming the engine, run recorded failed or interrupted, hook ends well before the 60s timeout"
  local app tasks dir started elapsed
  app="$(rel_app_name dockerd)"
  tasks="$HOST_ROOT/tasks-$app"
  dir="$HOST_ROOT/dockerd"
  rel_on_teardown "remove_private_dockerd '$dir'"
  rel_create_app "$app"
  set_property migrate "$app" timeout 60
  start_private_dockerd "$dir"
  docker image save "dokku/$app:latest" | DOCKER_HOST="unix://$dir/docker.sock" docker image load -q >/dev/null
  touch "$tasks/hold"
  chmod 0666 "$tasks/hold"
  export DOCKER_HOST="unix://$dir/docker.sock"
  start_held_deploy "$app" "$(hold_source dockerd)" "$HOST_ROOT/dockerd.out"
  unset DOCKER_HOST

  started="$SECONDS"
  kill -KILL "$PRIVATE_DOCKERD_PID"
  rel_wait_pid "$REL_HOOK_PID" 90
  elapsed=$((SECONDS - started))
  seen "hook exit $REL_WAIT_STATUS after ${elapsed}s"
  [[ "$REL_WAIT_STATUS" -ne 124 ]]
  assert [ "$REL_WAIT_STATUS" -ne 0 ]
  assert [ "$elapsed" -lt 60 ]
  run cat "$HOST_ROOT/dockerd.out"
  seen "report: $(grep -m1 'Docker engine' <<<"$output" | cut -c1-120)"
  assert_line --regexp '^ !     .*lost contact with the Docker engine'
  assert_line --regexp '^ !     Execution of release task failed'
  refute_output --partial "Exception"
  run rel_sql "SELECT state FROM runs WHERE app = '$app'"
  seen "run $output"
  assert_output --regexp '^(failed|interrupted)$'
}

# mounts a SIZE tmpfs over the migrate data directory (the ledger's); unmounted at teardown
mount_small_disk() {
  local size="$1"
  mount -t tmpfs -o "size=$size,mode=0750,uid=$(id -u dokku),gid=$(id -g dokku)" "$(rel_app_name ledger)" "$REL_DATA"
  rel_on_teardown "umount '$REL_DATA' || umount -l '$REL_DATA'"
}

# fills the disk under DIR as the dokku user; prints how much is left
fill_disk() {
  rel_as_dokku sh -c "umask 027; dd if=/dev/zero of='$1/filler' bs=4k 2>/dev/null" || true
  df --output=avail -B1 "$1" | tail -n1 | tr -d ' '
}

@test "ledger disk full before a deploy: a loud warning, Dokku's runner runs the task once, the ledger stays intact" {
  rel_row "the ledger's disk (a 1 MiB tmpfs) full when a deploy starts" \
    "post-extract warns that the disk is full and leaves the tasks to Dokku (copies untouched); Dokku's runner runs the task once; integrity_check ok"
  local app tasks source left
  app="$(rel_app_name full)"
  tasks="$HOST_ROOT/tasks-$app"
  rel_create_app "$app"
  mount_small_disk 1m
  source="$(rel_source "release: /app/bin/rel-task mark full
web: httpd -f -p \$PORT -h /app/public")"
  rel_new_deploy_pid
  run rel_extract "$app" "$source" "$REL_DEPLOY_PID"
  assert_success
  run rel_hook "$REL_DEPLOY_PID" pre-deploy "$app" latest
  assert_success
  assert_equal "$(rel_task_lines "$tasks/log" "^run full")" 1

  left="$(fill_disk "$REL_DATA")"
  seen "disk filled ($left bytes left)"
  rel_new_deploy_pid
  run rel_extract "$app" "$source" "$REL_DEPLOY_PID"
  seen "post-extract exit $status: $(grep -m1 '^ !' <<<"$output" | cut -c1-140)"
  assert_success
  assert_line --regexp '^ !     .*(disk|space).*full|^ !     .*full.*(disk|space)'
  assert_output --partial "Dokku's own runner runs this deploy's release and predeploy tasks; the deploy goes on."
  refute_output --partial "Exception"
  assert_left_to_dokku "$app" "$source" "$REL_DEPLOY_PID" full
  seen "task runs: $(rel_task_lines "$tasks/log" "^run full") (the first deploy's by the plugin, this one's by Dokku)"

  rm -f "$REL_DATA/filler"
  run rel_sql "PRAGMA integrity_check"
  seen "integrity_check after freeing space: $output"
  assert_output "ok"
  assert_equal "$(rel_sql "SELECT count(*) FROM runs WHERE app = '$app'")" 1
  run rel_hook "$REL_DEPLOY_PID" pre-deploy "$app" latest
  assert_success
  assert_equal "$(rel_task_lines "$tasks/log" "^run full")" 2
  seen "the same deploy's pre-deploy, again with space, exits 0 and runs nothing (its tasks are Dokku's)"
}

@test "ledger disk fills while a task runs: the deploy fails, the run stays recorded, the ledger stays intact" {
  rel_row "the ledger's disk (a 2 MiB tmpfs) filled while a release task runs" \
    "deploy fails with a clear error; the run stays in the ledger and the next deploy marks it interrupted; integrity_check ok"
  local app tasks source left
  app="$(rel_app_name fills)"
  tasks="$HOST_ROOT/tasks-$app"
  rel_create_app "$app"
  mount_small_disk 2m
  touch "$tasks/hold"
  chmod 0666 "$tasks/hold"
  source="$(hold_source fills)"
  start_held_deploy "$app" "$source" "$HOST_ROOT/fills.out"
  left="$(fill_disk "$REL_DATA")"
  seen "disk filled while the task ran ($left bytes left)"
  rm -f "$tasks/hold"
  rel_wait_pid "$REL_HOOK_PID" 60
  seen "hook exit $REL_WAIT_STATUS"
  assert_equal "$REL_WAIT_STATUS" 1
  run cat "$HOST_ROOT/fills.out"
  seen "report: $(grep -m1 '^ !' <<<"$output" | cut -c1-160)"
  assert_line --regexp '^ !     .*full'
  assert_line --regexp '^ !     .*release task .*(ran|ended).*not.*recorded|^ !     .*could not record the end of run'
  refute_output --partial "Exception"
  assert_equal "$(rel_task_lines "$tasks/log" "^end fills")" 1

  rm -f "$REL_DATA/filler"
  run rel_sql "PRAGMA integrity_check"
  seen "integrity_check after freeing space: $output"
  assert_output "ok"
  run rel_sql "SELECT state FROM runs WHERE app = '$app'"
  seen "run recorded as: $output"
  assert_output "running"
  rel_new_deploy_pid
  run rel_extract "$app" "$(rel_source "release: /app/bin/rel-task mark fills
web: httpd -f -p \$PORT -h /app/public")" "$REL_DEPLOY_PID"
  assert_success
  run rel_hook "$REL_DEPLOY_PID" pre-deploy "$app" latest
  assert_success
  run rel_sql "SELECT state FROM runs WHERE app = '$app' ORDER BY id"
  seen "after the next deploy: $(echo "$output" | tr '\n' ' ')"
  assert_output "interrupted
succeeded"
}

@test "ledger held by another process longer than the busy timeout: a clear error naming the holder, never a silent skip" {
  rel_row "the ledger write-locked by another process (sqlite3, BEGIN IMMEDIATE) past a 1.5s busy timeout" \
    "pre-deploy fails naming the lock and its holder; the task does not run; it runs once the holder lets go"
  local app tasks fifo holder started
  app="$(rel_app_name busy)"
  tasks="$HOST_ROOT/tasks-$app"
  rel_create_app "$app"
  rel_new_deploy_pid
  run rel_extract "$app" "$(rel_source "release: /app/bin/rel-task mark busy
web: httpd -f -p \$PORT -h /app/public")" "$REL_DEPLOY_PID"
  assert_success

  fifo="$HOST_ROOT/busy.fifo"
  mkfifo "$fifo"
  chmod 0666 "$fifo"
  rel_as_dokku sqlite3 "$REL_LEDGER" <"$fifo" >"$HOST_ROOT/busy-holder.out" 2>&1 3>&- &
  holder="$!"
  REL_PIDS+=("$holder")
  exec 8>"$fifo"
  echo "BEGIN IMMEDIATE; INSERT INTO events (app, kind, at) VALUES ('$app', 'test-lock', 0); SELECT 'locked';" >&8
  rel_wait_for 20 grep -q locked "$HOST_ROOT/busy-holder.out"

  started="$SECONDS"
  run rel_as_dokku env DOKKU_PID="$REL_DEPLOY_PID" DOKKU_MIGRATE_BUSY_TIMEOUT_MS=1500 \
    "$PLUGIN_ENABLED_PATH/migrate/pre-deploy" "$app" latest
  seen "pre-deploy exit $status after $((SECONDS - started))s: $(grep -m1 '^ !' <<<"$output" | cut -c1-200)"
  assert_failure
  assert_line --regexp "^ !     The ledger at $REL_LEDGER stayed locked by another process \\(pid [0-9]+ \\(sqlite3 $REL_LEDGER\\)\\)"
  assert_equal "$(rel_task_lines "$tasks/log" "^run busy")" 0
  echo "ROLLBACK;" >&8
  exec 8>&-
  wait "$holder" || true

  run rel_as_dokku env DOKKU_PID="$REL_DEPLOY_PID" DOKKU_MIGRATE_BUSY_TIMEOUT_MS=1500 \
    "$PLUGIN_ENABLED_PATH/migrate/pre-deploy" "$app" latest
  seen "after the holder let go: exit $status, task runs $(rel_task_lines "$tasks/log" "^run busy")"
  assert_success
  assert_equal "$(rel_task_lines "$tasks/log" "^run busy")" 1
}

@test "a ledger that is not SQLite at all: a loud warning with what to do, Dokku's runner runs the task once, the file never recreated" {
  rel_row "the ledger file replaced by a text file (not SQLite)" \
    "post-extract warns 'not a SQLite database' with the mv/restore advice and leaves the tasks to Dokku, whose runner runs the task once; migrate:status fails the same way; the file unchanged byte for byte"
  local app
  app="$(rel_app_name notdb)"
  rel_create_app "$app"
  printf 'deploys: 3\nthis is not a database\n' >"$HOST_ROOT/notdb"
  swap_ledger "$HOST_ROOT/notdb"
  assert_ledger_refused "$app"
}

@test "a corrupt SQLite ledger: a loud warning with what to do, Dokku's runner runs the task once, the file never recreated" {
  rel_row "the ledger's pages overwritten with random bytes (SQLite header intact)" \
    "post-extract warns 'corrupt' with the mv/restore advice and leaves the tasks to Dokku, whose runner runs the task once; migrate:status fails the same way; the file unchanged byte for byte"
  local app corrupt
  app="$(rel_app_name corrupt)"
  rel_create_app "$app"
  corrupt="$HOST_ROOT/corrupt.db"
  rel_sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  cp "$REL_LEDGER" "$corrupt"
  head -c 8192 /dev/urandom | dd of="$corrupt" bs=1 seek=100 conv=notrunc 2>/dev/null
  assert_equal "$(head -c 15 "$corrupt")" "SQLite format 3"
  swap_ledger "$corrupt"
  assert_ledger_refused "$app"
}

@test "a task that never ends is killed at the timeout, recorded timed_out, and the deploy is aborted" {
  rel_row "a release task that never ends, app timeout 3s (property file), deployed with git push" \
    "container killed at ~3s, run timed_out, deploy aborted before any process is scheduled"
  local app tasks source
  app="$(rel_app_name forever)"
  tasks="$HOST_ROOT/tasks-$app"
  rel_create_app "$app"
  set_property migrate "$app" timeout 3
  source="$(rel_source "release: /app/bin/rel-task forever
web: httpd -f -p \$PORT -h /app/public")"
  run dokku harness:push "$app" "$source" 0123456789abcdef
  seen "git push exit $status"
  assert_failure
  assert_line --regexp '^ !     timed_out: timed out after 3s; container killed'
  assert_equal "$(rel_task_lines "$tasks/log" "^start forever")" 1
  run rel_sql "SELECT state || ' ' || (finished_at - started_at) FROM runs WHERE app = '$app'"
  seen "run $output ms"
  assert_output --regexp '^timed_out [0-9]+$'
  assert [ "${output#timed_out }" -ge 3000 ]
  assert [ "${output#timed_out }" -lt 30000 ]
  assert_equal "$(rel_containers "$app")" ""
  run grep -c " $app " "$HARNESS_LOGS/scheduled.log"
  seen "processes scheduled: $output"
  assert_output 0
  assert_equal "$(grep -c " post-deploy migrate rc=[0-9]* $app " "$HARNESS_LOGS/plugn.log")" 0
  run dokku migrate:status "$app"
  assert_line --regexp 'release .*timed_out'
}
