#!/usr/bin/env bats
# Issue 15: the migrations each run applied (recognised in the task's output as it streams), and
# the lock an app's tasks run under by default: that of the database its DATABASE_URL names.

load test_helper

APP=shop

setup() {
  setup_app "$APP"
}

teardown() {
  harness_teardown
}

# a copy of the sample app whose release task also prints what `manage.py migrate` prints
django_and_rails_source() {
  local source
  source="$(app_source)"
  # shellcheck disable=SC2016
  sed -i 's|^release: .*|release: /app/bin/task release \&\& printf "Running migrations:\\n  Applying shop.0001_initial... OK\\n  Applying shop.0002_order_total... OK (0.012s)\\n"|' \
    "$source/Procfile"
  echo "$source"
}

@test "a release task printing Rails and Django lines: status --migrations and history show them, --migration finds the run" {
  run dokku harness:push "$APP" "$(django_and_rails_source)" "0123456789abcdef"
  assert_success
  assert_output --partial "  Applying shop.0002_order_total... OK (0.012s)"
  assert_output --regexp "3 migrations applied \(run #[0-9]+\); see them with: dokku migrate:history $APP"
  local run_id
  run_id="$(sqlite3 "$DOKKU_LIB_ROOT/data/migrate/ledger.db" "SELECT id FROM runs WHERE app = '$APP' AND phase = 'release'")"

  run dokku migrate:status "$APP" --migrations
  assert_success
  assert_line --regexp "^       #$run_id +release +Procfile +succeeded +0 +[0-9.]+s +3 +"
  assert_line "       Migrations applied by run #$run_id (release, succeeded):"
  assert_line --regexp "^         rails +20240101000000 +AddUsers +[0-9-]+ [0-9:]+$"
  assert_line --regexp "^         django +shop.0001_initial +- +[0-9-]+ [0-9:]+$"
  assert_line --regexp "^         django +shop.0002_order_total +- +[0-9-]+ [0-9:]+$"

  run dokku migrate:history "$APP"
  assert_success
  assert_line --index 0 "=====> $APP applied migrations"
  assert_line --index 2 --regexp "^       shop.0002_order_total +- +django +#$run_id +release +succeeded +#[0-9]+ +dokku/$APP:latest "
  assert_line --index 4 --regexp "^       20240101000000 +AddUsers +rails +#$run_id +release +succeeded "

  run dokku migrate:history "$APP" --migration shop.0001_initial
  assert_success
  assert_line --regexp "^       Applied by run #$run_id \(release, succeeded\) of deploy #[0-9]+, image dokku/$APP:latest, on "

  run dokku migrate:history "$APP" --migration 20240101000000 --format json
  assert_success
  assert_equal "$(jq -r '.applied[0].run_id, .applied[0].name, .applied[0].framework' <<<"$output" | tr '\n' ' ')" \
    "$run_id AddUsers rails "

  run dokku migrate:history "$APP" --migration 20991231000000
  assert_failure 1
  assert_output --partial "No run of $APP that the ledger keeps applied it."

  run dokku migrate:status "$APP" --format json
  assert_success
  assert_equal "$(jq -r '.latest_deploy.runs[] | select(.phase == "release") | .migrations_applied' <<<"$output")" 3
}

@test "a release task that fails after applying a migration shows the one it applied" {
  local source
  source="$(app_source)"
  sed -i 's|^release: .*|release: printf "  Applying shop.0001_initial... OK\\n  Applying shop.0002_broken..." \&\& exit 1|' \
    "$source/Procfile"
  run dokku harness:push "$APP" "$source" "0123456789abcdef"
  assert_failure

  run dokku migrate:history "$APP" --format json
  assert_success
  assert_equal "$(jq -r '[.applied[] | "\(.id) \(.state)"] | join(",")' <<<"$output")" "shop.0001_initial failed"
}

@test "the lock comes from DATABASE_URL: report says why, and no clear address reaches the ledger, logs or output" {
  run dokku config:set --no-restart "$APP" "DATABASE_URL=postgres://shop:pw-4f1c9e@dokku-postgres-orders-9b2e:5432/orders_9b2e"
  assert_success
  run dokku harness:push "$APP" "$(app_source)" "0123456789abcdef"
  assert_success
  local push_output="$output"

  run dokku migrate:report "$APP" --migrate-lock-basis
  assert_output database
  run dokku migrate:report "$APP" --migrate-lock-key
  assert_output --regexp '^db\.[0-9a-f]{16}$'
  local key="$output"
  run dokku migrate:report "$APP"
  assert_success
  assert_line --regexp "^       Migrate lock reason: +database in DATABASE_URL \($key\)$"
  local report_output="$output"

  for secret in pw-4f1c9e dokku-postgres-orders-9b2e orders_9b2e; do
    refute [ "$(grep -c -- "$secret" <<<"$push_output$report_output")" -gt 0 ]
    run grep -rl -- "$secret" "$DOKKU_LIB_ROOT/data/migrate"
    assert_output ""
  done
  run sqlite3 "$DOKKU_LIB_ROOT/data/migrate/ledger.db" .dump
  refute_output --partial dokku-postgres-orders-9b2e
  refute_output --partial pw-4f1c9e

  run dokku migrate:set "$APP" lock-by none
  assert_success
  run dokku migrate:report "$APP" --migrate-lock-key
  assert_output "app.$APP"
  run dokku migrate:set "$APP" lock-group orders
  run dokku migrate:set "$APP" lock-by ""
  run dokku migrate:report "$APP" --migrate-lock-key
  assert_output "group.orders"
}

@test "an unreadable DATABASE_URL falls back to the app's own lock with a notice that leaves the value out" {
  run dokku config:set --no-restart "$APP" "DATABASE_URL=not-a-url-7d3a"
  assert_success
  run dokku harness:push "$APP" "$(app_source)" "0123456789abcdef"
  assert_success
  assert_output --partial "-----> Notice: The DATABASE_URL of $APP is not a URL of the form"
  refute_output --partial "not-a-url-7d3a"
  run dokku migrate:report "$APP" --migrate-lock-key
  assert_output "app.$APP"
}
