#!/usr/bin/env bats
# The app's history follows Dokku's apps:rename, apps:clone and apps:destroy.

load test_helper

APP=ledger-app

setup() {
  setup_app "$APP"
  run dokku harness:push "$APP" "$(app_source)"
  assert_success
}

teardown() {
  harness_teardown
}

# true when migrate:status of APP shows a release run that succeeded
has_history() {
  run dokku migrate:status "$1"
  [[ "$status" -eq 0 ]] && [[ "$output" =~ release[^$'\n']*succeeded ]]
}

# asserts that migrate:status of APP succeeded and found nothing recorded for it
assert_no_history() {
  run dokku migrate:status "$1"
  assert_success
  assert_output --partial "No deploy recorded yet"
  refute_output --partial "Latest deploy"
  refute_output --partial "succeeded"
}

@test "apps:rename moves the history to the new name" {
  run dokku apps:rename "$APP" "$APP-renamed"
  assert_success
  has_history "$APP-renamed" || fail "no history under the new name: $output"
  run dokku apps:create "$APP"
  assert_success
  assert_no_history "$APP"
}

@test "apps:clone copies the history to the clone and keeps the original's" {
  run dokku apps:clone "$APP" "$APP-clone"
  assert_success
  has_history "$APP-clone" || fail "no history for the clone: $output"
  has_history "$APP" || fail "the original lost its history: $output"
}

@test "apps:destroy removes the history: an app created again under that name starts empty" {
  run dokku apps:destroy "$APP" --force
  assert_success
  assert_equal "$(trigger_calls post-delete migrate)" 1
  run dokku apps:create "$APP"
  assert_success
  assert_no_history "$APP"
  # no task log or other record named after it is left (lock files are only locks, and may stay)
  run find "$DOKKU_LIB_ROOT/data/migrate" -name "*$APP*" -not -path "*/locks/*"
  assert_output ""
}
