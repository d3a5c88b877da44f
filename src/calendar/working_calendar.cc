#include "calendar/working_calendar.h"

namespace jiceng::calendar {

namespace {

int YearOf(Date d) { return static_cast<int>(std::chrono::year_month_day(d).year()); }

bool IsWeekend(Date d) {
  const std::chrono::weekday w(d);
  return w == std::chrono::Saturday || w == std::chrono::Sunday;
}

}  // namespace

std::string_view YearSourceName(YearSource source) {
  switch (source) {
    case YearSource::kFile: return "file";
    case YearSource::kOverrides: return "overrides";
    case YearSource::kFallback: return "fallback";
  }
  return "fallback";
}

WorkingCalendar::WorkingCalendar(std::map<int, CalendarYear> files, std::vector<DayOverride> overrides)
    : files_(std::move(files)) {
  for (const auto& [year, file] : files_) {
    for (const auto& [date, day] : file.days) days_[date] = Entry{day, false, std::nullopt, day};
  }
  for (DayOverride& o : overrides) {
    override_years_.insert(YearOf(o.date));
    Entry& e = days_[o.date];
    e.day = CalendarDay{o.date, o.kind, BilingualName{o.name, o.name}};
    e.overridden = true;
    e.correction = std::move(o);
  }
}

YearSource WorkingCalendar::SourceOf(int year) const {
  if (files_.count(year)) return YearSource::kFile;
  if (override_years_.count(year)) return YearSource::kOverrides;
  return YearSource::kFallback;
}

const CalendarYear* WorkingCalendar::File(int year) const {
  auto it = files_.find(year);
  return it == files_.end() ? nullptr : &it->second;
}

DayAnswer WorkingCalendar::IsWorkingDay(Date d) const {
  DayAnswer a;
  a.fallback = SourceOf(YearOf(d)) == YearSource::kFallback;
  auto it = days_.find(d);
  a.working = it != days_.end() ? it->second.day.kind == DayKind::kWorkday : !IsWeekend(d);
  return a;
}

DateAnswer WorkingCalendar::AddWorkingDays(Date from, int n) const {
  DateAnswer out{from, false};
  const std::chrono::days step(n >= 0 ? 1 : -1);
  for (int left = n >= 0 ? n : -n; left > 0;) {
    out.date += step;
    const DayAnswer day = IsWorkingDay(out.date);
    out.fallback = out.fallback || day.fallback;
    if (day.working) --left;
  }
  return out;
}

CountAnswer WorkingCalendar::WorkingDaysBetween(Date from, Date to) const {
  CountAnswer out;
  const bool backwards = to < from;
  const Date lo = backwards ? to : from;
  const Date hi = backwards ? from : to;
  for (Date d = lo + std::chrono::days(1); d <= hi; d += std::chrono::days(1)) {
    const DayAnswer day = IsWorkingDay(d);
    out.fallback = out.fallback || day.fallback;
    if (day.working) ++out.days;
  }
  if (backwards) out.days = -out.days;
  return out;
}

std::vector<WorkingCalendar::Entry> WorkingCalendar::DaysOf(int year) const {
  std::vector<Entry> out;
  const Date first{std::chrono::year(year) / std::chrono::January / 1};
  const Date last{std::chrono::year(year) / std::chrono::December / 31};
  for (auto it = days_.lower_bound(first); it != days_.end() && it->first <= last; ++it) out.push_back(it->second);
  return out;
}

}  // namespace jiceng::calendar
