// The shipped working-day calendar (工作日历): one file per year,
// definitions/calendar/YYYY.yaml, holding that year's statutory holidays
// (法定节假日放假) and make-up working days (调休上班), copied from the State
// Council General Office's yearly notice (国务院办公厅关于YYYY年部分节假日安排的
// 通知) that its `source` names. Loaded and checked at start: an error names
// the file, the line and the problem (a date outside its year, a date listed
// twice or both off and worked, a make-up day that is not a Saturday or
// Sunday, an unknown key).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/definitions.h"
#include "common/result.h"

namespace jiceng::calendar {

// What a listed day is: a day off (放假) or a weekend day worked (调休上班).
enum class DayKind { kHoliday, kWorkday };

// "holiday" / "workday", as in the database and the API.
std::string_view DayKindName(DayKind kind);
std::optional<DayKind> ParseDayKind(std::string_view text);

struct CalendarDay {
  Date date = {};
  DayKind kind = DayKind::kHoliday;
  BilingualName name = {};  // the holiday it belongs to (春节 / Spring Festival)
};

// The notice a year's dates come from.
struct CalendarSource {
  std::string title = {};   // 国务院办公厅关于2025年部分节假日安排的通知
  std::string number = {};  // 国办发明电〔2024〕12号; empty when it could not be confirmed
  std::string date = {};    // the notice's date, YYYY-MM-DD
  std::string url = {};
};

struct CalendarYear {
  int year = 0;
  CalendarSource source = {};
  std::map<Date, CalendarDay> days = {};  // every listed day, holidays and make-up days
};

// Parses one year's file; `origin` (its file name) prefixes every error.
Result<CalendarYear> ParseCalendarYear(std::string_view yaml, std::string_view origin);

// Every YYYY.yaml in `dir`, by year; a file whose name is not its `year` is
// refused. A missing directory is an error (kNotFound naming it).
Result<std::map<int, CalendarYear>> LoadCalendarDirectory(const std::filesystem::path& dir);

// The shipped files: definitions/calendar (see FindDefinitionFile).
Result<std::map<int, CalendarYear>> LoadShippedCalendar();

}  // namespace jiceng::calendar
