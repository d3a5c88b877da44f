// Reads the first worksheet of an .xlsx file (Office Open XML, as written by
// Excel, WPS and LibreOffice) with libzip and expat, row by row: the sheet's
// XML is streamed through the parser, so a 100,000-row sheet never becomes a
// DOM. Only the shared-string table and the cell styles are held in memory.
//
// Every cell arrives as text:
//  - shared strings (t="s"), inline strings (t="inlineStr"), formula strings
//    (t="str"): their text (rich-text runs joined, phonetic runs dropped);
//  - numbers: shortest form, whole numbers without a decimal point
//    ("13800000000", "12.5");
//  - numbers whose cell style has a date format (built-in ids 14–22, 27–36,
//    45–47, 50–58, or a custom format with y/m/d/h/s): the date
//    "YYYY-MM-DD" (plus " HH:MM:SS" when there is a time of day), from the
//    1900 or the 1904 date system as workbook.xml says;
//  - ISO dates (t="d"): as written; booleans: "TRUE" / "FALSE"; errors:
//    their text ("#N/A").
//
// A small upload can unpack to gigabytes (a "zip bomb"): the bytes actually
// decompressed are counted while streaming — never trusting the sizes the zip
// headers claim — and reading stops at XlsxLimits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace jiceng::io {

// Called for each row that has at least one non-empty cell, with its cells
// in column order (column A is index 0; missing cells are "") and its row
// number as the sheet shows it (1-based). A non-OK status stops reading and
// is returned.
using XlsxRowFn = std::function<Status(const std::vector<std::string>& cells, std::size_t row)>;

// How much an .xlsx may unpack to (`jiceng serve --xlsx-max-unpacked-mib`,
// `--xlsx-max-ratio`).
struct XlsxLimits {
  // Bytes decompressed from all the parts read (workbook, styles, shared
  // strings, the sheet) together.
  std::uint64_t max_unpacked_bytes = 200ull * 1024 * 1024;
  // Decompressed bytes per compressed byte of one part, checked once the part
  // has given more than kRatioFreeBytes (small parts may compress well).
  std::uint64_t max_ratio = 100;
  static constexpr std::uint64_t kRatioFreeBytes = 1024 * 1024;
};

// Reads an .xlsx held in memory. `name` names the file in messages.
// kInvalidArgument (field "file") when it is not a readable .xlsx;
// kPayloadTooLarge (field "file", the message naming the limit) when it
// unpacks to more than `limits` allow — found while streaming, after at most
// the limit's bytes have been decompressed.
Status ReadXlsx(std::string_view bytes, std::string_view name, const XlsxRowFn& on_row, const XlsxLimits& limits = {});
// The same for a file; kIoError when it cannot be read.
Status ReadXlsxFile(const std::filesystem::path& path, const XlsxRowFn& on_row, const XlsxLimits& limits = {});

// Excel's serial day number (1900 date system unless `date1904`) as
// "YYYY-MM-DD", with " HH:MM:SS" when it has a fraction of a day.
std::string ExcelSerialToText(double serial, bool date1904);

// True for a number format that shows a date or time.
bool IsDateFormat(int num_fmt_id, std::string_view format_code);

}  // namespace jiceng::io
