#!/usr/bin/env bash
# A really fresh Debian 12 host for the install tests: a root filesystem made with debootstrap
# from Debian's archive (no Java, no Maven), cached between runs on one machine, used as a chroot
# that shares the machine's network and Docker engine. Functions only; nothing runs when sourced.

FRESH_HOST_CACHE="${DOKKU_MIGRATE_TEST_CACHE:-/var/cache/dokku-migrate-tests}"
FRESH_HOST_ROOTFS="$FRESH_HOST_CACHE/bookworm-rootfs"
FRESH_HOST_MIRROR="${DOKKU_MIGRATE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# what a Dokku host has before any plugin: Dokku's own dependencies that the plugin and the
# harness use (Dokku's debian/control: curl, git, jq, unzip, util-linux); docker's client comes
# from the machine (the engine is the machine's)
FRESH_HOST_PACKAGES="curl,git,jq,unzip,util-linux,procps,busybox-static,ca-certificates"

fresh-host-rootfs() {
  declare desc="builds the cached Debian 12 rootfs with debootstrap when it is absent (minutes), else reuses it"
  local building="$FRESH_HOST_ROOTFS.building"
  [[ -f "$FRESH_HOST_ROOTFS/.complete" ]] && return 0
  command -v debootstrap >/dev/null || {
    DEBIAN_FRONTEND=noninteractive apt-get -qq -y update &&
      DEBIAN_FRONTEND=noninteractive apt-get -qq -y --no-install-recommends install debootstrap
  } || return 1
  rm -rf "$building"
  mkdir -p "$FRESH_HOST_CACHE"
  debootstrap --variant=minbase --include="$FRESH_HOST_PACKAGES" bookworm "$building" "$FRESH_HOST_MIRROR" \
    >"$FRESH_HOST_CACHE/debootstrap.log" 2>&1 || {
    echo " !     debootstrap failed; the end of $FRESH_HOST_CACHE/debootstrap.log:" 1>&2
    tail -n 20 "$FRESH_HOST_CACHE/debootstrap.log" 1>&2
    return 1
  }
  # apt sources as on a fresh host, and .debs kept (the apt cache is shared between runs below)
  echo "deb $FRESH_HOST_MIRROR bookworm main" >"$building/etc/apt/sources.list"
  rm -f "$building/etc/apt/apt.conf.d/docker-clean"
  touch "$building/.complete"
  rm -rf "$FRESH_HOST_ROOTFS"
  mv "$building" "$FRESH_HOST_ROOTFS"
}

fresh-host-engine-socket() {
  declare desc="the Docker engine's socket on this machine: DOCKER_HOST's when it names one, else /var/run/docker.sock"
  if [[ "$DOCKER_HOST" == unix://* ]]; then
    echo "${DOCKER_HOST#unix://}"
  else
    echo /var/run/docker.sock
  fi
}

fresh-host-start() {
  declare desc="a fresh host for one test under DIR: an overlay on the cached rootfs (a copy where overlays are unavailable) with /proc, /dev, this machine's Docker engine socket, its docker client, DNS and local certificate authorities, apt's and Maven's download caches, a docker group of the socket's gid; sets FRESH_ROOT"
  declare DIR="$1"
  local socket
  FRESH_ROOT="$DIR/root"
  mkdir -p "$DIR/upper" "$DIR/work" "$FRESH_ROOT" "$FRESH_HOST_CACHE/apt-archives/partial" "$FRESH_HOST_CACHE/m2"
  if ! mount -t overlay overlay -o "lowerdir=$FRESH_HOST_ROOTFS,upperdir=$DIR/upper,workdir=$DIR/work" "$FRESH_ROOT" 2>/dev/null; then
    cp -a "$FRESH_HOST_ROOTFS/." "$FRESH_ROOT/"
  fi
  mount -t proc proc "$FRESH_ROOT/proc"
  mount --bind /dev "$FRESH_ROOT/dev"
  mount --bind /dev/pts "$FRESH_ROOT/dev/pts"
  mount --bind "$FRESH_HOST_CACHE/apt-archives" "$FRESH_ROOT/var/cache/apt/archives"
  mkdir -p "$FRESH_ROOT/root/.m2"
  mount --bind "$FRESH_HOST_CACHE/m2" "$FRESH_ROOT/root/.m2"
  socket="$(fresh-host-engine-socket)"
  touch "$FRESH_ROOT/run/docker.sock"
  mount --bind "$socket" "$FRESH_ROOT/run/docker.sock"
  cp "$(command -v docker)" "$FRESH_ROOT/usr/local/bin/docker"
  cp /etc/resolv.conf "$FRESH_ROOT/etc/resolv.conf"
  # the machine's own certificate authorities (a proxy's, say): what a host on this network trusts
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$FRESH_ROOT/usr/local/share/ca-certificates/"
    fresh-host-run update-ca-certificates >/dev/null 2>&1
  fi
  fresh-host-run groupadd -o -g "$(stat -c %g "$socket")" docker
}

fresh-host-run() {
  declare desc="runs a command on the fresh host as root, with a login's clean environment and the harness's dokku on PATH"
  chroot "$FRESH_ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/dokku-migrate-tests/tests/harness/bin \
    DOCKER_HOST=unix:///run/docker.sock DOKKU_ROOT=/srv/dokku/home-dokku DOKKU_LIB_PATH=/srv/dokku/var-lib-dokku "$@"
}

fresh-host-dokku() {
  declare desc="the harness's Dokku layout on the fresh host (/srv/dokku), without the migrate plugin; the harness and the sample app under /opt/dokku-migrate-tests"
  declare REPO="$1"
  mkdir -p "$FRESH_ROOT/opt/dokku-migrate-tests/tests"
  cp -a "$REPO/tests/harness" "$FRESH_ROOT/opt/dokku-migrate-tests/tests/"
  cp -a "$REPO/examples" "$FRESH_ROOT/opt/dokku-migrate-tests/"
  mkdir -p "$FRESH_ROOT/srv/dokku"
  # shellcheck disable=SC2016
  fresh-host-run bash -c 'source /opt/dokku-migrate-tests/tests/harness/setup.bash && harness-dokku-user &&
    harness-base-image && HARNESS_WITHOUT_MIGRATE=1 harness-host-create /srv/dokku'
}

fresh-host-stop() {
  declare desc="unmounts everything under the fresh host, checks that nothing is left mounted, then removes DIR"
  declare DIR="$1"
  local mounts point
  [[ -n "$FRESH_ROOT" ]] || return 0
  for _ in 1 2 3; do
    mapfile -t mounts < <(awk -v root="$FRESH_ROOT" '$5 == root || index($5, root "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
    [[ "${#mounts[@]}" -gt 0 ]] || break
    for point in "${mounts[@]}"; do umount -l "$point" 2>/dev/null || true; done
  done
  if awk -v root="$FRESH_ROOT" '$5 == root || index($5, root "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    echo " !     $FRESH_ROOT still has mounts; left in place" 1>&2
    return 1
  fi
  rm -rf --one-file-system "$DIR"
  FRESH_ROOT=""
}
