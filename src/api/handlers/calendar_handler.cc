#include "api/handlers/calendar_handler.h"

#include <charconv>

namespace jiceng::api {

namespace {

using calendar::CalendarService;
using calendar::DayKind;

nlohmann::json NameJson(const BilingualName& n) { return {{"zh", n.zh}, {"en", n.en}}; }

nlohmann::json EntryJson(const calendar::WorkingCalendar::Entry& e) {
  nlohmann::json out = {{"date", FormatDate(e.day.date)},
                        {"kind", calendar::DayKindName(e.day.kind)},
                        {"name", NameJson(e.day.name)},
                        {"origin", e.overridden ? "override" : "file"},
                        {"file", nullptr}};
  if (e.file_day) {
    out["file"] = {{"kind", calendar::DayKindName(e.file_day->kind)}, {"name", NameJson(e.file_day->name)}};
  }
  if (e.correction) {
    out["note"] = e.correction->note;
    out["set_by"] = e.correction->set_by_name;
    out["set_at"] = e.correction->set_at;
  }
  return out;
}

Result<int> YearParam(const ApiRequest& req) {
  const std::string& text = req.Param("year");
  int year = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
  if (ec != std::errc() || end != text.data() + text.size() || year < 1949 || year > 9999) {
    return Status::InvalidArgument("year", "年份应为 1949–9999 之间的整数，如 /api/v1/calendar/2026。",
                                   "The year must be a whole number from 1949 to 9999, e.g. /api/v1/calendar/2026.");
  }
  return year;
}

Result<Date> DateParam(const ApiRequest& req) {
  const std::optional<Date> d = ParseDate(req.Param("date"));
  if (!d) {
    return Status::InvalidArgument("date", "日期应写作 YYYY-MM-DD，如 2026-02-14。",
                                   "The date must be written YYYY-MM-DD, e.g. 2026-02-14.");
  }
  return *d;
}

Result<Reply> GetYear(const ApiRequest& req, CalendarService& service) {
  JICENG_ASSIGN_OR_RETURN(int year, YearParam(req));
  // Another server process may have made a correction: read them again (a
  // small table, read on a page an administrator opens).
  JICENG_RETURN_IF_ERROR(service.Reload());
  const auto cal = service.Current();
  nlohmann::json days = nlohmann::json::array();
  for (const auto& e : cal->DaysOf(year)) days.push_back(EntryJson(e));
  nlohmann::json notice = nullptr;
  if (const calendar::CalendarYear* file = cal->File(year)) {
    notice = {{"title", file->source.title},
              {"number", file->source.number},
              {"date", file->source.date},
              {"url", file->source.url}};
  }
  const calendar::YearSource source = cal->SourceOf(year);
  return Reply{200,
               {{"year", year},
                {"source", calendar::YearSourceName(source)},
                {"fallback", source == calendar::YearSource::kFallback},
                {"notice", notice},
                {"days", std::move(days)}},
               {}};
}

Result<Reply> SetDay(const ApiRequest& req, CalendarService& service) {
  JICENG_ASSIGN_OR_RETURN(Date date, DateParam(req));
  req.audit_target = "calendar:" + FormatDate(date);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(std::string kind_text, body.RequiredString("kind"));
  JICENG_ASSIGN_OR_RETURN(std::string name, body.RequiredString("name"));
  JICENG_ASSIGN_OR_RETURN(auto note, body.OptionalString("note"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  const std::optional<DayKind> kind = calendar::ParseDayKind(kind_text);
  if (!kind) {
    return Status::InvalidArgument("kind", "kind 应为 holiday（放假）或 workday（上班）。",
                                   "kind must be holiday (a day off) or workday (a day worked).");
  }
  calendar::DayOverride day{date, *kind, std::move(name), note.value_or("")};
  day.set_by = req.principal->user_id;
  JICENG_RETURN_IF_ERROR(service.SetDay(std::move(day)));
  const auto cal = service.Current();
  for (const auto& e : cal->DaysOf(static_cast<int>(std::chrono::year_month_day(date).year()))) {
    if (e.day.date == date) return Reply{200, EntryJson(e), {}};
  }
  return Status::Internal("calendar day not found after it was set");
}

Result<Reply> ClearDay(const ApiRequest& req, CalendarService& service) {
  JICENG_ASSIGN_OR_RETURN(Date date, DateParam(req));
  req.audit_target = "calendar:" + FormatDate(date);
  JICENG_RETURN_IF_ERROR(service.ClearDay(date));
  return Reply{204, nullptr, {}};
}

}  // namespace

void AddCalendarRoutes(RouteTable& routes, CalendarService& calendar) {
  CalendarService* c = &calendar;
  routes.push_back({"GET", "/api/v1/calendar/:year", [c](const ApiRequest& r) { return GetYear(r, *c); }, kSignedIn,
                    {}, "calendar.read"});
  routes.push_back({"PUT", "/api/v1/calendar/days/:date", [c](const ApiRequest& r) { return SetDay(r, *c); },
                    "calendar.write", [](const ApiRequest&) -> Result<Target> { return Target::Nation(); },
                    "calendar.day.set"});
  routes.push_back({"DELETE", "/api/v1/calendar/days/:date", [c](const ApiRequest& r) { return ClearDay(r, *c); },
                    "calendar.write", [](const ApiRequest&) -> Result<Target> { return Target::Nation(); },
                    "calendar.day.clear"});
}

}  // namespace jiceng::api
