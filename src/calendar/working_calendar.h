// Working days (工作日): the one place a deadline in Jiceng is computed.
// AddWorkingDays and WorkingDaysBetween count by the shipped calendar files
// (calendar_file.h) with an administrator's corrections laid over them
// (calendar_service.h); a date in a year that has neither falls back to
// Monday–Friday, and every answer says whether it did (`fallback`), so that
// a page showing such a deadline can say so.
//
// A WorkingCalendar is immutable: the service swaps in a new one when a
// correction is made, and readers keep the one they took.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "calendar/calendar_file.h"
#include "common/clock.h"

namespace jiceng::calendar {

// An administrator's correction of one day (calendar_days table).
struct DayOverride {
  Date date = {};
  DayKind kind = DayKind::kHoliday;
  std::string name = {};  // as the administrator wrote it
  std::string note = {};
  std::optional<std::int64_t> set_by = {};  // users.id; none from the command line
  std::string set_by_name = {};             // the username, when read back
  std::string set_at = {};                  // UTC ISO 8601
};

// Where a year's answers come from.
enum class YearSource {
  kFile,       // a shipped file (corrections may lie over it)
  kOverrides,  // no file, but an administrator entered days for it
  kFallback,   // nothing: Monday–Friday
};
std::string_view YearSourceName(YearSource source);  // "file" / "overrides" / "fallback"

struct DayAnswer {
  bool working = false;
  bool fallback = false;  // the day's year has no data: Monday–Friday was assumed
};
struct DateAnswer {
  Date date = {};
  bool fallback = false;  // some day counted lies in a year without data
};
struct CountAnswer {
  int days = 0;
  bool fallback = false;  // some day counted lies in a year without data
};

class WorkingCalendar {
 public:
  WorkingCalendar(std::map<int, CalendarYear> files, std::vector<DayOverride> overrides);

  DayAnswer IsWorkingDay(Date d) const;
  // n > 0: the n-th working day after `from` (`from` itself not counted);
  // n < 0: the |n|-th working day before it; n == 0: `from` itself.
  // A deadline "within 5 working days of D" is AddWorkingDays(D, 5).
  // Walks day by day: meant for deadlines (|n| up to a few thousand).
  DateAnswer AddWorkingDays(Date from, int n) const;
  // The working days in (from, to] — so that for a working day t,
  // AddWorkingDays(from, WorkingDaysBetween(from, t)) == t; negative when
  // `to` is before `from` (minus the working days in (to, from]).
  CountAnswer WorkingDaysBetween(Date from, Date to) const;

  YearSource SourceOf(int year) const;
  const CalendarYear* File(int year) const;  // nullptr when no file
  // The days of `year` that are not a plain weekday/weekend, files and
  // corrections merged (a correction replaces the file's entry).
  struct Entry {
    CalendarDay day;
    bool overridden = false;                  // from a correction
    std::optional<DayOverride> correction = {};
    std::optional<CalendarDay> file_day = {};  // what the file says, if anything
  };
  std::vector<Entry> DaysOf(int year) const;

 private:
  std::map<int, CalendarYear> files_;
  std::map<Date, Entry> days_;
  std::set<int> override_years_;
};

}  // namespace jiceng::calendar
