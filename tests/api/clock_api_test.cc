// The one business clock: "today" is the date in Beijing (Asia/Shanghai, the
// server's --time-zone) for every rule and every figure. Each test starts its
// own server with a test clock (--clock-file) set to the instant it needs:
//   00:30 in Beijing (16:30 UTC the day before), when the UTC date is still
//   yesterday, and 23:30 in Beijing (15:30 UTC), the same date in both.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "test_server.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

// A server of its own on a copy of the template database, signed in as the
// administrator, whose time is `clock`.
class ClockedServer {
 public:
  ClockedServer(const std::string& name, const std::string& start_utc)
      : clock_(TestDir() / (name + ".clock"), start_utc) {
    server_ = StartSuiteServer(name, &why_, clock_.ServeArgs());
    if (!server_) return;
    if (!SignInAgain()) server_.reset();
  }
  // Moves the server's time to `utc` and signs in again (a jump of hours
  // outlasts the session's idle timeout).
  void MoveTo(const std::string& utc) {
    clock_.Set(utc);
    EXPECT_TRUE(SignInAgain()) << why_;
  }
  bool ok() const { return http_.has_value(); }
  const std::string& why() const { return why_; }
  Http& http() { return *http_; }

  std::int64_t NewBranch(const std::string& unit, const std::string& name) {
    auto r = http().PostJson("/api/v1/orgs", {{"unit_code", unit}, {"kind", "branch"}, {"name", name}});
    EXPECT_EQ(r.status, 201) << r;
    return r.status == 201 ? r.json["org"]["id"].get<std::int64_t>() : -1;
  }
  std::int64_t NewMember(std::int64_t org, const std::string& name) {
    auto r = http().PostJson("/api/v1/members", {{"org_id", org}, {"name", name}, {"gender", "female"},
                                                 {"birth_date", "1990-01-01"}, {"stage", "full"},
                                                 {"stage_since", "2020-01-01"}, {"situation", "in_service"}});
    EXPECT_EQ(r.status, 201) << r;
    return r.status == 201 ? r.json["member"]["id"].get<std::int64_t>() : -1;
  }
  HttpResponse PutJson(const std::string& target, const json& body) {
    return http().Request("PUT", target, body.dump(), {{"Content-Type", "application/json"}});
  }
  std::int64_t Figure(const std::string& query) {
    auto r = http().Get("/api/v1/figures?" + query);
    EXPECT_EQ(r.status, 200) << r;
    return r.status == 200 ? r.json["figures"][0]["total"].get<std::int64_t>() : -1;
  }

 private:
  TestClock clock_;
  std::string why_;
  std::unique_ptr<TestServer> server_;
  std::optional<Http> http_;

  bool SignInAgain() {
    auto session = SignIn(server_->port(), AdminUsername(), AdminPassword(), &why_);
    if (!session) return false;
    http_.emplace(server_->port(), session->AuthHeaders());
    return true;
  }
};

// At 00:30 in Beijing on 3 December the UTC date is still 2 December; a
// meeting held, a branch founded or dues paid "today" is dated 3 December and
// must be accepted (the server used to refuse it as "in the future" until
// 08:00). Its own date rules, not the browser's, are what is tested here.
TEST(ClockApi, TodayInBeijingIsAcceptedJustAfterMidnight) {
  ClockedServer s("clock_midnight", "2026-12-02T16:30:00Z");
  ASSERT_TRUE(s.ok()) << s.why();
  const std::string today = "2026-12-03";
  // The session tells the web client the business time zone and today in it.
  auto session = s.http().Get("/api/v1/session");
  ASSERT_EQ(session.status, 200) << session;
  EXPECT_EQ(session.json.value("time_zone", ""), "Asia/Shanghai") << session;
  EXPECT_EQ(session.json.value("today", ""), today) << session;
  // A branch's founding date defaults to today: Beijing's.
  const auto org = s.NewBranch("540424100201", "零点测试支部");
  ASSERT_GT(org, 0);
  auto got = s.http().Get("/api/v1/orgs/" + std::to_string(org));
  ASSERT_EQ(got.status, 200) << got;
  EXPECT_EQ(got.json["org"].value("established_on", ""), today) << got;
  // A meeting held today.
  auto meeting = s.http().PostJson("/api/v1/orgs/" + std::to_string(org) + "/meetings",
                                   {{"kind", "committee"}, {"held_on", today}, {"topic", "零点支委会"}});
  EXPECT_EQ(meeting.status, 201) << meeting;
  // Dues paid today for this month (December in Beijing), and the default
  // payment date is today too.
  const auto member = s.NewMember(org, "零点党员");
  ASSERT_GT(member, 0);
  const std::string base = "/api/v1/members/" + std::to_string(member);
  auto standard = s.PutJson(base + "/dues-standard", {{"monthly_fen", 200}, {"from_month", "2026-12"}});
  EXPECT_EQ(standard.status, 204) << standard;
  auto paid = s.http().PostJson(base + "/dues", {{"month", "2026-12"}, {"amount_fen", 200}, {"paid_on", today}});
  EXPECT_EQ(paid.status, 201) << paid;
  auto dues = s.http().Get(base + "/dues?year=2026");
  ASSERT_EQ(dues.status, 200) << dues;
  ASSERT_FALSE(dues.json["months"].empty()) << dues;
  EXPECT_EQ(dues.json["months"].back().value("month", ""), "2026-12") << dues;
  EXPECT_EQ(dues.json["months"].back()["paid_on"], today) << dues;
  // The day after is still the future.
  auto tomorrow = s.http().PostJson("/api/v1/orgs/" + std::to_string(org) + "/meetings",
                                    {{"kind", "committee"}, {"held_on", "2026-12-04"}, {"topic", "明天的会"}});
  EXPECT_EQ(tomorrow.status, 400) << tomorrow;
  EXPECT_EQ(tomorrow.ErrorField(), "held_on") << tomorrow;

  // 23:30 in Beijing, the same day: the date has not moved on yet.
  s.MoveTo("2026-12-03T15:30:00Z");
  auto late = s.http().PostJson("/api/v1/orgs/" + std::to_string(org) + "/meetings",
                                {{"kind", "committee"}, {"held_on", today}, {"topic", "深夜支委会"}});
  EXPECT_EQ(late.status, 201) << late;
  auto still_future = s.http().PostJson("/api/v1/orgs/" + std::to_string(org) + "/meetings",
                                        {{"kind", "committee"}, {"held_on", "2026-12-04"}, {"topic", "明天的会"}});
  EXPECT_EQ(still_future.status, 400) << still_future;
  // Half an hour later it is the 4th in Beijing.
  s.MoveTo("2026-12-03T16:00:00Z");
  auto next_day = s.http().PostJson("/api/v1/orgs/" + std::to_string(org) + "/meetings",
                                    {{"kind", "committee"}, {"held_on", "2026-12-04"}, {"topic", "次日支委会"}});
  EXPECT_EQ(next_day.status, 201) << next_day;
}

// On the first of a month, just after midnight in Beijing, the new month's
// dues are owed: the dues page (members/dues_service) and the roll-up
// indicator the dashboard shows (dues.arrears) say the same. They used to
// disagree until 08:00, the one on the UTC date, the other on Beijing's.
TEST(ClockApi, ArrearsOnTheFirstOfAMonthAgreeBetweenTheDuesPageAndTheFigures) {
  // 2026-12-01 00:30 in Beijing.
  ClockedServer s("clock_first", "2026-11-30T16:30:00Z");
  ASSERT_TRUE(s.ok()) << s.why();
  const std::string village = "540424100202";
  const auto org = s.NewBranch(village, "月初测试支部");
  ASSERT_GT(org, 0);
  const std::string arrears_q = "indicator=dues.arrears&unit=" + village;
  const std::string in_arrears_q = "indicator=dues.in_arrears&unit=" + village;
  const auto arrears_before = s.Figure(arrears_q);
  const auto in_arrears_before = s.Figure(in_arrears_q);
  // Dues of 300 fen a month from January, paid through November.
  const auto member = s.NewMember(org, "月初党员");
  ASSERT_GT(member, 0);
  const std::string base = "/api/v1/members/" + std::to_string(member);
  auto standard = s.PutJson(base + "/dues-standard", {{"monthly_fen", 300}, {"from_month", "2026-01"}});
  ASSERT_EQ(standard.status, 204) << standard;
  for (int m = 1; m <= 11; ++m) {
    char month[8];
    std::snprintf(month, sizeof month, "2026-%02d", m);
    auto paid = s.http().PostJson(base + "/dues", {{"month", month}, {"amount_fen", 300}, {"paid_on", "2026-11-30"}});
    ASSERT_EQ(paid.status, 201) << paid;
  }
  // The dues page: December is owed.
  auto page = s.http().Get("/api/v1/orgs/" + std::to_string(org) + "/dues?year=2026");
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.json.value("arrears_fen", -1), 300) << page;
  EXPECT_EQ(page.json.value("members_in_arrears", -1), 1) << page;
  // The figures: the same.
  EXPECT_EQ(s.Figure(arrears_q) - arrears_before, 300);
  EXPECT_EQ(s.Figure(in_arrears_q) - in_arrears_before, 1);

  // 23:30 on the 1st in Beijing: still December, still the same.
  s.MoveTo("2026-12-01T15:30:00Z");
  page = s.http().Get("/api/v1/orgs/" + std::to_string(org) + "/dues?year=2026");
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.json.value("arrears_fen", -1), 300) << page;
  EXPECT_EQ(s.Figure(arrears_q) - arrears_before, 300);
  // Paying December clears both.
  auto paid = s.http().PostJson(base + "/dues", {{"month", "2026-12"}, {"amount_fen", 300}});
  ASSERT_EQ(paid.status, 201) << paid;
  page = s.http().Get("/api/v1/orgs/" + std::to_string(org) + "/dues?year=2026");
  EXPECT_EQ(page.json.value("arrears_fen", -1), 0) << page;
  EXPECT_EQ(s.Figure(arrears_q) - arrears_before, 0);
  EXPECT_EQ(s.Figure(in_arrears_q) - in_arrears_before, 0);
}

}  // namespace
}  // namespace jiceng::apitest
