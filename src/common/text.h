// Text helpers for user-entered Chinese and English: trimming, UTF-8 checks,
// and traditional -> simplified conversion (OpenCC), so that 瀘定 finds 泸定.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace jiceng {

// Removes leading and trailing ASCII white space and ideographic spaces (U+3000).
std::string Trim(std::string_view s);

bool IsValidUtf8(std::string_view s);

// Number of code points; REQUIRES: IsValidUtf8(s).
std::size_t Utf8Length(std::string_view s);

// True when `s` holds a control character (tab, newline, U+0000..U+001F, U+007F).
bool HasControlChars(std::string_view s);

// Converts traditional Chinese characters and phrases to simplified ones;
// other text passes through unchanged. Thread-safe. If OpenCC's data cannot
// be loaded, returns `s` unchanged (logged once).
std::string ToSimplified(std::string_view s);

// True when `s` is non-empty and made only of ASCII digits.
bool IsDigits(std::string_view s);

}  // namespace jiceng
