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
