#!/usr/bin/env bash
# The roll-up rebuild at start, two builds of rollup_bench side by side on the same database:
# alternately BEFORE and AFTER, first as the machine is, then with a parallel CPU load of two
# busy loops (`yes > /dev/null` x 2). Only the rebuild is timed (`rollup_bench DB 1 rebuild`
# writes nothing, so every run reads the same rows). Prints one Markdown row per run with the
# load average at its start.
#
#   BEFORE=/path/rollup_bench.before AFTER=build/bench/rollup_bench ./bench/run_rebuild_ab.sh
#   (DB=/tmp/jiceng-rollup/jiceng.db, made by ./bench/run_rollup.sh; RUNS=1 per binary and condition)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DB=${DB:-/tmp/jiceng-rollup/jiceng.db}
RUNS=${RUNS:-1}
BEFORE=${BEFORE:?the rollup_bench built before the change}
AFTER=${AFTER:-$ROOT/build/bench/rollup_bench}
export JICENG_DEFINITIONS_DIR=${JICENG_DEFINITIONS_DIR:-$ROOT/definitions}
hogs=()
stop_hogs() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done; hogs=(); }
trap stop_hogs EXIT

one() {  # condition, name, binary
  local load out
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  out=$( { /usr/bin/time -f "time %e %U %S %M" "$3" "$DB" 1 rebuild; } 2>&1)
  local ms user members
  ms=$(awk '$1 == "rebuild_ms" {print $2}' <<<"$out")
  members=$(awk '$1 == "members_counted" {print $2}' <<<"$out")
  user=$(awk '$1 == "time" {printf "%s / %s", $3, $4}' <<<"$out")
  local engine
  engine=$(awk '$1 == "engine_bytes" {print $2}' <<<"$out")
  echo "| $1 | $2 | $(awk -v m="$ms" 'BEGIN {printf "%.1f", m / 1000}') | $user | $members | $engine | $load |"
}

echo "| condition | build | rebuild (s) | user / sys CPU (s) | members counted | engine bytes | load average (1, 5, 15 min) at start |"
echo "|---|---|---:|---:|---:|---:|---|"
for condition in "as is" "+2 busy loops"; do
  if [[ $condition == "+2 busy loops" ]]; then
    yes > /dev/null & hogs+=($!)
    yes > /dev/null & hogs+=($!)
  fi
  for _ in $(seq "$RUNS"); do
    one "$condition" before "$BEFORE"
    one "$condition" after "$AFTER"
  done
  stop_hogs
done
