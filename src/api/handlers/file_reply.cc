#include "api/handlers/file_reply.h"

#include "common/clock.h"
#include "io/csv/csv_writer.h"
#include "io/xlsx/xlsx_writer.h"

namespace jiceng::api {

std::string Rfc5987(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<Reply> FileReply(const ApiRequest& req, const io::Table& table, const std::string& ascii_name,
                        const std::string& zh_name, std::string_view fallback) {
  const std::string format = req.QueryText("format").value_or(std::string(fallback));
  Reply reply;
  std::string ext;
  if (format == "xlsx") {
    JICENG_ASSIGN_OR_RETURN(reply.raw_body, io::WriteXlsx(table));
    reply.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    ext = ".xlsx";
  } else if (format == "csv") {
    reply.raw_body = io::WriteCsv(table);
    reply.content_type = "text/csv; charset=utf-8";
    ext = ".csv";
  } else {
    return Status::InvalidArgument("format", "format 应为 xlsx 或 csv。", "format must be xlsx or csv.");
  }
  const std::string stamp = FormatDate(Today());
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + ascii_name + "-" + stamp + ext +
                                                        "\"; filename*=UTF-8''" + Rfc5987(zh_name + "-" + stamp + ext));
  return reply;
}

}  // namespace jiceng::api
