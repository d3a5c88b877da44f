// A table as a file download: .xlsx (libxlsxwriter) or CSV (UTF-8 with a
// BOM), as the request's `format` asks, with a Content-Disposition naming the
// file in ASCII and, for browsers that read it, in Chinese (RFC 5987).
// Shared by the exports (imports_handler.cc), the figures and the jobs.
#pragma once

#include <string>
#include <string_view>

#include "api/request.h"
#include "common/clock.h"
#include "common/result.h"
#include "io/table.h"

namespace jiceng::api {

// `format` is the query's `format` (or `fallback` when absent): xlsx or csv;
// anything else is kInvalidArgument naming `format`. The file is named
// `<ascii_name>-<date>.<ext>`, or `<zh_name>-<date>.<ext>` where the browser
// reads filename*.
// <date> is `today` (the business clock's date).
Result<Reply> FileReply(const ApiRequest& req, const io::Table& table, const std::string& ascii_name,
                        const std::string& zh_name, Date today, std::string_view fallback = "xlsx");

// Content-Disposition of a download: an ASCII filename and the UTF-8 one in
// RFC 5987 form (filename*=UTF-8''...).
std::string AttachmentDisposition(std::string_view ascii_name, std::string_view utf8_name);

}  // namespace jiceng::api
