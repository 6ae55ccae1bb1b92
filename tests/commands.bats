#!/usr/bin/env bats
# Issue 3's operator commands (logs, status --all/--limit, run, unlock, report, set, doctor, help)
# through the Dokku harness, as the dokku user, against the real Docker engine. JSON is parsed
# with jq; stdout and stderr are told apart where the command's contract does.

load test_helper

APP=books

setup() {
  setup_app "$APP"
  mount_task_log "$APP"
}

teardown() {
  if [[ -n "$PUSH_PID" ]] && kill -0 "$PUSH_PID" 2>/dev/null; then
    kill "$PUSH_PID" 2>/dev/null || true
    wait "$PUSH_PID" 2>/dev/null || true
  fi
  harness_teardown
}

# runs COMMAND as `run` does, its stdout in $output and its stderr in $stderr; unlike
# `run --separate-stderr` (bats 1.8), the leading spaces of Dokku's " !     " are kept
run_split() {
  local file
  file="$(mktemp "$BATS_TEST_TMPDIR/stderr.XXXXXX")"
  run bash -c '"${@:2}" 2>"$1"' _ "$file" "$@"
  IFS= read -r -d '' stderr <"$file" || true
  stderr="${stderr%$'\n'}"
}

# pushes SOURCE in the background, its output in $HOST_ROOT/push.log; PUSH_PID is the push
push_in_background() {
  local source="$1"
  dokku harness:push "$APP" "$source" "0123456789abcdef" >"$HOST_ROOT/push.log" 2>&1 &
  PUSH_PID=$!
}

# a copy of the sample app whose release task prints "started" and then runs for ten minutes
slow_release_source() {
  local source
  source="$(app_source)"
  sed -i "s|^release: .*|release: sh -c 'echo started; exec sleep 600'|" "$source/Procfile"
  echo "$source"
}

# the id of the latest deploy's last run of PHASE
run_id() {
  dokku migrate:status "$APP" --format json | jq -r --arg phase "$1" \
    '[.latest_deploy.runs[] | select(.phase == $phase)] | last | .id'
}

# waits up to SECONDS for COMMAND to succeed
wait_for() {
  local deadline=$((SECONDS + $1))
  shift 1
  until "$@"; do
    [[ "$SECONDS" -lt "$deadline" ]] || return 1
    sleep 0.2
  done
}

release_has_started() {
  dokku migrate:logs "$APP" 2>/dev/null | grep -qx started
}

push_has_ended() {
  ! kill -0 "$PUSH_PID" 2>/dev/null
}

# the pid in the lock holder "pid N on HOST since ..." of the app's report
holder_pid() {
  dokku migrate:report "$APP" --migrate-lock-holder | sed -n 's/^pid \([0-9]*\) on .*/\1/p'
}

@test "migrate:help and dokku help list every command, and every command answers --help" {
  local cmd
  run dokku migrate:help
  assert_success
  for cmd in status logs run unlock report set doctor notify-test; do
    assert_output --partial "migrate:$cmd "
  done
  run dokku help
  assert_success
  assert_output --partial "migrate:logs <app> [<run-id>] [--tail <n>]"
  assert_output --partial "migrate:set <app>|--global <key> [<value>]"
  for cmd in status logs run unlock report set doctor notify-test; do
    run_split dokku "migrate:$cmd" --help
    assert_success
    assert_line --index 0 --regexp "^Usage: dokku migrate:$cmd "
    assert_output --partial "-h, --help"
    assert_equal "$stderr" ""
  done
}

@test "migrate:logs prints the whole output of the latest run, of a chosen run, and its last lines" {
  push "$(app_source)"
  assert_success

  run_split dokku migrate:logs "$APP"
  assert_success
  assert_output "sample-app: release task of build $BUILD
sample-app: == 20240101000000 AddUsers: migrating ==
sample-app: == 20240101000000 AddUsers: migrated (0.0021s) =="
  assert_equal "$stderr" ""

  run_split dokku migrate:logs "$APP" "$(run_id predeploy)"
  assert_success
  assert_output "sample-app: predeploy task of build $BUILD
sample-app: compiled assets into /app/public"

  run_split dokku migrate:logs "$APP" --tail 1
  assert_success
  assert_output "sample-app: == 20240101000000 AddUsers: migrated (0.0021s) =="
}

@test "migrate:logs falls back to the ledger's copy when the log file is gone, and says how much it kept" {
  local id log whole size
  push "$(app_source)"
  assert_success
  id="$(run_id release)"
  log="$DOKKU_LIB_ROOT/data/migrate/logs/$APP/$id.log"
  whole="$(cat "$log")"
  size="$(wc -c <"$log")"
  rm "$log"

  run_split dokku migrate:logs "$APP" "$id"
  assert_success
  assert_output "$whole"
  assert_equal "$stderr" " !     The log file of run #$id (release, succeeded) is gone (pruned or removed): $log.
 !     Showing the copy kept in the ledger, which is complete ($size bytes)."

  # the ledger keeps only output-limit bytes of each run
  run dokku migrate:set "$APP" output-limit 40
  assert_success
  run dokku migrate:run "$APP" --phase release
  assert_success
  id="$(run_id release)"
  log="$DOKKU_LIB_ROOT/data/migrate/logs/$APP/$id.log"
  whole="$(tail -c 40 "$log")"
  size="$(wc -c <"$log")"
  rm "$log"
  run_split dokku migrate:logs "$APP"
  assert_success
  assert_output "$whole"
  assert_equal "$stderr" " !     The log file of run #$id (release, succeeded) is gone (pruned or removed): $log.
 !     Only the last 40 bytes of its $size bytes of output were kept in the ledger (output-limit); the start is lost. Those last bytes follow."
}

@test "migrate:logs refuses an unknown run, a run of another app and a bad run id" {
  local cloned
  push "$(app_source)"
  assert_success
  run dokku apps:clone "$APP" "$APP-copy"
  assert_success
  cloned="$(dokku migrate:status "$APP-copy" --format json | jq -r '.latest_deploy.runs[0].id')"

  run_split dokku migrate:logs "$APP" 999999
  assert_failure
  assert_equal "$stderr" " !     Run #999999 does not exist. See the runs of $APP with: dokku migrate:status $APP --all"
  run_split dokku migrate:logs "$APP" "$cloned"
  assert_failure
  assert_equal "$stderr" " !     Run #$cloned is not a run of $APP (it belongs to $APP-copy). See the runs of $APP with: dokku migrate:status $APP --all"
  assert_output ""
  run_split dokku migrate:logs "$APP" latest
  assert_failure
  assert_equal "$stderr" " !     Invalid run id 'latest': use a run number from dokku migrate:status APP"
}

@test "migrate:status --limit shows that many deploys, --all every one, and not both" {
  push "$(app_source)"
  assert_success
  # each config change releases the app again: a deploy of the standing plan
  run dokku config:set "$APP" FIRST=1
  assert_success
  run dokku config:set "$APP" SECOND=2
  assert_success

  run dokku migrate:status "$APP" --limit 1 --format json
  assert_success
  assert_equal "$(jq -r '.latest_deploy.origin' <<<"$output")" standing
  assert_equal "$(jq '.history | length' <<<"$output")" 0
  assert_equal "$(jq '.more_deploys' <<<"$output")" true
  run dokku migrate:status "$APP" --all --format json
  assert_success
  assert_equal "$(jq -c '[.history[].origin]' <<<"$output")" '["standing","extracted"]'
  assert_equal "$(jq '.more_deploys' <<<"$output")" false
  run dokku migrate:status "$APP" --limit 2
  assert_success
  assert_line "       Older deploys are not shown: dokku migrate:status $APP --all"

  run_split dokku migrate:status "$APP" --all --limit 2
  assert_failure
  assert_equal "$stderr" " !     --all and --limit cannot be used together: --all shows every deploy the ledger keeps"
}

@test "migrate:run runs the release task again in the deployed image, as a manual deploy, restarting nothing" {
  local scheduled_before
  push "$(app_source)"
  assert_success
  scheduled_before="$(wc -l <"$HARNESS_LOGS/scheduled.log")"

  run dokku migrate:run "$APP" --phase release
  assert_success
  assert_output --partial "sample-app: release task of build $BUILD"

  assert_equal "$(task_runs release "$BUILD")" 2
  assert_equal "$(task_runs predeploy "$BUILD")" 1
  run dokku migrate:status "$APP" --format json
  assert_equal "$(jq -r '.latest_deploy.origin' <<<"$output")" manual
  assert_equal "$(jq -c '[.latest_deploy.runs[] | [.phase, .state]]' <<<"$output")" '[["release","succeeded"]]'
  assert_equal "$(wc -l <"$HARNESS_LOGS/scheduled.log")" "$scheduled_before"
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"
}

@test "migrate:run without a phase runs predeploy then release, committing predeploy's change into the image" {
  local before
  push "$(app_source)"
  assert_success
  before="$(docker image inspect --format '{{.Id}}' "dokku/$APP:latest")"
  : >"$TASK_LOG_DIR/log"

  run dokku migrate:run "$APP"
  assert_success

  run cat "$TASK_LOG_DIR/log"
  assert_output "predeploy $BUILD
release $BUILD"
  [[ "$(docker image inspect --format '{{.Id}}' "dokku/$APP:latest")" != "$before" ]] ||
    fail "the predeploy task's change was not committed into dokku/$APP:latest"
  run docker image inspect --format '{{json .Config.Cmd}}' "dokku/$APP:latest"
  assert_output '["httpd","-f","-p","5000","-h","/app/public"]'
  run docker container ls -aq --filter "label=com.dokku.app-name=$APP" --filter "label=dokku_phase_script"
  assert_output ""
}

@test "migrate:run exits non-zero when the task fails, and migrate:doctor points at the run to read" {
  local source id
  source="$(app_source)"
  sed -i 's|^release: .*|release: /app/bin/task release fail|' "$source/Procfile"
  push "$source"
  assert_failure

  run_split dokku migrate:run "$APP" --phase release
  assert_failure
  assert_output --partial 'relation "accounts" does not exist'
  assert_equal "$(grep -c "Nothing was deployed, restarted or stopped" <<<"$stderr")" 1
  run dokku migrate:status "$APP" --format json
  # Dokku wraps a task as "COMMAND || exit 1" (app-json getPhaseScript), so any failure exits 1
  assert_equal "$(jq -c '.latest_deploy | [.origin, .runs[0].state, .runs[0].exit_code]' <<<"$output")" '["manual","failed",1]'
  id="$(jq -r '.latest_deploy.runs[0].id' <<<"$output")"

  run dokku migrate:doctor "$APP" --format json
  assert_failure
  assert_equal "$(jq -r '.verdict' <<<"$output")" failure
  assert_equal "$(jq -r '.checks[] | select(.id == "last-deploy") | .verdict' <<<"$output")" failure
  assert_equal "$(jq -r '.checks[] | select(.id == "last-deploy") | .next_step' <<<"$output")" \
    "Read its output (dokku migrate:logs $APP $id), fix the task, then deploy again or run it: dokku migrate:run $APP --phase release"
}

@test "migrate:run refuses an app with no build, no such task or no deployed image, and records nothing" {
  local source
  run_split dokku migrate:run "$APP"
  assert_failure
  assert_equal "$stderr" " !     No build of $APP has been recorded, so there is no task to run again. Deploy it first (git push, or dokku ps:rebuild $APP)"

  source="$(app_source)"
  jq 'del(.scripts)' "$source/app.json" >"$source/app.json.new"
  mv "$source/app.json.new" "$source/app.json"
  push "$source"
  assert_success
  run_split dokku migrate:run "$APP" --phase predeploy
  assert_failure
  assert_regex "$stderr" "^ !     $APP has no predeploy task: its last build \(deploy #[0-9]+\) had no scripts.dokku.predeploy in its app.json. Its tasks: release$"

  docker image rm --force "dokku/$APP:latest" >/dev/null
  run_split dokku migrate:run "$APP"
  assert_failure
  assert_equal "$stderr" " !     $APP has no deployed image (dokku/$APP:latest does not exist), so there is nothing to run its tasks in. Deploy it first (git push, or dokku ps:rebuild $APP)"
  run dokku migrate:status "$APP" --all --format json
  assert_equal "$(jq -r '.latest_deploy.origin' <<<"$output")" extracted
  assert_equal "$(jq '.history | length' <<<"$output")" 0
}

@test "migrate:unlock refuses while a live helper holds the lock and says who; --force clears its records" {
  local pid id
  push_in_background "$(slow_release_source)"
  wait_for 120 release_has_started || fail "the release task did not start: $(cat "$HOST_ROOT/push.log")"
  pid="$(holder_pid)"
  id="$(run_id release)"
  [[ -n "$pid" ]] || fail "no lock holder reported"

  run_split dokku migrate:unlock "$APP"
  assert_failure
  assert_output ""
  assert_regex "$stderr" "^ !     The app\.$APP lock of $APP is held by pid $pid on [^ ]+ since [0-9TZ:.-]+ \(app $APP, deploy #[0-9]+\), which is still running\."
  assert_equal "$(run_id release)" "$id"
  assert_equal "$(dokku migrate:status "$APP" --format json | jq -r '.latest_deploy.runs[-1].state')" running

  run_split dokku migrate:unlock "$APP" --force
  assert_success
  assert_line "-----> Cleared the holder record of pid $pid"
  assert_line "       Marked run #$id (release of $APP) interrupted"
  assert_line --regexp "^       Removed 1 task container: [0-9a-f]+$"
  assert_regex "$stderr" "Stop the holder with:"$'\n'" !         kill $pid"
  run docker container ls -aq --filter "label=com.dokku.migrate.run-id=$id"
  assert_output ""

  # its container gone, the helper ends the deploy; had it not, `kill PID` as advised
  wait_for 60 push_has_ended || kill "$pid"
  wait_for 60 push_has_ended || fail "the push did not end"
  run dokku migrate:report "$APP" --migrate-lock-state
  assert_output free
  run dokku migrate:status "$APP" --format json
  assert_regex "$(jq -r '.latest_deploy.runs[-1].state' <<<"$output")" '^(interrupted|failed)$'
}

@test "migrate:unlock clears what a killed helper left behind: its record, its running run and its container" {
  local pid id
  push_in_background "$(slow_release_source)"
  wait_for 120 release_has_started || fail "the release task did not start: $(cat "$HOST_ROOT/push.log")"
  pid="$(holder_pid)"
  id="$(run_id release)"
  kill -KILL "$pid"
  wait_for 60 push_has_ended || fail "the push did not end after its helper was killed"

  # the kernel released the lock; the ledger still says who held it and that the run is running
  run dokku migrate:report "$APP" --format json
  assert_equal "$(jq -r '."lock-state"' <<<"$output")" free
  run dokku migrate:doctor "$APP" --format json
  assert_equal "$(jq -r '.checks[] | select(.id == "lock") | .verdict' <<<"$output")" warning
  assert_equal "$(jq -r '.checks[] | select(.id == "lock") | .next_step' <<<"$output")" \
    "Clear them (the next deploy would too): dokku migrate:unlock $APP"
  [[ -n "$(docker container ls -q --filter "label=com.dokku.migrate.run-id=$id")" ]] ||
    fail "the killed helper's task container should still run"

  run_split dokku migrate:unlock "$APP"
  assert_success
  assert_line --index 0 "-----> The app.$APP lock of $APP is free"
  assert_line --regexp "^       Cleared the stale holder record of pid $pid on .*\(app $APP, deploy #[0-9]+\)$"
  assert_line "       Marked run #$id (release of $APP) interrupted"
  assert_line --regexp "^       Removed 1 task container: [0-9a-f]+$"
  assert_equal "$stderr" ""
  run docker container ls -aq --filter "label=com.dokku.migrate.run-id=$id"
  assert_output ""
  run dokku migrate:status "$APP" --format json
  assert_equal "$(jq -r '.latest_deploy.runs[-1].state' <<<"$output")" interrupted

  run dokku migrate:unlock "$APP"
  assert_success
  assert_output "-----> The app.$APP lock of $APP is free
       Nothing was left to clear"
}

@test "migrate:report shows Dokku's report block, one raw value and JSON, for one app, every app or --global" {
  run dokku migrate:set "$APP" timeout 600
  assert_success
  run dokku migrate:set --global timeout 900
  assert_success

  run_split dokku migrate:report "$APP"
  assert_success
  assert_line --index 0 "=====> $APP migrate information"
  assert_line "       Migrate computed timeout:           600"
  assert_line "       Migrate global timeout:             900"
  assert_line "       Migrate timeout:                    600"
  assert_line "       Migrate computed scaled migrations: warn"
  assert_line "       Migrate lock key:                   app.$APP"
  assert_line "       Migrate lock basis:                 app"
  assert_line "       Migrate lock reason:                no lock-group, and no database in DATABASE_URL"
  assert_line "       Migrate computed lock by:           DATABASE_URL"
  assert_line "       Migrate lock state:                 free"
  assert_line "       Migrate last deploy state:          none"
  assert_line --regexp "^       Migrate docker api:                 (engine socket /|docker client \\(DOCKER_BIN=)"
  assert_line "       Migrate ledger state:               sqlite"
  assert_equal "${#lines[@]}" 45

  run dokku migrate:report "$APP" --migrate-computed-timeout
  assert_success
  assert_output 600
  run dokku migrate:report "$APP" --migrate-global-timeout
  assert_output 900

  run_split dokku migrate:report "$APP" --format json
  assert_success
  assert_equal "$(jq -r 'type' <<<"$output")" object
  assert_equal "$(jq 'keys | length' <<<"$output")" 44
  assert_equal "$(jq -c '[."computed-timeout", ."global-timeout", .timeout, ."computed-enabled", .enabled]' <<<"$output")" \
    '["600","900","600","true",""]'

  run dokku apps:create "$APP-two"
  assert_success
  run dokku migrate:report
  assert_success
  assert_equal "$(grep -c '^=====> ' <<<"$output")" 2
  assert_line "=====> $APP migrate information"
  assert_line "=====> $APP-two migrate information"
  run dokku migrate:report --format json
  assert_equal "$(jq -s -c '[.[]."computed-timeout"]' <<<"$output")" '["600","900"]'

  run dokku migrate:report --global
  assert_success
  assert_line --index 0 "=====> --global migrate information"
  assert_line "       Migrate computed timeout:           900"
}

@test "migrate:report refuses an unknown flag with the valid ones, and a flag with --format json" {
  run_split dokku migrate:report "$APP" --migrate-colour
  assert_failure
  assert_output ""
  assert_regex "$stderr" "^ !     Invalid flag passed, valid flags: --migrate-computed-enabled, .*--migrate-timeout$"
  run_split dokku migrate:report "$APP" --migrate-timeout --format json
  assert_failure
  assert_equal "$stderr" " !     --format flag cannot be specified when specifying an info flag"
}

@test "migrate:set sets and unsets a property as the dokku user, and refuses a bad key or value writing nothing" {
  local dir="$DOKKU_LIB_ROOT/config/migrate"
  run dokku migrate:set "$APP" timeout 600
  assert_success
  assert_output "=====> Setting timeout to 600"
  assert_equal "$(cat "$dir/$APP/timeout")" 600
  assert_equal "$(stat -c %U "$dir/$APP/timeout")" dokku
  run dokku migrate:set "$APP" timeout ""
  assert_success
  assert_output "=====> Unsetting timeout"
  assert_file_not_exist "$dir/$APP/timeout"
  run dokku migrate:set --global keep-runs 50
  assert_success
  assert_equal "$(cat "$dir/--global/keep-runs")" 50
  run dokku migrate:set --global keep-runs
  assert_success
  assert_output "=====> Unsetting keep-runs"

  run_split dokku migrate:set "$APP" colour blue
  assert_failure
  assert_equal "$stderr" " !     Invalid key specified ('colour'), valid keys include: enabled, timeout, lock-group, lock-by, scaled-migrations, output-limit, keep-runs, notify-url, notify-on, notify-lines, ledger-url"
  run_split dokku migrate:set "$APP" timeout 10m
  assert_failure
  assert_equal "$stderr" " !     Invalid value for timeout: '10m'. Valid values: a whole number of seconds from 1 to 2147483647, or an empty value to unset it"
  run_split dokku migrate:set --global scaled-migrations error
  assert_failure
  assert_equal "$stderr" " !     Invalid value for scaled-migrations: 'error'. Valid values: warn, fail or ignore, or an empty value to unset it"
  run find "$dir" -type f
  assert_output ""
}

@test "migrate:doctor passes a healthy app, and warns when Dokku's own Procfile copy holds the release again" {
  push "$(app_source)"
  assert_success
  run dokku migrate:report "$APP" --format json
  assert_equal "$(jq -r '."last-deploy-state"' <<<"$output")" succeeded

  run_split dokku migrate:doctor "$APP"
  assert_success
  assert_line "-----> Dokku's release runner: ok"
  assert_line "-----> Dokku's predeploy runner: ok"
  assert_line "-----> Migrations at boot: ok"
  assert_line "=====> 0 failures, 0 warnings, 10 ok"
  assert_equal "$stderr" ""

  # Dokku's runner would run it on the next release without a build, and the plugin then takes it over
  echo "release: /app/bin/task release" >>"$DOKKU_LIB_ROOT/data/ps/$APP/Procfile"
  run dokku migrate:doctor "$APP" --format json
  assert_success
  assert_equal "$(jq -r '.verdict' <<<"$output")" warning
  assert_equal "$(jq -r '.checks[] | select(.id == "native-release") | .verdict' <<<"$output")" warning
  assert_equal "$(jq -r '.checks[] | select(.id == "native-release") | .details[0]' <<<"$output")" \
    "release: /app/bin/task release"
}

@test "migrate:doctor reports a scaled web command that migrates at boot, as scaled-migrations says" {
  local source check
  check='.checks[] | select(.id == "boot-migrations")'
  run dokku ps:scale "$APP" web=2
  assert_success
  source="$(app_source)"
  # shellcheck disable=SC2016
  sed -i 's|^web: .*|web: bundle exec rake db:migrate \&\& httpd -f -p $PORT -h /app/public|' "$source/Procfile"
  push "$source"
  assert_success

  run dokku migrate:doctor "$APP" --format json
  assert_success
  assert_equal "$(jq -r "$check | .verdict" <<<"$output")" warning
  # shellcheck disable=SC2016
  assert_regex "$(jq -r "$check | .details[0]" <<<"$output")" '^warning: web=2 run `bundle exec rake db:migrate` at boot'
  assert_equal "$(jq -r '.verdict' <<<"$output")" warning

  run dokku migrate:set "$APP" scaled-migrations fail
  assert_success
  run dokku migrate:doctor "$APP" --format json
  assert_failure
  assert_equal "$(jq -r "$check | .verdict" <<<"$output")" failure

  run dokku migrate:set "$APP" scaled-migrations ignore
  assert_success
  run dokku migrate:doctor "$APP" --format json
  assert_success
  assert_equal "$(jq -r "$check | .verdict" <<<"$output")" ok
}

@test "every command refuses an unknown app, an app name with shell characters and an unknown flag" {
  local cmd
  for cmd in status logs run unlock report doctor notify-test; do
    run_split dokku "migrate:$cmd" nope
    assert_failure
    assert_equal "$stderr" " !     App nope does not exist"
    run_split dokku "migrate:$cmd" "x;touch $HOST_ROOT/pwned"
    assert_failure
    assert_equal "$stderr" " !     App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens"
  done
  run_split dokku migrate:set nope timeout 5
  assert_failure
  assert_equal "$stderr" " !     App nope does not exist"
  assert_file_not_exist "$HOST_ROOT/pwned"

  for cmd in status logs run unlock doctor notify-test; do
    run_split dokku "migrate:$cmd" "$APP" --bogus
    assert_failure
    assert_equal "$stderr" " !     Unknown option: '--bogus'
 !     See: dokku migrate:help"
  done
  run dokku migrate:set "$APP" timeout 5 --bogus
  assert_failure
  assert_file_not_exist "$DOKKU_LIB_ROOT/config/migrate/$APP/timeout"
}
