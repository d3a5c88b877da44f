// Reads CSV files (RFC 4180: quoted fields, doubled quotes, CRLF or LF) with
// libcsv, one record at a time, reporting the line each record starts on so
// that import errors can name it. A UTF-8 byte-order mark is skipped.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace jiceng::io {

// Called for each record with its fields and the 1-based line it starts on
// (the header is line 1). Returning a non-OK status stops reading.
using CsvRecordFn = std::function<Status(const std::vector<std::string>& fields, std::size_t line)>;

// Reads `path`; returns kIoError naming the file when it cannot be read and
// kInvalidArgument naming file and line when it is not valid CSV.
Status ReadCsvFile(const std::filesystem::path& path, const CsvRecordFn& on_record);

}  // namespace jiceng::io
