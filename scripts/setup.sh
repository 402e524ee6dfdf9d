#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine: system packages, then npm packages.
# Safe to run again: it only installs what is missing. Usage: scripts/setup.sh [test]
set -euo pipefail
cd "$(dirname "$0")/.."

# Our build machines cannot download binaries at install time; Electron and Playwright must not try.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

need=()
# Chinese UI text needs a CJK font in the browser (screenshots, layout checks).
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
# The demo's phones and the softphone tests use a real SIP registrar (Kamailio, resources/kamailio);
# its WebSocket module is a separate package. (/usr/sbin is not on a normal user's PATH.)
{ { [ -x /usr/sbin/kamailio ] || command -v kamailio >/dev/null; } && ls /usr/lib/*/kamailio/modules/websocket.so >/dev/null 2>&1; } \
  || need+=(kamailio kamailio-websocket-modules)
if [ "${1:-}" = test ]; then
  command -v chromium >/dev/null || need+=(chromium)
  # The end-to-end tests run in a loopback-only network namespace (unshare, then `ip link set lo up`).
  command -v ip >/dev/null || need+=(iproute2)
  # Email tests run a real IMAP server (Dovecot) from a config file of their own.
  command -v dovecot >/dev/null || need+=(dovecot-imapd)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing system packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
