#include "io/testing/zip_bomb.h"

#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace jiceng::io::testing {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

// The sheet's XML, produced as libzip reads it: head, then `units` copies of
// the blank row, then tail.
struct SheetStream {
  std::string head, unit, tail;
  std::uint64_t units = 0;
  std::uint64_t position = 0;  // bytes given so far
  zip_error_t error;

  std::uint64_t Size() const { return head.size() + units * unit.size() + tail.size(); }
  // Copies the next bytes of the stream into `out`; 0 at its end.
  std::size_t Fill(char* out, std::size_t len) {
    std::size_t n = 0;
    while (n < len && position < Size()) {
      const std::uint64_t body_end = head.size() + units * unit.size();
      if (position < head.size()) {
        const std::size_t k = std::min<std::size_t>(len - n, head.size() - position);
        std::memcpy(out + n, head.data() + position, k);
        n += k;
        position += k;
      } else if (position < body_end) {
        const std::uint64_t in_unit = (position - head.size()) % unit.size();
        const std::size_t k = std::min<std::size_t>(len - n, unit.size() - in_unit);
        std::memcpy(out + n, unit.data() + in_unit, k);
        n += k;
        position += k;
      } else {
        const std::uint64_t in_tail = position - body_end;
        const std::size_t k = std::min<std::size_t>(len - n, tail.size() - in_tail);
        std::memcpy(out + n, tail.data() + in_tail, k);
        n += k;
        position += k;
      }
    }
    return n;
  }
};

zip_int64_t SheetSource(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
  auto* s = static_cast<SheetStream*>(user);
  switch (cmd) {
    case ZIP_SOURCE_OPEN:
      s->position = 0;
      return 0;
    case ZIP_SOURCE_READ:
      return static_cast<zip_int64_t>(s->Fill(static_cast<char*>(data), static_cast<std::size_t>(len)));
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* st = static_cast<zip_stat_t*>(data);
      zip_stat_init(st);
      st->size = s->Size();
      st->valid |= ZIP_STAT_SIZE;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&s->error, data, len);
    case ZIP_SOURCE_FREE:
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                            ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
      zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

std::uint32_t Le32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}
std::uint16_t Le16(const std::string& b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}
void Put32(std::string& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void Put64(std::string& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// In an extra field list [from, from + len): the ZIP64 record's uncompressed
// size (its first 8 bytes when the 32-bit field says 0xffffffff).
void PatchZip64(std::string& b, std::size_t from, std::size_t len, std::uint64_t claimed) {
  std::size_t at = from;
  while (at + 4 <= from + len) {
    const std::uint16_t id = Le16(b, at), size = Le16(b, at + 2);
    if (id == 0x0001 && size >= 8) Put64(b, at + 4, claimed);
    at += 4 + size;
  }
}

}  // namespace

std::string ZipBombXlsx(std::uint64_t padding_bytes, const std::vector<std::vector<std::string>>& rows,
                        const std::string& padding_row) {
  SheetStream sheet;
  zip_error_init(&sheet.error);
  sheet.head =
      R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)";
  for (const auto& row : rows) {
    sheet.head += "<row>";
    for (const auto& cell : row) sheet.head += R"(<c t="inlineStr"><is><t>)" + Escape(cell) + "</t></is></c>";
    sheet.head += "</row>";
  }
  sheet.unit = padding_row;
  sheet.units = (padding_bytes + sheet.unit.size() - 1) / sheet.unit.size();
  sheet.tail = "</sheetData></worksheet>";

  const std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
       R"(<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>)"},
      {"xl/workbook.xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
       R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
       R"(<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>)"},
      {"xl/_rels/workbook.xml.rels",
       R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
       R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
       R"(</Relationships>)"},
  };
  char path[] = "/tmp/jiceng_zip_bomb_XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return {};
  ::close(fd);
  std::string bytes;
  int error = 0;
  zip_t* zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (zip != nullptr) {
    bool ok = true;
    for (const auto& [name, text] : parts) {
      zip_source_t* src = zip_source_buffer(zip, text.data(), text.size(), 0);
      ok = ok && src != nullptr && zip_file_add(zip, name.c_str(), src, ZIP_FL_ENC_UTF_8) >= 0;
    }
    zip_source_t* src = zip_source_function(zip, SheetSource, &sheet);
    const zip_int64_t index = src == nullptr ? -1 : zip_file_add(zip, kBombSheet, src, ZIP_FL_ENC_UTF_8);
    ok = ok && index >= 0 && zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 9) == 0;
    if (ok && zip_close(zip) == 0) {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream buf;
      buf << in.rdbuf();
      bytes = std::move(buf).str();
    } else {
      zip_discard(zip);
    }
  }
  std::filesystem::remove(path);
  zip_error_fini(&sheet.error);
  return bytes;
}

std::string WithClaimedSize(std::string b, const std::string& entry, std::uint32_t claimed) {
  bool found = false;
  for (std::size_t at = 0; at + 46 <= b.size(); ++at) {
    const std::uint32_t sig = Le32(b, at);
    if (sig == 0x04034b50 && at + 30 <= b.size()) {  // local file header
      const std::uint16_t name_len = Le16(b, at + 26), extra_len = Le16(b, at + 28);
      if (at + 30 + name_len + extra_len > b.size() || b.compare(at + 30, name_len, entry) != 0 ||
          name_len != entry.size()) {
        continue;
      }
      if (Le32(b, at + 22) == 0xffffffffu) {
        PatchZip64(b, at + 30 + name_len, extra_len, claimed);
      } else {
        Put32(b, at + 22, claimed);
      }
      found = true;
    } else if (sig == 0x02014b50) {  // central directory entry
      const std::uint16_t name_len = Le16(b, at + 28), extra_len = Le16(b, at + 30);
      if (at + 46 + name_len + extra_len > b.size() || name_len != entry.size() ||
          b.compare(at + 46, name_len, entry) != 0) {
        continue;
      }
      if (Le32(b, at + 24) == 0xffffffffu) {
        PatchZip64(b, at + 46 + name_len, extra_len, claimed);
      } else {
        Put32(b, at + 24, claimed);
      }
      found = true;
    }
  }
  return found ? b : std::string();
}

std::int64_t CentralDirectorySize(const std::string& b, const std::string& entry) {
  for (std::size_t at = 0; at + 46 <= b.size(); ++at) {
    if (Le32(b, at) != 0x02014b50) continue;
    const std::uint16_t name_len = Le16(b, at + 28), extra_len = Le16(b, at + 30);
    if (at + 46 + name_len > b.size() || name_len != entry.size() || b.compare(at + 46, name_len, entry) != 0) continue;
    const std::uint32_t size = Le32(b, at + 24);
    if (size != 0xffffffffu) return size;
    for (std::size_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
      const std::uint16_t id = Le16(b, x), len = Le16(b, x + 2);
      if (id == 0x0001 && len >= 8) {
        std::uint64_t v = 0;
        for (int i = 7; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[x + 4 + i]);
        return static_cast<std::int64_t>(v);
      }
      x += 4 + len;
    }
    return -1;
  }
  return -1;
}

}  // namespace jiceng::io::testing
