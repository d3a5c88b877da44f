#include "imports/sheet.h"

#include <algorithm>
#include <cstdio>

#include "common/clock.h"
#include "common/text.h"
#include "io/csv/csv_reader.h"
#include "io/xlsx/xlsx_reader.h"

namespace jiceng::imports {
namespace {

// Header comparison: no spaces (ASCII or ideographic), no '*' (a "required"
// marker), ASCII lower case, full-width parentheses as ASCII.
std::string HeaderKey(std::string_view text) {
  std::string t = Trim(text);
  std::string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == ' ' || c == '*' || c == '\t' || c == '_') continue;
    if (t.compare(i, 3, "\xE3\x80\x80") == 0) {  // U+3000 ideographic space
      i += 2;
      continue;
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

Status FileError(std::string zh, std::string en) { return Status::InvalidArgument("file", std::move(zh), std::move(en)); }

}  // namespace

bool ImportScope::Contains(std::string_view unit_code) const {
  if (nationwide) return true;
  return std::any_of(unit_prefixes.begin(), unit_prefixes.end(),
                     [&](const std::string& p) { return unit_code.substr(0, p.size()) == p; });
}

Result<Sheet> ReadSheet(std::string_view bytes, std::string_view file_name, const io::XlsxLimits& xlsx_limits) {
  if (bytes.size() > kMaxImportBytes) {
    return FileError("文件太大：最多 20 MB。请分成几个文件导入。", "The file is too large: at most 20 MB. Split it and import the parts.");
  }
  Sheet sheet;
  bool have_header = false;
  bool too_many = false;
  auto on_row = [&](const std::vector<std::string>& cells, std::size_t row) -> Status {
    const bool blank = std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return Trim(c).empty(); });
    if (blank) return Status::Ok();
    if (!have_header) {
      have_header = true;
      sheet.header = cells;
      sheet.header_row = row;
      return Status::Ok();
    }
    if (sheet.rows.size() >= kMaxImportRows) {
      too_many = true;
      return FileError("文件行数太多：最多 " + std::to_string(kMaxImportRows) + " 行。请分成几个文件导入。",
                       "Too many rows: at most " + std::to_string(kMaxImportRows) + ". Split the file.");
    }
    sheet.rows.push_back({row, cells});
    return Status::Ok();
  };
  const bool is_zip = bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4);
  Status st = is_zip ? io::ReadXlsx(bytes, file_name, on_row, xlsx_limits) : io::ReadCsv(bytes, file_name, on_row);
  if (!st.ok()) return st;
  (void)too_many;
  if (!have_header) {
    return FileError("文件是空的：第一行应为表头（姓名、性别……），其后每行一条记录。",
                     "The file is empty: the first row should be the header (姓名/name, ...), then one record per row.");
  }
  if (sheet.rows.empty()) {
    return FileError("文件只有表头，没有数据行。", "The file has a header but no data rows.");
  }
  return sheet;
}

HeaderMap::HeaderMap(const std::vector<std::string>& header,
                     const std::vector<std::pair<std::string, std::vector<std::string>>>& aliases,
                     const std::vector<std::string>& ignored, std::size_t header_row, std::vector<RowIssue>* warnings) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string key = HeaderKey(header[i]);
    if (key.empty()) continue;
    bool known = false;
    for (const auto& [field, names] : aliases) {
      if (std::any_of(names.begin(), names.end(), [&](const std::string& n) { return HeaderKey(n) == key; })) {
        known = true;
        if (columns_.count(field)) {
          warnings->push_back({header_row, Trim(header[i]), field, "与前面的“" + column_names_[field] + "”列重复，已忽略。",
                               "Repeats the column \"" + column_names_[field] + "\"; ignored."});
        } else {
          columns_[field] = i;
          column_names_[field] = Trim(header[i]);
        }
        break;
      }
    }
    if (!known && std::none_of(ignored.begin(), ignored.end(), [&](const std::string& n) { return HeaderKey(n) == key; })) {
      warnings->push_back({header_row, Trim(header[i]), "", "不认识的列，已忽略。", "Unknown column; ignored."});
    }
  }
}

std::optional<std::string> HeaderMap::Get(const SheetRow& row, std::string_view field) const {
  auto it = columns_.find(std::string(field));
  if (it == columns_.end() || it->second >= row.cells.size()) return std::nullopt;
  std::string v = Trim(row.cells[it->second]);
  if (v.empty()) return std::nullopt;
  return v;
}

std::string HeaderMap::ColumnName(std::string_view field, std::string_view fallback) const {
  auto it = column_names_.find(std::string(field));
  return it == column_names_.end() ? std::string(fallback) : it->second;
}

std::optional<std::string> NormalizeDate(std::string_view raw) {
  std::string text = Trim(raw);
  // A date cell with a time of day: "1980-05-01 00:00:00".
  if (text.size() > 10 && text[10] == ' ') text.resize(10);
  if (text.size() == 8 && IsDigits(text)) text = text.substr(0, 4) + "-" + text.substr(4, 2) + "-" + text.substr(6, 2);
  int y = 0, m = 0, d = 0;
  char tail = 0;
  bool parsed = false;
  for (const char* fmt : {"%d-%d-%d%c", "%d/%d/%d%c", "%d.%d.%d%c"}) {
    if (std::sscanf(text.c_str(), fmt, &y, &m, &d, &tail) == 3) {
      parsed = true;
      break;
    }
  }
  if (!parsed) {
    // 1980年5月1日
    std::size_t yp = text.find("年"), mp = text.find("月");
    if (yp != std::string::npos && mp != std::string::npos && mp > yp) {
      std::string ys = text.substr(0, yp), ms = text.substr(yp + 3, mp - yp - 3);
      std::string ds = text.substr(mp + 3);
      if (ds.size() >= 3 && ds.compare(ds.size() - 3, 3, "日") == 0) ds.resize(ds.size() - 3);
      if (IsDigits(ys) && IsDigits(ms) && IsDigits(ds) && !ys.empty() && !ms.empty() && !ds.empty() && ds.size() <= 2 &&
          ms.size() <= 2 && ys.size() == 4) {
        y = std::stoi(ys);
        m = std::stoi(ms);
        d = std::stoi(ds);
        parsed = true;
      }
    }
  }
  if (!parsed || y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  if (!ParseDate(buf)) return std::nullopt;
  return std::string(buf);
}

EnumMap::EnumMap(const std::vector<std::pair<std::string, std::string>>& labels) {
  for (const auto& [label, id] : labels) {
    ids_.emplace(HeaderKey(label), id);
    ids_.emplace(HeaderKey(id), id);
  }
}

std::optional<std::string> EnumMap::Find(std::string_view text) const {
  auto it = ids_.find(HeaderKey(text));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

namespace {

nlohmann::json IssuesToJson(const std::vector<RowIssue>& issues, std::size_t max_issues) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < issues.size() && i < max_issues; ++i) {
    const RowIssue& e = issues[i];
    out.push_back({{"row", e.row},
                   {"column", e.column},
                   {"field", e.field},
                   {"message_zh", e.message_zh},
                   {"message_en", e.message_en}});
  }
  return out;
}

}  // namespace

nlohmann::json ReportToJson(const ImportReport& r, std::size_t max_issues) {
  return {{"dry_run", r.dry_run},
          {"rows", r.rows},
          {"valid_rows", r.valid_rows},
          {"error_count", r.errors.size()},
          {"errors", IssuesToJson(r.errors, max_issues)},
          {"warning_count", r.warnings.size()},
          {"warnings", IssuesToJson(r.warnings, max_issues)},
          {"committed", r.committed},
          {"inserted", r.inserted_ids.size()},
          {"ids", r.inserted_ids}};
}

}  // namespace jiceng::imports
