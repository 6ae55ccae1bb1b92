#!/usr/bin/env bats
# The plugin's bash layer on its own: help, dispatch, argument checks, the launcher, shellcheck.
# A fake java (tests/test_helper.bash) records what the helper would have been asked to do.

load test_helper

TRIGGERS=(post-extract pre-deploy post-deploy post-delete post-app-rename-setup post-app-clone-setup)

setup() {
  HOST_ROOT="$(mktemp -d /tmp/dokku-migrate-test.XXXXXX)"
  chmod 0755 "$HOST_ROOT"
  fake_java
  FAKE_JDK="$HOST_ROOT/fake-jdk"
  # the helper may run as the dokku user: let it write the fake java's log
  FAKE_JAVA_LOG="$HOST_ROOT/log/fake-java.log"
  mkdir -p "$HOST_ROOT/log"
  chmod 0777 "$HOST_ROOT/log"
  export FAKE_JAVA_LOG JAVA_HOME="$FAKE_JDK"
  FAKE_JAR="$HOST_ROOT/migrate-helper.jar"
  touch "$FAKE_JAR"
  export DOKKU_MIGRATE_JAR="$FAKE_JAR" DOKKU_NOT_IMPLEMENTED_EXIT=10
}

teardown() {
  if [[ -d "$HOST_ROOT/var-lib-dokku" ]]; then harness-host-remove "$HOST_ROOT"; else rm -rf "$HOST_ROOT"; fi
}

# a Dokku data root under HOST_ROOT and one deploy's DOKKU_PID, for the triggers that read them
deploy_env() {
  export DOKKU_LIB_ROOT="$HOST_ROOT/lib" DOKKU_PID=4242
}

# the arguments the fake java got after `-jar JAR`, one per line
helper_args() {
  sed -n '/^-jar$/,$p' "$FAKE_JAVA_LOG" | tail -n +3
}

@test "commands exits 10 at once for a command it does not own, without starting a JVM" {
  for command in apps:list postgres:create config:set migrate:nope plugin:install; do
    run "$REPO_ROOT/commands" "$command" some-app
    assert_equal "$status" 10
    assert_output ""
  done
  assert_file_not_exists "$FAKE_JAVA_LOG"
}

@test "commands help prints one '    migrate:<command> <args>, Description' line per subcommand, without a JVM" {
  run "$REPO_ROOT/commands" help
  assert_success
  assert_equal "${#lines[@]}" "$(find "$REPO_ROOT/subcommands" -type f | wc -l)"
  for line in "${lines[@]}"; do
    [[ "$line" =~ ^\ \ \ \ migrate:[a-z-]+[^,]*,\ [A-Z][^,]+$ ]] || fail "not in Dokku's help format: '$line'"
  done
  assert_line --regexp '^    migrate:status <app>[^,]*\[--format json\][^,]*, '

  assert_file_not_exists "$FAKE_JAVA_LOG"
}

@test "every subcommand has a help line that names it" {
  for file in "$REPO_ROOT"/subcommands/*; do
    run grep -c "^#H migrate:${file##*/}[ ,]" "$file"
    assert_output 1
  done
}

@test "migrate:help and plain 'migrate' print a usage page listing every command" {
  for command in migrate:help migrate; do
    run "$REPO_ROOT/commands" "$command"
    assert_success
    assert_line --index 0 "Usage: dokku migrate[:COMMAND]"
    assert_line --regexp '^    migrate:status <app> .* +Show '
    assert_line --regexp '^    migrate:set <app>\|--global <key> \[<value>\] +Set '
  done
  assert_file_not_exists "$FAKE_JAVA_LOG"
}

@test "the README's Commands section is exactly the commands' help lines" {
  # the commands' own help lines, as "command args|Description"
  run "$REPO_ROOT/commands" help
  assert_success
  local from_code from_readme
  from_code="$(printf '%s\n' "${lines[@]}" | sed -E 's/^    //; s/, ([A-Z])/|\1/' | sort)"
  # the README's block, as the same pairs (columns are separated by two or more spaces)
  from_readme="$(awk '/^## Commands$/ { inside = 1; next } inside && /^## / { exit } inside && /^migrate:/' "$REPO_ROOT/README.md" |
    grep -v '^migrate:help ' | sed -E 's/ {2,}/|/' | sort)"
  [[ -n "$from_readme" ]] || fail "no command lines found under '## Commands' in README.md"
  assert_equal "$from_readme" "$from_code"
}

@test "dokku migrate:status runs subcommands/status, which hands 'status APP ARGS' to the helper as the dokku user" {
  harness_setup
  run dokku migrate:status my-app --format json
  assert_success
  run helper_args
  assert_output "$(printf '%s\n' status my-app --format json)"
  run stat -c %U "$FAKE_JAVA_LOG"
  assert_output dokku
}

@test "dokku migrate:<unknown> is not a dokku command" {
  harness_setup
  run dokku migrate:nope my-app
  assert_failure
  # shellcheck disable=SC2016
  assert_output --partial '`migrate:nope my-app` is not a dokku command.'
  assert_file_not_exists "$FAKE_JAVA_LOG"
}

@test "each trigger refuses missing arguments with a ' !     ' error and starts no JVM" {
  for trigger in post-extract pre-deploy post-app-rename-setup post-app-clone-setup; do
    run "$REPO_ROOT/$trigger" my-app
    assert_failure
    assert_output --regexp "^ !     migrate $trigger: expected arguments "
  done
  run "$REPO_ROOT/post-release-builder" dockerfile my-app
  assert_failure
  assert_output --regexp "^ !     migrate post-release-builder: expected arguments BUILDER_TYPE APP IMAGE, got 2"
  run "$REPO_ROOT/post-delete"
  assert_failure
  assert_output --regexp "^ !     migrate post-delete: expected arguments APP"
  run "$REPO_ROOT/pre-deploy" my-app ""
  assert_failure
  assert_output " !     migrate pre-deploy: IMAGE_TAG is empty"
  run "$REPO_ROOT/post-release-builder" dockerfile my-app ""
  assert_failure
  assert_output " !     migrate post-release-builder: IMAGE is empty"
  assert_file_not_exists "$FAKE_JAVA_LOG"
}

@test "each trigger hands Dokku's arguments to the helper subcommand of the same name" {
  run "$REPO_ROOT/post-extract" my-app /tmp/dokku-1-work abc123
  assert_success
  run helper_args
  assert_output "$(printf '%s\n' post-extract my-app /tmp/dokku-1-work abc123)"

  run "$REPO_ROOT/post-extract" my-app /tmp/dokku-1-work
  run helper_args
  assert_output "$(printf '%s\n' post-extract my-app /tmp/dokku-1-work)"

  run "$REPO_ROOT/pre-deploy" my-app latest
  assert_success
  run helper_args
  assert_output "$(printf '%s\n' pre-deploy my-app latest)"

  run "$REPO_ROOT/post-release-builder" dockerfile my-app dokku/my-app:latest
  assert_success
  run helper_args
  assert_output "$(printf '%s\n' post-release-builder dockerfile my-app dokku/my-app:latest)"

  run "$REPO_ROOT/post-deploy" my-app "" "" latest
  assert_success
  run helper_args
  assert_output "$(printf '%s\n' post-deploy my-app "" "" latest)"

  run "$REPO_ROOT/post-delete" my-app latest
  assert_success
  run helper_args
  assert_output "$(printf '%s\n' post-delete my-app)"

  for trigger in post-app-rename-setup post-app-clone-setup; do
    run "$REPO_ROOT/$trigger" old-app new-app
    assert_success
    run helper_args
    assert_output "$(printf '%s\n' "$trigger" old-app new-app)"
  done
}

@test "post-extract: a helper that fails before it marks the deploy leaves the tasks to Dokku and exits 0" {
  deploy_env
  FAKE_JAVA_EXIT=1 run "$REPO_ROOT/post-extract" my-app /tmp/dokku-1-work
  assert_success
  assert_output --partial " !     migrate: the helper failed (exit 1, see above) before it took over the tasks of my-app."
  assert_output --partial " !     Dokku's own runner runs this deploy's release and predeploy tasks; the deploy goes on."
  assert_output --partial " !     Fix what the message above names; check with: dokku migrate:doctor"

  FAKE_JAVA_EXIT=1 FAKE_JAVA_BROKEN=1 run "$REPO_ROOT/post-extract" my-app /tmp/dokku-1-work
  assert_success
  assert_output --partial " !     migrate: the helper cannot run, so it did not take over the tasks of my-app"
  assert_output --partial " !     Fix the plugin with: sudo dokku plugin:install"
}

@test "post-extract: a helper that marked the deploy, refused its Procfile or app.json (65), or found no shared ledger (69), fails the deploy" {
  deploy_env
  local mark="$HOST_ROOT/lib/data/migrate/takeovers/my-app/4242"
  FAKE_JAVA_EXIT=1 FAKE_JAVA_TOUCH="$mark" run "$REPO_ROOT/post-extract" my-app /tmp/dokku-1-work
  assert_equal "$status" 1
  refute_output --partial "Dokku's own runner"
  FAKE_JAVA_EXIT=65 run "$REPO_ROOT/post-extract" my-app /tmp/dokku-1-work
  assert_equal "$status" 65
  refute_output --partial "Dokku's own runner"
  FAKE_JAVA_EXIT=69 run "$REPO_ROOT/post-extract" my-app /tmp/dokku-1-work
  assert_equal "$status" 69
  refute_output --partial "Dokku's own runner"
  # a mark left by an earlier process with the same pid does not count
  touch "$mark"
  FAKE_JAVA_EXIT=1 run "$REPO_ROOT/post-extract" my-app /tmp/dokku-1-work
  assert_success
  assert_file_not_exists "$mark"
}

@test "pre-deploy leaves a build that post-extract did not mark to Dokku without a JVM, and runs the helper otherwise" {
  deploy_env
  mkdir -p "$DOKKU_LIB_ROOT/data/ps/my-app"
  touch "$DOKKU_LIB_ROOT/data/ps/my-app/Procfile.4242.missing"
  FAKE_JAVA_EXIT=1 run "$REPO_ROOT/pre-deploy" my-app latest
  assert_success
  assert_file_not_exists "$FAKE_JAVA_LOG"

  mkdir -p "$DOKKU_LIB_ROOT/data/migrate/takeovers/my-app"
  touch "$DOKKU_LIB_ROOT/data/migrate/takeovers/my-app/4242"
  FAKE_JAVA_EXIT=1 run "$REPO_ROOT/pre-deploy" my-app latest
  assert_failure
  run helper_args
  assert_output "$(printf '%s\n' pre-deploy my-app latest)"

  # a release without a build (config change, start): no copy of this pid, the helper runs
  rm -rf "$DOKKU_LIB_ROOT/data/ps/my-app" "$DOKKU_LIB_ROOT/data/migrate/takeovers" "$FAKE_JAVA_LOG"
  run "$REPO_ROOT/pre-deploy" my-app latest
  assert_success
  run helper_args
  assert_output "$(printf '%s\n' pre-deploy my-app latest)"
}

@test "pre-deploy after a post-release-builder of the same Dokku process that ended well starts no JVM; otherwise it runs the helper" {
  deploy_env
  # a live process, as DOKKU_PID always is: its start time tells it from an earlier one with its pid
  export DOKKU_PID=$$
  local mark="$DOKKU_LIB_ROOT/data/migrate/takeovers/my-app/$$.released"

  # a release without a build (no takeover directory yet): the mark is written after the helper succeeded
  run "$REPO_ROOT/post-release-builder" dockerfile my-app dokku/my-app:latest
  assert_success
  run helper_args
  assert_output "$(printf '%s\n' post-release-builder dockerfile my-app dokku/my-app:latest)"
  assert_file_exists "$mark"
  rm -f "$FAKE_JAVA_LOG"
  run "$REPO_ROOT/pre-deploy" my-app latest
  assert_success
  assert_output ""
  assert_file_not_exists "$FAKE_JAVA_LOG"

  # a failed post-release-builder removes the mark and leaves none: pre-deploy asks the helper
  FAKE_JAVA_EXIT=1 run "$REPO_ROOT/post-release-builder" dockerfile my-app dokku/my-app:latest
  assert_failure
  assert_file_not_exists "$mark"
  rm -f "$FAKE_JAVA_LOG"
  run "$REPO_ROOT/pre-deploy" my-app latest
  assert_success
  run helper_args
  assert_output "$(printf '%s\n' pre-deploy my-app latest)"

  # a mark left by an earlier process with the same pid, or another app's mark: the helper runs
  echo "another-boot:1" >"$mark"
  rm -f "$FAKE_JAVA_LOG"
  run "$REPO_ROOT/pre-deploy" my-app latest
  run helper_args
  assert_output "$(printf '%s\n' pre-deploy my-app latest)"
  run "$REPO_ROOT/post-release-builder" dockerfile my-app dokku/my-app:latest
  assert_success
  rm -f "$FAKE_JAVA_LOG"
  run "$REPO_ROOT/pre-deploy" other-app latest
  run helper_args
  assert_output "$(printf '%s\n' pre-deploy other-app latest)"
}

@test "post-deploy never fails the deploy: a failing helper or missing arguments only warn" {
  FAKE_JAVA_EXIT=3 run "$REPO_ROOT/post-deploy" my-app "" "" latest
  assert_success
  assert_output --regexp '^ !     migrate post-deploy: the helper failed \(exit 3\)'
  run "$REPO_ROOT/post-deploy"
  assert_success
  assert_output --regexp '^ !     migrate post-deploy: '
}

@test "triggers and commands refuse app names with shell characters, before any JVM" {
  local marker="$HOST_ROOT/pwned"
  run "$REPO_ROOT/pre-deploy" "x;touch $marker" latest
  assert_failure
  assert_output --partial "App name must begin with lowercase alphanumeric character"
  run "$REPO_ROOT/post-extract" "x\$(touch $marker)" /tmp
  assert_failure
  run "$REPO_ROOT/post-app-rename-setup" good-app "new app"
  assert_failure
  run "$REPO_ROOT/subcommands/status" migrate:status "A-App"
  assert_failure
  run "$REPO_ROOT/subcommands/set" migrate:set "x|y" timeout 10
  assert_failure
  assert_file_not_exists "$marker"
  assert_file_not_exists "$FAKE_JAVA_LOG"
}

@test "commands that need an app say so when it is missing" {
  for command in status logs run unlock set notify-test; do
    run "$REPO_ROOT/subcommands/$command" "migrate:$command"
    assert_failure
    assert_output " !     Please specify an app to run the command on"
  done
  assert_file_not_exists "$FAKE_JAVA_LOG"
}

@test "the launcher starts java with the fast-start options, then -jar and the arguments" {
  run "$REPO_ROOT/bin/migrate-helper" status my-app
  assert_success
  run cat "$FAKE_JAVA_LOG"
  assert_line --index 0 -- "-XX:TieredStopAtLevel=1"
  assert_line --index 1 -- "-XX:CICompilerCount=1"
  assert_line --index 2 -- "-XX:+UseSerialGC"
  assert_line --index 3 -- "-XX:-UsePerfData"
  assert_line --index 4 -- "-Xms64m"
  assert_line --index 5 -- "-Xmx512m"
  assert_line --index 6 -- "-Xshare:auto"
  assert_line --index 7 -- "-jar"
  assert_line --index 8 -- "$FAKE_JAR"
  refute_output --partial "SharedArchiveFile"
  refute_output --partial "org.sqlite.lib.path"
}

@test "the launcher adds the CDS archive and the unpacked sqlite library when install left them next to the jar" {
  local lib="$HOST_ROOT/plugins/migrate/lib"
  mkdir -p "$lib/native"
  touch "$lib/migrate-helper.jar" "$lib/migrate-helper.jsa" "$lib/native/libsqlitejdbc.so"
  unset DOKKU_MIGRATE_JAR
  PLUGIN_AVAILABLE_PATH="$HOST_ROOT/plugins" run "$REPO_ROOT/bin/migrate-helper" status my-app
  assert_success
  run cat "$FAKE_JAVA_LOG"
  assert_line -- "-XX:SharedArchiveFile=$lib/migrate-helper.jsa"
  assert_line -- "-Dorg.sqlite.lib.path=$lib/native"
  assert_line -- "-Dorg.sqlite.lib.name=libsqlitejdbc.so"
  assert_line -- "$lib/migrate-helper.jar"
}

@test "without a placed jar the launcher uses the development build in java-helper/target" {
  [[ -f "$REPO_ROOT/java-helper/target/migrate-helper.jar" ]] || skip "java-helper has not been built"
  unset DOKKU_MIGRATE_JAR
  PLUGIN_AVAILABLE_PATH="$HOST_ROOT/none" run "$REPO_ROOT/bin/migrate-helper" status my-app
  assert_success
  run cat "$FAKE_JAVA_LOG"
  assert_line -- "$(readlink -f "$REPO_ROOT/java-helper/target/migrate-helper.jar")"
}

@test "the launcher exits with the helper's status" {
  FAKE_JAVA_EXIT=7 run "$REPO_ROOT/bin/migrate-helper" pre-deploy my-app latest
  assert_equal "$status" 7
}

@test "the launcher says what to do when there is no java or no jar" {
  local bin="$HOST_ROOT/bin-without-java" tool
  mkdir -p "$bin"
  for tool in bash dirname readlink env; do ln -s "$(command -v "$tool")" "$bin/$tool"; done
  run env -i PATH="$bin" "$REPO_ROOT/bin/migrate-helper" status my-app
  assert_failure
  assert_output --partial "Java 17 or newer is required and none was found; install it with: sudo dokku plugin:install"

  DOKKU_MIGRATE_JAR="$HOST_ROOT/missing.jar" run "$REPO_ROOT/bin/migrate-helper" status my-app
  assert_failure
  assert_output --partial "DOKKU_MIGRATE_JAR points to $HOST_ROOT/missing.jar, which does not exist"

  # a copy of the launcher outside the checkout, so there is no development build either
  cp -a "$REPO_ROOT/bin" "$REPO_ROOT/internal-functions" "$HOST_ROOT/"
  unset DOKKU_MIGRATE_JAR
  PLUGIN_AVAILABLE_PATH="$HOST_ROOT/none" run "$HOST_ROOT/bin/migrate-helper" status my-app
  assert_failure
  assert_output --partial "migrate-helper.jar is not installed: run 'sudo dokku plugin:install'"
}

# starts the launcher in a session of its own with a java that reports the signals it gets
start_launcher_with_signal_recorder() {
  cat >"$FAKE_JDK/bin/java" <<'EOF'
#!/usr/bin/env bash
trap 'echo TERM >"$SIGNAL_LOG"; exit 143' TERM
trap 'echo INT >"$SIGNAL_LOG"; exit 130' INT
ps -o pgid= -p $$ | tr -d ' ' >"$SIGNAL_LOG.pgid"
while true; do sleep 0.1; done
EOF
  export SIGNAL_LOG="$HOST_ROOT/signal.log"
  # a background job of this shell would start with SIGINT and SIGQUIT ignored: undo that, as a
  # hook started by Dokku has them at their defaults
  setsid env --default-signal=INT,QUIT "$REPO_ROOT/bin/migrate-helper" pre-deploy my-app latest &
  LAUNCHER_PID=$!
  for _ in $(seq 1 100); do
    [[ -s "$SIGNAL_LOG.pgid" ]] && return 0
    sleep 0.1
  done
  fail "the fake java did not start"
}

@test "SIGQUIT to the deploy's process group (builds:cancel) reaches the helper as SIGTERM, and only once" {
  start_launcher_with_signal_recorder
  assert_not_equal "$(cat "$SIGNAL_LOG.pgid")" "$LAUNCHER_PID"
  kill -QUIT -- "-$LAUNCHER_PID"
  status=0
  wait "$LAUNCHER_PID" || status=$?
  assert_equal "$status" 143
  run cat "$SIGNAL_LOG"
  assert_output "TERM"
}

@test "SIGINT and SIGTERM to the launcher are passed on to the helper as they are" {
  start_launcher_with_signal_recorder
  kill -INT "$LAUNCHER_PID"
  status=0
  wait "$LAUNCHER_PID" || status=$?
  assert_equal "$status" 130
  run cat "$SIGNAL_LOG"
  assert_output "INT"

  rm -f "$SIGNAL_LOG" "$SIGNAL_LOG.pgid"
  start_launcher_with_signal_recorder
  kill -TERM "$LAUNCHER_PID"
  status=0
  wait "$LAUNCHER_PID" || status=$?
  assert_equal "$status" 143
  run cat "$SIGNAL_LOG"
  assert_output "TERM"
}

@test "every plugin file opens with 'set -eo pipefail' and the DOKKU_TRACE switch" {
  for file in "${TRIGGERS[@]}" install update uninstall dependencies commands internal-functions bin/migrate-helper subcommands/*; do
    run sed -n 2,3p "$REPO_ROOT/$file"
    # shellcheck disable=SC2016
    assert_output "$(printf '%s\n' 'set -eo pipefail' '[[ $DOKKU_TRACE ]] && set -x')"
    [[ "$file" == internal-functions ]] || assert_file_executable "$REPO_ROOT/$file"
  done
}

@test "plugin.toml declares the plugin, its version and a config section" {
  run cat "$REPO_ROOT/plugin.toml"
  assert_line --index 0 "[plugin]"
  assert_line --regexp '^description = ".+"$'
  assert_line 'version = "0.1.0"'
  assert_line "[plugin.config]"
}

@test "shellcheck finds nothing in any bash file of the repository" {
  mapfile -t files < <(cd "$REPO_ROOT" && grep -rlE --exclude-dir=.git --exclude-dir=java-helper --exclude-dir=lib --exclude='*.md' '^#!/usr/bin/env (bash|bats)' . | sort)
  [[ "${#files[@]}" -gt 20 ]] || fail "expected the plugin, harness and test files, found: ${files[*]}"
  cd "$REPO_ROOT"
  run shellcheck -x "${files[@]}"
  assert_success
}
