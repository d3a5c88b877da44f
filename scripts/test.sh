#!/usr/bin/env bash
# Runs Jiceng's whole test suite: installs what is missing, builds, fetches the real division list,
# runs every CTest test, and, once web/package.json exists, the web UI tests in headless Chromium.
# Exits non-zero on any failure. CI runs it through .ci/run with CI=true (warnings become errors).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

step="start"
summary_printed=0
web_install_pid=""
web_install_log="$(mktemp)"
# Any step that stops the script (set -e) still leaves a clear last line.
# shellcheck disable=SC2317  # called through the trap
on_exit() {
  local rc=$?
  if [[ -n "$web_install_pid" ]]; then kill "$web_install_pid" 2>/dev/null || true; fi
  rm -f "$web_install_log"
  if [[ $rc -ne 0 && $summary_printed -eq 0 ]]; then
    printf '测试失败 / tests FAILED: 步骤 / step "%s", 退出码 / exit %d\n' "$step" "$rc" >&2
  fi
}
trap on_exit EXIT

has_web=0
[[ -f web/package.json ]] && has_web=1

step="install system packages"
say "检查并安装系统软件包" "checking and installing system packages"
# One apt run for everything, the web tests' browser and Node.js included.
apt_packages=("${JICENG_APT_PACKAGES[@]}" "${JICENG_TEST_APT_PACKAGES[@]}")
if [[ $has_web -eq 1 ]]; then apt_packages+=(chromium fonts-wqy-microhei); fi
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)
ensure_apt_packages "${apt_packages[@]}"

# The web packages download (network and disk, little CPU) while the server compiles; the web
# step below waits for them and prints the log.
if [[ $has_web -eq 1 ]]; then
  install_web_packages >"$web_install_log" 2>&1 &
  web_install_pid=$!
fi

step="build"
build

step="fetch divisions"
fetch_divisions
export JICENG_DIVISIONS_DIR="$DIVISIONS_DIR"

step="ctest"
say "运行服务器测试（ctest）" "running the server tests (ctest)"
server_status=0
# --no-tests=error: a build that registers no test is a failure, not a green run.
# JICENG_CTEST_JOBS: how many tests run at once (default 2, the cores; the API test groups wait
# on their servers and the disk, see bench/README.md "Build and test time").
ctest --test-dir build --output-on-failure --no-tests=error -j"${JICENG_CTEST_JOBS:-2}" ||
  server_status=$?

web_status=0
web_result="skipped (no web/package.json)"
if [[ $has_web -eq 1 ]]; then
  step="web tests"
  say "运行网页界面测试（web/）" "running the web UI tests (web/)"
  install_status=0
  wait "$web_install_pid" || install_status=$?
  web_install_pid=""
  cat "$web_install_log"
  if [[ $install_status -ne 0 ]]; then
    web_status=$install_status
  else
    (cd web && npm test) || web_status=$?
  fi
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
