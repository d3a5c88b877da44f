#include "common/text.h"

#include <gtest/gtest.h>

namespace jiceng {
namespace {

TEST(Text, TrimRemovesAsciiAndIdeographicSpaces) {
  EXPECT_EQ(Trim("  本东村民小组\t"), "本东村民小组");
  EXPECT_EQ(Trim("\xE3\x80\x80一组\xE3\x80\x80 "), "一组");
  EXPECT_EQ(Trim("   "), "");
  EXPECT_EQ(Trim("a b"), "a b");
}

TEST(Text, ToSimplifiedConvertsTraditionalNames) {
  EXPECT_EQ(ToSimplified("瀘定"), "泸定");
  EXPECT_EQ(ToSimplified("波密縣"), "波密县");
  EXPECT_EQ(ToSimplified("540424"), "540424");
  EXPECT_EQ(ToSimplified("泸定县"), "泸定县");
}

TEST(Text, Utf8ValidationRejectsBrokenSequences) {
  EXPECT_TRUE(IsValidUtf8("扎木镇 abc"));
  EXPECT_FALSE(IsValidUtf8("\xE6\x89"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_EQ(Utf8Length("扎木镇a"), 4u);
}

TEST(Text, ControlCharactersAreDetected) {
  EXPECT_TRUE(HasControlChars("a\nb"));
  EXPECT_TRUE(HasControlChars(std::string("a\0b", 3)));
  EXPECT_FALSE(HasControlChars("一组 (东)"));
}

}  // namespace
}  // namespace jiceng
