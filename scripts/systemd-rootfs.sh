#!/usr/bin/env bash
# Builds (once) a minimal Debian bookworm root filesystem that boots systemd as PID 1 in a container, for the tests
# that drive `hermes-host gateway install|start|…` against a real systemd (test/e2e/gateway-systemd.test.ts).
#
#   scripts/systemd-rootfs.sh [OUT_DIR]     (default: .cache/systemd-rootfs; needs root and debootstrap)
#
# Prints the path of OUT_DIR/rootfs-<key>.tar, a tarball for `docker import`. <key> is a hash of this script, so an
# edit here rebuilds and an unchanged script reuses the tarball. Downloaded .debs are kept in OUT_DIR/debs.
# The mirror is $DEBIAN_MIRROR, else the one apt uses for bookworm, else http://deb.debian.org/debian.
#
# Node and the built host are not in the image: the test bind-mounts them (Debian 12 on both sides, same glibc).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../.cache/systemd-rootfs}"

# The Debian archive apt already uses for bookworm (a CI machine may only reach its own mirror), else deb.debian.org.
apt_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk 'BEGIN { RS = "" }
      /(^|\n)Types:[^\n]*deb/ && /(^|\n)Suites:([^\n]* )?bookworm( |\n|$)/ {
        if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { u = substr($0, RSTART, RLENGTH); sub(/URIs:[ \t]*/, "", u); print u; exit }
      }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == "bookworm") { print $i; exit } }' "$f"
  done
}
mirror="${DEBIAN_MIRROR:-$(apt_mirror | head -n1)}"
mirror="${mirror:-http://deb.debian.org/debian}"
# debootstrap downloads with wget, which knows nothing of apt's proxy setting.
if [ -z "${http_proxy:-}" ]; then
  eval "$(apt-config shell http_proxy Acquire::http::Proxy 2>/dev/null)" || true
  [ -n "${http_proxy:-}" ] && export http_proxy
fi
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
