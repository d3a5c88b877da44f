#include "io/xlsx/xlsx_writer.h"

#include <xlsxwriter.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/clock.h"

namespace jiceng::io {
namespace {

Status WriteFailed(lxw_error error) {
  return Status::Internal(std::string("libxlsxwriter: ") + lxw_strerror(error));
}

// Sheet names: at most 31 characters, none of []:*?/\ (Excel refuses them).
std::string SheetName(const std::string& wanted) {
  std::string out;
  for (char c : wanted) {
    if (std::string_view("[]:*?/\\").find(c) == std::string_view::npos) out += c;
  }
  if (out.empty()) out = "Sheet1";
  // Cut on a UTF-8 boundary at 31 code points.
  std::size_t count = 0, i = 0;
  for (; i < out.size(); ++i) {
    if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80 && ++count > 31) break;
  }
  return out.substr(0, i);
}

}  // namespace

Status WriteXlsxFile(const Table& table, const std::filesystem::path& path) {
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  const std::string tmpdir = std::filesystem::temp_directory_path().string();
  options.tmpdir = const_cast<char*>(tmpdir.c_str());
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (wb == nullptr) return Status::Internal("workbook_new_opt failed for " + path.string());
  const std::string sheet_name = SheetName(table.sheet_name);
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name.c_str());
  lxw_format* header = workbook_add_format(wb);
  format_set_bold(header);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "0.00");
  lxw_format* text = workbook_add_format(wb);
  format_set_num_format(text, "@");  // ID and phone numbers stay text when edited

  Status st;
  auto check = [&](lxw_error e) {
    if (e != LXW_NO_ERROR && st.ok()) st = WriteFailed(e);
  };
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const Column& col = table.columns[c];
    const auto ci = static_cast<lxw_col_t>(c);
    check(worksheet_set_column(ws, ci, ci, col.width, col.kind == Column::Kind::kText ? text : nullptr));
  }
  worksheet_freeze_panes(ws, 1, 0);
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    check(worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), table.columns[c].header.c_str(), header));
  }
  for (std::size_t r = 0; r < table.rows.size() && st.ok(); ++r) {
    const auto ri = static_cast<lxw_row_t>(r + 1);
    const auto& row = table.rows[r];
    for (std::size_t c = 0; c < row.size() && c < table.columns.size(); ++c) {
      const auto ci = static_cast<lxw_col_t>(c);
      const Cell& cell = row[c];
      if (std::holds_alternative<std::monostate>(cell)) continue;
      switch (table.columns[c].kind) {
        case Column::Kind::kText:
          if (auto* s = std::get_if<std::string>(&cell)) {
            check(worksheet_write_string(ws, ri, ci, s->c_str(), text));
          } else {
            check(worksheet_write_string(ws, ri, ci, std::to_string(std::get<std::int64_t>(cell)).c_str(), text));
          }
          break;
        case Column::Kind::kInteger:
          if (auto* n = std::get_if<std::int64_t>(&cell)) {
            check(worksheet_write_number(ws, ri, ci, static_cast<double>(*n), nullptr));
          } else {
            check(worksheet_write_string(ws, ri, ci, std::get<std::string>(cell).c_str(), nullptr));
          }
          break;
        case Column::Kind::kDate: {
          const std::string* s = std::get_if<std::string>(&cell);
          std::optional<Date> d = s ? ParseDate(*s) : std::nullopt;
          if (d) {
            const std::chrono::year_month_day ymd(*d);
            lxw_datetime dt = {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                               static_cast<int>(static_cast<unsigned>(ymd.day())), 0, 0, 0};
            check(worksheet_write_datetime(ws, ri, ci, &dt, date));
          } else if (s) {
            check(worksheet_write_string(ws, ri, ci, s->c_str(), nullptr));
          }
          break;
        }
        case Column::Kind::kMoneyFen:
          if (auto* n = std::get_if<std::int64_t>(&cell)) {
            check(worksheet_write_number(ws, ri, ci, static_cast<double>(*n) / 100.0, money));
          }
          break;
      }
    }
  }
  const lxw_error closed = workbook_close(wb);
  if (st.ok() && closed != LXW_NO_ERROR) st = WriteFailed(closed);
  return st;
}

Result<std::string> WriteXlsx(const Table& table) {
  std::string pattern = (std::filesystem::temp_directory_path() / "jiceng-export-XXXXXX").string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) return Status::Internal("mkstemp failed");
  ::close(fd);
  const std::filesystem::path path = pattern;
  Status st = WriteXlsxFile(table, path);
  std::string bytes;
  if (st.ok()) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    bytes = std::move(buf).str();
    if (!in && !in.eof()) st = Status::Internal("cannot read back " + path.string());
  }
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  if (!st.ok()) return st;
  return bytes;
}

}  // namespace jiceng::io
