#!/usr/bin/env bats
# Issue 4, bad input and security: hostile app names, shell syntax in task commands, file modes,
# secrets, and task output full of terminal control sequences.

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

# what an attacker-chosen name could have changed: every path, size and mode under the host, and the ledger
host_snapshot() {
  find "$DOKKU_ROOT" "$DOKKU_LIB_ROOT" -path "$DOKKU_LIB_ROOT/harness" -prune -o -printf '%p %s %m %u\n' | LC_ALL=C sort
  sha256sum "$REL_LEDGER"
}

# runs one of the plugin's trigger files with a hostile argument; counts it refused when Dokku's naming
# message stops it (post-deploy must never fail a deploy: it warns and exits 0)
try_hook() {
  local hook="$1"
  shift 1
  calls=$((calls + 1))
  run rel_as_dokku env JAVA_HOME="$FAKE_JDK" DOKKU_PID="$REL_DEPLOY_PID" "$PLUGIN_ENABLED_PATH/migrate/$hook" "$@"
  if [[ "$hook" == "post-deploy" ]]; then
    [[ "$status" -eq 0 && "$output" == *" !     migrate post-deploy:"*"no valid app; nothing recorded"* ]] &&
      refused=$((refused + 1)) && return
  elif [[ "$status" -ne 0 && "$output" == *" !     App name must begin with lowercase alphanumeric character"* ]]; then
    refused=$((refused + 1))
    return
  fi
  seen "NOT refused: $hook $(rel_cell "$*") (exit $status)"
}

# the same for a migrate:* command run through dokku
try_command() {
  local command="$1"
  shift 1
  calls=$((calls + 1))
  run env JAVA_HOME="$FAKE_JDK" dokku "migrate:$command" "$@"
  if [[ "$status" -ne 0 && "$output" == *" !     App name must begin with lowercase alphanumeric character"* ]]; then
    refused=$((refused + 1))
    return
  fi
  seen "NOT refused: migrate:$command $(rel_cell "$*") (exit $status)"
}

@test "app names with shell syntax, path traversal, spaces, newlines or unicode are refused before anything runs or is written" {
  rel_row "app names with ';', '\$(...)', backticks, a pipe, '../', '/', a space, a newline, unicode, uppercase, at every hook and migrate:* command" \
    "each refused with Dokku's naming message (post-deploy: warns, exits 0); no JVM started, no file or ledger row written, no command run"
  local good names=() name before after
  refused=0
  calls=0
  good="$(rel_app_name goodname)"
  rel_create_app "$good"
  names=(
    "x;touch /tmp/pwned-$REL_ID-semicolon"
    "\$(touch /tmp/pwned-$REL_ID-subst)"
    "\`touch /tmp/pwned-$REL_ID-backtick\`"
    "a|touch /tmp/pwned-$REL_ID-pipe"
    "../../../../tmp/pwned-$REL_ID-dotdot"
    "app/../../pwned-$REL_ID-slash"
    "my app"
    $'multi\nline'
    "ünïcode-äpp"
    "UPPER"
    ".."
  )
  fake_java
  touch "$FAKE_JAVA_LOG"
  chmod 0666 "$FAKE_JAVA_LOG"
  before="$(host_snapshot)"
  rel_new_deploy_pid

  for name in "${names[@]}"; do
    try_hook post-extract "$name" /tmp rev
    try_hook pre-deploy "$name" latest
    try_hook post-release-builder dockerfile "$name" "dokku/$good:latest"
    try_hook post-delete "$name" latest
    try_hook post-app-rename-setup "$name" "$good"
    try_hook post-app-rename-setup "$good" "$name"
    try_hook post-app-clone-setup "$name" "$good"
    try_hook post-app-clone-setup "$good" "$name"
    try_hook post-deploy "$name" "" "" latest
    try_command status "$name"
    try_command logs "$name"
    try_command run "$name"
    try_command unlock "$name"
    try_command set "$name" timeout 5
    try_command report "$name"
    try_command doctor "$name"
  done
  seen "$refused of $calls calls refused (${#names[@]} names)"
  assert_equal "$refused" "$calls"

  run cat "$FAKE_JAVA_LOG"
  seen "JVM starts: $(grep -c . "$FAKE_JAVA_LOG" || true)"
  assert_output ""
  after="$(host_snapshot)"
  run diff <(echo "$before") <(echo "$after")
  seen "files or ledger changed: $([[ "$status" -eq 0 ]] && echo none || echo "$output")"
  assert_success
  run find /tmp -maxdepth 4 -name "*pwned-$REL_ID*"
  seen "pwned files: ${output:-none}"
  assert_output ""
}

@test "a task command with \$(...), backticks and ; runs only inside the container, never through a host shell" {
  rel_row "task commands with \$(touch /tmp/pwned-X), backticks and '; touch' (Procfile release and app.json predeploy)" \
    "the touches happen inside the task container only: no /tmp/pwned-X on the host"
  local app tasks marker="/tmp/pwned-$REL_ID"
  app="$(rel_app_name inject)"
  tasks="$HOST_ROOT/tasks-$app"
  rel_create_app "$app"
  rel_new_deploy_pid
  run rel_extract "$app" "$(rel_source "release: echo release \$(touch $marker-a) \`touch $marker-b\`; touch $marker-c; ls /tmp >/tasks/inside-release
web: httpd -f -p \$PORT -h /app/public" \
    "{\"scripts\": {\"dokku\": {\"predeploy\": \"echo predeploy \$(touch $marker-d) \`touch $marker-e\`; touch $marker-f; ls /tmp >/tasks/inside-predeploy\"}}}")" \
    "$REL_DEPLOY_PID"
  assert_success
  run rel_hook "$REL_DEPLOY_PID" pre-deploy "$app" latest
  seen "deploy exit $status"
  assert_success
  run cat "$tasks/inside-release" "$tasks/inside-predeploy"
  seen "inside the containers: $(echo "$output" | grep -c "pwned-$REL_ID") pwned files"
  assert_line "pwned-$REL_ID-a"
  assert_line "pwned-$REL_ID-b"
  assert_line "pwned-$REL_ID-c"
  assert_line "pwned-$REL_ID-d"
  assert_line "pwned-$REL_ID-e"
  assert_line "pwned-$REL_ID-f"
  run find /tmp -maxdepth 4 -name "pwned-$REL_ID*"
  seen "on the host: ${output:-none}"
  assert_output ""
}

@test "the data directory is 0750, the ledger, logs and locks 0640, owned by dokku, nothing world-readable (even under umask 000)" {
  rel_row "file modes of the data dir, ledger (-wal, -shm), logs and locks, with the hooks run under umask 000" \
    "data/migrate and its directories 0750, files 0640, all owned by dokku:dokku; nothing readable by others"
  local app tasks hook world
  app="$(rel_app_name perms)"
  tasks="$HOST_ROOT/tasks-$app"
  rel_create_app "$app"
  touch "$tasks/hold"
  chmod 0666 "$tasks/hold"
  rel_new_deploy_pid
  run bash -c "umask 0000; $(declare -f rel_extract rel_as_dokku); rel_extract '$app' \"\$1\" '$REL_DEPLOY_PID'" _ \
    "$(rel_source "release: /app/bin/rel-task hold perms
web: httpd -f -p \$PORT -h /app/public")"
  assert_success
  umask 0000
  rel_start_pre_deploy "$REL_DEPLOY_PID" "$app" "$HOST_ROOT/perms.out"
  hook="$REL_HOOK_PID"
  umask 0022
  rel_wait_for 60 grep -qs "^start perms" "$tasks/log"

  # while the task runs, the ledger's -wal and -shm files and the run's log exist too
  run bash -c "cd '$REL_DATA' && find . -printf '%m %u:%g %y %p\n' | LC_ALL=C sort -k4"
  seen "while a task ran: $(cut -d' ' -f1-3 <<<"$output" | sort | uniq -c | sed 's/^ *\([0-9]*\) /\1 x /' | paste -sd, -) (data dir, ledger.db, -wal, -shm, logs, locks)"
  assert_line "750 dokku:dokku d ."
  assert_line "640 dokku:dokku f ./ledger.db"
  assert_line "640 dokku:dokku f ./ledger.db-wal"
  assert_line "640 dokku:dokku f ./ledger.db-shm"
  assert_line "750 dokku:dokku d ./logs"
  assert_line "750 dokku:dokku d ./logs/$app"
  assert_line --regexp "^640 dokku:dokku f ./logs/$app/[0-9]+\.log$"
  assert_line "750 dokku:dokku d ./locks"
  assert_line "640 dokku:dokku f ./locks/app.$app.lock"
  world="$(find "$REL_DATA" \( -perm /o=rwx -o ! -user dokku -o ! -group dokku \) -printf '%m %u %p\n')"
  seen "readable by others or not dokku's: ${world:-none}"
  assert_equal "$world" ""
  rm -f "$tasks/hold"
  rel_wait_pid "$hook" 60
  assert_equal "$REL_WAIT_STATUS" 0
  world="$(find "$REL_DATA" \( -perm /o=rwx -o ! -user dokku -o ! -group dokku \) -printf '%m %u %p\n')"
  assert_equal "$world" ""
}

# a docker client that records its argv (never its environment) and then runs the real one
docker_spy() {
  local dir="$HOST_ROOT/docker-spy"
  mkdir -p "$dir"
  DOCKER_SPY_LOG="$dir/argv.log"
  : >"$DOCKER_SPY_LOG"
  chmod 0666 "$DOCKER_SPY_LOG"
  printf '#!/bin/bash\nprintf "%%s\\n" "$*" >>%q\nexec docker "$@"\n' "$DOCKER_SPY_LOG" >"$dir/docker"
  chmod 0755 "$dir/docker"
  DOCKER_SPY="$dir/docker"
}

@test "config values passed to the tasks never reach the ledger, the logs, docker's argv, the plugin's output or the committed image" {
  rel_row "an app secret (config:set SECRET_TOKEN) given to predeploy and release tasks that use it but print nothing of it" \
    "the tasks see it; it is absent from the ledger (+wal), task logs, docker argv, the hooks' output and the committed predeploy image's config"
  local app tasks secret hook_output
  app="$(rel_app_name secret)"
  tasks="$HOST_ROOT/tasks-$app"
  rel_create_app "$app"
  secret="s3cr3t-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  run dokku config:set --no-restart "$app" "SECRET_TOKEN=$secret"
  assert_success
  docker_spy
  rel_new_deploy_pid
  run rel_extract "$app" "$(rel_source "release: /app/bin/rel-task secret
web: httpd -f -p \$PORT -h /app/public" '{"scripts": {"dokku": {"predeploy": "/app/bin/rel-task secret"}}}')" \
    "$REL_DEPLOY_PID"
  assert_success
  hook_output="$output"
  run rel_as_dokku env DOKKU_PID="$REL_DEPLOY_PID" DOCKER_BIN="$DOCKER_SPY" \
    "$PLUGIN_ENABLED_PATH/migrate/pre-deploy" "$app" latest
  assert_success
  hook_output+="$output"
  run dokku migrate:status "$app" --format json
  hook_output+="$output"

  run cat "$tasks/secret.md5"
  seen "the task saw the secret: $([[ "$output" == "$(printf '%s' "$secret" | md5sum | cut -d' ' -f1)" ]] && echo yes || echo no)"
  assert_output "$(printf '%s' "$secret" | md5sum | cut -d' ' -f1)"
  assert_equal "$(grep "container create" "$DOCKER_SPY_LOG" | grep -c "dokku_phase_script=")" 2
  assert_equal "$(grep "container create" "$DOCKER_SPY_LOG" | grep "dokku_phase_script=" | grep -c -- "--env=SECRET_TOKEN ")" 2

  seen "in the hooks' output: $(grep -c -- "$secret" <<<"$hook_output" || true)"
  refute [ "$(grep -c -- "$secret" <<<"$hook_output")" -gt 0 ]
  run grep -rl -a -- "$secret" "$REL_DATA"
  seen "files under data/migrate holding it: ${output:-none}"
  assert_output ""
  run grep -c -- "$secret" "$DOCKER_SPY_LOG"
  seen "docker argv lines holding it: $output"
  assert_output 0
  run docker image inspect --format '{{json .Config.Env}}' "dokku/$app:latest"
  seen "committed image Config.Env: $output"
  refute_output --partial "$secret"
  assert_output --partial '"SECRET_TOKEN="'
  # docker commit also keeps the committed container's own config (ContainerConfig), env included
  run docker image inspect "dokku/$app:latest"
  seen "anywhere in the committed image's metadata (ContainerConfig included): $(grep -c -- "$secret" <<<"$output" || true)"
  refute_output --partial "$secret"
}

@test "task output with ANSI escapes, carriage returns and control characters is escaped on the terminal and in migrate:status, raw in the log" {
  rel_row "tasks printing clear-screen, colours, title-set, CR, BEL, BS; a predeploy command holding raw ESC and CR" \
    "hook output and migrate:status carry no control byte (shown as \\e, \\r, \\x07); log files and migrate:logs keep the exact bytes"
  local app tasks expected runs run_id rc
  app="$(rel_app_name ansi)"
  tasks="$HOST_ROOT/tasks-$app"
  rel_create_app "$app"
  rel_new_deploy_pid
  run rel_extract "$app" "$(rel_source "release: /app/bin/rel-task ansi
web: httpd -f -p \$PORT -h /app/public" '{"scripts": {"dokku": {"predeploy": "/app/bin/rel-task ansi '\''\u001b[2J\u001b]0;owned\u0007\r'\''"}}}')" \
    "$REL_DEPLOY_PID"
  assert_success
  rc=0
  rel_hook "$REL_DEPLOY_PID" pre-deploy "$app" latest >"$HOST_ROOT/ansi-hook.out" 2>&1 || rc=$?
  seen "deploy exit $rc"
  [[ "$rc" -eq 0 ]] || rel_fail "pre-deploy failed: $(tail -c 300 "$HOST_ROOT/ansi-hook.out")"
  seen "hook output: $(rel_control_bytes "$HOST_ROOT/ansi-hook.out") control bytes"
  assert_equal "$(rel_control_bytes "$HOST_ROOT/ansi-hook.out")" 0
  run grep -c -F '\e[2J\e[Hcleared screen' "$HOST_ROOT/ansi-hook.out"
  assert_output 2
  run grep -c -F 'progress 10%\rprogress 100%' "$HOST_ROOT/ansi-hook.out"
  assert_output 2

  dokku migrate:status "$app" >"$HOST_ROOT/ansi-status.out" 2>&1
  seen "migrate:status: $(rel_control_bytes "$HOST_ROOT/ansi-status.out") control bytes"
  assert_equal "$(rel_control_bytes "$HOST_ROOT/ansi-status.out")" 0
  run grep -F "/app/bin/rel-task ansi '\\e[2J\\e]0;owned\\x07\\r'" "$HOST_ROOT/ansi-status.out"
  assert_success
  run grep -cE '^ +#[0-9]+ +(predeploy|release) +(app.json|Procfile) +succeeded ' "$HOST_ROOT/ansi-status.out"
  assert_output 2
  run bash -c "dokku migrate:status '$app' --format json | jq -r '.latest_deploy.runs[0].command'"
  assert_output $'/app/bin/rel-task ansi \'\e[2J\e]0;owned\a\r\''

  expected="$HOST_ROOT/ansi-expected"
  busybox sh "$REL_FIXTURES/rel-task" ansi >"$expected"
  runs="$(rel_sql "SELECT id FROM runs WHERE app = '$app' ORDER BY id")"
  for run_id in $runs; do
    run cmp "$expected" "$REL_DATA/logs/$app/$run_id.log"
    seen "log of run #$run_id: $([[ "$status" -eq 0 ]] && echo 'raw bytes, identical' || echo "differs: $output")"
    assert_success
    dokku migrate:logs "$app" "$run_id" >"$HOST_ROOT/ansi-logs-$run_id.out" 2>/dev/null
    run cmp "$expected" "$HOST_ROOT/ansi-logs-$run_id.out"
    assert_success
  done
  assert_equal "$(wc -w <<<"$runs")" 2
}
