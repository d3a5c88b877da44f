#include "calendar/calendar_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

namespace jiceng::calendar {

namespace fs = std::filesystem;

std::string_view DayKindName(DayKind kind) { return kind == DayKind::kHoliday ? "holiday" : "workday"; }

std::optional<DayKind> ParseDayKind(std::string_view text) {
  if (text == "holiday") return DayKind::kHoliday;
  if (text == "workday") return DayKind::kWorkday;
  return std::nullopt;
}

namespace {

Status FileError(std::string_view origin, const YAML::Mark& mark, const std::string& zh, const std::string& en) {
  std::string where(origin);
  if (mark.line >= 0) where += ":" + std::to_string(mark.line + 1);
  return Status::InvalidArgument("definitions", "工作日历 " + where + "：" + zh, "Working-day calendar " + where + ": " + en);
}

int YearOf(Date d) { return static_cast<int>(std::chrono::year_month_day(d).year()); }

bool IsWeekend(Date d) {
  const std::chrono::weekday w(d);
  return w == std::chrono::Saturday || w == std::chrono::Sunday;
}

// A date of `year` written YYYY-MM-DD.
Result<Date> ReadDate(const YAML::Node& node, int year, std::string_view what_zh, std::string_view what_en,
                      const DefinitionErrorFn& error) {
  const std::string zh(what_zh), en(what_en);
  const std::optional<Date> d = node && node.IsScalar() ? ParseDate(node.Scalar()) : std::nullopt;
  if (!d) {
    return error(node ? node.Mark() : YAML::Mark::null_mark(), zh + " 应为日期 YYYY-MM-DD。",
                 en + " must be a date written YYYY-MM-DD.");
  }
  if (YearOf(*d) != year) {
    return error(node.Mark(),
                 zh + " " + FormatDate(*d) + " 不在 " + std::to_string(year) + " 年内：每个文件只写本年的日期。",
                 en + " " + FormatDate(*d) + " is not in " + std::to_string(year) +
                     ": each file lists the dates of its own year only.");
  }
  return *d;
}

Status AddDay(CalendarYear& out, const CalendarDay& day, const YAML::Mark& mark, const DefinitionErrorFn& error) {
  auto [it, added] = out.days.emplace(day.date, day);
  if (added) return Status::Ok();
  const std::string date = FormatDate(day.date);
  if (it->second.kind != day.kind) {
    return error(mark, date + " 既写作放假又写作上班，请只保留一种。",
                 date + " is listed both as a day off and as a working day; keep one.");
  }
  return error(mark, date + " 写了两次（" + it->second.name.zh + "、" + day.name.zh + "）。",
               date + " is listed twice (" + it->second.name.en + ", " + day.name.en + ").");
}

}  // namespace

Result<CalendarYear> ParseCalendarYear(std::string_view yaml, std::string_view origin) {
  auto error = [origin](const YAML::Mark& mark, const std::string& zh, const std::string& en) {
    return FileError(origin, mark, zh, en);
  };
  CalendarYear out;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    JICENG_RETURN_IF_ERROR(CheckDefinitionKeys(root, {"year", "source", "holidays"}, "文件", "the file", error));
    const YAML::Node year = root["year"];
    int y = 0;
    if (!year || !year.IsScalar() || !YAML::convert<int>::decode(year, y) || y < 1949 || y > 9999) {
      return error(year ? year.Mark() : root.Mark(), "year 应为年份，如 2026。", "year must be a year, e.g. 2026.");
    }
    out.year = y;
    const YAML::Node source = root["source"];
    if (!source) return error(root.Mark(), "缺少 source（发布放假安排的通知）。", "source (the notice the dates come from) is missing.");
    JICENG_RETURN_IF_ERROR(
        CheckDefinitionKeys(source, {"title", "number", "date", "url"}, "source", "source", error));
    for (const char* key : {"title", "date", "url"}) {
      const YAML::Node v = source[key];
      if (!v || !v.IsScalar() || v.Scalar().empty()) {
        return error(source.Mark(), std::string("source 缺少 ") + key + "。", std::string("source needs a ") + key + ".");
      }
    }
    out.source.title = source["title"].Scalar();
    out.source.date = source["date"].Scalar();
    out.source.url = source["url"].Scalar();
    if (!ParseDate(out.source.date)) {
      return error(source["date"].Mark(), "source.date 应为日期 YYYY-MM-DD。", "source.date must be a date YYYY-MM-DD.");
    }
    if (const YAML::Node n = source["number"]; n && n.IsScalar()) out.source.number = n.Scalar();

    const YAML::Node holidays = root["holidays"];
    if (!holidays || !holidays.IsSequence() || holidays.size() == 0) {
      return error(holidays ? holidays.Mark() : root.Mark(), "holidays 应为节日的列表。",
                   "holidays must be a list of holidays.");
    }
    for (const YAML::Node& h : holidays) {
      JICENG_RETURN_IF_ERROR(
          CheckDefinitionKeys(h, {"name", "from", "to", "workdays"}, "节日", "a holiday", error));
      JICENG_ASSIGN_OR_RETURN(BilingualName name, ReadBilingualName(h["name"], "节日", "a holiday", error));
      JICENG_ASSIGN_OR_RETURN(Date from, ReadDate(h["from"], y, name.zh + " 的 from", name.en + "'s from", error));
      JICENG_ASSIGN_OR_RETURN(Date to, ReadDate(h["to"], y, name.zh + " 的 to", name.en + "'s to", error));
      if (to < from || (to - from).count() > 31) {
        return error(h["to"].Mark(), name.zh + " 的 to 应不早于 from，且不超过 31 天。",
                     name.en + "'s to must not be before from, nor more than 31 days after it.");
      }
      for (Date d = from; d <= to; d += std::chrono::days(1)) {
        JICENG_RETURN_IF_ERROR(AddDay(out, CalendarDay{d, DayKind::kHoliday, name}, h["from"].Mark(), error));
      }
      const YAML::Node workdays = h["workdays"];
      if (!workdays) continue;
      if (!workdays.IsSequence()) {
        return error(workdays.Mark(), "workdays 应为日期的列表，如 [2026-02-14, 2026-02-28]。",
                     "workdays must be a list of dates, e.g. [2026-02-14, 2026-02-28].");
      }
      for (const YAML::Node& w : workdays) {
        JICENG_ASSIGN_OR_RETURN(Date d, ReadDate(w, y, name.zh + " 的调休上班日", name.en + "'s make-up working day", error));
        if (!IsWeekend(d)) {
          return error(w.Mark(), "调休上班日 " + FormatDate(d) + " 不是周六或周日：平日本来就上班。",
                       "the make-up working day " + FormatDate(d) +
                           " is not a Saturday or Sunday: a weekday is a working day anyway.");
        }
        JICENG_RETURN_IF_ERROR(AddDay(out, CalendarDay{d, DayKind::kWorkday, name}, w.Mark(), error));
      }
    }
  } catch (const YAML::Exception& e) {
    return FileError(origin, e.mark, "YAML 格式错误：" + e.msg, "invalid YAML: " + e.msg);
  }
  return out;
}

Result<std::map<int, CalendarYear>> LoadCalendarDirectory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound("找不到工作日历目录 " + dir.string() + "。", "The calendar folder " + dir.string() + " was not found.");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::map<int, CalendarYear> years;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::IoError("无法读取 " + file.string() + "。", "Cannot read " + file.string() + ".");
    std::stringstream text;
    text << in.rdbuf();
    const std::string origin = file.filename().string();
    JICENG_ASSIGN_OR_RETURN(CalendarYear year, ParseCalendarYear(text.str(), origin));
    if (file.stem().string() != std::to_string(year.year)) {
      return FileError(origin, YAML::Mark::null_mark(),
                       "文件名应为其年份：year 为 " + std::to_string(year.year) + " 的文件应命名为 " +
                           std::to_string(year.year) + ".yaml。",
                       "a file is named after its year: the file of year " + std::to_string(year.year) +
                           " must be named " + std::to_string(year.year) + ".yaml.");
    }
    years.emplace(year.year, std::move(year));
  }
  return years;
}

Result<std::map<int, CalendarYear>> LoadShippedCalendar() {
  JICENG_ASSIGN_OR_RETURN(fs::path dir, FindDefinitionFile("calendar"));
  return LoadCalendarDirectory(dir);
}

}  // namespace jiceng::calendar
