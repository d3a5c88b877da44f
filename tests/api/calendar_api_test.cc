// The working-day calendar through the HTTP API: a year as shipped (with the
// notice it comes from), a year without data (the fallback, said so), and an
// administrator's correction of a day — shown, audited, removed.
#include <gtest/gtest.h>

#include "api_suite.h"

namespace jiceng::apitest {
namespace {

using json = nlohmann::json;

class CalendarApi : public ApiSuite<CalendarApi> {
 public:
  static constexpr const char* kSuiteName = "calendar";

 protected:
  // The year's entry for `date`, or null.
  static json DayOf(const json& year, const std::string& date) {
    for (const json& d : year["days"]) {
      if (d.value("date", "") == date) return d;
    }
    return nullptr;
  }
  HttpResponse Put(const std::string& date, const json& body) {
    return http().Request("PUT", "/api/v1/calendar/days/" + date, body.dump(),
                          {{"Content-Type", "application/json"}});
  }
};

// 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）：春节 2月15日至23日
// 放假调休，2月14日（周六）、2月28日（周六）上班；国庆节 10月1日至7日放假调休。
TEST_F(CalendarApi, AShippedYearListsItsDaysAndItsNotice) {
  HttpResponse r = http().Get("/api/v1/calendar/2026");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.json.value("source", ""), "file");
  EXPECT_FALSE(r.json.value("fallback", true));
  EXPECT_EQ(r.json["notice"].value("title", ""), "国务院办公厅关于2026年部分节假日安排的通知");
  EXPECT_EQ(r.json["notice"].value("date", ""), "2025-11-04");
  const json worked = DayOf(r.json, "2026-02-14");
  ASSERT_TRUE(worked.is_object()) << r;
  EXPECT_EQ(worked.value("kind", ""), "workday");
  EXPECT_EQ(worked["name"].value("zh", ""), "春节");
  EXPECT_EQ(worked["name"].value("en", ""), "Spring Festival");
  EXPECT_EQ(worked.value("origin", ""), "file");
  EXPECT_EQ(DayOf(r.json, "2026-02-23").value("kind", ""), "holiday");
  EXPECT_EQ(DayOf(r.json, "2026-10-07").value("kind", ""), "holiday");
  EXPECT_TRUE(DayOf(r.json, "2026-02-24").is_null()) << "a plain Tuesday is not listed";
  EXPECT_EQ(r.json["days"].size(), 39u);  // 33 days off, 6 make-up days
}

TEST_F(CalendarApi, AYearWithoutDataSaysItFallsBack) {
  HttpResponse r = http().Get("/api/v1/calendar/2031");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.json.value("source", ""), "fallback");
  EXPECT_TRUE(r.json.value("fallback", false));
  EXPECT_TRUE(r.json["notice"].is_null());
  EXPECT_TRUE(r.json["days"].empty());
  ExpectError(http().Get("/api/v1/calendar/twenty"), 400, "invalid_argument", "year");
  ExpectUnauthenticated(Anonymous().Get("/api/v1/calendar/2026"));
}

TEST_F(CalendarApi, ACorrectionIsShownAuditedAndRemoved) {
  HttpResponse set = Put("2026-02-24", {{"kind", "holiday"}, {"name", "春节（延长）"}, {"note", "县里通知"}});
  ASSERT_EQ(set.status, 200) << set;
  EXPECT_EQ(set.json.value("origin", ""), "override");
  EXPECT_EQ(set.json.value("kind", ""), "holiday");
  EXPECT_EQ(set.json.value("set_by", ""), AdminUsername());
  EXPECT_TRUE(set.json["file"].is_null());

  // Over a day the file lists: the file's answer is kept beside it.
  HttpResponse over = Put("2026-02-28", {{"kind", "holiday"}, {"name", "不调休"}});
  ASSERT_EQ(over.status, 200) << over;
  EXPECT_EQ(over.json["file"].value("kind", ""), "workday");

  HttpResponse year = http().Get("/api/v1/calendar/2026");
  ASSERT_EQ(year.status, 200) << year;
  EXPECT_EQ(DayOf(year.json, "2026-02-24").value("note", ""), "县里通知");
  EXPECT_EQ(DayOf(year.json, "2026-02-28").value("kind", ""), "holiday");
  EXPECT_EQ(year.json.value("source", ""), "file");

  HttpResponse log = http().Get("/api/v1/audit?action=calendar.day.set&limit=200");
  ASSERT_EQ(log.status, 200) << log;
  bool found = false;
  for (const json& e : log.json["items"]) {
    if (e.value("target", "") != "calendar:2026-02-24") continue;
    found = true;
    EXPECT_EQ(e.value("username", ""), AdminUsername()) << e.dump();
    EXPECT_EQ(e.value("method", ""), "PUT") << e.dump();
    EXPECT_EQ(e.value("result", ""), "ok") << e.dump();
  }
  EXPECT_TRUE(found) << "no audit entry for the correction" << log;

  EXPECT_EQ(http().Delete("/api/v1/calendar/days/2026-02-24").status, 204);
  EXPECT_EQ(http().Delete("/api/v1/calendar/days/2026-02-28").status, 204);
  ExpectError(http().Delete("/api/v1/calendar/days/2026-02-24"), 404, "not_found", "date");
  HttpResponse after = http().Get("/api/v1/calendar/2026");
  EXPECT_TRUE(DayOf(after.json, "2026-02-24").is_null()) << after;
  EXPECT_EQ(DayOf(after.json, "2026-02-28").value("kind", ""), "workday") << after;
  HttpResponse cleared = http().Get("/api/v1/audit?action=calendar.day.clear&limit=200");
  EXPECT_NE(cleared.body.find("calendar:2026-02-28"), std::string::npos) << cleared;
}

TEST_F(CalendarApi, ACorrectionOfAYearWithoutAFileGivesItData) {
  ASSERT_EQ(Put("2032-02-11", {{"kind", "holiday"}, {"name", "春节"}}).status, 200);
  HttpResponse r = http().Get("/api/v1/calendar/2032");
  EXPECT_EQ(r.json.value("source", ""), "overrides") << r;
  EXPECT_FALSE(r.json.value("fallback", true)) << r;
  EXPECT_EQ(http().Delete("/api/v1/calendar/days/2032-02-11").status, 204);
}

TEST_F(CalendarApi, RefusesABadCorrection) {
  ExpectError(Put("2026-13-01", {{"kind", "holiday"}, {"name", "x"}}), 400, "invalid_argument", "date");
  ExpectError(Put("2026-03-02", {{"kind", "day-off"}, {"name", "x"}}), 400, "invalid_argument", "kind");
  ExpectError(Put("2026-03-02", {{"kind", "holiday"}, {"name", ""}}), 400, "invalid_argument", "name");
  ExpectError(Put("2026-03-02", {{"kind", "holiday"}, {"name", "x"}, {"colour", "red"}}), 400, "invalid_argument",
              "colour");
  HttpResponse year = http().Get("/api/v1/calendar/2026");
  EXPECT_TRUE(DayOf(year.json, "2026-03-02").is_null()) << year;
}

}  // namespace
}  // namespace jiceng::apitest
