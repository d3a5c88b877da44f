// The working-day calendar in use (工作日历服务): the shipped files
// (calendar_file.h) with an administrator's corrections, stored in the
// database (calendar_days), laid over them. Deadlines ask Current() for the
// calendar and compute with its AddWorkingDays / WorkingDaysBetween.
//
// Thread-safe. A correction made through this service is in Current() as
// soon as it is committed; one made by another server process on the same
// database is picked up by Reload() (the year page calls it).
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "calendar/working_calendar.h"
#include "db/database.h"

namespace jiceng::calendar {

class CalendarService {
 public:
  // Reads the corrections from `db` (migrated) over `files`.
  static Result<std::unique_ptr<CalendarService>> Load(db::Database& db, std::map<int, CalendarYear> files,
                                                       const BusinessClock& clock);

  // The calendar as it stands; never null.
  std::shared_ptr<const WorkingCalendar> Current() const;
  // Reads the corrections again.
  Status Reload();

  // Sets (adds or replaces) the correction of `day.date`; `day.set_at` is
  // filled from the clock. kInvalidArgument for an empty or overlong name or
  // note. Audited by the caller's commit hook like any write.
  Status SetDay(DayOverride day);
  // Removes the correction of `date`; kNotFound when there is none.
  Status ClearDay(Date date);

  const BusinessClock& clock() const { return clock_; }

 private:
  CalendarService(db::Database& db, std::map<int, CalendarYear> files, const BusinessClock& clock)
      : db_(db), files_(std::move(files)), clock_(clock) {}
  Result<std::vector<DayOverride>> ReadOverrides(db::Session& s) const;

  db::Database& db_;
  const std::map<int, CalendarYear> files_;
  const BusinessClock& clock_;
  mutable std::mutex mutex_;
  std::shared_ptr<const WorkingCalendar> current_;  // GUARDED_BY(mutex_)
};

}  // namespace jiceng::calendar
