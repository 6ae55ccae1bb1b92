#!/usr/bin/env bats
# Issue 17: the first install on a really fresh host. A Debian 12 root filesystem made with
# debootstrap from Debian's archive (no Java, no Maven; cached under /var/cache/dokku-migrate-tests
# between runs of one machine, built when absent), used as a chroot that shares this machine's
# network and Docker engine, with the harness's Dokku layout. The plugin is installed the way
# `dokku plugin:install URL --name migrate` does it: from the release tarball (Java comes from
# apt-get, Maven is never called) and from a git checkout without a jar (a JDK and Maven come from
# apt-get, the jar is built); each install is followed by a deploy. Takes minutes: see README.

load test_helper
# shellcheck source=fresh-host/rootfs.bash
source "$REPO_ROOT/tests/fresh-host/rootfs.bash"

APP=shop

setup_file() {
  [[ "$(id -u)" == "0" ]] || skip "the fresh host is a chroot: needs root"
  local version tarball
  fresh-host-rootfs
  version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$REPO_ROOT/plugin.toml")"
  tarball="$REPO_ROOT/dist/dokku-migrate-$version.tar.gz"
  # make dist once per change of the plugin (dist.bats may just have built it)
  if [[ ! -f "$tarball" ]] || [[ -n "$(cd "$REPO_ROOT" && find plugin.toml internal-functions bin subcommands java-helper/pom.xml java-helper/src \
    -newer "$tarball" -print -quit)" ]]; then
    (cd "$REPO_ROOT" && make dist) >"$BATS_FILE_TMPDIR/dist.log" 2>&1 || {
      cat "$BATS_FILE_TMPDIR/dist.log" >&3
      return 1
    }
  fi
  export FRESH_TARBALL="$tarball" FRESH_VERSION="$version"
  export FRESH_TRANSCRIPTS="${FRESH_HOST_TRANSCRIPTS:-$BATS_RUN_TMPDIR}"
}

setup() {
  FRESH_DIR="$(mktemp -d /tmp/dokku-migrate-fresh-host.XXXXXX)"
  fresh-host-start "$FRESH_DIR"
  fresh-host-dokku "$REPO_ROOT"
  # the tasks of the sample app leave a line each in this directory (a path the engine sees)
  TASK_LOG_DIR="$FRESH_ROOT/srv/tasks"
  mkdir -p "$TASK_LOG_DIR"
  chmod 0777 "$TASK_LOG_DIR"
}

teardown() {
  fresh-host-stop "$FRESH_DIR"
}

# runs `dokku ARGS` on the fresh host, keeping what it printed in the transcript NAME
dokku_on_host() {
  local name="$1"
  shift 1
  run fresh-host-run dokku "$@"
  { echo "\$ sudo dokku $*"; echo "$output"; } >>"$FRESH_TRANSCRIPTS/fresh-host-$name.txt"
}

assert_nothing_of_java_or_maven() {
  run fresh-host-run bash -c 'command -v java; command -v javac; command -v mvn; dpkg -l | grep -E "openjdk|maven"'
  assert_output ""
}

# an app deployed on the fresh host from the sample app: each task once, through the plugin
assert_deploy_through_plugin() {
  local name="$1" source build
  source="$(mktemp -d "$FRESH_ROOT/srv/source.XXXXXX")"
  cp -a "$REPO_ROOT/examples/sample-app/." "$source/"
  head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$source/BUILD_ID"
  chmod -R a+rX "$source"
  build="$(cat "$source/BUILD_ID")"
  dokku_on_host "$name" apps:create "$APP"
  assert_success
  dokku_on_host "$name" docker-options:add "$APP" deploy "-v $TASK_LOG_DIR:/tasks"
  assert_success
  dokku_on_host "$name" ps:scale "$APP" web=2
  assert_success
  dokku_on_host "$name" harness:push "$APP" "${source#"$FRESH_ROOT"}"
  assert_success
  assert_output --partial "Taking over deployment tasks of $APP"
  assert_output --partial "Running release task from Procfile for $APP"
  assert_equal "$(grep -c "^predeploy $build\$" "$TASK_LOG_DIR/log")" 1
  assert_equal "$(grep -c "^release $build\$" "$TASK_LOG_DIR/log")" 1
  assert_file_empty "$FRESH_ROOT/srv/dokku/var-lib-dokku/harness/native-tasks.log"
  dokku_on_host "$name" migrate:status "$APP"
  assert_success
  assert_output --regexp "release +Procfile +succeeded"
}

@test "fresh Debian 12: the release tarball installs in one command, Java comes from apt-get, Maven is never called, a deploy goes through the plugin" {
  assert_nothing_of_java_or_maven
  # a mvn on PATH that records any call
  printf '#!/bin/sh\necho "mvn $*" >>/var/log/mvn-calls.log\nexit 1\n' >"$FRESH_ROOT/usr/local/bin/mvn"
  chmod 0755 "$FRESH_ROOT/usr/local/bin/mvn"
  mkdir -p "$FRESH_ROOT/srv/dist"
  cp "$FRESH_TARBALL" "$FRESH_ROOT/srv/dist/"

  dokku_on_host tarball plugin:install "file:///srv/dist/${FRESH_TARBALL##*/}" --name migrate
  assert_success
  assert_output --partial "Plugin migrate enabled"
  assert_output --regexp "-----> Installing what the migrate helper needs: (default|openjdk-17)-jre-headless \(apt-get\)"
  assert_output --partial "-----> Placing the migrate helper (dokku-migrate $FRESH_VERSION) in /srv/dokku/var-lib-dokku/plugins/available/migrate/lib"
  refute_output --partial "Building the migrate helper"

  assert_file_not_exists "$FRESH_ROOT/var/log/mvn-calls.log"
  run fresh-host-run java -version
  assert_success
  assert_output --regexp 'version "(1[7-9]|[2-9][0-9])'
  run fresh-host-run bash -c 'command -v javac; dpkg -l maven 2>/dev/null | grep "^ii"'
  assert_output ""
  assert_file_exists "$FRESH_ROOT/srv/dokku/var-lib-dokku/plugins/available/migrate/lib/migrate-helper.jsa"

  assert_deploy_through_plugin tarball
}

@test "fresh Debian 12: a git checkout without a jar installs a JDK and Maven, builds the jar, deploys; plugin:update twice" {
  assert_nothing_of_java_or_maven
  # the repository as a remote would serve it: the committed tree, no jar
  local upstream="$FRESH_ROOT/srv/upstream"
  mkdir -p "$upstream"
  git -C "$REPO_ROOT" archive HEAD | tar -x -C "$upstream"
  [[ ! -e "$upstream/java-helper/target" ]]
  fresh_git() {
    git -C "$upstream" -c user.name="fresh host test" -c user.email="fresh-host@localhost" "$@"
  }
  fresh_git init -q
  fresh_git add -A
  fresh_git commit -q -m "the release under test"

  dokku_on_host git plugin:install file:///srv/upstream --name migrate
  assert_success
  assert_output --regexp "-----> Installing what the migrate helper needs: (default|openjdk-17)-jdk-headless maven \(apt-get\)"
  assert_output --partial "-----> Building the migrate helper from /srv/dokku/var-lib-dokku/plugins/enabled/migrate/java-helper with Maven"
  assert_output --partial "BUILD SUCCESS"
  assert_output --partial "-----> Placing the migrate helper (dokku-migrate $FRESH_VERSION)"
  run fresh-host-run bash -c 'javac -version && mvn -v | head -n1'
  assert_success

  assert_deploy_through_plugin git

  # a new commit upstream: the update pulls it, builds once, places the new jar
  echo "// $(date -u +%FT%TZ)" >>"$upstream/java-helper/src/main/java/dokkumigrate/cli/Main.java"
  fresh_git commit -q -am "a change to the helper"
  dokku_on_host git plugin:update migrate
  assert_success
  assert_output --partial "Plugin (migrate) updated"
  assert_output --partial "-----> Building the migrate helper"
  assert_output --partial "-----> Placing the migrate helper"
  assert_output --partial "at schema version"
  dokku_on_host git plugin:update migrate
  assert_success
  refute_output --partial "Building the migrate helper"
  refute_output --partial "Placing the migrate helper"
  assert_output --partial "at schema version"
  dokku_on_host git migrate:status "$APP"
  assert_success
}
