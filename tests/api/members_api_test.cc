// Organizations and members through the HTTP API, ending with the acceptance
// scenario of Luding county (泸定县, 513322): 234 activists trained in a year
// of whom 184 are admitted, 4,144 membership cards issued, and a yearly
// review of meeting records — entered through the API, after which the
// county's subtree figures must match.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>

#include "api_suite.h"

namespace jiceng::apitest {
namespace {

class MembersApi : public ApiSuite<MembersApi> {
 public:
  static constexpr const char* kSuiteName = "members";

 protected:
  std::int64_t CreateOrg(Http& h, const nlohmann::json& body) {
    auto r = h.PostJson("/api/v1/orgs", body);
    EXPECT_EQ(r.status, 201) << r;
    return r.json["org"]["id"].get<std::int64_t>();
  }
  // The first `n` villages of Luqiao town (泸桥镇, 513322100).
  std::vector<std::string> Villages(Http& h, int n) {
    auto r = h.Get("/api/v1/units/513322100/children?limit=" + std::to_string(n));
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> out;
    for (const auto& u : r.json["items"]) out.push_back(u["code"].get<std::string>());
    return out;
  }
  static std::string Year() { return std::to_string(ThisYear()); }
  static int ThisYear() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
  }
};

TEST_F(MembersApi, BadInputNamesTheFieldAndWritesNothing) {
  const auto county = CreateOrg(http(), {{"unit_code", "513322"}, {"kind", "committee"}, {"name", "中共泸定县委员会"}});
  for (const auto& [body, field] : std::vector<std::pair<nlohmann::json, std::string>>{
           {{{"unit_code", "513322"}, {"kind", "cell"}, {"name", "x"}}, "kind"},
           {{{"unit_code", "5133x"}, {"kind", "branch"}, {"name", "x"}}, "unit_code"},
           {{{"unit_code", "513322"}, {"kind", "temporary_branch"}, {"name", "临时支部"}}, "temp_reason"},
           {{{"unit_code", "513322"}, {"kind", "branch"}, {"name", "x"}, {"colour", "red"}}, "colour"}}) {
    auto r = http().PostJson("/api/v1/orgs", body);
    EXPECT_EQ(r.status, 400) << r;
    EXPECT_EQ(r.ErrorField(), field) << r;
  }
  const nlohmann::json person = {{"org_id", county}, {"name", "张三"}, {"gender", "male"}, {"birth_date", "1990-01-01"},
                                 {"stage", "activist"}, {"situation", "rural_labour"}};
  for (const auto& [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"birth_date", "1990-02-30"}, {"gender", "m"}, {"stage", "member"}, {"situation", "farmer"},
           {"id_number", "513322199001010016"}, {"name", ""}}) {
    nlohmann::json bad = person;
    bad[key] = value;
    auto r = http().PostJson("/api/v1/members", bad);
    EXPECT_EQ(r.status, 400) << key << r;
    EXPECT_EQ(r.ErrorField(), key) << r;
  }
  auto list = http().Get("/api/v1/members?under=513322");
  EXPECT_EQ(list.json["total"], 0) << "no bad request wrote a member";
  // A religion, ethnicity or political-view field does not exist: it is refused.
  nlohmann::json extra = person;
  extra["ethnicity"] = "x";
  EXPECT_EQ(http().PostJson("/api/v1/members", extra).ErrorField(), "ethnicity");
}

// The list's totals come from the roll-up engine when it can answer the
// filter (a subtree, a stage, a situation) and from SQL otherwise (an
// organization, a name): both must give the same numbers, before and after
// members move and leave the roll.
TEST_F(MembersApi, ListTotalsFromTheEngineMatchTheRecords) {
  // Villages of Zhamu town in Bomi (扎木镇, 540424100), which no other test here counts.
  auto zhamu = http().Get("/api/v1/units/540424100/children?limit=2");
  ASSERT_EQ(zhamu.status, 200) << zhamu;
  ASSERT_EQ(zhamu.json["items"].size(), 2u);
  const std::string village = zhamu.json["items"][0]["code"].get<std::string>();
  const std::string other_village = zhamu.json["items"][1]["code"].get<std::string>();
  const auto branch = CreateOrg(http(), {{"unit_code", village}, {"kind", "branch"}, {"name", "中共计数村支部"},
                                         {"established_on", "2020-01-01"}});
  const std::vector<std::pair<std::string, std::string>> people = {
      {"applicant", "rural_labour"}, {"activist", "migrant"},   {"candidate", "in_service"},
      {"probationary", "migrant"},   {"full", "rural_labour"},  {"full", "elderly_infirm"},
      {"full", "migrant"}};
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < people.size(); ++i) {
    auto r = http().PostJson("/api/v1/members", {{"org_id", branch}, {"name", "计数" + std::to_string(i)},
                                                 {"gender", i % 2 ? "male" : "female"}, {"birth_date", "1980-01-01"},
                                                 {"stage", people[i].first}, {"stage_since", "2020-01-01"},
                                                 {"situation", people[i].second}});
    ASSERT_EQ(r.status, 201) << r;
    ids.push_back(r.json["member"]["id"].get<std::int64_t>());
  }
  auto total = [&](const std::string& query) {
    auto r = http().Get("/api/v1/members?limit=1&" + query);
    EXPECT_EQ(r.status, 200) << query << r;
    return r.json.value("total", -1);
  };
  auto check = [&](int expected_all) {
    EXPECT_EQ(total("under=" + village), expected_all);
    EXPECT_EQ(total("org_id=" + std::to_string(branch)), expected_all);
    for (const char* stage : {"applicant", "activist", "candidate", "probationary", "full"}) {
      EXPECT_EQ(total("under=" + village + "&stage=" + stage), total("org_id=" + std::to_string(branch) + "&stage=" + stage))
          << stage;
    }
    for (const char* situation : {"rural_labour", "migrant", "in_service", "elderly_infirm"}) {
      EXPECT_EQ(total("under=" + village + "&stage=full&situation=" + situation),
                total("org_id=" + std::to_string(branch) + "&stage=full&situation=" + situation))
          << situation;
      EXPECT_EQ(total("under=" + village + "&situation=" + situation),
                total("org_id=" + std::to_string(branch) + "&situation=" + situation))
          << situation;
    }
  };
  check(7);
  EXPECT_EQ(total("under=" + village + "&stage=full"), 3);
  // One moves to another village: she stays on the county's roll, not on this village's.
  const auto other = CreateOrg(http(), {{"unit_code", other_village}, {"kind", "branch"},
                                        {"name", "中共邻村支部"}, {"established_on", "2020-01-01"}});
  const int other_before = total("under=" + other_village + "&stage=full&situation=migrant");
  auto t = http().PostJson("/api/v1/transfers", {{"member_id", ids.back()}, {"to_org_id", other}});
  ASSERT_EQ(t.status, 201) << t;
  ASSERT_EQ(http().PostJson("/api/v1/transfers/" + std::to_string(t.json["transfer"]["id"].get<std::int64_t>()) +
                                "/confirm", nlohmann::json::object()).status, 200);
  check(6);
  EXPECT_EQ(total("under=" + other_village + "&stage=full&situation=migrant"), other_before + 1);
  EXPECT_EQ(total("org_id=" + std::to_string(other)), 1);
  EXPECT_EQ(total("under=" + village + "&stage=full&situation=migrant"), 0);
}

// Everything a database holds as one text: pg_dump's output on PostgreSQL,
// the SQLite file and its write-ahead log byte for byte.
std::string DumpOf(const std::string& db) {
  if (Engine() == "postgresql") {
    const CommandResult dump = RunProgram({FindOnPath("pg_dump"), "--data-only", db});
    EXPECT_EQ(dump.exit_code, 0) << dump;
    return dump.out;
  }
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(db + suffix, std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return bytes;
}

TEST_F(MembersApi, IdNumbersAreMaskedAndUnmaskingIsAudited) {
  const auto org = CreateOrg(http(), {{"unit_code", "513322100"}, {"kind", "branch"}, {"name", "泸桥镇机关支部"}});
  auto created = http().PostJson("/api/v1/members", {{"org_id", org}, {"name", "李四"}, {"gender", "female"},
                                                     {"birth_date", "1990-01-01"}, {"id_number", "513322199001010015"},
                                                     {"phone", "13812345678"}, {"stage", "full"},
                                                     {"stage_since", "2015-07-01"}, {"situation", "in_service"}});
  ASSERT_EQ(created.status, 201) << created;
  const auto id = created.json["member"]["id"].get<std::int64_t>();
  EXPECT_EQ(created.json["member"]["id_number"], "5133**********0015");
  auto list = http().Get("/api/v1/members?under=513322100");
  EXPECT_EQ(list.body.find("513322199001010015"), std::string::npos);
  EXPECT_EQ(list.body.find("13812345678"), std::string::npos) << "phones are masked in lists";
  auto full = http().Get("/api/v1/members/" + std::to_string(id) + "/id-number");
  ASSERT_EQ(full.status, 200) << full;
  EXPECT_EQ(full.json["id_number"], "513322199001010015");
  auto audit = http().Get("/api/v1/audit?action=members.id_number.unmask");
  ASSERT_EQ(audit.status, 200) << audit;
  ASSERT_GE(audit.json["total"].get<int>(), 1);
  EXPECT_EQ(audit.body.find("513322199001010015"), std::string::npos) << "the audit log never holds the number";

  // What a dump of the database shows: the person's name (so the dump is
  // real), but neither the ID number nor the phone, anywhere.
  const std::string dump = DumpOf(server_->db());
  EXPECT_NE(dump.find("李四"), std::string::npos) << "the dump does not hold the data at all";
  EXPECT_EQ(dump.find("513322199001010015"), std::string::npos) << "an ID number in clear in the database";
  EXPECT_EQ(dump.find("13812345678"), std::string::npos) << "a phone number in clear in the database";
}

TEST_F(MembersApi, PipelineStepsAreOrderedAndDated) {
  const auto org = CreateOrg(http(), {{"unit_code", "513322100"}, {"kind", "branch"}, {"name", "泸桥镇社区支部"}});
  auto m = http().PostJson("/api/v1/members", {{"org_id", org}, {"name", "王五"}, {"gender", "male"},
                                               {"birth_date", "1995-05-05"}, {"stage", "activist"},
                                               {"stage_since", Year() + "-01-10"}, {"situation", "rural_labour"}});
  ASSERT_EQ(m.status, 201) << m;
  const std::string path = "/api/v1/members/" + std::to_string(m.json["member"]["id"].get<std::int64_t>()) + "/advance";
  auto early = http().PostJson(path, {{"to_stage", "candidate"}, {"on_date", Year() + "-02-01"}});
  EXPECT_EQ(early.status, 409) << early;
  EXPECT_EQ(early.ErrorField(), "on_date");
  EXPECT_NE(early.ErrorMessage().find(std::to_string(ThisYear() + 1) + "-01-10"), std::string::npos)
      << "the message says the earliest date" << early;
  auto skip = http().PostJson(path, {{"to_stage", "full"}, {"on_date", Year() + "-02-01"}});
  EXPECT_EQ(skip.status, 409) << skip;
  EXPECT_EQ(skip.ErrorField(), "to_stage");
}

TEST_F(MembersApi, TransfersAreConfirmedByTheReceivingSide) {
  const auto vs = Villages(http(), 2);
  const auto a = CreateOrg(http(), {{"unit_code", vs[0]}, {"kind", "branch"}, {"name", "甲支部"}});
  const auto b = CreateOrg(http(), {{"unit_code", vs[1]}, {"kind", "branch"}, {"name", "乙支部"}});
  auto m = http().PostJson("/api/v1/members", {{"org_id", a}, {"name", "赵六"}, {"gender", "male"},
                                               {"birth_date", "1980-08-08"}, {"stage", "full"},
                                               {"stage_since", "2010-07-01"}, {"situation", "migrant"}});
  const auto id = m.json["member"]["id"].get<std::int64_t>();
  auto t = http().PostJson("/api/v1/transfers", {{"member_id", id}, {"to_org_id", b}, {"reason", "外出务工"}});
  ASSERT_EQ(t.status, 201) << t;
  EXPECT_EQ(http().Get("/api/v1/members/" + std::to_string(id)).json["member"]["status"], "in_transit");
  const std::string tid = std::to_string(t.json["transfer"]["id"].get<std::int64_t>());
  auto confirmed = http().PostJson("/api/v1/transfers/" + tid + "/confirm", nlohmann::json::object());
  ASSERT_EQ(confirmed.status, 200) << confirmed;
  auto moved = http().Get("/api/v1/members/" + std::to_string(id));
  EXPECT_EQ(moved.json["member"]["org_id"], b);
  EXPECT_EQ(moved.json["member"]["unit_code"], vs[1]);
  EXPECT_EQ(http().PostJson("/api/v1/transfers/" + tid + "/reject", {{"reason", "x"}}).status, 409);
}

TEST_F(MembersApi, LudingAcceptanceScenario) {
  const std::string y = Year(), last = std::to_string(ThisYear() - 1);
  // Other tests of this suite also register people in Luding: compare with
  // the figures before the scenario.
  const int members_before = http().Get("/api/v1/members?under=513322&limit=1").json["total"].get<int>();
  // The live roll-up figures of the county, before and after (issue: live roll-up engine).
  auto figure = [&](const std::string& query) -> std::int64_t {
    auto r = http().Get("/api/v1/figures?unit=513322&" + query);
    EXPECT_EQ(r.status, 200) << r;
    return r.status == 200 ? r.json["figures"][0]["total"].get<std::int64_t>() : -1;
  };
  const std::vector<std::string> figure_queries = {
      "indicator=pipeline.steps&where=to_stage%3Aactivist&period=" + last,
      "indicator=pipeline.steps&where=to_stage%3Aprobationary&period=" + y,
      "indicator=cards.issued&period=" + y,
      "indicator=cards&where=status%3Avalid",
      "indicator=members",
      "indicator=meetings.held&where=kind%3Acommittee&period=" + y,
      "indicator=meetings.reviewed&where=result%3Aneeds_improvement&period=" + y};
  std::vector<std::int64_t> figures_before;
  for (const auto& q : figure_queries) figures_before.push_back(figure(q));
  const auto county = CreateOrg(http(), {{"unit_code", "513322"}, {"kind", "committee"}, {"name", "中共泸定县委员会（验收）"}});
  const auto town = CreateOrg(http(), {{"unit_code", "513322100"}, {"kind", "committee"}, {"name", "中共泸桥镇委员会"},
                                       {"parent_id", county}});
  const auto vs = Villages(http(), 4);
  std::vector<std::int64_t> branches;
  for (const auto& v : vs) {
    branches.push_back(CreateOrg(http(), {{"unit_code", v}, {"kind", "branch"}, {"name", v + " 支部"},
                                          {"parent_id", town}}));
  }
  // Runs `n` requests over 4 threads; returns the ids the calls produce.
  auto parallel = [&](int n, const std::function<std::int64_t(Http&, int)>& call) {
    std::vector<std::int64_t> ids(n, 0);
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 4; ++t) {
      pool.emplace_back([&] {
        Http h = Client();
        for (int i = next++; i < n; i = next++) ids[i] = call(h, i);
      });
    }
    for (auto& t : pool) t.join();
    return ids;
  };
  // 234 applicants last year, all trained as activists from early last year.
  auto activists = parallel(234, [&](Http& h, int i) -> std::int64_t {
    auto r = h.PostJson("/api/v1/members", {{"org_id", branches[i % branches.size()]},
                                            {"name", "积极分子" + std::to_string(i)}, {"gender", i % 2 ? "female" : "male"},
                                            {"birth_date", "1996-03-03"}, {"stage", "applicant"},
                                            {"stage_since", last + "-01-05"}, {"situation", "rural_labour"}});
    EXPECT_EQ(r.status, 201) << r;
    const auto id = r.json["member"]["id"].get<std::int64_t>();
    auto a = h.PostJson("/api/v1/members/" + std::to_string(id) + "/advance",
                        {{"to_stage", "activist"}, {"on_date", last + "-01-10"}});
    EXPECT_EQ(a.status, 200) << a;
    return id;
  });
  // 184 of them admitted this year: candidate after a year, then probationary.
  parallel(184, [&](Http& h, int i) -> std::int64_t {
    const std::string path = "/api/v1/members/" + std::to_string(activists[i]) + "/advance";
    auto c = h.PostJson(path, {{"to_stage", "candidate"}, {"on_date", y + "-01-10"}});
    EXPECT_EQ(c.status, 200) << c;
    auto p = h.PostJson(path, {{"to_stage", "probationary"}, {"on_date", y + "-02-01"}});
    EXPECT_EQ(p.status, 200) << p;
    return 0;
  });
  auto pipeline_last = http().Get("/api/v1/units/513322/pipeline?from=" + last + "-01-01&to=" + y + "-01-01");
  auto pipeline_now = http().Get("/api/v1/units/513322/pipeline");
  ASSERT_EQ(pipeline_now.status, 200) << pipeline_now;
  auto stage = [](const HttpResponse& r, const char* id, const char* key) {
    for (const auto& s : r.json["stages"]) {
      if (s["stage"] == id) return s[key].get<std::int64_t>();
    }
    return std::int64_t{-1};
  };
  EXPECT_EQ(stage(pipeline_last, "activist", "entered"), 234) << "activists trained last year";
  EXPECT_EQ(stage(pipeline_now, "probationary", "entered"), 184) << "admitted this year";
  EXPECT_EQ(stage(pipeline_now, "probationary", "count"), 184);
  const auto activists_now = stage(pipeline_now, "activist", "count");
  EXPECT_GE(activists_now, 50);
  EXPECT_EQ(http().Get("/api/v1/members?under=513322&stage=activist&limit=1").json["total"].get<int>(), activists_now)
      << "the pipeline figure agrees with the member list";
  // The town sees the same, Bomi county nothing of it.
  EXPECT_EQ(stage(http().Get("/api/v1/units/513322100/pipeline"), "probationary", "entered"), 184);
  EXPECT_EQ(stage(http().Get("/api/v1/units/540424/pipeline"), "probationary", "entered"), 0);

  // 4,144 membership cards issued to full members across the branches.
  auto holders = parallel(4144, [&](Http& h, int i) -> std::int64_t {
    auto r = h.PostJson("/api/v1/members", {{"org_id", branches[i % branches.size()]}, {"name", "党员" + std::to_string(i)},
                                            {"gender", i % 2 ? "female" : "male"}, {"birth_date", "1970-06-06"},
                                            {"stage", "full"}, {"stage_since", "2000-07-01"},
                                            {"situation", "rural_labour"}});
    EXPECT_EQ(r.status, 201) << r;
    const auto id = r.json["member"]["id"].get<std::int64_t>();
    auto c = h.PostJson("/api/v1/members/" + std::to_string(id) + "/cards",
                        {{"number", "LD" + std::to_string(100000 + i)}, {"issued_on", y + "-01-20"}});
    EXPECT_EQ(c.status, 201) << c;
    return id;
  });
  auto cards = http().Get("/api/v1/units/513322/cards");
  ASSERT_EQ(cards.status, 200) << cards;
  EXPECT_EQ(cards.json["issued"], 4144);
  EXPECT_EQ(cards.json["valid"], 4144);

  // Meetings this year, and the county's yearly review of every branch's records.
  for (std::int64_t b : branches) {
    auto r = http().PostJson("/api/v1/orgs/" + std::to_string(b) + "/meetings",
                             {{"kind", "committee"}, {"held_on", y + "-01-15"}, {"topic", "支委会"}});
    ASSERT_EQ(r.status, 201) << r;
    auto review = http().PostJson("/api/v1/orgs/" + std::to_string(b) + "/review",
                                  {{"year", ThisYear()}, {"result", "needs_improvement"}, {"note", "会议次数不足"}});
    ASSERT_EQ(review.status, 201) << review;
    auto compliance = http().Get("/api/v1/orgs/" + std::to_string(b) + "/compliance");
    EXPECT_EQ(compliance.json["review"]["result"], "needs_improvement") << compliance;
  }
  auto meetings = http().Get("/api/v1/units/513322/meetings");
  ASSERT_EQ(meetings.status, 200) << meetings;
  for (const auto& k : meetings.json["kinds"]) {
    if (k["kind"] == "committee") {
      EXPECT_EQ(k["held"], static_cast<int>(branches.size())) << meetings;
    }
  }
  // The branches only: the county and town committees are not held to a branch's calendar.
  EXPECT_GE(meetings.json["organizations"].get<int>(), static_cast<int>(branches.size()));
  auto members = http().Get("/api/v1/members?under=513322&limit=1");
  EXPECT_EQ(members.json["total"].get<int>() - members_before, 234 + 4144);

  // The same figures from the roll-up engine, as of the last write.
  const std::int64_t n = static_cast<std::int64_t>(branches.size());
  const std::vector<std::int64_t> added = {234, 184, 4144, 4144, 184 + 4144, n, n};
  for (std::size_t i = 0; i < figure_queries.size(); ++i) {
    EXPECT_EQ(figure(figure_queries[i]) - figures_before[i], added[i]) << figure_queries[i];
  }
  // The county's figure is its townships' sum, and it is in the prefecture's.
  auto towns = http().Get("/api/v1/figures/breakdown?indicator=members&unit=513322");
  ASSERT_EQ(towns.status, 200) << towns;
  std::int64_t sum = 0;
  for (const auto& row : towns.json["rows"]) sum += row["total"].get<std::int64_t>();
  EXPECT_EQ(sum, towns.json["whole"]["total"].get<std::int64_t>());
  auto counties = http().Get("/api/v1/figures/breakdown?indicator=members&unit=5133");
  for (const auto& row : counties.json["rows"]) {
    if (row["code"] == "513322") {
      EXPECT_EQ(row["total"], towns.json["whole"]["total"]);
    }
  }
}

}  // namespace
}  // namespace jiceng::apitest
