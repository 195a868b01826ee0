#!/usr/bin/env bash
# Builds (once) a minimal Debian bookworm root filesystem that boots systemd as PID 1 in a container, for the tests
# that drive `hermes-host gateway install|start|…` against a real systemd (test/e2e/gateway-systemd.test.ts).
#
#   scripts/systemd-rootfs.sh [OUT_DIR]     (default: .cache/systemd-rootfs; needs root and debootstrap)
#
# Prints the path of OUT_DIR/rootfs-<key>.tar, a tarball for `docker import`. <key> is a hash of this script, so an
# edit here rebuilds and an unchanged script reuses the tarball. Downloaded .debs are kept in OUT_DIR/debs.
# The mirror is $DEBIAN_MIRROR (default http://deb.debian.org/debian).
#
# Node and the built host are not in the image: the test bind-mounts them (Debian 12 on both sides, same glibc).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../.cache/systemd-rootfs}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$out/debs"
out="$(cd "$out" && pwd)"
key="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)"
tarball="$out/rootfs-$key.tar"

# Two test files (or a test and a person) may ask at once: one builds, the other waits for it.
exec 9>"$out/.lock"
flock 9
if [ -s "$tarball" ]; then
  echo "$tarball"
  exit 0
fi

[ "$(id -u)" = 0 ] || { echo "systemd-rootfs: debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "systemd-rootfs: debootstrap is not installed (apt-get install -y debootstrap)" >&2; exit 1; }

# What `systemctl --user` and lingering need: systemd as init, the system and session D-Bus (dbus-user-session
# gives each user manager its bus at /run/user/<uid>/bus), logind via libpam-systemd; procps for `ps`/`pgrep`.
include=systemd,systemd-sysv,dbus,dbus-user-session,libpam-systemd,procps
root="$(mktemp -d "$out/build.XXXXXX")"
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase --include="$include" --cache-dir="$out/debs" bookworm "$root" "$mirror" >&2 ||
  { echo "systemd-rootfs: debootstrap failed (log: $root/debootstrap/debootstrap.log)" >&2; cat "$root/debootstrap/debootstrap.log" >&2 || true; exit 1; }

# Units that have nothing to do in a container and would only fail or wait at boot.
for u in getty@tty1.service console-getty.service systemd-udevd.service systemd-udev-trigger.service \
  systemd-networkd-wait-online.service systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer \
  e2scrub_all.timer e2scrub_reap.service fstrim.timer; do
  ln -sf /dev/null "$root/etc/systemd/system/$u"
done
# An empty machine-id: systemd makes one at boot (each container its own).
: >"$root/etc/machine-id"
echo hermes-systemd >"$root/etc/hostname"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root/debootstrap"

tar -C "$root" --numeric-owner -cf "$tarball.part" .
mv "$tarball.part" "$tarball"
# Older builds of this script are no longer used.
find "$out" -maxdepth 1 -name 'rootfs-*.tar' ! -name "rootfs-$key.tar" -delete
echo "$tarball"
