#!/usr/bin/env bats
# Issue 17: the release tarball. `make dist` builds dist/dokku-migrate-VERSION.tar.gz once for this
# file; the tests list and check its contents, install it the way `dokku plugin:install URL --name
# migrate` does (with a `mvn` on PATH that records any call), and update it twice.

load test_helper

setup_file() {
  [[ "$(id -u)" == "0" ]] || skip "needs root"
  export DIST_VERSION DIST_TARBALL
  DIST_VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$REPO_ROOT/plugin.toml")"
  DIST_TARBALL="$REPO_ROOT/dist/dokku-migrate-$DIST_VERSION.tar.gz"
  (cd "$REPO_ROOT" && make dist) >"$BATS_FILE_TMPDIR/dist.log" 2>&1 || {
    cat "$BATS_FILE_TMPDIR/dist.log" >&3
    return 1
  }
}

setup() {
  harness_setup
  MIGRATE_LIB="$PLUGIN_AVAILABLE_PATH/migrate/lib"
  # a mvn that records its calls and fails: installing a tarball must never need Maven
  MVN_LOG="$HOST_ROOT/mvn-calls.log"
  mkdir -p "$HOST_ROOT/mvn-spy"
  printf '#!/bin/sh\necho "mvn $*" >>"%s"\nexit 1\n' "$MVN_LOG" >"$HOST_ROOT/mvn-spy/mvn"
  chmod 0755 "$HOST_ROOT/mvn-spy/mvn"
}

teardown() {
  harness_teardown
}

# replaces the harness's checkout of the plugin with nothing, as on a host that never had it
uninstall_checkout() {
  rm "$PLUGIN_ENABLED_PATH/migrate" "$PLUGIN_AVAILABLE_PATH/migrate"
}

install_tarball() {
  PATH="$HOST_ROOT/mvn-spy:$PATH" run dokku plugin:install "file://$1" --name migrate
}

@test "make dist: one top directory dokku-migrate-VERSION/ holding the plugin's files and the jar, nothing of tests/ or java-helper/" {
  local entries top file
  mapfile -t entries < <(tar -tzf "$DIST_TARBALL")
  printf '%s\n' "${entries[@]}" >&3
  top="dokku-migrate-$DIST_VERSION/"
  # plugn moves a single top-level directory up into plugins/available/NAME
  for file in "${entries[@]}"; do
    [[ "$file" == "$top"* ]] || fail "outside $top: $file"
    [[ "$file" != *tests/* && "$file" != *java-helper* && "$file" != *scripts/* && "$file" != *examples/* ]] ||
      fail "not part of the plugin: $file"
  done
  # what Dokku and the install trigger need, by name
  for file in plugin.toml commands install update uninstall dependencies internal-functions post-extract pre-deploy \
    post-deploy post-delete post-app-rename-setup post-app-clone-setup bin/migrate-helper README.md helper/migrate-helper.jar; do
    printf '%s\n' "${entries[@]}" | grep -qx "$top$file" || fail "missing: $file"
  done
  # every executable file at the top of the repository (every trigger) and every subcommand
  while read -r file; do
    printf '%s\n' "${entries[@]}" | grep -qx "$top$file" || fail "missing trigger or command: $file"
  done < <(cd "$REPO_ROOT" && git ls-files -s | awk '$1 == "100755" && $4 !~ /\// { print $4 }'; git ls-files subcommands)
}

@test "make dist: each plugin file is the repository's, executables stay executable, and the jar runs on a JRE" {
  local work="$HOST_ROOT/unpacked" file
  mkdir -p "$work"
  tar -xzf "$DIST_TARBALL" -C "$work"
  work="$work/dokku-migrate-$DIST_VERSION"
  while IFS= read -r file; do
    [[ "$file" == helper/migrate-helper.jar ]] && continue
    cmp -s "$work/$file" "$REPO_ROOT/$file" || fail "$file differs from the repository's"
    [[ ! -x "$REPO_ROOT/$file" ]] || [[ -x "$work/$file" ]] || fail "$file lost its x bit"
  done < <(cd "$work" && find . -type f -printf '%P\n')
  run java -jar "$work/helper/migrate-helper.jar" --version
  assert_success
  assert_output "dokku-migrate $DIST_VERSION"
  run unzip -l "$work/helper/migrate-helper.jar"
  assert_output --partial "dokkumigrate/cli/Main.class"
  assert_output --partial "org/sqlite/native/Linux/"
}

@test "plugin:install file://…/dokku-migrate-VERSION.tar.gz --name migrate: placed and ready without Maven, and a deploy goes through the plugin" {
  uninstall_checkout
  install_tarball "$DIST_TARBALL"
  assert_success
  assert_output --partial "Cloning plugin repo file://$DIST_TARBALL to $PLUGIN_AVAILABLE_PATH/migrate"
  assert_output --partial "Plugin migrate enabled"
  assert_output --partial "Placing the migrate helper (dokku-migrate $DIST_VERSION) in $MIGRATE_LIB"
  assert_file_not_exists "$MVN_LOG"
  assert_file_exists "$PLUGIN_AVAILABLE_PATH/migrate/plugin.toml"
  assert_file_exists "$MIGRATE_LIB/migrate-helper.jar"
  assert_file_exists "$MIGRATE_LIB/migrate-helper.jsa"
  assert_file_exists "$DOKKU_LIB_ROOT/data/migrate/ledger.db"

  run dokku apps:create shop
  assert_success
  mount_task_log shop
  local source
  source="$(app_source)"
  run dokku harness:push shop "$source"
  assert_success
  assert_output --partial "Taking over deployment tasks of shop"
  assert_equal "$(task_runs release "$(cat "$source/BUILD_ID")")" 1
  assert_equal "$(task_runs predeploy "$(cat "$source/BUILD_ID")")" 1
  assert_file_empty "$HARNESS_LOGS/native-tasks.log"
}

@test "plugin:install of the tarball over an enabled plugin fails as Dokku's does, before the install trigger" {
  uninstall_checkout
  install_tarball "$DIST_TARBALL"
  assert_success
  install_tarball "$DIST_TARBALL"
  assert_failure
  assert_output --partial "Plugin already enabled"
}

@test "plugin:update migrate of a tarball install, run twice: the new jar placed, the ledger migrated, the class-data archive rebuilt" {
  uninstall_checkout
  install_tarball "$DIST_TARBALL"
  assert_success
  local plugin="$PLUGIN_AVAILABLE_PATH/migrate" next="$HOST_ROOT/next" jsa_before schema
  jsa_before="$(sha256sum <"$MIGRATE_LIB/migrate-helper.jsa")"

  # the next release: the same plugin with another jar (one more entry), unpacked over the plugin
  mkdir -p "$next/extra"
  tar -xzf "$DIST_TARBALL" -C "$next"
  echo "next release" >"$next/extra/NEXT"
  jar uf "$next/dokku-migrate-$DIST_VERSION/helper/migrate-helper.jar" -C "$next/extra" NEXT
  tar -xzf <(tar -C "$next" -cz "dokku-migrate-$DIST_VERSION") --strip-components=1 -C "$plugin"

  PATH="$HOST_ROOT/mvn-spy:$PATH" run dokku plugin:update migrate
  assert_success
  assert_output --partial "Plugin (migrate) not managed by git"
  assert_output --partial "Placing the migrate helper"
  schema="$(sqlite3 "$DOKKU_LIB_ROOT/data/migrate/ledger.db" 'PRAGMA user_version')"
  assert_output --partial "migrate: ledger $DOKKU_LIB_ROOT/data/migrate/ledger.db at schema version $schema"
  assert_files_equal "$MIGRATE_LIB/migrate-helper.jar" "$next/dokku-migrate-$DIST_VERSION/helper/migrate-helper.jar"
  assert_not_equal "$(sha256sum <"$MIGRATE_LIB/migrate-helper.jsa")" "$jsa_before"

  PATH="$HOST_ROOT/mvn-spy:$PATH" run dokku plugin:update migrate
  assert_success
  refute_output --partial "Placing the migrate helper"
  assert_output --partial "at schema version $schema"
  assert_files_equal "$MIGRATE_LIB/migrate-helper.jar" "$next/dokku-migrate-$DIST_VERSION/helper/migrate-helper.jar"
  assert_file_exists "$MIGRATE_LIB/migrate-helper.jsa"
  assert_file_not_exists "$MVN_LOG"
  run dokku migrate:doctor
  assert_success
}
