#!/usr/bin/env bash
# Sets up a fresh machine and starts a working demo centre: the central server with Chinese demo
# data, and one agent workstation served to your browser by the web host.
# Usage: npm run demo            (server on :3800, workstations on :5174 and :5175)
#        OMNI_DEMO_DB=postgres://... npm run demo   to keep the demo data in PostgreSQL
#        OMNI_DEMO_RATE=12 npm run demo   new customer questions per minute (default 6; 0 for none)
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
customers=""
phones=""
trap 'kill $server $host $customers $phones 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$SERVER_PORT/api/health" >/dev/null 2>&1 && break
  sleep 0.2
done

# Two workstations, as on two desks: sign in as an agent on one and as their team lead on the other.
npx tsx src/main/web-host/cli.ts --server "http://127.0.0.1:$SERVER_PORT" --port "$HOST_PORT" --data data/desktop-1 &
host="$!"
npx tsx src/main/web-host/cli.ts --server "http://127.0.0.1:$SERVER_PORT" --port "$((HOST_PORT + 1))" --data data/desktop-2 &
host="$host $!"
# Customers writing in on the web chat page and in the QQ groups.
npx tsx src/server/simulator/cli.ts --server "http://127.0.0.1:$SERVER_PORT" --db "$DB" --rate "${OMNI_DEMO_RATE:-6}" &
customers="$!"
# A SIP registrar with an extension per agent, so the workstations' phones can call each other.
npx tsx scripts/demo-sip.ts &
phones="$!"
sleep 2
cat <<MSG

Demo logins (password demo123): agent01 … agent30 (agents; agent01–agent10 are in lead1's team),
lead1 … lead3 (team leads), admin. Open each workstation's address above in a browser, sign in,
choose 示闲 (ready) and work arrives in 收件箱 within a minute: simulated customers are writing on the
web chat page (http://127.0.0.1:$SERVER_PORT/chat — try it yourself) and in three QQ groups.
Phones: see the [phone] line above for the SIP account of each agent.
Press Ctrl-C to stop.
MSG
wait $server
