// A table to export: a sheet name, typed columns with Chinese headers, and
// rows of cells. The .xlsx writer (io/xlsx/xlsx_writer.h) turns dates into
// real date cells and fen into yuan numbers with two decimals; the CSV writer
// (io/csv/csv_writer.h) writes the same as text.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace jiceng::io {

struct Column {
  enum class Kind {
    kText,      // a string cell
    kInteger,   // a whole number
    kDate,      // "YYYY-MM-DD" text in, a date cell out
    kMoneyFen,  // integer fen in, yuan with 2 decimals out (12345 -> 123.45)
  };
  std::string header;
  Kind kind = Kind::kText;
  double width = 14;  // in characters, for .xlsx
};

// An empty cell, text (kText, kDate) or an integer (kInteger, kMoneyFen).
using Cell = std::variant<std::monostate, std::string, std::int64_t>;

struct Table {
  std::string sheet_name = "Sheet1";  // at most 31 characters, no []:*?/\ .
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
};

// 12345 -> "123.45", -5 -> "-0.05".
std::string FenToYuanText(std::int64_t fen);

}  // namespace jiceng::io
