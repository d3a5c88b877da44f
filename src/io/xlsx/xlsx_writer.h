// Writes an io::Table as an .xlsx workbook with libxlsxwriter: one sheet, a
// bold header row (frozen), text cells, whole numbers, real date cells
// (yyyy-mm-dd) and money as yuan numbers with two decimals (0.00).
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"
#include "io/table.h"

namespace jiceng::io {

// Writes `table` to `path` (replaced if it exists). libxlsxwriter's
// constant-memory mode keeps one row in memory at a time.
Status WriteXlsxFile(const Table& table, const std::filesystem::path& path);
// The workbook's bytes (written through a temporary file).
Result<std::string> WriteXlsx(const Table& table);

}  // namespace jiceng::io
