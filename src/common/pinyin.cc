#include "common/pinyin.h"

#include <bzlib.h>
#include <spdlog/spdlog.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace jiceng {
namespace {

// "lǜ" -> "lu": decomposed (NFD), only the ASCII letters kept.
std::string WithoutTones(std::string_view reading) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(error);
  std::string out;
  if (U_FAILURE(error)) return out;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(reading.data(), static_cast<std::int32_t>(reading.size())));
  icu::UnicodeString plain = nfd->normalize(text, error);
  if (U_FAILURE(error)) return out;
  std::string utf8;
  plain.toUTF8String(utf8);
  for (char c : utf8) {
    if (c >= 'a' && c <= 'z') out.push_back(c);
    if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
  }
  return out;
}

// Reads a .bz2 (or plain) text file whole; "" when it cannot be read.
std::string ReadMaybeBzip2(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return {};
  std::string out;
  char buf[1 << 16];
  if (path.ends_with(".bz2")) {
    int error = BZ_OK;
    BZFILE* bz = BZ2_bzReadOpen(&error, file.get(), 0, 0, nullptr, 0);
    if (error != BZ_OK) return {};
    while (error == BZ_OK) {
      const int n = BZ2_bzRead(&error, bz, buf, sizeof buf);
      if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    }
    BZ2_bzReadClose(&error, bz);
    return out;
  }
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, file.get())) > 0) out.append(buf, n);
  return out;
}

// Each Han character's readings, joined with '|', the customary one first.
class Readings {
 public:
  static const Readings& Get() {
    static const Readings readings;
    return readings;
  }
  std::string_view Of(char32_t cp) const {
    auto it = by_char_.find(cp);
    return it == by_char_.end() ? std::string_view() : std::string_view(it->second);
  }

 private:
  Readings() {
    const std::string path = UnihanReadingsPath();
    const std::string text = ReadMaybeBzip2(path);
    if (text.empty()) {
      spdlog::warn("无法读取 Unihan 读音数据 {}（软件包 unicode-data），拼音搜索不可用 / "
                   "cannot read the Unihan readings {} (package unicode-data): no pinyin search",
                   path, path);
      return;
    }
    // Lines: "U+90FD<TAB>kMandarin<TAB>dōu dū"; kTGHZ2013 / kXHC1983 values
    // are "page.pos:reading ..." and kHanyuPinyin "page.pos:r1,r2 ...".
    struct Found {
      std::vector<std::string> primary, listed, hanyu;
    };
    std::unordered_map<char32_t, Found> found;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.starts_with("U+")) continue;
      const std::size_t tab1 = line.find('\t');
      const std::size_t tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
      if (tab2 == std::string::npos) continue;
      const std::string field = line.substr(tab1 + 1, tab2 - tab1 - 1);
      std::vector<std::string>* into = nullptr;
      const char32_t cp = static_cast<char32_t>(std::strtoul(line.c_str() + 2, nullptr, 16));
      if (field == "kMandarin") into = &found[cp].primary;
      else if (field == "kTGHZ2013" || field == "kXHC1983") into = &found[cp].listed;
      else if (field == "kHanyuPinyin") into = &found[cp].hanyu;
      if (into == nullptr) continue;
      std::istringstream values(line.substr(tab2 + 1));
      std::string value;
      while (values >> value) {
        if (const std::size_t colon = value.find(':'); colon != std::string::npos) value.erase(0, colon + 1);
        std::istringstream each(value);
        std::string reading;
        while (std::getline(each, reading, ',')) {
          std::string plain = WithoutTones(reading);
          if (!plain.empty()) into->push_back(std::move(plain));
        }
      }
    }
    for (auto& [cp, f] : found) {
      std::vector<std::string> all = f.primary;
      all.insert(all.end(), f.listed.begin(), f.listed.end());
      if (all.empty()) all = f.hanyu;
      std::string joined;
      for (std::size_t i = 0; i < all.size(); ++i) {
        if (std::find(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(i), all[i]) !=
            all.begin() + static_cast<std::ptrdiff_t>(i)) {
          continue;  // listed twice (e.g. kMandarin and kXHC1983)
        }
        if (!joined.empty()) joined.push_back('|');
        joined += all[i];
      }
      if (!joined.empty()) by_char_.emplace(cp, std::move(joined));
    }
  }
  std::unordered_map<char32_t, std::string> by_char_;
};

bool IsAsciiAlnum(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

// Byte ranges of the tokens of a stored pinyin.
std::vector<std::string_view> Tokens(std::string_view pinyin) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < pinyin.size()) {
    std::size_t end = pinyin.find(' ', start);
    if (end == std::string_view::npos) end = pinyin.size();
    out.push_back(pinyin.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Does query[k..] match tokens[i..]? `all` is set when the match ends exactly
// at the end of the last token, every reading given in full or by initial.
bool MatchFrom(const std::vector<std::string_view>& tokens, std::size_t i, std::string_view query,
               std::size_t k, bool* all) {
  if (k == query.size()) {
    *all = i == tokens.size();
    return true;
  }
  if (i == tokens.size()) return false;
  const std::string_view rest = query.substr(k);
  std::string_view alternatives = tokens[i];
  bool cut_short = false;
  while (!alternatives.empty()) {
    const std::size_t bar = alternatives.find('|');
    const std::string_view reading = alternatives.substr(0, bar);
    alternatives = bar == std::string_view::npos ? std::string_view() : alternatives.substr(bar + 1);
    if (reading.empty() || reading[0] != rest[0]) continue;
    if (rest.starts_with(reading) && MatchFrom(tokens, i + 1, query, k + reading.size(), all)) return true;
    if (reading.size() > 1 && MatchFrom(tokens, i + 1, query, k + 1, all)) return true;
    if (reading.starts_with(rest)) cut_short = true;  // the query ends inside this reading
  }
  if (cut_short) {
    *all = false;
    return true;
  }
  return false;
}

}  // namespace

std::string UnihanReadingsPath() {
  if (const char* env = std::getenv("JICENG_UNIHAN_READINGS"); env != nullptr && *env != '\0') return env;
  return "/usr/share/unicode/Unihan_Readings.txt.bz2";
}

std::string PinyinOf(std::string_view utf8_text) {
  const Readings& readings = Readings::Get();
  std::string out;
  bool in_ascii_run = false;
  auto separate = [&] {
    if (!out.empty()) out.push_back(' ');
  };
  for (std::size_t i = 0; i < utf8_text.size();) {
    const auto c = static_cast<unsigned char>(utf8_text[i]);
    const std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len && i + k < utf8_text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(utf8_text[i + k]) & 0x3F);
    }
    i += len;
    if (IsAsciiAlnum(cp)) {
      if (!in_ascii_run) separate();
      out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp));
      in_ascii_run = true;
      continue;
    }
    in_ascii_run = false;
    const std::string_view reading = readings.Of(cp);
    if (reading.empty()) continue;
    separate();
    out += reading;
  }
  return out;
}

std::optional<std::string> PinyinQuery(std::string_view query) {
  std::string out;
  for (char c : query) {
    if (c >= 'a' && c <= 'z') {
      out.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c != ' ' && c != '\'') {
      return std::nullopt;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

int PinyinMatch(std::string_view pinyin, std::string_view query) {
  if (query.empty() || pinyin.empty()) return -1;
  // Cheap test first: most names have no token starting with the query's
  // first letter.
  bool possible = pinyin[0] == query[0];
  for (std::size_t p = 1; p < pinyin.size() && !possible; ++p) {
    possible = pinyin[p] == query[0] && (pinyin[p - 1] == ' ' || pinyin[p - 1] == '|');
  }
  if (!possible) return -1;
  const std::vector<std::string_view> tokens = Tokens(pinyin);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    bool all = false;
    if (MatchFrom(tokens, i, query, 0, &all)) return i != 0 ? 2 : (all ? 0 : 1);
  }
  return -1;
}

}  // namespace jiceng
