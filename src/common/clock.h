// Wall-clock time as Jiceng stores it: UTC, ISO 8601 with a trailing Z
// ("2026-11-23T08:30:00Z"), so that text order is time order in every engine.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace date {
class time_zone;
}

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

// The business clock (业务时钟): what time it is, and which calendar date it
// is where the deployment works (its time zone, Asia/Shanghai by default).
// Every rule about "today" (no meeting in the future, dues owed for this
// month, the calendar indicators of the roll-up engine) asks the one clock
// the services were given, so that they never disagree about the date, and
// tests set the time instead of waiting for it.
class BusinessClock {
 public:
  virtual ~BusinessClock() = default;
  // The current instant.
  virtual SystemTime Now() const = 0;
  // The calendar date of Now() in the clock's time zone.
  Date Today() const { return DateAt(Now()); }
  // The calendar date of `t` in the clock's time zone.
  Date DateAt(SystemTime t) const;
  // The IANA name of the time zone ("Asia/Shanghai").
  const std::string& time_zone() const { return zone_name_; }

 protected:
  // REQUIRES: `zone` is found in the time-zone database (see FindTimeZone).
  explicit BusinessClock(const date::time_zone* zone);

 private:
  const date::time_zone* zone_;
  std::string zone_name_;
};

// The default business time zone.
inline constexpr const char* kDefaultTimeZone = "Asia/Shanghai";

// Looks `name` up in the system's time-zone database (tzdata, read through
// the date-tz library); kInvalidArgument (field "time_zone") when unknown.
Result<const date::time_zone*> FindTimeZone(std::string_view name);

// Real time, the date taken in `zone`.
class SystemBusinessClock final : public BusinessClock {
 public:
  static Result<std::unique_ptr<SystemBusinessClock>> Create(std::string_view zone = kDefaultTimeZone);
  SystemTime Now() const override { return std::chrono::system_clock::now(); }

 private:
  using BusinessClock::BusinessClock;
};

// A clock that stands still at the time it was set to (tests).
class ManualClock final : public BusinessClock {
 public:
  static Result<std::unique_ptr<ManualClock>> Create(SystemTime at, std::string_view zone = kDefaultTimeZone);
  SystemTime Now() const override;
  void Set(SystemTime at);
  void Advance(std::chrono::seconds by);

 private:
  ManualClock(const date::time_zone* zone, SystemTime at) : BusinessClock(zone), at_(at) {}
  mutable std::mutex mutex_;
  SystemTime at_;  // GUARDED_BY(mutex_)
};

// Test-only (`jiceng serve --clock-file`): the time is read from a file
// holding one UTC instant ("2026-12-02T16:30:00Z", what UtcIso writes),
// read on every call, so that black-box tests can set and move a running
// server's time. While the file is missing or does not hold such an instant
// the clock tells the real time. Never used unless that flag is given.
class FileClock final : public BusinessClock {
 public:
  static Result<std::unique_ptr<FileClock>> Create(std::filesystem::path file, std::string_view zone = kDefaultTimeZone);
  SystemTime Now() const override;

 private:
  FileClock(const date::time_zone* zone, std::filesystem::path file) : BusinessClock(zone), file_(std::move(file)) {}
  std::filesystem::path file_;
};

}  // namespace jiceng
