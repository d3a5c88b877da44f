#include "io/csv/csv_writer.h"

namespace jiceng::io {
namespace {

void AppendField(std::string& out, std::string_view field) {
  // A leading = + - @ would make a spreadsheet run the field as a formula
  // (CSV injection); a leading apostrophe keeps it text.
  const bool formula_like = !field.empty() && std::string_view("=+-@").find(field[0]) != std::string_view::npos &&
                            field.find_first_not_of("0123456789.-") != std::string_view::npos;
  const bool quote = formula_like || field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out.append(field);
    return;
  }
  out += '"';
  if (formula_like) out += '\'';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string WriteCsv(const Table& table) {
  std::string out = "\xEF\xBB\xBF";
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out += ',';
    AppendField(out, table.columns[c].header);
  }
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      if (c > 0) out += ',';
      if (c >= row.size()) continue;
      const Cell& cell = row[c];
      if (auto* s = std::get_if<std::string>(&cell)) {
        AppendField(out, *s);
      } else if (auto* n = std::get_if<std::int64_t>(&cell)) {
        out += table.columns[c].kind == Column::Kind::kMoneyFen ? FenToYuanText(*n) : std::to_string(*n);
      }
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace jiceng::io
