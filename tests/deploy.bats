#!/usr/bin/env bats
# Issue 7's scenarios: deploys through the Dokku harness against the real Docker engine.
# examples/sample-app's tasks append "PHASE BUILD_ID" to /tasks/log, a host directory mounted into
# the app's containers with docker-options, so the tests count real executions.

load test_helper

APP=shop

setup() {
  setup_app "$APP"
  mount_task_log "$APP"
  run dokku ps:scale "$APP" web=2 worker=4
  assert_success
}

teardown() {
  harness_teardown
}

# the web process runs the migrations when it boots, the mistake behind ConcurrentMigrationError
migrate_in_web() {
  # shellcheck disable=SC2016
  sed -i 's|^web: .*|web: bundle exec rake db:migrate \&\& httpd -f -p $PORT -h /app/public|' "$1/Procfile"
}

scheduled() {
  grep -c " $APP $1\." "$HARNESS_LOGS/scheduled.log" || true
}

@test "a deploy runs the predeploy and release tasks once each, in the deploying image, and then schedules web=2 worker=4" {
  push "$(app_source)"
  assert_success
  assert_output --partial "sample-app: predeploy task of build $BUILD"
  assert_output --partial "sample-app: release task of build $BUILD"

  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_equal "$(task_runs release "$BUILD")" 1
  assert_equal "$(wc -l <"$TASK_LOG_DIR/log")" 2
  assert_equal "$(trigger_calls post-extract migrate)" 1
  assert_equal "$(trigger_calls pre-deploy migrate)" 1
  assert_equal "$(trigger_calls post-deploy migrate)" 1
  # the tasks ran in containers created the way Dokku creates them
  assert_equal "$(grep -c "^predeploy $APP " "$HARNESS_LOGS/post-container-create.log")" 1
  assert_equal "$(grep -c "^release $APP " "$HARNESS_LOGS/post-container-create.log")" 1
  assert_equal "$(scheduled web)" 2
  assert_equal "$(scheduled worker)" 4
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"
}

@test "the predeploy task's change is committed into the image, which keeps its own CMD" {
  push "$(app_source)"
  assert_success
  run docker run --rm "dokku/$APP:latest" cat /app/predeployed
  assert_success
  assert_output "$BUILD"
  run docker image inspect --format '{{json .Config.Cmd}}' "dokku/$APP:latest"
  assert_output '["httpd","-f","-p","5000","-h","/app/public"]'
  # no task container is left behind
  run docker container ls -aq --filter "label=com.dokku.app-name=$APP"
  assert_output ""
}

@test "after the take-over Dokku's own lookups find no task, and every other Procfile and app.json entry is kept" {
  push "$(app_source)"
  assert_success
  assert_equal "$(dokku_procfile_command "$APP" release)" ""
  assert_equal "$(dokku_procfile_command "$APP" web)" "httpd -f -p 5000 -h /app/public"
  assert_equal "$(dokku_procfile_command "$APP" worker)" "/app/bin/worker"
  run jq -c '[.name, .scripts.dokku.predeploy, .healthchecks.web[0].name]' "$DOKKU_LIB_ROOT/data/app-json/$APP/app.json"
  assert_output '["sample-app",null,"web check"]'
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"
}

@test "dokku migrate:status shows both runs of the latest deploy" {
  push "$(app_source)"
  assert_success
  run dokku migrate:status "$APP"
  assert_success
  assert_line --regexp 'predeploy.*succeeded'
  assert_line --regexp 'release.*succeeded'
  assert_output --partial "/app/bin/task release"
}

@test "a failing release aborts the deploy at post-release-builder, shows its output and is recorded" {
  local source
  source="$(app_source)"
  sed -i 's|^release: .*|release: /app/bin/task release fail|' "$source/Procfile"
  push "$source"
  assert_failure
  assert_output --partial 'relation "accounts" does not exist'

  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_equal "$(task_runs release "$BUILD")" 1
  assert_equal "$(grep -c " post-release-builder migrate rc=[1-9]" "$HARNESS_LOGS/plugn.log")" 1
  # the release stopped there: registry's trigger, which calls pre-deploy, never fired
  assert_equal "$(trigger_calls pre-deploy migrate)" 0
  assert_equal "$(trigger_calls post-deploy migrate)" 0
  assert_equal "$(scheduled web)" 0
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"

  run dokku migrate:status "$APP"
  assert_success
  # Dokku's task script ends in `<command> || exit 1;`, so the container exits 1 whatever the task's own code
  assert_line --regexp 'release +Procfile +failed +1 '
}

@test "a config change after a deploy runs the release task once more, and Dokku's runner still finds nothing" {
  push "$(app_source)"
  assert_success
  run dokku config:set "$APP" FEATURE_FLAG=on
  assert_success
  refute_output --partial "Failure while restarting app"

  assert_equal "$(task_runs release "$BUILD")" 2
  assert_equal "$(trigger_calls pre-deploy migrate)" 2
  assert_equal "$(dokku_procfile_command "$APP" release)" ""
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"
}

@test "ps:restart and ps:scale deploy again without running any task" {
  push "$(app_source)"
  assert_success
  run dokku ps:restart "$APP"
  assert_success
  run dokku ps:scale "$APP" worker=2
  assert_success
  assert_equal "$(wc -l <"$TASK_LOG_DIR/log")" 2
  assert_equal "$(trigger_calls post-deploy migrate)" 3
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"
}

@test "a web command that migrates while scaled to 2 gets a warning that names it and the fix" {
  local source
  source="$(app_source)"
  migrate_in_web "$source"
  push "$source"
  assert_success
  assert_line --regexp '^ !     .*\bweb\b'
  assert_line --regexp '^ !     .*release'
  assert_equal "$(scheduled web)" 2
  # the image was scanned while the tasks ran: the warning follows their output
  local end warning
  end="$(grep -n "End of $APP release task" <<<"$output" | cut -d: -f1)"
  warning="$(grep -n -E '^ !     .*\bweb\b' <<<"$output" | head -n1 | cut -d: -f1)"
  assert [ -n "$end" ]
  assert [ "$warning" -gt "$end" ]
}

@test "the same web command at scale 1 gets no warning" {
  local source
  run dokku ps:scale "$APP" web=1
  source="$(app_source)"
  migrate_in_web "$source"
  push "$source"
  assert_success
  refute_line --regexp '^ !     .*\bweb\b'
}

@test "with scaled-migrations set to fail, that deploy aborts before anything is scheduled" {
  local source
  # the property `dokku migrate:set shop scaled-migrations fail` writes
  set_property migrate "$APP" scaled-migrations fail
  source="$(app_source)"
  migrate_in_web "$source"
  push "$source"
  assert_failure
  assert_line --regexp '^ !     .*\bweb\b'
  # the scan comes before the tasks here, so a finding stops the deploy with nothing run
  assert_equal "$(task_runs predeploy "$BUILD")" 0
  assert_equal "$(task_runs release "$BUILD")" 0
  assert_equal "$(trigger_calls post-deploy migrate)" 0
  assert_equal "$(scheduled web)" 0
}

@test "an app.json with comments and trailing commas is read the way Dokku reads it" {
  local source
  source="$(app_source)"
  cat >"$source/app.json" <<'EOF'
{
  // compiled once per deploy
  "scripts": { "dokku": { "predeploy": "/app/bin/task predeploy", }, },
  /* the rest stays */
  "name": "sample-app",
}
EOF
  push "$source"
  assert_success
  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"
}

@test "app names with shell characters are refused and nothing runs" {
  local marker="$HOST_ROOT/pwned"
  run dokku migrate:status "x;touch $marker"
  assert_failure
  assert_output --partial "App name must begin with lowercase alphanumeric character"
  run runuser -u dokku -- plugn trigger pre-deploy "x\$(touch $marker)" latest
  assert_failure
  assert_output --partial "App name must begin with lowercase alphanumeric character"
  # shellcheck disable=SC2016
  run runuser -u dokku -- plugn trigger post-extract 'x`id`' "$HOST_ROOT" abc
  assert_failure
  assert_file_not_exists "$marker"
}
