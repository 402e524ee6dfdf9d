#!/usr/bin/env bash
# Sets up a fresh machine and starts a working demo centre: the central server with Chinese demo
# data, and one agent workstation served to your browser by the web host.
# Usage: npm run demo            (server on :3800, workstation on :5174)
#        OMNI_DEMO_DB=postgres://... npm run demo   to keep the demo data in PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export ELECTRON_SKIP_BINARY_DOWNLOAD=1

[ -f out/renderer/index.html ] && [ -z "$(find src/renderer src/shared -newer out/renderer/index.html -print -quit)" ] || npx electron-vite build >/dev/null

mkdir -p data
DB="${OMNI_DEMO_DB:-data/demo.sqlite}"
SERVER_PORT="${OMNI_SERVER_PORT:-3800}"
HOST_PORT="${OMNI_WEB_HOST_PORT:-5174}"

npx tsx src/server/cli.ts serve --db "$DB" --port "$SERVER_PORT" --demo &
server=$!
host=""
trap 'kill $server $host 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$SERVER_PORT/api/health" >/dev/null 2>&1 && break
  sleep 0.2
done

# Two workstations, as on two desks: sign in as an agent on one and as their team lead on the other.
npx tsx src/main/web-host/cli.ts --server "http://127.0.0.1:$SERVER_PORT" --port "$HOST_PORT" --data data/desktop-1 &
host="$!"
npx tsx src/main/web-host/cli.ts --server "http://127.0.0.1:$SERVER_PORT" --port "$((HOST_PORT + 1))" --data data/desktop-2 &
host="$host $!"
sleep 2
cat <<MSG

Demo logins (password demo123): agent01 … agent30 (agents; agent01–agent10 are in lead1's team),
lead1 … lead3 (team leads), admin. Open each workstation's address above in a browser.
Press Ctrl-C to stop.
MSG
wait $server
