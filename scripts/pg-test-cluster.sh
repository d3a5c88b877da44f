#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests and benchmarks: initdb into a temporary
# directory, postgres on a free loopback port, removed again by `stop`. No root, no system
# service: when run as root (CI is), the cluster runs as the unprivileged user `nobody`, because
# postgres refuses to run as root.
#
# Usage: scripts/pg-test-cluster.sh start STATE_DIR     # prints the server URL
#        scripts/pg-test-cluster.sh url STATE_DIR       # prints the server URL of a started cluster
#        scripts/pg-test-cluster.sh exec STATE_DIR CMD [ARG...]
#                                  # runs CMD with JICENG_TEST_PG_URL set to the server URL
#        scripts/pg-test-cluster.sh stop STATE_DIR      # stops the cluster and deletes its data
#
# STATE_DIR (e.g. build/pg-test) holds only small files: `url` (the server URL, which names the
# maintenance database `postgres`: tests create their own databases on that server), `datadir`
# and `log`. The data directory itself is a mktemp directory under ${TMPDIR:-/tmp}.
# The binaries are taken from JICENG_PG_BIN (default /usr/lib/postgresql/15/bin; Debian package
# postgresql-15, listed in scripts/lib.sh).
set -euo pipefail

PG_BIN="${JICENG_PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_SUPERUSER="jiceng_test"

die() {
  printf '错误 / error: %s / %s\n' "$1" "$2" >&2
  exit 1
}

usage() {
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Runs a command as the user that owns the cluster: ourselves, or `nobody` when we are root.
as_cluster_user() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

# A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it).
free_port() {
  python3 - <<'PY' 2>/dev/null && return 0
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
  # No python3: probe a random high port with bash's /dev/tcp.
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

cmd_start() {
  local state="$1"
  [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] ||
    die "找不到 PostgreSQL 15（$PG_BIN）；请安装 postgresql-15（scripts/lib.sh 中已列出）" \
      "PostgreSQL 15 not found in $PG_BIN; install postgresql-15 (listed in scripts/lib.sh)"
  mkdir -p "$state"
  if [[ -f "$state/datadir" ]]; then
    # A cluster left over from an interrupted run: stop it first.
    cmd_stop "$state" || true
    mkdir -p "$state"
  fi
  local data
  data="$(mktemp -d "${TMPDIR:-/tmp}/jiceng-pg-test-XXXXXX")"
  echo "$data" >"$state/datadir"
  if [[ "$(id -u)" -eq 0 ]]; then
    id nobody >/dev/null 2>&1 || die "没有用户 nobody，无法以非 root 身份运行 postgres" \
      "there is no user nobody to run postgres as (it refuses to run as root)"
    chown nobody "$data"
  fi
  chmod 700 "$data"
  as_cluster_user "$PG_BIN/initdb" -D "$data/pgdata" -U "$PG_SUPERUSER" --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$data/initdb.log" 2>&1 ||
    die "initdb 失败，见 $data/initdb.log" "initdb failed, see $data/initdb.log"

  local port attempt
  for attempt in 1 2 3; do
    port="$(free_port)" || die "找不到空闲端口" "no free port found"
    # Speed over durability: the cluster is thrown away after the run. (The crash tests kill
    # the jiceng server, never postgres, so what postgres acknowledged stays visible.)
    if as_cluster_user "$PG_BIN/pg_ctl" -D "$data/pgdata" -l "$data/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
-c shared_buffers=256MB" start >>"$data/pg_ctl.log" 2>&1; then
      break
    fi
    [[ $attempt -eq 3 ]] && {
      tail -n 20 "$data/postgres.log" >&2 || true
      die "postgres 无法启动，见 $data/postgres.log" "postgres did not start, see $data/postgres.log"
    }
  done
  echo "$data/postgres.log" >"$state/log"
  local url="postgresql://$PG_SUPERUSER@127.0.0.1:$port/postgres"
  echo "$url" >"$state/url"
  echo "$url"
}

cmd_url() {
  local state="$1"
  [[ -s "$state/url" ]] ||
    die "测试用 PostgreSQL 没有启动（$state/url 不存在）；先运行 $0 start $state" \
      "the test PostgreSQL cluster is not running ($state/url missing); run $0 start $state first"
  cat "$state/url"
}

cmd_stop() {
  local state="$1"
  [[ -f "$state/datadir" ]] || return 0
  local data
  data="$(cat "$state/datadir")"
  if [[ -d "$data/pgdata" ]]; then
    as_cluster_user "$PG_BIN/pg_ctl" -D "$data/pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  # Only ever delete what `start` created.
  case "$data" in
    */jiceng-pg-test-*) rm -rf "$data" ;;
  esac
  rm -f "$state/datadir" "$state/url" "$state/log"
}

[[ $# -ge 2 ]] || usage
action="$1"
state="$2"
shift 2
case "$action" in
  start) cmd_start "$state" ;;
  url) cmd_url "$state" ;;
  stop) cmd_stop "$state" ;;
  exec)
    [[ $# -ge 1 ]] || usage
    JICENG_TEST_PG_URL="$(cmd_url "$state")"
    export JICENG_TEST_PG_URL
    exec "$@"
    ;;
  *) usage ;;
esac
