#!/usr/bin/env bats
# Issue 11: the tasks run from whichever release trigger fires (post-release-builder, pre-deploy),
# never twice and never skipped in silence, in the image Dokku releases and deploys (registry
# push-on-release, custom image repo). Each task's run is counted by the line it appends to
# /tasks/log, a host directory mounted into the app's containers.

load test_helper

APP=shop

setup() {
  setup_app "$APP"
  mount_task_log "$APP"
}

teardown() {
  local ids
  if [[ -n "$APP" ]] && [[ -n "$HOST_ROOT" ]]; then
    # every tag the registry stand-in added (REPO:N, SERVER/REPO:N, a custom repo)
    mapfile -t ids < <(docker image ls -q --filter "label=com.dokku.app-name=$APP" | sort -u)
    [[ "${#ids[@]}" -eq 0 ]] || docker image rm -f "${ids[@]}" >/dev/null 2>&1 || true
  fi
  harness_teardown
}

# on a host that keeps only the tags Dokku deployed (dokku/APP:latest removed), migrate:run runs the
# release task a second time, in IMAGE: the image is asked from Dokku, not put together as dokku/APP:latest
rerun_release_in() {
  local image="$1"
  docker image rm "dokku/$APP:latest" >/dev/null
  run dokku migrate:run "$APP" --phase release
  assert_success
  assert_equal "$(task_runs release "$BUILD")" 2
  run dokku migrate:status "$APP" --format json
  assert_equal "$(jq -r '.latest_deploy.runs[0].image' <<<"$output")" "$image"
}

# the line number of the first plugn.log entry matching PATTERN
log_line() {
  grep -n -E "$1" "$HARNESS_LOGS/plugn.log" | head -n1 | cut -d: -f1
}

# the image id the scheduler started the app's web processes from
scheduled_image() {
  awk -v app="$APP" '$2 == app && $3 ~ /^web\./ { id = $4 } END { print id }' "$HARNESS_LOGS/scheduled.log"
}

@test "both release triggers fire for one release: post-release-builder runs each task once, pre-deploy finds them done without a JVM" {
  push "$(app_source)"
  assert_success
  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_equal "$(task_runs release "$BUILD")" 1
  assert_equal "$(trigger_calls post-release-builder migrate)" 1
  assert_equal "$(trigger_calls pre-deploy migrate)" 1
  # app-json's runner first (it found nothing), then migrate's, then registry's, which calls pre-deploy
  local core migrate pre_deploy registry
  core="$(log_line ' post-release-builder core rc=0 ')"
  migrate="$(log_line ' post-release-builder migrate rc=0 ')"
  pre_deploy="$(log_line ' pre-deploy migrate rc=0 ')"
  registry="$(log_line ' post-release-builder registry rc=0 ')"
  assert [ "$core" -lt "$migrate" ]
  assert [ "$migrate" -lt "$pre_deploy" ]
  assert [ "$pre_deploy" -lt "$registry" ]
  # post-release-builder marked this Dokku process's release as done, so pre-deploy started no helper
  # (a helper would have said the release task already ran)
  refute_output --partial "already ran for this deploy"
  assert [ -n "$(compgen -G "$DOKKU_LIB_ROOT/data/migrate/takeovers/$APP/*.released")" ]
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"
}

@test "a Dokku that no longer calls pre-deploy: post-release-builder alone runs the tasks of a build and of a config change" {
  touch "$HARNESS_LOGS/without-pre-deploy"
  push "$(app_source)"
  assert_success
  refute_output --partial "Deprecated: please upgrade plugin"
  assert_equal "$(trigger_calls pre-deploy migrate)" 0
  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_equal "$(task_runs release "$BUILD")" 1
  run docker run --rm "dokku/$APP:latest" cat /app/predeployed
  assert_output "$BUILD"

  run dokku config:set "$APP" FEATURE_FLAG=on
  assert_success
  assert_equal "$(task_runs predeploy "$BUILD")" 2
  assert_equal "$(task_runs release "$BUILD")" 2
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"
  run dokku migrate:doctor "$APP"
  assert_success
}

@test "a release that reaches post-deploy with its tasks unrun is said loudly, recorded as missed, and fails migrate:doctor" {
  # arranged on purpose: neither release trigger reaches the plugin, as on a Dokku that fired neither
  printf '%s\n' "post-release-builder migrate" "pre-deploy migrate" >"$HARNESS_LOGS/skipped-triggers"
  push "$(app_source)"
  assert_success
  assert_equal "$(task_runs predeploy "$BUILD")" 0
  assert_equal "$(task_runs release "$BUILD")" 0
  assert_line --regexp "^ !     migrate: the release of $APP \(deploy #1\) rolled out, but its tasks did not run:$"
  assert_line " !       predeploy (app.json: /app/bin/task predeploy): not run"
  assert_line " !       release (Procfile: /app/bin/task release): not run"
  assert_line " !     Run them now: dokku migrate:run $APP; then check: dokku migrate:doctor $APP"
  assert_equal "$(trigger_calls post-deploy migrate)" 1
  run sqlite3 "$DOKKU_LIB_ROOT/data/migrate/ledger.db" "SELECT kind, detail FROM events WHERE app = '$APP' AND kind = 'missed'"
  assert_output "missed|deploy #1 rolled out without running predeploy, release"

  run dokku migrate:doctor "$APP" --format json
  assert_failure
  assert_equal "$(jq -r '.checks[] | select(.id == "last-deploy") | .verdict' <<<"$output")" failure

  # the way out the warning names
  rm "$HARNESS_LOGS/skipped-triggers"
  run dokku migrate:run "$APP"
  assert_success
  assert_equal "$(task_runs release "$BUILD")" 1
  run dokku migrate:doctor "$APP"
  assert_success
}

@test "a config change whose release no trigger of the plugin reaches is said loudly and recorded as missed, not passed in silence" {
  push "$(app_source)"
  assert_success
  assert_equal "$(task_runs release "$BUILD")" 1
  # arranged on purpose: the config change's release reaches neither release trigger of the plugin
  printf '%s\n' "post-release-builder migrate" "pre-deploy migrate" >"$HARNESS_LOGS/skipped-triggers"
  run dokku config:set "$APP" SOME_KEY=value
  assert_success
  # the standing copies hold no task (the plugin took them), so Dokku's own runner ran nothing either
  assert_equal "$(task_runs release "$BUILD")" 1
  assert_line --regexp "^ !     migrate: the release of $APP \(deploy #2\) rolled out, but its tasks did not run:$"
  assert_line " !       release (Procfile: /app/bin/task release): not run"
  run sqlite3 "$DOKKU_LIB_ROOT/data/migrate/ledger.db" "SELECT origin FROM deploys WHERE app = '$APP' AND id = 2"
  assert_output "standing"
  run dokku migrate:doctor "$APP" --format json
  assert_failure
  assert_equal "$(jq -r '.checks[] | select(.id == "last-deploy") | .verdict' <<<"$output")" failure
}

@test "with registry push-on-release the deployed tag is not latest: the tasks run in the pushed image and migrate:run uses it" {
  run dokku registry:set "$APP" server registry.example.com
  run dokku registry:set "$APP" push-on-release true
  assert_success
  push "$(app_source)"
  assert_success
  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_equal "$(task_runs release "$BUILD")" 1
  local deployed="registry.example.com/dokku/$APP:1"
  assert_equal "$(awk '{ print $3 }' "$HARNESS_LOGS/pushed.log")" "$deployed"
  # the scheduler started the pushed image, which holds the predeploy task's change
  assert_equal "$(scheduled_image)" "$(docker image inspect --format '{{.Id}}' "$deployed")"
  run docker run --rm "$deployed" cat /app/predeployed
  assert_output "$BUILD"

  rerun_release_in "$deployed"
  run dokku migrate:doctor "$APP" --format json
  assert_equal "$(jq -r '.checks[] | select(.id == "image") | .finding' <<<"$output")" "$deployed exists."
}

@test "with a custom registry image-repo the tasks run once, and migrate:run runs in that repo's image" {
  run dokku registry:set "$APP" image-repo acme/storefront
  assert_success
  push "$(app_source)"
  assert_success
  assert_equal "$(task_runs predeploy "$BUILD")" 1
  assert_equal "$(task_runs release "$BUILD")" 1
  assert_equal "$(scheduled_image)" "$(docker image inspect --format '{{.Id}}' acme/storefront:latest)"
  run docker run --rm acme/storefront:latest cat /app/predeployed
  assert_output "$BUILD"

  rerun_release_in acme/storefront:latest
}
