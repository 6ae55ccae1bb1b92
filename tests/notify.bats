#!/usr/bin/env bats
# Issue 14's scenarios: the webhook notice of each finished task run, posted to a small python3
# http.server on loopback, and the post-migrate-task trigger, received by a tiny plugin this file
# enables, through the Dokku harness against the real Docker engine.

load test_helper

APP=shop

setup() {
  setup_app "$APP"
  RECEIVED="$HOST_ROOT/received.jsonl"
  touch "$RECEIVED"
  TRIGGERED="$HOST_ROOT/post-migrate-task.log"
  receiver_plugin
}

teardown() {
  [[ -z "$RECEIVER_PID" ]] || kill "$RECEIVER_PID" 2>/dev/null || true
  harness_teardown
}

# a webhook endpoint on 127.0.0.1: appends each body as a line to $RECEIVED and answers ANSWER
# (an HTTP status), or never answers when ANSWER is "silent"; sets RECEIVER_URL
start_receiver() {
  local answer="$1" script="$HOST_ROOT/receiver.py" port_file="$HOST_ROOT/receiver.port"
  cat >"$script" <<'EOF_PY'
import http.server, sys, time
answer, received, port_file = sys.argv[1], sys.argv[2], sys.argv[3]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(received, "ab") as out:
            out.write(body + b"\n")
        if answer == "silent":
            time.sleep(300)
            return
        self.send_response(int(answer))
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(port_file + ".tmp", "w") as out:
    out.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
EOF_PY
  python3 "$script" "$answer" "$RECEIVED" "$port_file" 3>&- &
  RECEIVER_PID=$!
  for _ in $(seq 1 100); do
    [[ -s "$port_file" ]] && break
    sleep 0.1
  done
  [[ -s "$port_file" ]] || fail "the python3 receiver did not start"
  RECEIVER_URL="http://127.0.0.1:$(cat "$port_file")/hooks/T0001/s3cr3t-path?token=t0k3n"
}

# another plugin, enabled after migrate, whose post-migrate-task logs its arguments and says so
receiver_plugin() {
  local plugin="$PLUGIN_AVAILABLE_PATH/zz-receiver"
  mkdir -p "$plugin"
  cat >"$plugin/post-migrate-task" <<EOF_SH
#!/usr/bin/env bash
echo "\$*" >>"$TRIGGERED"
echo "receiver: post-migrate-task \$*"
exit 7
EOF_SH
  chmod 0755 "$plugin/post-migrate-task"
  touch "$TRIGGERED"
  chmod 0666 "$TRIGGERED"
  ln -s "$plugin" "$PLUGIN_ENABLED_PATH/zz-receiver"
}

# the app's source, its release task printing the app's secret and then failing when FAIL is given
failing_source() {
  local source
  source="$(app_source)"
  # shellcheck disable=SC2016
  sed -i 's|^release: .*|release: echo "token=$SECRET_TOKEN" \&\& /app/bin/task release fail|' "$source/Procfile"
  echo "$source"
}

status_json() {
  dokku migrate:status "$APP" --format json
}

@test "a failed release task is posted once, masked and recorded; the trigger fires with APP PHASE STATE RUN_ID" {
  start_receiver 200
  run dokku config:set --no-restart "$APP" "SECRET_TOKEN=very-secret-value-42"
  assert_success
  run dokku migrate:set "$APP" notify-url "$RECEIVER_URL"
  assert_success
  refute_output --partial "s3cr3t"

  run dokku harness:push "$APP" "$(failing_source)" "0123456789abcdef"
  assert_failure
  local push_output="$output" run_id predeploy_id
  run_id="$(status_json | jq -r '.latest_deploy.runs[] | select(.phase == "release") | .id')"
  predeploy_id="$(status_json | jq -r '.latest_deploy.runs[] | select(.phase == "predeploy") | .id')"

  # the failure was posted, once (the predeploy task succeeded: not posted under notify-on failure)
  assert_equal "$(wc -l <"$RECEIVED")" 1
  assert_equal "$(jq -r .app "$RECEIVED")" "$APP"
  assert_equal "$(jq -r .phase "$RECEIVED")" release
  assert_equal "$(jq -r .state "$RECEIVED")" failed
  assert_equal "$(jq -r .exit_code "$RECEIVED")" 1
  assert_equal "$(jq -r .run_id "$RECEIVED")" "$run_id"
  assert_equal "$(jq -r .test "$RECEIVED")" false
  assert_equal "$(jq -r .origin "$RECEIVED")" extracted
  run jq -r .text "$RECEIVED"
  assert_output --regexp "^release task of $APP failed \(exit 1\) on .+, deploy #[0-9]+: "
  run jq -r .output_tail "$RECEIVED"
  assert_output --partial "token=[masked]"
  assert_output --partial "AddUsers: migrating"
  run grep -c "very-secret-value-42" "$RECEIVED"
  assert_output 0

  # recorded against the run, shown by status and doctor
  assert_equal "$(status_json | jq -c ".latest_deploy.runs[] | select(.id == $run_id) | .notification | [.delivered, .attempts, .last_status, .target]")" \
    '[true,1,200,"http://127.0.0.1"]'
  run dokku migrate:doctor "$APP"
  assert_output --partial "The last notice (run #$run_id"
  assert_output --partial "was delivered."

  # the trigger fired for both runs, in order, with APP PHASE STATE RUN_ID; its output indented, its exit code ignored
  assert_equal "$(cat "$TRIGGERED")" "$APP predeploy succeeded $predeploy_id
$APP release failed $run_id"
  assert_equal "$(trigger_calls post-migrate-task zz-receiver 7)" 2
  [[ "$push_output" == *"       receiver: post-migrate-task $APP release failed $run_id"* ]] || fail "trigger output not shown indented: $push_output"
  [[ "$push_output" == *"post-migrate-task trigger exited 7 (ignored)"* ]] || fail "$push_output"
  [[ "$push_output" == *"Notice of run #$run_id sent to http://127.0.0.1: HTTP 200"* ]] || fail "$push_output"

  # the URL's secret parts never reached the output or Dokku's logs
  [[ "$push_output" != *"s3cr3t"* && "$push_output" != *"t0k3n"* ]] || fail "the URL leaked: $push_output"
  run grep -rl "s3cr3t" "$HARNESS_LOGS" "$DOKKU_LIB_ROOT/data/migrate/logs"
  assert_failure
  run dokku migrate:report "$APP" --migrate-notify-url
  assert_output "http://127.0.0.1"
}

@test "with notify-on always a succeeded deploy posts both tasks; the default posts nothing; the trigger fires either way" {
  start_receiver 200
  run dokku migrate:set "$APP" notify-url "$RECEIVER_URL"
  assert_success

  run dokku harness:push "$APP" "$(app_source)" "0123456789abcdef"
  assert_success
  assert_equal "$(wc -l <"$RECEIVED")" 0
  assert_equal "$(wc -l <"$TRIGGERED")" 2

  run dokku migrate:set "$APP" notify-on always
  assert_success
  run dokku harness:push "$APP" "$(app_source)" "0123456789abcdef"
  assert_success
  assert_equal "$(jq -r '"\(.phase) \(.state)"' "$RECEIVED")" "predeploy succeeded
release succeeded"
  run jq -r .text "$RECEIVED"
  assert_line --regexp "^release task of $APP succeeded in [0-9.]+s on .+, deploy #[0-9]+$"
  assert_equal "$(wc -l <"$TRIGGERED")" 4
}

@test "an endpoint that never answers leaves the deploy's outcome alone and the attempts are recorded" {
  start_receiver silent
  run dokku migrate:set "$APP" notify-url "$RECEIVER_URL"
  assert_success
  run dokku migrate:set "$APP" notify-on always

  run dokku harness:push "$APP" "$(app_source)" "0123456789abcdef"

  assert_success
  assert_output --partial "not delivered: no answer within"
  assert_output --partial "The deploy's outcome does not change"
  assert_equal "$(jq -r '.state' "$RECEIVED" | sort -u)" succeeded
  # every attempt reached the endpoint and is counted; the budget spent, a later notice is recorded as not sent
  local attempts
  attempts="$(status_json | jq '[.latest_deploy.runs[].notification.attempts] | add')"
  assert_equal "$attempts" "$(wc -l <"$RECEIVED")"
  assert_equal "$(status_json | jq '[.latest_deploy.runs[].notification.delivered] | any')" false
  run dokku migrate:doctor "$APP"
  assert_output --partial "was not delivered."
  assert_output --partial "dokku migrate:notify-test $APP"
}

@test "migrate:notify-test sends a sample marked as a test; bad notify values are refused with the allowed ones" {
  start_receiver 200
  run dokku migrate:notify-test "$APP"
  assert_failure
  assert_output --partial "No notify-url is set for $APP"

  run dokku migrate:set "$APP" notify-url "ftp://127.0.0.1/s3cr3t"
  assert_failure
  assert_output --partial "Invalid value for notify-url: its scheme must be http or https"
  refute_output --partial "s3cr3t"
  run dokku migrate:set "$APP" notify-on sometimes
  assert_failure
  assert_output --partial "Valid values: failure, always or never"
  run dokku migrate:set "$APP" notify-url "http://chat.example.com/hooks/s3cr3t"
  assert_success
  assert_output --partial "notify-url uses http:// to http://chat.example.com, which is not this machine"
  refute_output --partial "s3cr3t"

  # given as "-", the URL is read from stdin and never shows in a process list
  run bash -c 'echo "$1" | dokku migrate:set "$2" notify-url -' _ "$RECEIVER_URL" "$APP"
  assert_success
  assert_output "=====> Setting notify-url to http://127.0.0.1 (the rest of the URL is a secret: never shown)"
  assert_equal "$(cat "$DOKKU_LIB_ROOT/config/migrate/$APP/notify-url")" "$RECEIVER_URL"
  run dokku migrate:notify-test "$APP"
  assert_success
  assert_output --partial "Test notice for $APP sent to http://127.0.0.1"
  assert_output --partial "The endpoint answered HTTP 200, answer: ok"
  assert_equal "$(jq -r .test "$RECEIVED")" true
  run dokku migrate:help
  assert_output --partial "migrate:notify-test <app>"
}

# waits up to SECONDS for COMMAND to succeed
wait_for() {
  local seconds="$1"
  shift 1
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [[ "$SECONDS" -lt "$deadline" ]] || return 1
    sleep 0.2
  done
}

@test "a deploy stopped by SIGHUP while its release task runs is notified as interrupted, and the trigger fires" {
  start_receiver 200
  mount_task_log "$APP"
  run dokku migrate:set "$APP" notify-url "$RECEIVER_URL"
  assert_success
  local source pid
  source="$(app_source)"
  sed -i 's|^release: .*|release: touch /tasks/started \&\& sleep 300|' "$source/Procfile"

  # a push in a process group of its own, hung up on (an ssh disconnect) once the task runs
  setsid dokku harness:push "$APP" "$source" "0123456789abcdef" >"$HOST_ROOT/push.out" 2>&1 3>&- &
  pid=$!
  wait_for 120 test -e "$TASK_LOG_DIR/started" || fail "the release task did not start: $(cat "$HOST_ROOT/push.out")"
  kill -HUP -- "-$pid"
  wait "$pid" || true

  # the helper stops the container, records the run, then tells of it before it exits
  wait_for 60 grep -q '"state":"interrupted"' "$RECEIVED" || fail "no notice of the interrupted run: $(cat "$RECEIVED")"
  local run_id
  run_id="$(jq -r .run_id "$RECEIVED")"
  assert_equal "$(jq -r .phase "$RECEIVED")" release
  run jq -r .text "$RECEIVED"
  assert_output --regexp "^release task of $APP was interrupted on .+, deploy #[0-9]+: "
  wait_for 30 grep -q "^$APP release interrupted $run_id\$" "$TRIGGERED" || fail "trigger not fired: $(cat "$TRIGGERED")"
  assert_equal "$(status_json | jq -r ".latest_deploy.runs[] | select(.id == $run_id) | .state")" interrupted
}
