#include "hierarchy/unit.h"

#include <gtest/gtest.h>

namespace jiceng::hierarchy {
namespace {

TEST(UnitCode, ParsesEveryLevel) {
  EXPECT_EQ(*ParseUnitCode("54"), 54u);
  EXPECT_EQ(LevelOfCode(*ParseUnitCode("5404")), Level::kPrefecture);
  EXPECT_EQ(LevelOfCode(*ParseUnitCode("540424")), Level::kCounty);
  EXPECT_EQ(LevelOfCode(*ParseUnitCode("540424100")), Level::kTownship);
  EXPECT_EQ(LevelOfCode(*ParseUnitCode("540424100201")), Level::kVillage);
  EXPECT_EQ(LevelOfCode(*ParseUnitCode("540424100201001")), Level::kGroup);
}

TEST(UnitCode, RejectsMalformedCodesNamingTheField) {
  for (const char* bad : {"", "5", "540", "5404241", "abc", "54a424", "0540", "-54042", "5404240000000000"}) {
    auto r = ParseUnitCode(bad, "under");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.status().field(), "under");
  }
}

TEST(UnitCode, PlaceholderNames) {
  EXPECT_TRUE(IsPlaceholderName("市辖区"));
  EXPECT_TRUE(IsPlaceholderName("省直辖县级行政区划"));
  EXPECT_FALSE(IsPlaceholderName("林芝市"));
}

}  // namespace
}  // namespace jiceng::hierarchy
