#!/usr/bin/env bash
# Builds a throw-away Dokku host for the tests and the demo: the dokku user, a local base image,
# and a temporary DOKKU_ROOT/DOKKU_LIB_ROOT with Dokku's layout, the harness core plugin and the
# migrate plugin (this checkout) enabled. Run as root. Functions only; nothing runs when sourced.

HARNESS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HARNESS_REPO_ROOT="$(cd "$HARNESS_ROOT/../.." && pwd)"
HARNESS_BASE_IMAGE="dokku-migrate/busybox:latest"

harness-fail() {
  echo " !     $*" 1>&2
  return 1
}

harness-dokku-user() {
  declare desc="creates the dokku system user (member of docker) when the machine has none"
  if ! getent passwd dokku >/dev/null; then
    useradd --system --user-group --home-dir /home/dokku --no-create-home --shell /bin/bash dokku
  fi
  if getent group docker >/dev/null && ! id -nG dokku | tr ' ' '\n' | grep -qx docker; then
    usermod -aG docker dokku
  fi
  runuser -u dokku -- docker info >/dev/null 2>&1 ||
    harness-fail "the dokku user cannot reach the docker engine (is it in the group that owns the socket?)"
}

harness-static-busybox() {
  declare desc="path of a statically linked busybox"
  local candidate
  for candidate in /bin/busybox /usr/bin/busybox "$(command -v busybox || true)"; do
    [[ -x "$candidate" ]] || continue
    ldd "$candidate" >/dev/null 2>&1 || {
      echo "$candidate"
      return 0
    }
  done
  harness-fail "no static busybox found (apt-get install busybox-static)"
}

harness-base-image() {
  declare desc="imports $HARNESS_BASE_IMAGE from a busybox rootfs unless it exists; no registry needed"
  local busybox rootfs applet
  docker image inspect "$HARNESS_BASE_IMAGE" >/dev/null 2>&1 && return 0
  busybox="$(harness-static-busybox)" || return 1
  rootfs="$(mktemp -d)"
  mkdir -p "$rootfs"/{bin,etc,root,tmp,app}
  chmod 1777 "$rootfs/tmp"
  cp "$busybox" "$rootfs/bin/busybox"
  for applet in $("$busybox" --list); do
    [[ "$applet" == "busybox" ]] || ln -s busybox "$rootfs/bin/$applet"
  done
  # Dokku runs tasks with /bin/bash -c; busybox has no bash applet, so a symlink would fail
  # with "bash: applet not found": hand the script to busybox sh instead
  printf '#!/bin/sh\nexec /bin/sh "$@"\n' >"$rootfs/bin/bash"
  chmod 0755 "$rootfs/bin/bash"
  echo "root:x:0:0:root:/root:/bin/sh" >"$rootfs/etc/passwd"
  echo "root:x:0:" >"$rootfs/etc/group"
  tar -C "$rootfs" -c . | docker image import --change 'CMD ["/bin/sh"]' - "$HARNESS_BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

harness-plugin-source() {
  declare desc="the directory to install as the migrate plugin: this checkout, or a readable copy when the dokku user cannot read it"
  declare ROOT="$1"
  if runuser -u dokku -- test -r "$HARNESS_REPO_ROOT/plugin.toml" -a -x "$HARNESS_REPO_ROOT/bin/migrate-helper"; then
    echo "$HARNESS_REPO_ROOT"
    return 0
  fi
  mkdir -p "$ROOT/checkout/java-helper/target"
  (cd "$HARNESS_REPO_ROOT" && cp -a plugin.toml commands dependencies install update uninstall internal-functions \
    post-* pre-* bin subcommands tests "$ROOT/checkout/")
  cp -a "$HARNESS_REPO_ROOT/java-helper/pom.xml" "$ROOT/checkout/java-helper/"
  [[ ! -f "$HARNESS_REPO_ROOT/java-helper/target/migrate-helper.jar" ]] ||
    cp -a "$HARNESS_REPO_ROOT/java-helper/target/migrate-helper.jar" "$ROOT/checkout/java-helper/target/"
  chmod -R a+rX "$ROOT/checkout"
  echo "$ROOT/checkout"
}

harness-host-env() {
  declare desc="exports the environment of the Dokku host under ROOT, as the dokku script would"
  declare ROOT="$1"
  export DOKKU_ROOT="$ROOT/home-dokku" DOKKU_LIB_PATH="$ROOT/var-lib-dokku"
  # shellcheck source=env.bash
  source "$HARNESS_ROOT/env.bash"
}

harness-host-create() {
  declare desc="creates a Dokku host under ROOT: DOKKU_ROOT is ROOT/home-dokku, DOKKU_LIB_PATH is ROOT/var-lib-dokku; with HARNESS_WITHOUT_MIGRATE set, one where the plugin was never installed"
  declare ROOT="$1"
  local lib="$ROOT/var-lib-dokku" home="$ROOT/home-dokku" source log plugin
  chmod 0755 "$ROOT"
  mkdir -p "$home" "$lib"/{plugins/available,plugins/enabled,core-plugins/available,core-plugins/enabled} \
    "$lib"/{data/ps,data/app-json,config,harness,logs}
  # core sorts before migrate, registry after it: plugn runs their triggers in that order, as
  # Dokku's app-json, migrate and registry
  for plugin in core registry; do
    cp -a "$HARNESS_ROOT/$plugin" "$lib/core-plugins/available/$plugin"
    ln -s "$lib/core-plugins/available/$plugin" "$lib/core-plugins/enabled/$plugin"
    ln -s "$lib/core-plugins/available/$plugin" "$lib/plugins/enabled/$plugin"
  done
  if [[ -z "$HARNESS_WITHOUT_MIGRATE" ]]; then
    source="$(harness-plugin-source "$ROOT")" || return 1
    echo "$source" >"$lib/harness/migrate-source"
    ln -s "$source" "$lib/plugins/available/migrate"
    ln -s "$lib/plugins/available/migrate" "$lib/plugins/enabled/migrate"
  fi
  for log in native-tasks.log plugn.log scheduled.log post-container-create.log pushed.log; do
    touch "$lib/harness/$log"
    chmod 0666 "$lib/harness/$log"
  done
  chown -R dokku:dokku "$home" "$lib/data" "$lib/config" "$lib/harness" "$lib/logs"
}

harness-host-remove() {
  declare desc="removes the host under ROOT with the containers and images of its apps"
  declare ROOT="$1"
  local app ids
  [[ -d "$ROOT/home-dokku" ]] || return 0
  for app in "$ROOT"/home-dokku/*; do
    [[ -d "$app" ]] || continue
    app="${app##*/}"
    mapfile -t ids < <(docker container ls -aq --filter "label=com.dokku.app-name=$app")
    [[ "${#ids[@]}" -eq 0 ]] || docker container rm -f "${ids[@]}" >/dev/null 2>&1 || true
    docker image rm -f "dokku/$app:latest" >/dev/null 2>&1 || true
  done
  rm -rf "$ROOT"
}
