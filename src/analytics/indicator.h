// Indicators as data (definitions/indicators/*.yaml): what the roll-up engine
// counts or sums, from which rows, broken down by which dimensions, and over
// which period. Adding an indicator is a YAML change, never a C++ one; the
// server checks every file at start and names the file and line of a mistake.
//
// An indicator is one SQL SELECT over the domain's tables that yields one row
// per counted record with these columns:
//   id       the record's id in `table` (the table domains publish changes of)
//   unit_id  the unit (units.id) the record belongs to
//   period   (flows only) the record's date, 'YYYY-MM-DD' or 'YYYY-MM'
//   value    (sums only) an integer, e.g. fen
//   <dim>    one column per dimension, a short text value
// Rows the SELECT does not yield (filtered out, deleted) count nothing.
//
// Calendar indicators (`calendar: day`) depend on today's date as well as on
// the rows (dues in arrears up to this month, meetings due so far this year):
// every `?` in their SELECT is bound to today's date, 'YYYY-MM-DD' in
// Asia/Shanghai, and the engine reads them all again, in the background,
// when that date changes (RollupEngine::FollowCalendar).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace jiceng::analytics {

struct Label {
  std::string zh = {};
  std::string en = {};
};

struct Dimension {
  std::string id = {};
  Label title = {};
  // Known values in display order with their labels; a value the SELECT
  // yields that is not listed is still counted, under its own text.
  std::vector<std::pair<std::string, Label>> values = {};
};

enum class Measure { kCount, kSum };

// Another table whose changes move this indicator's figures: `ids_sql` maps
// the changed row's id (bound to every `?`) to ids of this indicator's records.
struct Dependency {
  std::string table = {};
  std::string ids_sql = {};
};

struct IndicatorDef {
  std::string id = {};        // e.g. "members"; letters, digits, '.', '_'
  Label title = {};
  std::string domain = {};    // groups indicators on dashboards: "members", "orgs", ...
  std::string table = {};
  std::string select = {};
  Measure measure = Measure::kCount;
  Label value_unit = {};      // e.g. {分, fen} for sums; {人, people} for counts
  bool flow = false;          // true: has a period column; figures are per period
  bool calendar = false;      // true: `?` in select is today's date; re-read when the day changes
  std::string ratio_of = {};  // the indicator this one is usually shown as a share of (held / due)
  std::vector<Dimension> dimensions = {};
  std::vector<Dependency> also = {};
  std::string origin = {};    // "file:line", for messages

  const Dimension* FindDimension(std::string_view dim) const;
};

// Parses one YAML document holding `indicators: [...]`.
Result<std::vector<IndicatorDef>> ParseIndicators(std::string_view yaml, std::string_view origin);
// Loads every *.yaml in `dir` in name order; ids must be unique across files.
Result<std::vector<IndicatorDef>> LoadIndicatorDir(const std::filesystem::path& dir);
// definitions/indicators, found like the other definition files.
Result<std::vector<IndicatorDef>> LoadIndicators();

}  // namespace jiceng::analytics
