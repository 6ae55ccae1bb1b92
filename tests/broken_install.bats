#!/usr/bin/env bats
# Issue 17: a broken install never breaks a deploy. When the helper cannot run at post-extract
# (no jar, no Java, a jar the JVM rejects) the plugin leaves the deploy's tasks to Dokku's own
# runner, which runs each once; once post-extract has taken the tasks, a helper that cannot run
# them fails the deploy. The plugin is a copy laid out as a release tarball is (helper/ holds the
# jar, no java-helper/), installed by the install trigger, so breaking it breaks nothing else.

load test_helper

APP=shop

setup() {
  harness_setup
  PLUGIN_COPY="$HOST_ROOT/plugin-copy"
  mkdir -p "$PLUGIN_COPY/helper"
  (cd "$REPO_ROOT" && cp -a plugin.toml commands dependencies install update uninstall internal-functions \
    post-* pre-* bin subcommands "$PLUGIN_COPY/")
  cp "$REPO_ROOT/java-helper/target/migrate-helper.jar" "$PLUGIN_COPY/helper/"
  chmod -R a+rX "$PLUGIN_COPY"
  rm "$PLUGIN_AVAILABLE_PATH/migrate"
  ln -s "$PLUGIN_COPY" "$PLUGIN_AVAILABLE_PATH/migrate"
  install_plugin
  MIGRATE_LIB="$PLUGIN_COPY/lib"
  assert_file_exists "$MIGRATE_LIB/migrate-helper.jar"
  run dokku apps:create "$APP"
  assert_success
  mount_task_log "$APP"
  run dokku ps:scale "$APP" web=2 worker=1
  assert_success
}

teardown() {
  harness_teardown
}

# a fresh copy of the sample app: sets SOURCE and BUILD
new_source() {
  SOURCE="$(app_source)"
  BUILD="$(cat "$SOURCE/BUILD_ID")"
}

# pushes a fresh copy of the sample app
push() {
  new_source
  run dokku harness:push "$APP" "$SOURCE" "0123456789abcdef"
}

native_runs() {
  grep -c " $APP $1 /app/bin/task $1\$" "$HARNESS_LOGS/native-tasks.log" || true
}

# a deploy that goes on with Dokku's own runner: each task once, by Dokku, with the warning, the
# processes scheduled, and the app's Procfile and app.json promoted with their tasks in place
assert_left_to_dokku() {
  assert_success
  assert_output --partial "Dokku's own runner runs this deploy's release and predeploy tasks; the deploy goes on."
  assert_output --partial "Fix the plugin with: sudo dokku plugin:install"
  assert_output --partial "Executing predeploy task from app.json: /app/bin/task predeploy"
  assert_output --partial "Executing release task from Procfile: /app/bin/task release"
  refute_output --partial "Taking over deployment tasks"
  assert_equal "$(native_runs predeploy)" 1
  assert_equal "$(native_runs release)" 1
  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_equal "$(task_runs release "$BUILD")" 1
  assert_equal "$(grep -c " $APP web\." "$HARNESS_LOGS/scheduled.log")" 2
  assert_files_equal "$DOKKU_LIB_ROOT/data/ps/$APP/Procfile" "$REPO_ROOT/examples/sample-app/Procfile"
  assert_files_equal "$DOKKU_LIB_ROOT/data/app-json/$APP/app.json" "$REPO_ROOT/examples/sample-app/app.json"
  # pre-deploy saw a build it did not take over, and left it alone
  assert_equal "$(trigger_calls pre-deploy migrate 0)" 1
  assert_dir_not_exists "$DOKKU_LIB_ROOT/data/migrate/takeovers/$APP"
}

@test "no jar: the deploy goes on with Dokku's own runner, each task once, and says how to fix the plugin" {
  rm "$MIGRATE_LIB/migrate-helper.jar"
  push
  assert_left_to_dokku
  assert_output --partial "migrate: the helper cannot run, so it did not take over the tasks of $APP: migrate-helper.jar is not installed"
}

@test "no Java: the deploy goes on with Dokku's own runner, each task once, and says how to fix the plugin" {
  # the hooks find no java: PATH without it, and no JAVA_HOME
  mkdir -p "$HOST_ROOT/no-java"
  local dir
  for dir in /usr/local/bin /usr/bin /usr/sbin; do
    cp -as "$dir/." "$HOST_ROOT/no-java/" 2>/dev/null || true
  done
  rm -f "$HOST_ROOT/no-java/java"
  new_source
  PATH="$HARNESS_ROOT/bin:$HOST_ROOT/no-java" run env -u JAVA_HOME dokku harness:push "$APP" "$SOURCE" "0123456789abcdef"
  assert_left_to_dokku
  assert_output --partial "Java 17 or newer is required and none was found; install it with: sudo dokku plugin:install"
}

@test "a jar the JVM rejects: the deploy goes on with Dokku's own runner, each task once, and says how to fix the plugin" {
  head -c 4096 "$PLUGIN_COPY/helper/migrate-helper.jar" >"$MIGRATE_LIB/migrate-helper.jar"
  push
  assert_left_to_dokku
  assert_output --regexp "migrate: the helper cannot run, so it did not take over the tasks of $APP: .*(corrupt|Invalid|jarfile)"
}

@test "migrate:doctor reports an install that cannot run, and the command that fixes it" {
  head -c 4096 "$PLUGIN_COPY/helper/migrate-helper.jar" >"$MIGRATE_LIB/migrate-helper.jar"
  run dokku migrate:doctor "$APP"
  assert_failure
  assert_line --regexp "^ !     The migrate helper cannot run: .*(corrupt|Invalid|jarfile).*sudo dokku plugin:install$"

  run dokku plugin:install
  assert_success
  run dokku migrate:doctor "$APP"
  refute_output --partial "cannot run"
}

@test "a helper that cannot run after post-extract took the tasks fails the deploy: no task runs, nothing is scheduled" {
  # a plugin after migrate whose post-extract takes the jar away, once migrate's post-extract has run
  local breaker="$HOST_ROOT/zz-break"
  mkdir -p "$breaker"
  printf '#!/usr/bin/env bash\nmv "%s/migrate-helper.jar" "%s/migrate-helper.jar.away"\n' "$MIGRATE_LIB" "$MIGRATE_LIB" >"$breaker/post-extract"
  chmod 0755 "$breaker/post-extract"
  chmod 0777 "$MIGRATE_LIB"
  ln -s "$breaker" "$PLUGIN_ENABLED_PATH/zz-break"

  push
  assert_failure
  assert_output --partial "Taking over deployment tasks of $APP"
  assert_output --partial "migrate-helper.jar is not installed"
  # the first release trigger to reach the plugin fails, and stops the release there
  assert_equal "$(trigger_calls post-release-builder migrate 1)" 1
  assert_equal "$(native_runs predeploy)" 0
  assert_equal "$(native_runs release)" 0
  assert_equal "$(task_runs predeploy "$BUILD")" 0
  assert_equal "$(task_runs release "$BUILD")" 0
  assert_file_empty "$HARNESS_LOGS/scheduled.log"
}

@test "a repaired install takes the tasks over again on the next deploy" {
  rm "$MIGRATE_LIB/migrate-helper.jar"
  push
  assert_success
  run dokku plugin:install
  assert_success
  push
  assert_success
  assert_output --partial "Taking over deployment tasks of $APP"
  refute_output --partial "Dokku's own runner runs"
  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_equal "$(task_runs release "$BUILD")" 1
  # the first deploy's tasks ran natively, the second's through the plugin
  assert_equal "$(native_runs release)" 1
  run dokku migrate:status "$APP" --format json
  assert_success
  assert_equal "$(jq -r '.latest_deploy.runs | map(.phase + "=" + .state) | join(",")' <<<"$output")" "predeploy=succeeded,release=succeeded"
}
