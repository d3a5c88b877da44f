// Wall-clock time as Jiceng stores it: UTC, ISO 8601 with a trailing Z
// ("2026-11-23T08:30:00Z"), so that text order is time order in every engine.
#pragma once

#include <string>

namespace jiceng {

std::string NowUtcIso();

}  // namespace jiceng
