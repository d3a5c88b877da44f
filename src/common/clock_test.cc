#include "common/clock.h"

#include <gtest/gtest.h>

namespace jiceng {
namespace {

TEST(Clock, ParseDateRoundTripsAndRefusesNonDates) {
  ASSERT_TRUE(ParseDate("2026-11-23").has_value());
  EXPECT_EQ(FormatDate(*ParseDate("2026-11-23")), "2026-11-23");
  EXPECT_EQ(FormatDate(*ParseDate("2024-02-29")), "2024-02-29");
  for (const char* bad : {"2026-02-30", "2026-13-01", "2026-1-1", "2026/11/23", "20261123xx", "", "2026-11-23Z"}) {
    EXPECT_FALSE(ParseDate(bad).has_value()) << bad;
  }
}

// Past 2262 a nanosecond time_point overflows; dates must not.
TEST(Clock, ParseDateHandlesFarFutureDates) {
  auto d = ParseDate("2999-01-01");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(FormatDate(*d), "2999-01-01");
  EXPECT_GT(*d, Today());
}

}  // namespace
}  // namespace jiceng
