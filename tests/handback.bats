#!/usr/bin/env bats
# shellcheck disable=SC2153 # SOURCE is set by push (test_helper.bash)
# Issue 11: when the plugin stops owning an app's tasks (migrate:set enabled false, plugin:uninstall)
# it puts them back into the app's standing Procfile/app.json byte for byte, so that Dokku's own
# runner runs them on the next release; enabled true (or a new install) takes them over again
# without a task running twice. Runs are counted by the line each task appends to /tasks/log.

load test_helper

APP=shop

setup() {
  setup_app "$APP"
  mount_task_log "$APP"
}

teardown() {
  harness_teardown
}

# a source whose Procfile and app.json carry comments, odd spacing and no final newline, so that a
# hand-back that rewrote them instead of restoring them would show
odd_source() {
  local source
  source="$(app_source)"
  printf '%s\n' "# release runs once per deploy" "web:   httpd -f -p \$PORT -h /app/public" \
    "release:    /app/bin/task release   # migrations" "" "worker: /app/bin/worker" >"$source/Procfile"
  printf '%s' '{
  // compiled once
  "name":"sample-app",
  "scripts": {"dokku": {"predeploy": "/app/bin/task predeploy", "postdeploy": ""}},
  "healthchecks": {"web": [{"type": "startup", "name": "web check", "path": "/"}]},
}' >"$source/app.json"
  echo "$source"
}

standing_procfile() { echo "$DOKKU_LIB_ROOT/data/ps/$APP/Procfile"; }
standing_app_json() { echo "$DOKKU_LIB_ROOT/data/app-json/$APP/app.json"; }

native_runs() {
  grep -c " $APP $1 " "$HARNESS_LOGS/native-tasks.log" || true
}

events() {
  sqlite3 "$DOKKU_LIB_ROOT/data/migrate/ledger.db" "SELECT kind FROM events WHERE app = '$APP' AND kind <> 'restart' ORDER BY id"
}

@test "enabled false puts the tasks back into the standing Procfile and app.json byte for byte; Dokku then runs each once" {
  push "$(odd_source)"
  assert_success
  refute grep -qE '^ *release:' "$(standing_procfile)"

  run dokku migrate:set "$APP" enabled false
  assert_success
  assert_line "-----> Handing the deployment tasks of $APP back to Dokku (migrate:set $APP enabled false)"
  assert_line "       release entry put back into $(standing_procfile)"
  assert_line "       scripts.dokku.predeploy put back into $(standing_app_json)"
  cmp "$SOURCE/Procfile" "$(standing_procfile)"
  cmp "$SOURCE/app.json" "$(standing_app_json)"
  assert_equal "$(stat -c %U "$(standing_procfile)")" dokku
  assert_equal "$(events)" "hand-back"

  run dokku config:set "$APP" FEATURE_FLAG=on
  assert_success
  assert_equal "$(native_runs predeploy)" 1
  assert_equal "$(native_runs release)" 1
  assert_equal "$(task_runs predeploy "$BUILD")" 2
  assert_equal "$(task_runs release "$BUILD")" 2
  # nothing to put back a second time, and the doctor finds Dokku's runner in charge
  run dokku migrate:set "$APP" enabled false
  assert_success
  refute_output --partial "Handing the deployment tasks"
  run dokku migrate:doctor "$APP"
  assert_success
}

@test "re-enabled, a release without a build is Dokku's once and the plugin's after; a build is the plugin's; nothing runs twice" {
  push "$(odd_source)"
  assert_success
  run dokku migrate:set --global enabled false
  assert_success
  assert_line "       release entry put back into $(standing_procfile)"
  run dokku migrate:set --global enabled ""
  assert_success
  assert_line "-----> migrate takes the deployment tasks of $APP over again at its next release"

  # 1: Dokku's runner runs them (the standing copies hold them); the plugin records it and takes them out
  run dokku config:set "$APP" STEP=1
  assert_success
  assert_output --partial "Taking over deployment tasks of $APP from Dokku's standing Procfile/app.json"
  assert_equal "$(native_runs predeploy)" 1
  assert_equal "$(native_runs release)" 1
  assert_equal "$(task_runs predeploy "$BUILD")" 2
  assert_equal "$(task_runs release "$BUILD")" 2
  refute grep -qE '^ *release:' "$(standing_procfile)"
  assert_equal "$(dokku_procfile_command "$APP" release)" ""
  run dokku migrate:status "$APP" --format json
  assert_equal "$(jq -r '[.latest_deploy.runs[].state] | join(",")' <<<"$output")" "skipped,skipped"

  # 2: the plugin runs them, once each; Dokku's runner finds nothing
  run dokku config:set "$APP" STEP=2
  assert_success
  assert_equal "$(native_runs release)" 1
  assert_equal "$(task_runs predeploy "$BUILD")" 3
  assert_equal "$(task_runs release "$BUILD")" 3

  # 3: a build, through the plugin
  push "$(odd_source)"
  assert_success
  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_equal "$(task_runs release "$BUILD")" 1
  assert_equal "$(native_runs release)" 1
  assert_equal "$(events)" "$(printf '%s\n' hand-back enabled take-over)"
  # the take-over kept what it took: a hand-back now puts the newest build's files back
  run dokku migrate:set "$APP" enabled false
  assert_success
  cmp "$SOURCE/Procfile" "$(standing_procfile)"
  cmp "$SOURCE/app.json" "$(standing_app_json)"
}

@test "re-enabled, a build takes the tasks over at once: the plugin runs them and Dokku's runner finds nothing" {
  push "$(odd_source)"
  assert_success
  run dokku migrate:set "$APP" enabled false
  assert_success
  run dokku migrate:set "$APP" enabled true
  assert_success
  push "$(odd_source)"
  assert_success
  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_equal "$(task_runs release "$BUILD")" 1
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"
  refute grep -qE '^ *release:' "$(standing_procfile)"
}

@test "plugin:uninstall hands every app's tasks back; Dokku runs them; installed again, the plugin takes them over" {
  push "$(odd_source)"
  assert_success

  run dokku plugin:uninstall migrate
  assert_success
  assert_line "-----> Handing the deployment tasks of $APP back to Dokku (plugin:uninstall)"
  assert_output --partial "Plugin migrate uninstalled"
  cmp "$SOURCE/Procfile" "$(standing_procfile)"
  cmp "$SOURCE/app.json" "$(standing_app_json)"
  assert_equal "$(stat -c %U "$(standing_app_json)")" dokku

  run dokku config:set "$APP" STEP=1
  assert_success
  assert_equal "$(native_runs predeploy)" 1
  assert_equal "$(native_runs release)" 1
  assert_equal "$(task_runs release "$BUILD")" 2

  install_plugin
  # Dokku's runner runs them once more (the plugin records it and takes them), then the plugin does
  run dokku config:set "$APP" STEP=2
  assert_success
  assert_equal "$(native_runs release)" 2
  assert_equal "$(task_runs release "$BUILD")" 3
  run dokku config:set "$APP" STEP=3
  assert_success
  assert_equal "$(native_runs release)" 2
  assert_equal "$(task_runs predeploy "$BUILD")" 4
  assert_equal "$(task_runs release "$BUILD")" 4
}

@test "migrate:doctor fails for an app whose tasks neither runner would run, and enabled false repairs it" {
  push "$(app_source)"
  assert_success
  # disabled behind the plugin's back: no hand-back happened
  set_property migrate "$APP" enabled false
  run dokku migrate:doctor "$APP" --format json
  assert_failure
  assert_equal "$(jq -r '.checks[] | select(.id == "native-release") | .verdict' <<<"$output")" failure
  assert_equal "$(jq -r '.checks[] | select(.id == "native-predeploy") | .verdict' <<<"$output")" failure
  assert_equal "$(jq -r '.checks[] | select(.id == "native-release") | .next_step' <<<"$output")" \
    "Hand it back to Dokku: dokku migrate:set $APP enabled false (puts it back as it was), or let the plugin run it again: dokku migrate:set $APP enabled true"

  run dokku migrate:set "$APP" enabled false
  assert_success
  run dokku migrate:doctor "$APP"
  assert_success
}

@test "an app built before the ledger kept copies gets its tasks back from the recorded plan; Dokku then runs each once" {
  push "$(app_source)"
  assert_success
  # a ledger from before schema 2: the build's plan is recorded, the copies are not
  sqlite3 "$DOKKU_LIB_ROOT/data/migrate/ledger.db" "DELETE FROM taken_copies"
  run dokku migrate:set "$APP" enabled false
  assert_success
  assert_line "       release entry put back into $(standing_procfile) from the plugin's record of the last build (taken before copies were kept, so the file was written anew)"
  assert_equal "$(dokku_procfile_command "$APP" release)" "/app/bin/task release"
  run jq -r '.scripts.dokku.predeploy, .healthchecks.web[0].name' "$(standing_app_json)"
  assert_output "$(printf '%s\n' "/app/bin/task predeploy" "web check")"

  run dokku config:set "$APP" FEATURE_FLAG=on
  assert_success
  assert_equal "$(native_runs predeploy)" 1
  assert_equal "$(native_runs release)" 1
  assert_equal "$(task_runs release "$BUILD")" 2
}

@test "a standing file changed by hand is never overwritten: the hand-back says what it could not do and fails" {
  push "$(app_source)"
  assert_success
  echo "clock: /app/bin/worker" >>"$(standing_procfile)"
  cp "$(standing_procfile)" "$HOST_ROOT/edited"
  run dokku migrate:set "$APP" enabled false
  assert_failure
  assert_line --regexp "^ !     Cannot hand the tasks of $APP back to Dokku: .*/data/ps/$APP/Procfile is not the copy the plugin left and has no release entry, so it was left as it is\.$"
  assert_line " !     Neither Dokku nor the plugin would run that task. Rebuild the app from its source so Dokku copies its Procfile and app.json again: dokku ps:rebuild $APP"
  cmp "$HOST_ROOT/edited" "$(standing_procfile)"
  # the app.json was still the plugin's copy: it went back
  run jq -r '.scripts.dokku.predeploy' "$(standing_app_json)"
  assert_output "/app/bin/task predeploy"
}
