// Reads CSV files (RFC 4180: quoted fields, doubled quotes, CRLF or LF) with
// libcsv, one record at a time, reporting the line each record starts on so
// that import errors can name it. A UTF-8 byte-order mark is skipped.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace jiceng::io {

// Called for each record with its fields and the 1-based line it starts on
// (the header is line 1). Returning a non-OK status stops reading.
using CsvRecordFn = std::function<Status(const std::vector<std::string>& fields, std::size_t line)>;

// Reads `path`; returns kIoError naming the file when it cannot be read and
// kInvalidArgument naming file and line when it is not valid CSV.
Status ReadCsvFile(const std::filesystem::path& path, const CsvRecordFn& on_record);

// Reads CSV held in memory, as uploaded: UTF-8 with or without a byte-order
// mark, or GB18030 (what Chinese Excel and WPS save as "CSV") when the bytes
// are not valid UTF-8. `name` names the file in messages.
Status ReadCsv(std::string_view bytes, std::string_view name, const CsvRecordFn& on_record);

// `bytes` as UTF-8: without a UTF-8 byte-order mark; converted from GB18030
// (a superset of GBK and GB2312) when not valid UTF-8. kInvalidArgument
// (field "file") when it is neither.
Result<std::string> DecodeUtf8OrGb18030(std::string_view bytes, std::string_view name);

}  // namespace jiceng::io
