// Test-only: .xlsx "zip bombs" (压缩炸弹) — small files whose sheet unpacks
// to hundreds of megabytes — built with libzip, for the reader's limits
// (io/xlsx/xlsx_reader.h) and the import API. Nothing here is linked into
// the server.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace jiceng::io::testing {

// An .xlsx whose first sheet holds `rows` (inline strings; the first is the
// header) followed by at least `padding_bytes` of copies of `padding_row`
// (by default a blank row: a cell without a value, no reader callback,
// nothing to import), the sheet deflated to about a thousandth of its size.
// The XML is produced on the fly while libzip compresses it, so no copy of
// the unpacked sheet is ever held in memory. "" if libzip fails.
inline constexpr const char* kBlankRow = R"(<row><c r="A1"/></row>)";
std::string ZipBombXlsx(std::uint64_t padding_bytes, const std::vector<std::vector<std::string>>& rows,
                        const std::string& padding_row = kBlankRow);

// The sheet part's name in ZipBombXlsx's files.
inline constexpr const char* kBombSheet = "xl/worksheets/sheet1.xml";

// `zip` with the uncompressed size of the entry `entry` rewritten to
// `claimed` in its local header and in the central directory (also in a
// ZIP64 extra field, if there is one): a header that lies about the size.
// Returns "" when the entry is not found.
std::string WithClaimedSize(std::string zip, const std::string& entry, std::uint32_t claimed);

// The uncompressed size the central directory gives for `entry`, or -1.
std::int64_t CentralDirectorySize(const std::string& zip, const std::string& entry);

}  // namespace jiceng::io::testing
