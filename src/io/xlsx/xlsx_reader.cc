#include "io/xlsx/xlsx_reader.h"

#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <type_traits>

namespace jiceng::io {
namespace {

Status NotXlsx(std::string_view name, std::string_view why_zh, std::string_view why_en) {
  return Status::InvalidArgument(
      "file", std::string(name) + " 不是可读取的 .xlsx 文件（" + std::string(why_zh) + "）。请在 Excel / WPS 中另存为 .xlsx 或 CSV 后重试。",
      std::string(name) + " is not a readable .xlsx file (" + std::string(why_en) +
          "). Save it as .xlsx or CSV from Excel / WPS and try again.");
}

// Element and attribute names without a namespace prefix ("x:c" -> "c").
std::string_view LocalName(const char* name) {
  std::string_view n(name);
  const auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// "200 MiB", or bytes when not a whole number of MiB (tests use small limits).
std::string SizeText(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

Status UnpacksTooLarge(std::string_view name, const XlsxLimits& limits) {
  const std::string file(name), limit = SizeText(limits.max_unpacked_bytes);
  return Status::Error(
      ErrorCode::kPayloadTooLarge,
      file + " 解压后超过 " + limit + " 的上限（jiceng serve --xlsx-max-unpacked-mib），未读取。请删去空白的行、列和多余的格式，"
          "或分成几个文件导入。",
      file + " unpacks to more than the limit of " + limit +
          " (jiceng serve --xlsx-max-unpacked-mib); it was not read. Delete blank rows, columns and unused formatting, "
          "or split it into several files.",
      "file");
}

Status CompressedTooMuch(std::string_view name, const std::string& entry, const XlsxLimits& limits) {
  const std::string file(name), ratio = std::to_string(limits.max_ratio);
  return Status::Error(
      ErrorCode::kPayloadTooLarge,
      file + " 中的 " + entry + " 压缩比超过 " + ratio + ":1 的上限（jiceng serve --xlsx-max-ratio），像是“压缩炸弹”，未读取。"
          "请在 Excel / WPS 中重新保存为 .xlsx 或 CSV 后重试。",
      file + ": " + entry + " is compressed more than the limit of " + ratio +
          ":1 (jiceng serve --xlsx-max-ratio), as a zip bomb is; it was not read. Save it again as .xlsx or CSV "
          "from Excel / WPS and try again.",
      "file");
}

const char* Attr(const char** attrs, std::string_view local) {
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    if (LocalName(attrs[i]) == local) return attrs[i + 1];
  }
  return nullptr;
}

// A SAX handler over expat; subclasses see local names.
class SaxHandler {
 public:
  virtual ~SaxHandler() = default;
  virtual void Start(std::string_view name, const char** attrs) = 0;
  virtual void End(std::string_view name) = 0;
  virtual void Text(std::string_view) {}
  // Set by a handler to stop parsing (e.g. the row callback failed).
  Status stop_status;
  XML_Parser parser = nullptr;
};

void XMLCALL OnStart(void* data, const char* name, const char** attrs) {
  static_cast<SaxHandler*>(data)->Start(LocalName(name), attrs);
}
void XMLCALL OnEnd(void* data, const char* name) { static_cast<SaxHandler*>(data)->End(LocalName(name)); }
void XMLCALL OnText(void* data, const char* s, int len) {
  static_cast<SaxHandler*>(data)->Text(std::string_view(s, static_cast<std::size_t>(len)));
}

// The zip package. Every byte decompressed from it is counted against the
// limits as it comes out of zip_fread: the sizes in the zip's headers are
// what a crafted file lies about, so they only serve to refuse early.
class Archive {
 public:
  explicit Archive(const XlsxLimits& limits) : limits_(limits) {}
  ~Archive() {
    if (zip_ != nullptr) zip_discard(zip_);
  }
  Status Open(std::string_view bytes, std::string_view name) {
    name_ = std::string(name);
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (src == nullptr) {
      zip_error_fini(&error);
      return Status::Internal("zip_source_buffer_create failed");
    }
    zip_ = zip_open_from_source(src, ZIP_RDONLY, &error);
    if (zip_ == nullptr) {
      zip_source_free(src);
      zip_error_fini(&error);
      return NotXlsx(name, "不是 zip 压缩包，可能是旧的 .xls 格式", "not a zip archive; perhaps the old .xls format");
    }
    zip_error_fini(&error);
    return Status::Ok();
  }

  bool Has(const std::string& entry) const { return zip_name_locate(zip_, entry.c_str(), ZIP_FL_NOCASE) >= 0; }

  // Streams `entry` through `handler`. A missing entry is an error only when `required`.
  Status Parse(const std::string& entry, SaxHandler& handler, bool required) {
    const zip_int64_t index = zip_name_locate(zip_, entry.c_str(), ZIP_FL_NOCASE);
    if (index < 0) {
      if (!required) return Status::Ok();
      return NotXlsx(name_, "缺少 " + entry, "missing " + entry);
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_, static_cast<zip_uint64_t>(index), 0, &st) != 0) {
      return NotXlsx(name_, entry + " 已损坏", entry + " is corrupt");
    }
    // An honest header over the limit is refused before any work.
    if ((st.valid & ZIP_STAT_SIZE) && st.size > limits_.max_unpacked_bytes - unpacked_) {
      return UnpacksTooLarge(name_, limits_);
    }
    // The compressed size bounds what libzip reads of the part (a header
    // claiming less makes the data end early, never go further), so the
    // ratio below is never flattered by a lie.
    const std::uint64_t compressed = (st.valid & ZIP_STAT_COMP_SIZE) ? std::max<zip_uint64_t>(st.comp_size, 1) : 1;
    std::uint64_t part = 0;
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen_index(zip_, static_cast<zip_uint64_t>(index), 0),
                                                           &zip_fclose);
    if (!file) return NotXlsx(name_, "无法解压 " + entry, "cannot decompress " + entry);
    std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> parser(XML_ParserCreate("UTF-8"),
                                                                                    &XML_ParserFree);
    handler.parser = parser.get();
    XML_SetUserData(parser.get(), &handler);
    XML_SetElementHandler(parser.get(), OnStart, OnEnd);
    XML_SetCharacterDataHandler(parser.get(), OnText);
    std::vector<char> buf(1 << 16);
    for (;;) {
      const zip_int64_t n = zip_fread(file.get(), buf.data(), buf.size());
      if (n < 0) return NotXlsx(name_, entry + " 已损坏", entry + " is corrupt");
      // Counted before the parser sees them: past a limit nothing more is read.
      unpacked_ += static_cast<std::uint64_t>(n);
      part += static_cast<std::uint64_t>(n);
      if (unpacked_ > limits_.max_unpacked_bytes) return UnpacksTooLarge(name_, limits_);
      if (part > XlsxLimits::kRatioFreeBytes && part > limits_.max_ratio * compressed) {
        return CompressedTooMuch(name_, entry, limits_);
      }
      const bool last = n == 0;
      if (XML_Parse(parser.get(), buf.data(), static_cast<int>(n), last) == XML_STATUS_ERROR) {
        if (!handler.stop_status.ok()) return handler.stop_status;
        return NotXlsx(name_, entry + " 不是有效的 XML：" + XML_ErrorString(XML_GetErrorCode(parser.get())),
                       entry + " is not valid XML: " + XML_ErrorString(XML_GetErrorCode(parser.get())));
      }
      if (!handler.stop_status.ok()) return handler.stop_status;
      if (last) break;
    }
    return Status::Ok();
  }

 private:
  const XlsxLimits& limits_;
  std::uint64_t unpacked_ = 0;  // decompressed so far, all parts together
  zip_t* zip_ = nullptr;
  std::string name_;
};

// xl/workbook.xml: the date system and the first sheet's relationship id.
class WorkbookHandler : public SaxHandler {
 public:
  void Start(std::string_view name, const char** attrs) override {
    if (name == "workbookPr") {
      const char* v = Attr(attrs, "date1904");
      date1904 = v != nullptr && (std::strcmp(v, "1") == 0 || std::strcmp(v, "true") == 0);
    } else if (name == "sheet" && first_sheet_rid.empty()) {
      if (const char* id = Attr(attrs, "id")) first_sheet_rid = id;
    }
  }
  void End(std::string_view) override {}
  bool date1904 = false;
  std::string first_sheet_rid;
};

// xl/_rels/workbook.xml.rels: relationship id -> target.
class RelsHandler : public SaxHandler {
 public:
  void Start(std::string_view name, const char** attrs) override {
    if (name != "Relationship") return;
    const char* id = Attr(attrs, "Id");
    const char* target = Attr(attrs, "Target");
    if (id && target) targets[id] = target;
  }
  void End(std::string_view) override {}
  std::map<std::string, std::string> targets;
};

// xl/styles.xml: which cell styles (cellXfs indexes) show dates.
class StylesHandler : public SaxHandler {
 public:
  void Start(std::string_view name, const char** attrs) override {
    if (name == "numFmt") {
      const char* id = Attr(attrs, "numFmtId");
      const char* code = Attr(attrs, "formatCode");
      if (id && code) custom[std::atoi(id)] = code;
    } else if (name == "cellXfs") {
      in_cell_xfs = true;
    } else if (name == "xf" && in_cell_xfs) {
      const char* id = Attr(attrs, "numFmtId");
      xf_fmt.push_back(id ? std::atoi(id) : 0);
    }
  }
  void End(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs = false;
  }
  std::vector<bool> DateStyles() const {
    std::vector<bool> out;
    for (int id : xf_fmt) {
      auto it = custom.find(id);
      out.push_back(IsDateFormat(id, it == custom.end() ? std::string_view() : std::string_view(it->second)));
    }
    return out;
  }
  bool in_cell_xfs = false;
  std::map<int, std::string> custom;
  std::vector<int> xf_fmt;
};

// xl/sharedStrings.xml: <si> items; text of <t> elements, not inside <rPh>.
class SharedStringsHandler : public SaxHandler {
 public:
  void Start(std::string_view name, const char**) override {
    if (name == "si") {
      current.clear();
    } else if (name == "t") {
      in_t = true;
    } else if (name == "rPh") {
      in_phonetic = true;
    }
  }
  void End(std::string_view name) override {
    if (name == "si") {
      strings.push_back(std::move(current));
      current.clear();
    } else if (name == "t") {
      in_t = false;
    } else if (name == "rPh") {
      in_phonetic = false;
    }
  }
  void Text(std::string_view s) override {
    if (in_t && !in_phonetic) current.append(s);
  }
  bool in_t = false;
  bool in_phonetic = false;
  std::string current;
  std::vector<std::string> strings;
};

// "BC12" -> 54 (0-based column); nullopt when there are no letters.
std::optional<std::size_t> ColumnOf(const char* ref) {
  std::size_t col = 0;
  bool any = false;
  for (const char* p = ref; *p != '\0'; ++p) {
    const char c = *p;
    if (c >= 'A' && c <= 'Z') {
      col = col * 26 + static_cast<std::size_t>(c - 'A' + 1);
    } else if (c >= 'a' && c <= 'z') {
      col = col * 26 + static_cast<std::size_t>(c - 'a' + 1);
    } else {
      break;
    }
    any = true;
    if (col > 16384) return std::nullopt;
  }
  if (!any) return std::nullopt;
  return col - 1;
}

std::string NumberText(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// The worksheet, streamed row by row.
class SheetHandler : public SaxHandler {
 public:
  SheetHandler(const std::vector<std::string>& shared, const std::vector<bool>& date_styles, bool date1904,
               const XlsxRowFn& on_row)
      : shared_(shared), date_styles_(date_styles), date1904_(date1904), on_row_(on_row) {}

  void Start(std::string_view name, const char** attrs) override {
    if (name == "row") {
      cells_.clear();
      next_col_ = 0;
      const char* r = Attr(attrs, "r");
      row_ = r ? static_cast<std::size_t>(std::strtoull(r, nullptr, 10)) : last_row_ + 1;
      if (row_ == 0) row_ = last_row_ + 1;
    } else if (name == "c") {
      const char* ref = Attr(attrs, "r");
      std::optional<std::size_t> col = ref ? ColumnOf(ref) : std::nullopt;
      col_ = col.value_or(next_col_);
      const char* t = Attr(attrs, "t");
      type_ = t ? t : "n";
      const char* s = Attr(attrs, "s");
      style_ = s ? static_cast<std::size_t>(std::strtoull(s, nullptr, 10)) : 0;
      value_.clear();
      has_style_ = s != nullptr;
    } else if (name == "v") {
      in_v_ = true;
    } else if (name == "t") {
      in_t_ = true;
    } else if (name == "rPh") {
      in_phonetic_ = true;
    } else if (name == "f") {
      in_f_ = true;
    }
  }

  void End(std::string_view name) override {
    if (name == "v") {
      in_v_ = false;
    } else if (name == "t") {
      in_t_ = false;
    } else if (name == "rPh") {
      in_phonetic_ = false;
    } else if (name == "f") {
      in_f_ = false;
    } else if (name == "c") {
      std::string text = CellText();
      if (!text.empty()) {
        if (cells_.size() <= col_) cells_.resize(col_ + 1);
        cells_[col_] = std::move(text);
      }
      next_col_ = col_ + 1;
    } else if (name == "row") {
      last_row_ = row_;
      bool any = false;
      for (const auto& c : cells_) any = any || !c.empty();
      if (any) {
        Status st = on_row_(cells_, row_);
        if (!st.ok()) {
          stop_status = std::move(st);
          XML_StopParser(parser, XML_FALSE);
        }
      }
    }
  }

  void Text(std::string_view s) override {
    if (in_f_ || in_phonetic_) return;
    if (in_v_ || in_t_) value_.append(s);
  }

 private:
  std::string CellText() const {
    if (type_ == "s") {
      const std::size_t i = static_cast<std::size_t>(std::strtoull(value_.c_str(), nullptr, 10));
      return i < shared_.size() && !value_.empty() ? shared_[i] : std::string();
    }
    if (type_ == "inlineStr" || type_ == "str" || type_ == "e") return value_;
    if (type_ == "b") return value_ == "1" ? "TRUE" : (value_.empty() ? "" : "FALSE");
    if (type_ == "d") {
      // ISO 8601; midnight reads as the bare date.
      if (value_.size() > 10 && value_[10] == 'T' && value_.find_first_not_of("T0:.Z", 10) == std::string::npos) {
        return value_.substr(0, 10);
      }
      return value_;
    }
    // A number.
    if (value_.empty()) return {};
    double v = 0;
    const char* begin = value_.data();
    auto [ptr, ec] = std::from_chars(begin, begin + value_.size(), v);
    if (ec != std::errc() || ptr != begin + value_.size()) return value_;
    if (has_style_ && style_ < date_styles_.size() && date_styles_[style_]) return ExcelSerialToText(v, date1904_);
    return NumberText(v);
  }

  const std::vector<std::string>& shared_;
  const std::vector<bool>& date_styles_;
  const bool date1904_;
  const XlsxRowFn& on_row_;

  std::vector<std::string> cells_;
  std::size_t row_ = 0, last_row_ = 0, col_ = 0, next_col_ = 0, style_ = 0;
  bool has_style_ = false;
  std::string type_, value_;
  bool in_v_ = false, in_t_ = false, in_phonetic_ = false, in_f_ = false;
};

// A relationship target relative to xl/ ("worksheets/sheet1.xml"), or
// absolute in the package ("/xl/worksheets/sheet1.xml").
std::string PartPath(const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  return "xl/" + target;
}

}  // namespace

std::string ExcelSerialToText(double serial, bool date1904) {
  using namespace std::chrono;
  double whole = std::floor(serial);
  double frac = serial - whole;
  auto days = static_cast<long long>(whole);
  sys_days base;
  if (date1904) {
    base = sys_days(year{1904} / January / 1);
  } else if (days < 61) {
    // Excel counts a 29 February 1900 that never was: serials before it
    // start from 31 December 1899 (serial 1 = 1900-01-01).
    base = sys_days(year{1899} / December / 31);
  } else {
    base = sys_days(year{1899} / December / 30);
  }
  long long secs = std::llround(frac * 86400.0);
  if (secs >= 86400) {
    secs -= 86400;
    ++days;
  }
  const year_month_day ymd(base + std::chrono::days(days));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  std::string out = buf;
  if (secs > 0) {
    std::snprintf(buf, sizeof buf, " %02lld:%02lld:%02lld", secs / 3600, (secs / 60) % 60, secs % 60);
    out += buf;
  }
  return out;
}

bool IsDateFormat(int id, std::string_view code) {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)) {
    return true;
  }
  if (code.empty()) return false;
  // Drop quoted literals, escaped characters and [...] sections (colours,
  // locales, conditions), then look for date/time letters.
  bool quoted = false, bracket = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (quoted) {
      if (c == '"') quoted = false;
      continue;
    }
    if (bracket) {
      if (c == ']') bracket = false;
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '[') {
      bracket = true;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == ';') {
      break;  // the first section decides
    } else {
      switch (c) {
        case 'y': case 'Y': case 'm': case 'M': case 'd': case 'D': case 'h': case 'H': case 's': case 'S':
          return true;
        default:
          break;
      }
    }
  }
  return false;
}

Status ReadXlsx(std::string_view bytes, std::string_view name, const XlsxRowFn& on_row, const XlsxLimits& limits) {
  Archive zip(limits);
  JICENG_RETURN_IF_ERROR(zip.Open(bytes, name));

  WorkbookHandler workbook;
  JICENG_RETURN_IF_ERROR(zip.Parse("xl/workbook.xml", workbook, /*required=*/true));
  RelsHandler rels;
  JICENG_RETURN_IF_ERROR(zip.Parse("xl/_rels/workbook.xml.rels", rels, false));
  std::string sheet_path = "xl/worksheets/sheet1.xml";
  if (auto it = rels.targets.find(workbook.first_sheet_rid); it != rels.targets.end()) {
    sheet_path = PartPath(it->second);
  }
  std::string shared_path = "xl/sharedStrings.xml";
  StylesHandler styles;
  JICENG_RETURN_IF_ERROR(zip.Parse("xl/styles.xml", styles, false));
  SharedStringsHandler shared;
  JICENG_RETURN_IF_ERROR(zip.Parse(shared_path, shared, false));
  const std::vector<bool> date_styles = styles.DateStyles();
  SheetHandler sheet(shared.strings, date_styles, workbook.date1904, on_row);
  return zip.Parse(sheet_path, sheet, /*required=*/true);
}

Status ReadXlsxFile(const std::filesystem::path& path, const XlsxRowFn& on_row, const XlsxLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError("无法读取文件 " + path.string() + "，请检查它是否存在。",
                           "Cannot read file " + path.string() + "; check that it exists.");
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string bytes = std::move(buf).str();
  return ReadXlsx(bytes, path.filename().string(), on_row, limits);
}

}  // namespace jiceng::io
