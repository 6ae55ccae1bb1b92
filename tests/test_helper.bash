#!/usr/bin/env bash
# Shared by the bats files: a fresh Dokku host per test (tests/harness), with the migrate plugin
# installed as `dokku plugin:install` would, and helpers to build apps from examples/sample-app.

load "/usr/lib/bats/bats-support/load"
load "/usr/lib/bats/bats-assert/load"
load "/usr/lib/bats/bats-file/load"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=harness/setup.bash
source "$REPO_ROOT/tests/harness/setup.bash"

harness_setup() {
  [[ "$(id -u)" == "0" ]] || skip "the Dokku harness needs root (it switches to the dokku user)"
  harness-dokku-user
  harness-base-image
  [[ -d "$HOST_ROOT" ]] || HOST_ROOT="$(mktemp -d /tmp/dokku-migrate-test.XXXXXX)"
  harness-host-create "$HOST_ROOT"
  harness-host-env "$HOST_ROOT"
  export DOKKU_PID="$$"
  HARNESS_LOGS="$DOKKU_LIB_ROOT/harness"
}

harness_teardown() {
  [[ -z "$HOST_ROOT" ]] || harness-host-remove "$HOST_ROOT"
}

install_plugin() {
  run dokku plugin:install
  assert_success
}

# the setup of a file whose tests work on one app: a fresh host, the plugin installed, APP created
setup_app() {
  local app="$1"
  harness_setup
  install_plugin
  run dokku apps:create "$app"
  assert_success
}

# a copy of examples/sample-app under the host, with a fresh BUILD_ID; prints its path
app_source() {
  local dir
  dir="$(mktemp -d "$HOST_ROOT/source.XXXXXX")"
  cp -a "$REPO_ROOT/examples/sample-app/." "$dir/"
  head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/BUILD_ID"
  chmod -R a+rX "$dir"
  echo "$dir"
}

# the deployed image runs its tasks with /tasks mounted from a host directory, so every run leaves a line
mount_task_log() {
  local app="$1"
  TASK_LOG_DIR="$HOST_ROOT/tasks-$app"
  mkdir -p "$TASK_LOG_DIR"
  chmod 0777 "$TASK_LOG_DIR"
  run dokku docker-options:add "$app" deploy "-v $TASK_LOG_DIR:/tasks"
  assert_success
}

# number of runs of PHASE recorded in the task log (for BUILD when given)
task_runs() {
  local phase="$1" build="$2"
  [[ -f "$TASK_LOG_DIR/log" ]] || {
    echo 0
    return
  }
  grep -c "^$phase ${build}" "$TASK_LOG_DIR/log" || true
}

# number of calls of TRIGGER in PLUGIN that ended with RC, from the harness's plugn log
trigger_calls() {
  local trigger="$1" plugin="$2" rc="${3:-0}"
  grep -c " $trigger $plugin rc=$rc " "$HARNESS_LOGS/plugn.log" || true
}

# what Dokku's own procfile-get-command says about a process type right now
dokku_procfile_command() {
  runuser -u dokku -- plugn trigger procfile-get-command "$1" "$2" 5000 2>/dev/null || true
}

set_property() {
  local plugin="$1" app="$2" key="$3" value="$4" dir
  dir="$DOKKU_LIB_ROOT/config/$plugin/$app"
  mkdir -p "$dir"
  printf '%s' "$value" >"$dir/$key"
  chown -R dokku:dokku "$DOKKU_LIB_ROOT/config/$plugin"
  chmod 0600 "$dir/$key"
}

# a fake java in front of the real one: records its arguments, answers -version with FAKE_JAVA_VERSION,
# exits FAKE_JAVA_EXIT (a helper's --version exits 0 unless FAKE_JAVA_BROKEN), creates FAKE_JAVA_TOUCH
fake_java() {
  FAKE_JDK="$HOST_ROOT/fake-jdk"
  FAKE_JAVA_LOG="$HOST_ROOT/fake-java.log"
  mkdir -p "$FAKE_JDK/bin"
  cat >"$FAKE_JDK/bin/java" <<'EOF'
#!/usr/bin/env bash
if [[ "$1" == "-version" ]]; then
  echo "openjdk version \"${FAKE_JAVA_VERSION:-17.0.9}\" 2023-10-17" 1>&2
  exit 0
fi
printf '%s\n' "$@" >"$FAKE_JAVA_LOG"
# the launcher's probe of a helper that starts
[[ "${*: -1}" != "--version" ]] || [[ -n "$FAKE_JAVA_BROKEN" ]] || exit 0
[[ -z "$FAKE_JAVA_TOUCH" ]] || { mkdir -p "${FAKE_JAVA_TOUCH%/*}" && touch "$FAKE_JAVA_TOUCH"; }
exit "${FAKE_JAVA_EXIT:-0}"
EOF
  chmod 0755 "$FAKE_JDK/bin/java"
  export FAKE_JAVA_LOG
}

# pushes SOURCE as a build of APP, and remembers it (SOURCE) and its BUILD_ID (BUILD)
push() {
  SOURCE="$1"
  BUILD="$(cat "$SOURCE/BUILD_ID")"
  run dokku harness:push "$APP" "$SOURCE" "0123456789abcdef"
}
