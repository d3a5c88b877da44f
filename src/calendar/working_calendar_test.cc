// The working-day calendar: the shipped files against the State Council
// General Office's notices, deadlines across the long holidays and the 调休
// weekends, the Monday–Friday fallback, and the checks of a calendar file.
#include "calendar/working_calendar.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "calendar/calendar_file.h"

namespace jiceng::calendar {
namespace {

Date D(const char* text) {
  auto d = ParseDate(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(Date{});
}

class ShippedCalendar : public ::testing::Test {
 protected:
  void SetUp() override {
    auto years = LoadShippedCalendar();
    ASSERT_TRUE(years.ok()) << years.status().ToString();
    cal_ = std::make_unique<WorkingCalendar>(std::move(*years), std::vector<DayOverride>{});
  }
  std::string Add(const char* from, int n) const { return FormatDate(cal_->AddWorkingDays(D(from), n).date); }
  std::unique_ptr<WorkingCalendar> cal_;
};

TEST_F(ShippedCalendar, ShipsTheYearsWithTheirNotices) {
  for (int y : {2024, 2025, 2026}) {
    ASSERT_NE(cal_->File(y), nullptr) << y;
    EXPECT_EQ(cal_->SourceOf(y), YearSource::kFile);
    EXPECT_EQ(cal_->File(y)->source.title, "国务院办公厅关于" + std::to_string(y) + "年部分节假日安排的通知");
    EXPECT_FALSE(cal_->File(y)->source.url.empty());
  }
  EXPECT_EQ(cal_->File(2025)->source.number, "国办发明电〔2024〕12号");
  // 2026 notice (2025-11-04): 元旦 3 + 春节 9 + 清明 3 + 劳动节 5 + 端午 3 + 中秋 3 + 国庆 7
  // days off; make-up days 1-04, 2-14, 2-28, 5-09, 9-20, 10-10.
  int off = 0, worked = 0;
  for (const auto& [date, day] : cal_->File(2026)->days) (day.kind == DayKind::kHoliday ? off : worked)++;
  EXPECT_EQ(off, 33);
  EXPECT_EQ(worked, 6);
  EXPECT_EQ(cal_->SourceOf(2027), YearSource::kFallback);
}

// 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）：
// 春节 1月28日（周二）至2月4日（周二）放假调休，共8天；1月26日（周日）、2月8日（周六）上班。
TEST_F(ShippedCalendar, SpringFestival2025) {
  EXPECT_TRUE(cal_->IsWorkingDay(D("2025-01-26")).working);   // Sunday, worked
  EXPECT_FALSE(cal_->IsWorkingDay(D("2025-01-28")).working);  // Tuesday, off
  EXPECT_FALSE(cal_->IsWorkingDay(D("2025-02-04")).working);
  EXPECT_TRUE(cal_->IsWorkingDay(D("2025-02-08")).working);  // Saturday, worked
  EXPECT_FALSE(cal_->IsWorkingDay(D("2025-02-09")).working);  // plain Sunday
  EXPECT_EQ(Add("2025-01-24", 1), "2025-01-26");
  EXPECT_EQ(Add("2025-01-24", 2), "2025-01-27");
  EXPECT_EQ(Add("2025-01-27", 1), "2025-02-05");  // over the eight days off
  EXPECT_EQ(Add("2025-02-05", 3), "2025-02-08");  // Thu, Fri, the make-up Saturday
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2025-01-27"), D("2025-02-05")).days, 1);
  EXPECT_FALSE(cal_->AddWorkingDays(D("2025-01-27"), 1).fallback);
}

// 同一通知：国庆节、中秋节 10月1日（周三）至8日（周三）放假调休，共8天；
// 9月28日（周日）、10月11日（周六）上班。
TEST_F(ShippedCalendar, NationalDay2025) {
  EXPECT_EQ(Add("2025-09-26", 1), "2025-09-28");
  EXPECT_EQ(Add("2025-09-30", 1), "2025-10-09");
  EXPECT_EQ(Add("2025-09-30", 3), "2025-10-11");
  // October 2025: 9, 10, the 11th, then three full weeks of five.
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2025-09-30"), D("2025-10-31")).days, 18);
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2025-10-31"), D("2025-09-30")).days, -18);
}

// 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）：
// 元旦 1月1日至3日放假调休，1月4日（周日）上班；春节 2月15日（周日）至23日（周一）
// 放假调休，共9天；2月14日（周六）、2月28日（周六）上班。
TEST_F(ShippedCalendar, NewYearAndSpringFestival2026) {
  EXPECT_EQ(Add("2025-12-31", 1), "2026-01-04");  // across the year: 1-3 off, the Sunday worked
  EXPECT_EQ(Add("2026-02-13", 1), "2026-02-14");
  EXPECT_EQ(Add("2026-02-13", 2), "2026-02-24");
  EXPECT_EQ(Add("2026-02-24", 4), "2026-02-28");
  EXPECT_EQ(Add("2026-02-24", -1), "2026-02-14");
  // February 2026: 2-6, 9-13, the 14th, 24-27, the 28th.
  EXPECT_EQ(cal_->WorkingDaysBetween(D("2026-02-01"), D("2026-02-28")).days, 16);
  EXPECT_FALSE(cal_->WorkingDaysBetween(D("2026-02-01"), D("2026-02-28")).fallback);
}

// 同一通知：中秋节 9月25日（周五）至27日（周日）放假；国庆节 10月1日（周四）至7日
// （周三）放假调休，共7天；9月20日（周日）、10月10日（周六）上班。
TEST_F(ShippedCalendar, MidAutumnAndNationalDay2026) {
  EXPECT_EQ(Add("2026-09-18", 1), "2026-09-20");
  EXPECT_EQ(Add("2026-09-24", 1), "2026-09-28");
  EXPECT_EQ(Add("2026-09-30", 1), "2026-10-08");
  EXPECT_EQ(Add("2026-09-30", 3), "2026-10-10");
  EXPECT_EQ(Add("2026-10-08", -1), "2026-09-30");
  EXPECT_EQ(Add("2026-10-08", 0), "2026-10-08");
  for (const char* worked : {"2026-09-20", "2026-10-10"}) {
    const Date d = D(worked);
    EXPECT_EQ(cal_->WorkingDaysBetween(cal_->AddWorkingDays(d, -2).date, d).days, 2) << worked;
  }
}

TEST_F(ShippedCalendar, AYearWithoutDataFallsBackAndSaysSo) {
  // 2027: no notice shipped. Monday–Friday, every answer flagged.
  const DayAnswer friday = cal_->IsWorkingDay(D("2027-01-01"));
  EXPECT_TRUE(friday.working);
  EXPECT_TRUE(friday.fallback);
  EXPECT_FALSE(cal_->IsWorkingDay(D("2027-01-02")).working);
  const DateAnswer next = cal_->AddWorkingDays(D("2026-12-31"), 1);
  EXPECT_EQ(FormatDate(next.date), "2027-01-01");
  EXPECT_TRUE(next.fallback);
  const DateAnswer inside = cal_->AddWorkingDays(D("2026-12-30"), 1);
  EXPECT_EQ(FormatDate(inside.date), "2026-12-31");
  EXPECT_FALSE(inside.fallback);
  const CountAnswer count = cal_->WorkingDaysBetween(D("2026-12-25"), D("2027-01-08"));
  EXPECT_EQ(count.days, 10);  // 12-28..31 (4), 2027-01-01 (1), 01-04..08 (5)
  EXPECT_TRUE(count.fallback);
  EXPECT_TRUE(cal_->IsWorkingDay(D("2023-06-01")).fallback);
}

// --- The checks of a calendar file, each naming the file and the line.

Status ParseWhole(std::string_view yaml) {
  auto r = ParseCalendarYear(yaml, "2026.yaml");
  return r.ok() ? Status::Ok() : r.status();
}

bool Says(const Status& st, const std::string& text) {
  return st.message_zh().find(text) != std::string::npos && st.message_en().find(text) != std::string::npos;
}

constexpr const char* kHead = R"yaml(year: 2026
source:
  title: 国务院办公厅关于2026年部分节假日安排的通知
  date: 2025-11-04
  url: https://example.invalid/notice
holidays:
)yaml";

// kHead followed by `holidays` (appended, not `+`: GCC 12 warns falsely there).
Status Parse(std::string_view holidays) {
  std::string text = kHead;
  text.append(holidays);
  return ParseWhole(text);
}

TEST(CalendarFile, AcceptsAWellFormedFile) {
  EXPECT_TRUE(Parse(R"yaml(  - name: {zh: 春节, en: Spring Festival}
    from: 2026-02-15
    to: 2026-02-23
    workdays: [2026-02-14, 2026-02-28]
)yaml")
                  .ok());
}

TEST(CalendarFile, RefusesADateOutsideItsYear) {
  const Status st = Parse(R"yaml(  - name: {zh: 元旦, en: New Year's Day}
    from: 2026-01-01
    to: 2026-01-03
    workdays: [2025-12-28]
)yaml");
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(Says(st, "2026.yaml:10")) << st.ToString();
  EXPECT_TRUE(Says(st, "2025-12-28")) << st.ToString();
}

TEST(CalendarFile, RefusesADateBothOffAndWorked) {
  const Status st = Parse(R"yaml(  - name: {zh: 春节, en: Spring Festival}
    from: 2026-02-15
    to: 2026-02-23
    workdays:
      - 2026-02-14
      - 2026-02-22
)yaml");
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(Says(st, "2026.yaml:12")) << st.ToString();
  EXPECT_TRUE(Says(st, "2026-02-22")) << st.ToString();
}

TEST(CalendarFile, RefusesAMakeUpDayOnAWeekday) {
  const Status st = Parse(R"yaml(  - name: {zh: 劳动节, en: Labour Day}
    from: 2026-05-01
    to: 2026-05-05
    workdays: [2026-05-08]
)yaml");
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(Says(st, "2026.yaml:10")) << st.ToString();
  EXPECT_TRUE(Says(st, "2026-05-08")) << st.ToString();
}

TEST(CalendarFile, RefusesUnknownKeysAndAMissingSource) {
  const Status key = Parse(R"yaml(  - name: {zh: 端午节, en: Dragon Boat Festival}
    from: 2026-06-19
    until: 2026-06-21
)yaml");
  ASSERT_FALSE(key.ok());
  EXPECT_TRUE(Says(key, "2026.yaml:9")) << key.ToString();
  EXPECT_TRUE(Says(key, "until")) << key.ToString();
  const Status source = ParseWhole("year: 2026\nholidays:\n  - {name: {zh: 元旦, en: New Year}, from: 2026-01-01, to: 2026-01-01}\n");
  ASSERT_FALSE(source.ok());
  EXPECT_TRUE(Says(source, "source")) << source.ToString();
}

TEST(CalendarFile, RefusesAFileNotNamedAfterItsYear) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("jiceng-calendar-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                    std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "2027.yaml") << kHead << "  - {name: {zh: 元旦, en: New Year}, from: 2026-01-01, to: 2026-01-01}\n";
  }
  auto years = LoadCalendarDirectory(dir);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(years.ok());
  EXPECT_TRUE(Says(years.status(), "2027.yaml")) << years.status().ToString();
  EXPECT_TRUE(Says(years.status(), "2026.yaml")) << years.status().ToString();
}

}  // namespace
}  // namespace jiceng::calendar
