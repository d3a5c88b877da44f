#!/usr/bin/env bash
# Runs Jiceng's whole test suite: installs what is missing, builds, fetches the real division list,
# runs every CTest test, and, once web/package.json exists, the web UI tests in headless Chromium.
# Exits non-zero on any failure. CI runs it through .ci/run with CI=true (warnings become errors).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

step="start"
summary_printed=0
# Any step that stops the script (set -e) still leaves a clear last line.
# shellcheck disable=SC2317  # called through the trap
on_exit() {
  local rc=$?
  if [[ $rc -ne 0 && $summary_printed -eq 0 ]]; then
    printf '测试失败 / tests FAILED: 步骤 / step "%s", 退出码 / exit %d\n' "$step" "$rc" >&2
  fi
}
trap on_exit EXIT

step="install system packages"
say "检查并安装系统软件包" "checking and installing system packages"
ensure_apt_packages "${JICENG_APT_PACKAGES[@]}" "${JICENG_TEST_APT_PACKAGES[@]}"

step="build"
build

step="fetch divisions"
fetch_divisions
export JICENG_DIVISIONS_DIR="$DIVISIONS_DIR"

step="ctest"
say "运行服务器测试（ctest）" "running the server tests (ctest)"
server_status=0
# --no-tests=error: a build that registers no test is a failure, not a green run.
ctest --test-dir build --output-on-failure --no-tests=error -j2 || server_status=$?

web_status=0
web_result="skipped (no web/package.json)"
if [[ -f web/package.json ]]; then
  step="web tests"
  say "运行网页界面测试（web/）" "running the web UI tests (web/)"
  ensure_apt_packages chromium fonts-wqy-microhei
  command -v npm >/dev/null 2>&1 || ensure_apt_packages nodejs npm
  (
    cd web
    if [[ -f package-lock.json ]]; then
      npm ci --no-audit --no-fund
    else
      npm install --no-audit --no-fund
    fi
    npm test
  ) || web_status=$?
  if [[ $web_status -eq 0 ]]; then web_result="passed"; else web_result="FAILED (exit $web_status)"; fi
fi

if [[ $server_status -eq 0 ]]; then server_result="passed"; else server_result="FAILED (exit $server_status)"; fi
summary_printed=1
if [[ $server_status -eq 0 && $web_status -eq 0 ]]; then
  printf '测试通过 / tests OK: server (ctest) %s; web %s\n' "$server_result" "$web_result"
  exit 0
fi
printf '测试失败 / tests FAILED: server (ctest) %s; web %s\n' "$server_result" "$web_result" >&2
exit 1
