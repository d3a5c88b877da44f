#!/usr/bin/env bash
# One command for a new user on a fresh Debian 12: installs what is missing, builds, loads the real
# national division list and the demo data into data/jiceng.db, then serves http://127.0.0.1:8080.
#
# Usage: ./scripts/setup.sh [--no-serve]
#   --no-serve        stop after loading the data (for tests and scripted installs)
#   JICENG_LISTEN     address to serve on (default 127.0.0.1:8080)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

serve=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-serve) serve=0 ;;
    -h | --help)
      cat <<'USAGE'
用法 / usage: ./scripts/setup.sh [--no-serve]
  安装缺少的软件包、编译、载入全国行政区划和演示数据（data/jiceng.db），然后启动服务。
  Installs missing packages, builds, loads the national division list and demo data
  (data/jiceng.db), then serves.
  --no-serve      载入数据后停止，不启动服务 / stop after loading the data, do not serve
  JICENG_LISTEN   服务地址（默认 127.0.0.1:8080）/ address to serve on (default 127.0.0.1:8080)
USAGE
      exit 0
      ;;
    *) die "未知参数：$1（可用：--no-serve）" "unknown option: $1 (supported: --no-serve)" ;;
  esac
  shift
done

listen="${JICENG_LISTEN:-127.0.0.1:8080}"
db="data/jiceng.db"
cd "$ROOT"

say "第 1 步：检查并安装系统软件包" "step 1: checking and installing system packages"
ensure_apt_packages "${JICENG_APT_PACKAGES[@]}"

say "第 2 步：编译服务器" "step 2: building the server"
build

if [[ -f web/package.json ]]; then
  say "第 3 步：构建网页界面（web/）" "step 3: building the web UI (web/)"
  command -v npm >/dev/null 2>&1 || ensure_apt_packages nodejs npm
  if [[ -f web/package-lock.json ]]; then
    (cd web && npm ci --no-audit --no-fund)
  else
    (cd web && npm install --no-audit --no-fund)
  fi
  (cd web && npm run build)
else
  say "第 3 步：跳过网页界面（没有 web/package.json）" "step 3: skipping the web UI (no web/package.json)"
fi

say "第 4 步：获取全国行政区划数据" "step 4: fetching the national division list"
fetch_divisions
export JICENG_DIVISIONS_DIR="${JICENG_DIVISIONS_DIR:-$DIVISIONS_DIR}"

mkdir -p data
say "第 5 步：导入行政区划到 $db" "step 5: importing the division list into $db"
build/jiceng import-divisions --db "$db"

say "第 6 步：载入演示数据" "step 6: loading the demo data"
build/jiceng demo --db "$db"

if [[ $serve -eq 0 ]]; then
  say "完成：数据已载入 $db（--no-serve，未启动服务）" "done: data loaded into $db (--no-serve, not serving)"
  exit 0
fi

serve_args=(serve --db "$db" --listen "$listen")
[[ -f web/dist/index.html ]] && serve_args+=(--web web/dist)
say "第 7 步：启动服务，请打开 http://$listen （Ctrl+C 停止）" \
  "step 7: serving at http://$listen (Ctrl+C to stop)"
exec build/jiceng "${serve_args[@]}"
