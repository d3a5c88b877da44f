#include "calendar/calendar_service.h"

namespace jiceng::calendar {

namespace {

constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxNoteBytes = 2000;

}  // namespace

Result<std::unique_ptr<CalendarService>> CalendarService::Load(db::Database& db, std::map<int, CalendarYear> files,
                                                               const BusinessClock& clock) {
  std::unique_ptr<CalendarService> service(new CalendarService(db, std::move(files), clock));
  JICENG_RETURN_IF_ERROR(service->Reload());
  return service;
}

std::shared_ptr<const WorkingCalendar> CalendarService::Current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

Result<std::vector<DayOverride>> CalendarService::ReadOverrides(db::Session& s) const {
  std::vector<DayOverride> out;
  JICENG_RETURN_IF_ERROR(s.Query(
      "SELECT c.day, c.kind, c.name, c.note, c.set_by, COALESCE(u.username, ''), c.set_at "
      "FROM calendar_days c LEFT JOIN users u ON u.id = c.set_by ORDER BY c.day",
      {}, [&out](const db::Row& row) {
        const std::optional<Date> date = ParseDate(row.Text(0));
        const std::optional<DayKind> kind = ParseDayKind(row.Text(1));
        if (!date || !kind) return Status::Internal("calendar_days holds a bad row: " + row.Text(0));
        DayOverride o{*date, *kind, row.Text(2), row.Text(3)};
        if (!row.IsNull(4)) o.set_by = row.Int(4);
        o.set_by_name = row.Text(5);
        o.set_at = row.Text(6);
        out.push_back(std::move(o));
        return Status::Ok();
      }));
  return out;
}

Status CalendarService::Reload() {
  std::vector<DayOverride> overrides;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(overrides, ReadOverrides(s));
    return Status::Ok();
  }));
  auto next = std::make_shared<const WorkingCalendar>(files_, std::move(overrides));
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
  return Status::Ok();
}

Status CalendarService::SetDay(DayOverride day) {
  if (day.name.empty() || day.name.size() > kMaxNameBytes) {
    return Status::InvalidArgument("name", "请填写这一天的名称（如“春节”），不超过 200 字节。",
                                   "Give the day a name (e.g. \"Spring Festival\"), at most 200 bytes.");
  }
  if (day.note.size() > kMaxNoteBytes) {
    return Status::InvalidArgument("note", "说明不超过 2000 字节。", "The note must be at most 2000 bytes.");
  }
  day.set_at = UtcIso(clock_.Now());
  std::vector<DayOverride> overrides;
  // Read back in the same transaction, so that the calendar swapped in is
  // exactly what was committed (with any other process's corrections).
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(s.Exec("DELETE FROM calendar_days WHERE day = ?", {FormatDate(day.date)}).status());
    db::Params row{FormatDate(day.date), std::string(DayKindName(day.kind)), day.name, day.note, nullptr, day.set_at};
    if (day.set_by) row[4] = *day.set_by;
    JICENG_RETURN_IF_ERROR(
        s.Exec("INSERT INTO calendar_days (day, kind, name, note, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)", row)
            .status());
    JICENG_ASSIGN_OR_RETURN(overrides, ReadOverrides(s));
    return Status::Ok();
  }));
  auto next = std::make_shared<const WorkingCalendar>(files_, std::move(overrides));
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
  return Status::Ok();
}

Status CalendarService::ClearDay(Date date) {
  std::vector<DayOverride> overrides;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(std::int64_t removed, s.Exec("DELETE FROM calendar_days WHERE day = ?", {FormatDate(date)}));
    if (removed == 0) {
      return Status::NotFound(FormatDate(date) + " 没有管理员更正。", FormatDate(date) + " has no correction.", "date");
    }
    JICENG_ASSIGN_OR_RETURN(overrides, ReadOverrides(s));
    return Status::Ok();
  }));
  auto next = std::make_shared<const WorkingCalendar>(files_, std::move(overrides));
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
  return Status::Ok();
}

}  // namespace jiceng::calendar
