// An uploaded spreadsheet as rows of text: .xlsx (recognized by its zip
// signature, whatever the file is called) or CSV in UTF-8 or GB18030; the
// first non-empty row is the header. Shared by the member and organization
// imports (导入), which map header names to fields and report problems by the
// row number the user sees in Excel / WPS.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "io/xlsx/xlsx_reader.h"

namespace jiceng::imports {

struct SheetRow {
  std::size_t row = 0;  // as the sheet shows it (xlsx row number, CSV line)
  std::vector<std::string> cells;
};

struct Sheet {
  std::vector<std::string> header;
  std::size_t header_row = 0;
  std::vector<SheetRow> rows;  // after the header; blank rows left out
};

// Files larger than this, or with more data rows, are refused.
inline constexpr std::size_t kMaxImportBytes = 20 * 1024 * 1024;
inline constexpr std::size_t kMaxImportRows = 200'000;

// kInvalidArgument (field "file") when the bytes are not a readable .xlsx or
// CSV, have no header or no data row, or are too large; kPayloadTooLarge
// when an .xlsx unpacks past `xlsx_limits`.
Result<Sheet> ReadSheet(std::string_view bytes, std::string_view file_name, const io::XlsxLimits& xlsx_limits = {});

// One problem in one cell (or row) of an import.
struct RowIssue {
  std::size_t row = 0;          // as the sheet shows it; 0 for the whole file
  std::string column = {};      // the column's header as written in the file ("出生日期"), or ""
  std::string field = {};       // the field it maps to ("birth_date"), or ""
  std::string message_zh = {};
  std::string message_en = {};
};

// The outcome of a dry run or a commit.
struct ImportReport {
  bool dry_run = true;
  std::size_t rows = 0;                  // data rows read
  std::size_t valid_rows = 0;            // rows without errors
  std::vector<RowIssue> errors = {};     // every bad row, in row order; non-empty: nothing was written
  std::vector<RowIssue> warnings = {};   // ignored columns, masked values left out ...
  bool committed = false;                // rows were written (commit with no errors)
  std::vector<std::int64_t> inserted_ids = {};  // ids of the new members / organizations, in row order
};

// The report as stored and answered (jobs, POST /api/v1/imports/...): counts,
// at most `max_issues` errors and warnings, each with row, column, field,
// message_zh and message_en, and the inserted ids.
nlohmann::json ReportToJson(const ImportReport& report, std::size_t max_issues = 1000);

// Told now and then how many rows of how many have been checked (imports) or
// written out (exports), the last time with done == total; may be empty.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;
// How often a ProgressFn hears about rows.
inline constexpr std::size_t kProgressEvery = 500;

// Where an import may put rows: the caller's scope for the write permission
// (subtree code prefixes), or everywhere.
struct ImportScope {
  bool nationwide = false;
  std::vector<std::string> unit_prefixes = {};
  bool Contains(std::string_view unit_code) const;
};

// Maps a file's header to fields. `aliases` lists, per field, the names a
// header may use (Chinese and English; compared without spaces, '*' and
// ASCII case). Unknown columns become warnings unless listed in `ignored`.
class HeaderMap {
 public:
  HeaderMap(const std::vector<std::string>& header,
            const std::vector<std::pair<std::string, std::vector<std::string>>>& aliases,
            const std::vector<std::string>& ignored, std::size_t header_row, std::vector<RowIssue>* warnings);
  bool Has(std::string_view field) const { return columns_.count(std::string(field)) > 0; }
  // The trimmed cell of `field` in `row`, or nullopt when the column is
  // absent or the cell empty.
  std::optional<std::string> Get(const SheetRow& row, std::string_view field) const;
  // The header as the file writes it, for messages; `fallback` when absent.
  std::string ColumnName(std::string_view field, std::string_view fallback) const;

 private:
  std::map<std::string, std::size_t> columns_;       // field -> column index
  std::map<std::string, std::string> column_names_;  // field -> header text
};

// A date typed the ways people type them: 1980-05-01, 1980/5/1, 1980.5.1,
// 1980年5月1日, 19800501, or a date cell with a time of day. nullopt when not
// recognizable (the caller passes the text on to the rules, which say how to
// write it).
std::optional<std::string> NormalizeDate(std::string_view text);

// Labels people write for an enumerated value (男 -> male), and the ids
// themselves, compared as headers are (no spaces, ASCII case ignored).
class EnumMap {
 public:
  explicit EnumMap(const std::vector<std::pair<std::string, std::string>>& labels);
  // The id for `text`; nullopt when unknown.
  std::optional<std::string> Find(std::string_view text) const;

 private:
  std::map<std::string, std::string, std::less<>> ids_;  // normalized label -> id
};

}  // namespace jiceng::imports
