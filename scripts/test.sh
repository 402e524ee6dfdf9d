#!/usr/bin/env bash
# Sets up a fresh machine and runs every check and test: lint, types, build, unit and
# integration tests (vitest, real sockets, SQLite and PostgreSQL), end-to-end (Playwright, Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

echo "== lint";       npx eslint .
echo "== typecheck";  npm run typecheck --silent
echo "== build";      npx electron-vite build >/dev/null
echo "== unit + integration"; npx vitest run
echo "== end to end"
# Calls carry real audio between Chromium pages: every packet must stay on loopback, so Playwright
# runs in a network namespace that has only `lo` (everything the tests start listens on 127.0.0.1).
if [ "$(id -u)" -eq 0 ]; then netns=(unshare -n); else netns=(unshare -rn); fi
"${netns[@]}" -- bash -c 'ip link set lo up && exec npx playwright test "$@"' playwright "$@"
