#include "io/csv/csv_reader.h"

#include <csv.h>

#include <cstdio>
#include <cstring>
#include <memory>

namespace jiceng::io {
namespace {

struct ParseState {
  const CsvRecordFn* on_record;
  std::vector<std::string> fields;
  std::size_t line = 1;         // line the current record starts on
  std::size_t newlines = 0;     // newlines consumed so far
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
}

}  // namespace

Status ReadCsvFile(const std::filesystem::path& path, const CsvRecordFn& on_record) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    return Status::IoError("无法读取文件 " + path.string() + "，请检查它是否存在。",
                           "Cannot read file " + path.string() + "; check that it exists.");
  }
  csv_parser parser;
  if (csv_init(&parser, CSV_APPEND_NULL) != 0) return Status::Internal("csv_init failed");
  std::unique_ptr<csv_parser, void (*)(csv_parser*)> guard(&parser, &csv_free);

  ParseState state;
  state.on_record = &on_record;
  std::vector<char> buf(1 << 16);
  bool first_chunk = true;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), file.get())) > 0) {
    const char* data = buf.data();
    if (first_chunk && n >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
      data += 3;
      n -= 3;
    }
    first_chunk = false;
    // Feed line by line so that each record knows the line it starts on.
    std::size_t start = 0;
    while (start < n) {
      const void* nl = std::memchr(data + start, '\n', n - start);
      const std::size_t stop = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1 : n;
      if (state.fields.empty()) state.line = state.newlines + 1;
      if (csv_parse(&parser, data + start, stop - start, OnField, OnRecord, &state) != stop - start) {
        return Status::InvalidArgument(
            "file", path.filename().string() + " 第 " + std::to_string(state.newlines + 1) +
                        " 行不是有效的 CSV：" + csv_strerror(csv_error(&parser)),
            path.filename().string() + " line " + std::to_string(state.newlines + 1) +
                " is not valid CSV: " + csv_strerror(csv_error(&parser)));
      }
      if (!state.status.ok()) return state.status;
      if (nl) ++state.newlines;
      start = stop;
    }
  }
  if (std::ferror(file.get())) {
    return Status::IoError("读取文件 " + path.string() + " 时出错。",
                           "Error while reading " + path.string() + ".");
  }
  csv_fini(&parser, OnField, OnRecord, &state);
  return state.status;
}

}  // namespace jiceng::io
