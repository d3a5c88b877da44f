// Wall-clock time as Jiceng stores it: UTC, ISO 8601 with a trailing Z
// ("2026-11-23T08:30:00Z"), so that text order is time order in every engine.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace jiceng {

using SystemTime = std::chrono::system_clock::time_point;

std::string NowUtcIso();
std::string UtcIso(SystemTime t);
// Parses "YYYY-MM-DDTHH:MM:SSZ" (what UtcIso writes) and a bare date
// "YYYY-MM-DD" (midnight UTC); std::nullopt for anything else.
std::optional<SystemTime> ParseUtcIso(std::string_view text);

// Calendar dates ("2026-11-23"), as used for birth dates, meeting days and
// the dated steps of membership development.
using Date = std::chrono::sys_days;
std::optional<Date> ParseDate(std::string_view text);
std::string FormatDate(Date d);
Date Today();

}  // namespace jiceng
