// Pinyin (拼音) for searching Chinese names with Latin letters: 泸定 is found by
// "luding", "lu ding" and "ld", 波密 by "bomi", 成都 by "chengdu".
//
// Readings come from the Unicode Han database (Unihan_Readings.txt of Debian's
// `unicode-data`: kMandarin, then every reading kTGHZ2013 and kXHC1983 list,
// else kHanyuPinyin), tones dropped. A polyphonic character keeps all its
// readings, so 长沙 is found by "changsha" and by "zhangsha", 西藏 by
// "xizang". Names keep their pinyin as a stored column (computed at import
// and on every rename), so nothing is computed at start.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jiceng {

// The pinyin of `utf8_text`: one token per Han character, its readings
// separated by '|' (the customary one first); a run of ASCII letters or
// digits is one token; everything else is dropped; tokens are separated by
// one space ("泸定县" -> "lu ding xian", "成都" -> "cheng dou|du", "第1组" ->
// "di 1 zu"). A character without a known reading is dropped. Empty when
// nothing is left, or when the Unihan data cannot be read (logged once).
// Thread-safe; the data is loaded at the first call (~0.3 s).
std::string PinyinOf(std::string_view utf8_text);

// The search form of `query` when it is meant as pinyin: ASCII letters with
// optional spaces and apostrophes ("Lu Ding", "xi'an") -> "luding";
// std::nullopt for anything else (Chinese characters, digits, other signs).
std::optional<std::string> PinyinQuery(std::string_view query);

// How `pinyin` (as PinyinOf writes it) matches `query` (as PinyinQuery
// returns it): starting at a token, each consecutive token is given by one
// of its readings in full or by its initial letter, the query's end may cut
// the last reading short ("luding", "ld", "ludx", "ludi"). 0 = every token
// of the name, 1 = from the first token, 2 = from a later token; -1 = no
// match.
int PinyinMatch(std::string_view pinyin, std::string_view query);

// Where the Unihan readings are read from: $JICENG_UNIHAN_READINGS, else
// /usr/share/unicode/Unihan_Readings.txt.bz2 (a plain .txt is read too).
std::string UnihanReadingsPath();

}  // namespace jiceng
