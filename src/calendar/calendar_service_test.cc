// An administrator's corrections of the working-day calendar, stored in the
// database over the shipped files: they change the answers at once, survive
// a restart, and come off again. On both engines.
#include "calendar/calendar_service.h"

#include <gtest/gtest.h>

#include "db/testing/migrated_database_test.h"

namespace jiceng::calendar {
namespace {

Date D(const char* text) { return ParseDate(text).value_or(Date{}); }

class CalendarServiceTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    auto clock = ManualClock::Create(*ParseUtcIso("2026-12-03T08:00:00Z"));
    ASSERT_TRUE(clock.ok());
    clock_ = std::move(*clock);
    auto years = LoadShippedCalendar();
    ASSERT_TRUE(years.ok()) << years.status().ToString();
    files_ = *years;
    auto service = CalendarService::Load(*db_, files_, *clock_);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    service_ = std::move(*service);
  }
  std::string Add(const char* from, int n) const {
    return FormatDate(service_->Current()->AddWorkingDays(D(from), n).date);
  }
  std::unique_ptr<ManualClock> clock_;
  std::map<int, CalendarYear> files_;
  std::unique_ptr<CalendarService> service_;
};

TEST_P(CalendarServiceTest, ACorrectionChangesTheAnswerAndSurvivesARestart) {
  // 2026 Spring Festival: off 2-15..2-23, so two working days after Friday
  // 2-13 are the make-up Saturday 2-14 and Tuesday 2-24.
  ASSERT_EQ(Add("2026-02-13", 2), "2026-02-24");
  // A (made-up) local correction: 2-24 off as well.
  ASSERT_TRUE(service_->SetDay(DayOverride{D("2026-02-24"), DayKind::kHoliday, "春节（本地）", "测试"}).ok());
  EXPECT_EQ(Add("2026-02-13", 2), "2026-02-25");
  // And the make-up Saturday 2-14 not worked after all.
  ASSERT_TRUE(service_->SetDay(DayOverride{D("2026-02-14"), DayKind::kHoliday, "春节"}).ok());
  EXPECT_EQ(Add("2026-02-13", 2), "2026-02-26");
  const auto days = service_->Current()->DaysOf(2026);
  const auto it = std::find_if(days.begin(), days.end(), [](const auto& e) { return e.day.date == D("2026-02-14"); });
  ASSERT_NE(it, days.end());
  EXPECT_TRUE(it->overridden);
  ASSERT_TRUE(it->file_day.has_value());
  EXPECT_EQ(it->file_day->kind, DayKind::kWorkday);
  EXPECT_EQ(it->correction->set_at, "2026-12-03T08:00:00Z");

  // A new service over the same database (a restart) sees them.
  auto again = CalendarService::Load(*db_, files_, *clock_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(FormatDate((*again)->Current()->AddWorkingDays(D("2026-02-13"), 2).date), "2026-02-26");

  // Replaced, then removed: the file's answer is back.
  ASSERT_TRUE(service_->SetDay(DayOverride{D("2026-02-24"), DayKind::kWorkday, "上班"}).ok());
  ASSERT_TRUE(service_->ClearDay(D("2026-02-14")).ok());
  EXPECT_EQ(Add("2026-02-13", 2), "2026-02-24");
  EXPECT_EQ(service_->ClearDay(D("2026-02-14")).code(), ErrorCode::kNotFound);
  ASSERT_TRUE(service_->ClearDay(D("2026-02-24")).ok());
  EXPECT_TRUE(service_->Current()->DaysOf(2026).size() == files_.at(2026).days.size());
}

TEST_P(CalendarServiceTest, CorrectionsGiveAYearWithoutAFileItsData) {
  auto cal = service_->Current();
  EXPECT_EQ(cal->SourceOf(2027), YearSource::kFallback);
  EXPECT_TRUE(cal->AddWorkingDays(D("2027-02-05"), 1).fallback);
  ASSERT_TRUE(service_->SetDay(DayOverride{D("2027-02-08"), DayKind::kHoliday, "春节"}).ok());
  cal = service_->Current();
  EXPECT_EQ(cal->SourceOf(2027), YearSource::kOverrides);
  const DateAnswer next = cal->AddWorkingDays(D("2027-02-05"), 1);
  EXPECT_EQ(FormatDate(next.date), "2027-02-09");
  EXPECT_FALSE(next.fallback);
}

TEST_P(CalendarServiceTest, RefusesANamelessCorrection) {
  const Status st = service_->SetDay(DayOverride{D("2026-03-02"), DayKind::kHoliday, ""});
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "name");
  EXPECT_TRUE(service_->Current()->IsWorkingDay(D("2026-03-02")).working);
}

INSTANTIATE_TEST_SUITE_P(Engines, CalendarServiceTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::calendar
