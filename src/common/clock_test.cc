#include "common/clock.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

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
  auto clock = SystemBusinessClock::Create();
  ASSERT_TRUE(clock.ok()) << clock.status().ToString();
  EXPECT_GT(*d, (*clock)->Today());
}

SystemTime At(const char* utc) { return *ParseUtcIso(utc); }

// From 00:00 to 08:00 in Beijing the UTC date is still yesterday's: the
// business date is Beijing's.
TEST(BusinessClock, TodayIsTheDateInTheBusinessTimeZone) {
  auto clock = ManualClock::Create(At("2026-12-02T16:30:00Z"));
  ASSERT_TRUE(clock.ok()) << clock.status().ToString();
  EXPECT_EQ((*clock)->time_zone(), "Asia/Shanghai");
  EXPECT_EQ(FormatDate((*clock)->Today()), "2026-12-03");  // 00:30 in Beijing
  (*clock)->Set(At("2026-12-03T15:30:00Z"));
  EXPECT_EQ(FormatDate((*clock)->Today()), "2026-12-03");  // 23:30 in Beijing
  (*clock)->Advance(std::chrono::minutes(30));
  EXPECT_EQ(FormatDate((*clock)->Today()), "2026-12-04");  // midnight
  EXPECT_EQ(UtcIso((*clock)->Now()), "2026-12-03T16:00:00Z");
  // The first of a month begins at 16:00 UTC on the last day of the one before.
  EXPECT_EQ(FormatDate((*clock)->DateAt(At("2026-11-30T16:00:00Z"))), "2026-12-01");
  EXPECT_EQ(FormatDate((*clock)->DateAt(At("2026-11-30T15:59:59Z"))), "2026-11-30");
}

// The zone comes from tzdata, not a fixed offset: other zones and daylight
// saving time work too.
TEST(BusinessClock, OtherZonesFollowTheTimeZoneDatabase) {
  auto urumqi = ManualClock::Create(At("2026-12-02T19:30:00Z"), "Asia/Urumqi");  // UTC+6
  ASSERT_TRUE(urumqi.ok()) << urumqi.status().ToString();
  EXPECT_EQ(FormatDate((*urumqi)->Today()), "2026-12-03");
  auto berlin = ManualClock::Create(At("2026-07-01T22:30:00Z"), "Europe/Berlin");  // CEST, UTC+2
  ASSERT_TRUE(berlin.ok());
  EXPECT_EQ(FormatDate((*berlin)->Today()), "2026-07-02");
  (*berlin)->Set(At("2026-01-01T22:30:00Z"));  // CET, UTC+1
  EXPECT_EQ(FormatDate((*berlin)->Today()), "2026-01-01");
}

TEST(BusinessClock, UnknownTimeZoneIsRefusedByName) {
  auto clock = SystemBusinessClock::Create("Asia/Atlantis");
  ASSERT_FALSE(clock.ok());
  EXPECT_EQ(clock.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(clock.status().field(), "time_zone");
  EXPECT_NE(clock.status().ToString().find("Asia/Atlantis"), std::string::npos) << clock.status().ToString();
}

TEST(BusinessClock, FileClockReadsTheTimeFromItsFileOnEveryCall) {
  const auto file = std::filesystem::temp_directory_path() / ("jiceng-clock-" + std::to_string(::getpid()));
  std::filesystem::remove(file);
  auto clock = FileClock::Create(file);
  ASSERT_TRUE(clock.ok()) << clock.status().ToString();
  // No file yet: real time.
  const auto before = std::chrono::system_clock::now();
  EXPECT_GE((*clock)->Now(), before - std::chrono::seconds(1));
  for (const char* at : {"2026-12-02T16:30:00Z", "2026-12-03T15:30:00Z"}) {
    std::ofstream(file) << at << "\n";
    EXPECT_EQ(UtcIso((*clock)->Now()), at);
  }
  EXPECT_EQ(FormatDate((*clock)->Today()), "2026-12-03");
  std::ofstream(file) << "not a time\n";
  EXPECT_GE((*clock)->Now(), before - std::chrono::seconds(1));
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace jiceng
