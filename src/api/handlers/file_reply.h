// A table as a file download: .xlsx (libxlsxwriter) or CSV (UTF-8 with a
// BOM), as the request's `format` asks, with a Content-Disposition naming the
// file in ASCII and, for browsers that read it, in Chinese (RFC 5987).
// Shared by the exports (imports_handler.cc) and the figures.
#pragma once

#include <string>
#include <string_view>

#include "api/request.h"
#include "common/result.h"
#include "io/table.h"

namespace jiceng::api {

// `format` is the query's `format` (or `fallback` when absent): xlsx or csv;
// anything else is kInvalidArgument naming `format`. The file is named
// `<ascii_name>-<date>.<ext>`, or `<zh_name>-<date>.<ext>` where the browser
// reads filename*.
Result<Reply> FileReply(const ApiRequest& req, const io::Table& table, const std::string& ascii_name,
                        const std::string& zh_name, std::string_view fallback = "xlsx");

// Percent-encoding for filename*= (RFC 5987).
std::string Rfc5987(std::string_view text);

}  // namespace jiceng::api
