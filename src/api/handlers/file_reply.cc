#include "api/handlers/file_reply.h"

#include "common/clock.h"
#include "exports/list_export.h"

namespace jiceng::api {

namespace {

// Percent-encoding for filename*= (RFC 5987).
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

}  // namespace

std::string AttachmentDisposition(std::string_view ascii_name, std::string_view utf8_name) {
  return "attachment; filename=\"" + std::string(ascii_name) + "\"; filename*=UTF-8''" + Rfc5987(utf8_name);
}

Result<Reply> FileReply(const ApiRequest& req, const io::Table& table, const std::string& ascii_name,
                        const std::string& zh_name, Date today, std::string_view fallback) {
  JICENG_ASSIGN_OR_RETURN(auto file,
                          exports::Render(table, req.QueryText("format").value_or(std::string(fallback))));
  Reply reply;
  reply.raw_body = std::move(file.bytes);
  reply.content_type = file.content_type;
  const std::string stamp = FormatDate(today);
  reply.headers.emplace_back("Content-Disposition", AttachmentDisposition(ascii_name + "-" + stamp + file.extension,
                                                                          zh_name + "-" + stamp + file.extension));
  return reply;
}

}  // namespace jiceng::api
