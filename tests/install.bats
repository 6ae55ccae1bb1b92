#!/usr/bin/env bats
# install, update, uninstall and dependencies, run as root the way `dokku plugin:*` runs them.

load test_helper

setup() {
  harness_setup
  MIGRATE_DATA="$DOKKU_LIB_ROOT/data/migrate"
  MIGRATE_LIB="$PLUGIN_AVAILABLE_PATH/migrate/lib"
}

teardown() {
  harness_teardown
}

# what an operator could tell apart between two installs: files, modes, owners, the jar's content
setup_snapshot() {
  (cd "$MIGRATE_DATA" && find . -printf '%p %m %u %g\n' | sort)
  (cd "$DOKKU_LIB_ROOT/config" && find . -path './migrate*' -printf '%p %m %u %g\n' | sort)
  (cd "$MIGRATE_LIB" && find . -printf '%p %m %u\n' | sort)
  sha256sum "$MIGRATE_LIB/migrate-helper.jar" | cut -d' ' -f1
}

# a PATH with every tool of this machine except the ones named
path_without() {
  local dir="$HOST_ROOT/path-without-$1" path="$HARNESS_ROOT/bin" source tool
  for source in /usr/local/bin /usr/bin /usr/sbin; do
    mkdir -p "$dir$source"
    cp -as "$source/." "$dir$source/" 2>/dev/null || true
    for tool in "$@"; do rm -f "$dir$source/$tool"; done
    path+=":$dir$source"
  done
  echo "$path"
}

# apt-get and apt-cache stand-ins that only record what they are asked
fake_apt() {
  local bin="$HOST_ROOT/fake-apt"
  mkdir -p "$bin"
  printf '#!/usr/bin/env bash\necho "apt-get $*" >>"%s/apt.log"\n' "$HOST_ROOT" >"$bin/apt-get"
  # shellcheck disable=SC2016
  printf '#!/usr/bin/env bash\necho "default-jre-headless:"\necho "  Candidate: ${FAKE_DEFAULT_JRE:-2:1.17-74}"\n' >"$bin/apt-cache"
  chmod 0755 "$bin/apt-get" "$bin/apt-cache"
  echo "$bin"
}

@test "install creates the data directory (0750, owned by dokku) and the ledger, and places the jar" {
  run dokku plugin:install
  assert_success
  run stat -c '%a %U %G' "$MIGRATE_DATA"
  assert_output "750 dokku dokku"
  assert_file_exists "$MIGRATE_DATA/ledger.db"
  run stat -c '%U' "$MIGRATE_DATA/ledger.db"
  assert_output "dokku"
  run stat -c '%a %U %G' "$DOKKU_LIB_ROOT/config/migrate"
  assert_output "755 dokku dokku"
  assert_file_exists "$MIGRATE_LIB/migrate-helper.jar"
  assert_files_equal "$MIGRATE_LIB/migrate-helper.jar" "$REPO_ROOT/java-helper/target/migrate-helper.jar"
}

@test "install also prepares fast starts: the sqlite library unpacked and a class-data archive" {
  command -v unzip >/dev/null || skip "unzip is not installed"
  run dokku plugin:install
  assert_success
  assert_file_exists "$MIGRATE_LIB/native/libsqlitejdbc.so"
  assert_file_exists "$MIGRATE_LIB/migrate-helper.jsa"
  # a helper started with both still works, and prints nothing about them
  run dokku migrate:status does-not-matter
  refute_output --partial "cds"
  refute_output --partial "SharedArchiveFile"
}

@test "a helper started after install loads its classes from the archive and sqlite from the unpacked library" {
  command -v unzip >/dev/null || skip "unzip is not installed"
  run dokku plugin:install
  assert_success
  run dokku apps:create probe
  assert_success
  local probe="$HOST_ROOT/start-probe"
  mkdir -p "$probe/tmp"
  chown -R dokku "$probe"
  DOKKU_MIGRATE_JAVA_OPTS="-Xlog:class+load:file=$probe/classes.log -Djava.io.tmpdir=$probe/tmp" run dokku migrate:status probe --format json
  assert_success
  # the helper, picocli, Jackson and sqlite-jdbc all come from the archive install dumped
  for class in dokkumigrate.cli.Main dokkumigrate.cli.StatusCommand picocli.CommandLine \
    com.fasterxml.jackson.databind.ObjectMapper org.sqlite.core.NativeDB dokkumigrate.adapters.sqlite.SqliteLedger; do
    run grep -E "\] $class source: shared objects file" "$probe/classes.log"
    assert_success
  done
  # the driver found its library in lib/native: nothing was unpacked into the temporary directory
  run ls -A "$probe/tmp"
  assert_output ""

  # a trigger, through the launcher and the installed jar, loads no picocli class at all
  DOKKU_MIGRATE_JAVA_OPTS="-Xlog:class+load:file=$probe/trigger.log" run runuser -u dokku -- \
    plugn trigger post-app-clone-setup probe probe-clone
  assert_success
  run grep -c -E "\] dokkumigrate\.(cli\.Triggers|deploy\.AppRecords) source: " "$probe/trigger.log"
  assert_output 2
  run grep -E "\] picocli\." "$probe/trigger.log"
  assert_failure
}

@test "install run twice leaves one consistent setup" {
  run dokku plugin:install
  assert_success
  first="$(setup_snapshot)"
  run dokku plugin:install
  assert_success
  assert_equal "$(setup_snapshot)" "$first"
  run ls "$MIGRATE_LIB"
  refute_output --partial ".tmp"
  run find /tmp -maxdepth 1 -name 'dokku-migrate-install.*'
  assert_output ""
}

@test "plugin:update runs the same install and leaves the same setup" {
  run dokku plugin:install
  assert_success
  first="$(setup_snapshot)"
  run dokku plugin:update
  assert_success
  assert_equal "$(setup_snapshot)" "$first"
}

@test "install refuses a JAVA_HOME older than 17 and says how to fix it, without installing anything" {
  fake_java
  FAKE_JAVA_VERSION=11.0.2 JAVA_HOME="$FAKE_JDK" PATH="$(fake_apt):$PATH" run dokku plugin:install
  assert_failure
  assert_output --partial "JAVA_HOME ($FAKE_JDK) holds Java 11, and the migrate helper needs 17 or newer"
  assert_output --partial "then run: sudo dokku plugin:install"
  assert_file_not_exists "$HOST_ROOT/apt.log"
  assert_dir_not_exists "$MIGRATE_DATA"
}

@test "install without Java installs the distribution's headless JRE with apt-get, saying so" {
  PATH="$(fake_apt):$(path_without java)" run env -u JAVA_HOME dokku plugin:install
  # the fake apt-get installs nothing, so install then stops, naming the command that fixes it
  assert_failure
  assert_output --partial "-----> Installing what the migrate helper needs: default-jre-headless (apt-get)"
  assert_output --partial "Java 17 or newer is still not the default java (none); select it with: sudo update-alternatives --config java"
  run cat "$HOST_ROOT/apt.log"
  assert_line --index 0 "apt-get -qq -y update"
  assert_line --index 1 "apt-get -qq -y --no-install-recommends install default-jre-headless"
  assert_dir_not_exists "$MIGRATE_DATA"
}

@test "install from a checkout without a jar installs Maven with apt-get to build it, and names the fix when it cannot" {
  local copy="$HOST_ROOT/plugin-without-jar"
  mkdir -p "$copy/java-helper"
  (cd "$REPO_ROOT" && cp -a plugin.toml install update uninstall dependencies commands internal-functions post-* pre-* bin subcommands "$copy/")
  cp -a "$REPO_ROOT/java-helper/pom.xml" "$REPO_ROOT/java-helper/src" "$copy/java-helper/"
  chmod -R a+rX "$copy"
  rm "$PLUGIN_AVAILABLE_PATH/migrate"
  ln -s "$copy" "$PLUGIN_AVAILABLE_PATH/migrate"
  PATH="$(fake_apt):$(path_without mvn)" run dokku plugin:install
  assert_failure
  assert_output --partial "-----> Installing what the migrate helper needs: maven (apt-get)"
  assert_output --partial "install them with: sudo apt-get install --no-install-recommends maven"
  run cat "$HOST_ROOT/apt.log"
  assert_line --index 1 "apt-get -qq -y --no-install-recommends install maven"
  assert_file_not_exists "$MIGRATE_LIB/migrate-helper.jar"
}

@test "install from a checkout whose jar is older than its sources builds it again, then not when it is current" {
  local copy="$HOST_ROOT/plugin-stale-jar" mvn_log="$HOST_ROOT/mvn.log"
  mkdir -p "$copy/java-helper/target" "$HOST_ROOT/mvn-spy"
  (cd "$REPO_ROOT" && cp -a plugin.toml install update uninstall dependencies commands internal-functions post-* pre-* bin subcommands "$copy/")
  cp -a "$REPO_ROOT/java-helper/pom.xml" "$REPO_ROOT/java-helper/src" "$copy/java-helper/"
  cp "$REPO_ROOT/java-helper/target/migrate-helper.jar" "$copy/java-helper/target/"
  touch -d '2001-01-01' "$copy/java-helper/target/migrate-helper.jar"
  chmod -R a+rX "$copy"
  rm "$PLUGIN_AVAILABLE_PATH/migrate"
  ln -s "$copy" "$PLUGIN_AVAILABLE_PATH/migrate"
  # a mvn that records the build and leaves the jar as the real build would
  printf '#!/bin/sh
echo "mvn $*" >>"%s"
touch target/migrate-helper.jar
' "$mvn_log" >"$HOST_ROOT/mvn-spy/mvn"
  chmod 0755 "$HOST_ROOT/mvn-spy/mvn"
  PATH="$HOST_ROOT/mvn-spy:$PATH" run dokku plugin:install
  assert_success
  assert_output --partial "-----> Building the migrate helper from $PLUGIN_ENABLED_PATH/migrate/java-helper with Maven"
  run cat "$mvn_log"
  assert_output "mvn -B -ntp -Dstyle.color=never -Dmaven.test.skip=true package"
  PATH="$HOST_ROOT/mvn-spy:$PATH" run dokku plugin:update
  assert_success
  refute_output --partial "Building the migrate helper"
  assert_equal "$(wc -l <"$mvn_log")" 1
}

@test "uninstall of another plugin changes nothing; uninstall of migrate removes the jar and keeps the ledger" {
  run dokku plugin:install
  assert_success
  run plugn trigger uninstall postgres
  assert_success
  assert_output ""
  assert_file_exists "$MIGRATE_LIB/migrate-helper.jar"

  local lib
  lib="$(readlink -f "$MIGRATE_LIB")"
  run dokku plugin:uninstall migrate
  assert_success
  assert_output --partial "The migrate ledger and task logs are kept in $MIGRATE_DATA"
  assert_file_not_exists "$lib/migrate-helper.jar"
  assert_file_not_exists "$lib/migrate-helper.jsa"
  assert_dir_not_exists "$lib/native"
  assert_file_exists "$MIGRATE_DATA/ledger.db"
}

@test "dependencies does nothing when Java 17 or newer is there" {
  PATH="$(fake_apt):$PATH" run dokku plugin:install-dependencies
  assert_success
  assert_file_not_exists "$HOST_ROOT/apt.log"
}

@test "dependencies installs the distribution's headless JRE when Java is missing and the default is 17+" {
  PATH="$(fake_apt):$(path_without java)" run env -u JAVA_HOME dokku plugin:install-dependencies
  assert_success
  run cat "$HOST_ROOT/apt.log"
  assert_line --index 0 "apt-get -qq -y update"
  assert_line --index 1 "apt-get -qq -y --no-install-recommends install default-jre-headless"
}

@test "dependencies installs openjdk-17-jre-headless when the distribution's default Java is older" {
  FAKE_DEFAULT_JRE="2:1.11-72build2" PATH="$(fake_apt):$(path_without java)" run env -u JAVA_HOME dokku plugin:install-dependencies
  assert_success
  run cat "$HOST_ROOT/apt.log"
  assert_line --index 1 "apt-get -qq -y --no-install-recommends install openjdk-17-jre-headless"
}
