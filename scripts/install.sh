#!/usr/bin/env bash
# Installs everything tunnelscope and its tests need on a Debian machine:
# the Debian packages (strongSwan as interop peer, tshark as independent
# decoder, Chromium for end-to-end tests, iproute2 for network namespaces),
# pnpm at the pinned version, and the workspace's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(strongswan-charon strongswan-swanctl libstrongswan-standard-plugins
  libstrongswan-extra-plugins libcharon-extra-plugins strongswan-pki tshark chromium iproute2
  openssl iputils-ping)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION"
fi

pnpm install --frozen-lockfile
