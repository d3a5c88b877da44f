#include "common/text.h"

#include <opencc/SimpleConverter.hpp>
#include <spdlog/spdlog.h>

#include <memory>

namespace jiceng {
namespace {

constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";  // U+3000

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

const opencc::SimpleConverter* T2sConverter() {
  // Loaded once; SimpleConverter::Convert is const and keeps no state.
  static const std::unique_ptr<opencc::SimpleConverter> converter = []() {
    try {
      return std::make_unique<opencc::SimpleConverter>("t2s.json");
    } catch (const std::exception& e) {
      spdlog::warn("OpenCC t2s.json could not be loaded ({}); traditional characters will not "
                   "match simplified ones. Install the libopencc-data package.",
                   e.what());
      return std::unique_ptr<opencc::SimpleConverter>();
    }
  }();
  return converter.get();
}

}  // namespace

std::string Trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && IsAsciiSpace(s.front())) {
      s.remove_prefix(1);
    } else if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && IsAsciiSpace(s.back())) {
      s.remove_suffix(1);
    } else if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  return std::string(s);
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len;
    std::uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += len;
  }
  return true;
}

std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool HasControlChars(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

std::string ToSimplified(std::string_view s) {
  const opencc::SimpleConverter* converter = T2sConverter();
  if (converter == nullptr || s.empty()) return std::string(s);
  return converter->Convert(s.data(), s.size());
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace jiceng
