#include "io/csv/csv_reader.h"

#include <csv.h>
#include <iconv.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/text.h"

namespace jiceng::io {
namespace {

struct ParseState {
  const CsvRecordFn* on_record;
  std::vector<std::string> fields;
  std::size_t line = 1;         // line the current record starts on
  std::size_t newlines = 0;     // newlines consumed so far
  bool open = false;            // a record has started and not ended (e.g. a quoted line break)
  Status status;
};

void OnField(void* data, std::size_t len, void* state_ptr) {
  auto* state = static_cast<ParseState*>(state_ptr);
  state->fields.emplace_back(data ? static_cast<const char*>(data) : "", data ? len : 0);
}

void OnRecord(int /*terminator*/, void* state_ptr) {
  auto* state = static_cast<ParseState*>(state_ptr);
  if (state->status.ok()) state->status = (*state->on_record)(state->fields, state->line);
  state->fields.clear();
  state->open = false;
}

// libcsv fed chunk by chunk, line by line so that each record knows the line
// it starts on.
class CsvStream {
 public:
  CsvStream(std::string name, const CsvRecordFn& on_record) : name_(std::move(name)) {
    state_.on_record = &on_record;
    ok_ = csv_init(&parser_, CSV_APPEND_NULL) == 0;
  }
  ~CsvStream() {
    if (ok_) csv_free(&parser_);
  }

  Status Feed(const char* data, std::size_t n) {
    if (!ok_) return Status::Internal("csv_init failed");
    if (first_chunk_ && n >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
      data += 3;
      n -= 3;
    }
    first_chunk_ = false;
    std::size_t start = 0;
    while (start < n) {
      const void* nl = std::memchr(data + start, '\n', n - start);
      const std::size_t stop = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1 : n;
      // A record starts on the first non-blank line after the previous one
      // ended (libcsv skips blank lines; a quoted field may span lines).
      if (!state_.open && std::string_view(data + start, stop - start).find_first_not_of("\r\n") != std::string_view::npos) {
        state_.line = state_.newlines + 1;
        state_.open = true;
      }
      if (csv_parse(&parser_, data + start, stop - start, OnField, OnRecord, &state_) != stop - start) {
        return Status::InvalidArgument(
            "file", name_ + " 第 " + std::to_string(state_.newlines + 1) +
                        " 行不是有效的 CSV：" + csv_strerror(csv_error(&parser_)),
            name_ + " line " + std::to_string(state_.newlines + 1) +
                " is not valid CSV: " + csv_strerror(csv_error(&parser_)));
      }
      if (!state_.status.ok()) return state_.status;
      if (nl) ++state_.newlines;
      start = stop;
    }
    return Status::Ok();
  }

  Status Finish() {
    if (!ok_) return Status::Internal("csv_init failed");
    csv_fini(&parser_, OnField, OnRecord, &state_);
    return state_.status;
  }

 private:
  std::string name_;
  csv_parser parser_{};
  bool ok_ = false;
  bool first_chunk_ = true;
  ParseState state_;
};

}  // namespace

Status ReadCsvFile(const std::filesystem::path& path, const CsvRecordFn& on_record) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    return Status::IoError("无法读取文件 " + path.string() + "，请检查它是否存在。",
                           "Cannot read file " + path.string() + "; check that it exists.");
  }
  CsvStream stream(path.filename().string(), on_record);
  std::vector<char> buf(1 << 16);
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), file.get())) > 0) {
    JICENG_RETURN_IF_ERROR(stream.Feed(buf.data(), n));
  }
  if (std::ferror(file.get())) {
    return Status::IoError("读取文件 " + path.string() + " 时出错。",
                           "Error while reading " + path.string() + ".");
  }
  return stream.Finish();
}

Result<std::string> DecodeUtf8OrGb18030(std::string_view bytes, std::string_view name) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (IsValidUtf8(bytes)) return std::string(bytes);
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return Status::Internal("iconv_open(UTF-8, GB18030) failed");
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, &iconv_close);
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  while (in_left > 0) {
    if (iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left) == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) {
        const std::size_t used = static_cast<std::size_t>(out_ptr - out.data());
        out.resize(out.size() * 2);
        out_ptr = out.data() + used;
        out_left = out.size() - used;
        continue;
      }
      return Status::InvalidArgument(
          "file", std::string(name) + " 的编码无法识别：请另存为“CSV UTF-8（逗号分隔）”后重试。",
          std::string(name) + " is neither UTF-8 nor GB18030 text: save it as \"CSV UTF-8\" and try again.");
    }
  }
  out.resize(static_cast<std::size_t>(out_ptr - out.data()));
  return out;
}

Status ReadCsv(std::string_view bytes, std::string_view name, const CsvRecordFn& on_record) {
  JICENG_ASSIGN_OR_RETURN(std::string text, DecodeUtf8OrGb18030(bytes, name));
  CsvStream stream(std::string(name), on_record);
  JICENG_RETURN_IF_ERROR(stream.Feed(text.data(), text.size()));
  return stream.Finish();
}

}  // namespace jiceng::io
