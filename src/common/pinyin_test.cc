#include "common/pinyin.h"

#include <gtest/gtest.h>

namespace jiceng {
namespace {

TEST(Pinyin, OneSyllablePerCharacterTonesDropped) {
  EXPECT_EQ(PinyinOf("泸定县"), "lu ding xian");
  EXPECT_EQ(PinyinOf("波密县"), "bo mi xian");
}

TEST(Pinyin, PolyphonicCharactersKeepEveryReadingCustomaryFirst) {
  EXPECT_EQ(PinyinOf("成都"), "cheng dou|du");
  EXPECT_EQ(PinyinMatch(PinyinOf("成都市"), "chengdu"), 1);
  EXPECT_EQ(PinyinMatch(PinyinOf("长沙市"), "changsha"), 1);
  EXPECT_EQ(PinyinMatch(PinyinOf("长沙市"), "zhangsha"), 1);
  EXPECT_EQ(PinyinMatch(PinyinOf("西藏自治区"), "xizang"), 1);
  EXPECT_EQ(PinyinMatch(PinyinOf("重庆市"), "chongqing"), 1);
}

TEST(Pinyin, LatinAndDigitRunsAreTokensAndOtherSignsAreDropped) {
  EXPECT_EQ(PinyinOf("木镇第1组"), "mu zhen di 1 zu");
  EXPECT_EQ(PinyinOf("ABC小组（二）"), "abc xiao zu er");
  EXPECT_EQ(PinyinOf("绿化"), "lu hua");  // ü without its dots
  EXPECT_EQ(PinyinOf("·—"), "");
}

TEST(Pinyin, QueriesOfLatinLettersAreNormalised) {
  EXPECT_EQ(PinyinQuery("Lu Ding"), "luding");
  EXPECT_EQ(PinyinQuery("xi'an"), "xian");
  EXPECT_EQ(PinyinQuery("ld"), "ld");
  EXPECT_FALSE(PinyinQuery("泸定"));
  EXPECT_FALSE(PinyinQuery("540424"));
  EXPECT_FALSE(PinyinQuery("lu1"));
  EXPECT_FALSE(PinyinQuery("  "));
}

TEST(Pinyin, FullSpellingInitialsAndLaterSyllables) {
  const std::string luding = PinyinOf("泸定县");
  EXPECT_EQ(PinyinMatch(luding, "ludingxian"), 0);
  EXPECT_EQ(PinyinMatch(luding, "ldx"), 0);
  EXPECT_EQ(PinyinMatch(luding, "luding"), 1);
  EXPECT_EQ(PinyinMatch(luding, "ludi"), 1);  // the last syllable cut short
  EXPECT_EQ(PinyinMatch(luding, "ld"), 1);
  EXPECT_EQ(PinyinMatch(luding, "dingxian"), 2);
  EXPECT_EQ(PinyinMatch(luding, "dx"), 2);
  EXPECT_EQ(PinyinMatch(luding, "uding"), -1);  // not from a syllable's start
  EXPECT_EQ(PinyinMatch(luding, "bomi"), -1);
  EXPECT_EQ(PinyinMatch(luding, "ludx"), 0);  // full and initials mixed
  EXPECT_EQ(PinyinMatch(luding, "ludingx"), 0);
  EXPECT_EQ(PinyinMatch(luding, "lx"), -1);  // tokens must be consecutive
  EXPECT_EQ(PinyinMatch("", "a"), -1);
}

}  // namespace
}  // namespace jiceng
