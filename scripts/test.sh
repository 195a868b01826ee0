#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine (Debian packages, npm packages, the bundles)
# and runs every test: unit, integration against real sshd/dockerd/PTYs, the webview in Chromium and the extension
# in a real VS Code (code-server). Ends with a plain "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."

packages=(openssh-server docker.io iptables busybox-static chromium ripgrep git time bubblewrap tmux debootstrap
  libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev python3 util-linux)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null || { echo "apt-get install failed"; exit 1; }
fi

# Tried twice: a registry hiccup should not fail the run. A full disk is the other cause seen, so its free space is
# printed with the failure.
npm ci --no-audit --no-fund || { sleep 10; npm ci --no-audit --no-fund; } || { echo "npm ci failed"; df -h . /tmp; exit 1; }
node esbuild.mjs || { echo "build failed"; exit 1; }
# better-sqlite3 for Node 20, 22 and 24 (packaging and its tests need them; cached under .cache/native).
node extension/build/native-abis.mjs || { echo "native builds for Node 22/24 failed"; exit 1; }
# A Debian rootfs that boots systemd, for the gateway service tests (cached under .cache/systemd-rootfs; ~2.5 min cold).
bash scripts/systemd-rootfs.sh >/dev/null || echo "systemd rootfs build failed (test/e2e/gateway-systemd.test.ts retries and reports it)"

mkdir -p test-results
status=0
# HERMES_PREBUILD_IMAGE: vitest's global setup builds the e2e Docker image before the tests start (see
# test/support/global-setup.ts), instead of beside them.
HERMES_PREBUILD_IMAGE=1 npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
node scripts/summary.mjs test-results/vitest.json || status=1
exit $status
