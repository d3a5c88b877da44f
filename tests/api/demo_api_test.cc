// `jiceng demo` (issue #13 part 9): on a fresh copy of the template database
// (the real division list), with the business clock set by a test clock
// file, the demo makes a believable Bomi county — a committee in each of its
// 10 townships, every village covered by a branch, 2,700–3,300 members at
// every stage, members in arrears, branches behind on their meetings, every
// date within the year before the clock's today — the same on two databases,
// accounted for in the audit log, and not again on a second run.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "db/database.h"
#include "test_server.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

// Beijing 10:00 on 2026-09-20: "today" for the demo and for the server.
constexpr const char* kClockUtc = "2026-09-20T02:00:00Z";
constexpr const char* kToday = "2026-09-20";
constexpr const char* kYear = "2026";

// What the demo wrote, read back in id order; equal on two runs when the
// demo is deterministic.
struct DemoDigest {
  std::vector<std::string> members;        // name|gender|birth|stage|since|situation|org
  std::vector<std::string> organizations;  // kind|name|unit
  std::map<std::string, std::int64_t> rows;  // per table
  bool operator==(const DemoDigest&) const = default;
};

std::vector<std::string> Lines(db::Session& s, const std::string& sql, Status& st) {
  std::vector<std::string> out;
  st = s.Query(sql, {}, [&](const db::Row& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) line += (i ? "|" : "") + row.Text(i);
    out.push_back(std::move(line));
    return Status::Ok();
  });
  return out;
}

DemoDigest Digest(const std::string& url) {
  DemoDigest d;
  auto db = db::Database::Open(url);
  EXPECT_TRUE(db.ok()) << url << ": " << db.status().ToString();
  if (!db.ok()) return d;
  Status st = (*db)->Read([&](db::Session& s) -> Status {
    Status q;
    d.members = Lines(s,
                      "SELECT m.name, m.gender, m.birth_date, m.stage, m.stage_since, m.situation, o.name "
                      "FROM members m JOIN organizations o ON o.id = m.org_id ORDER BY m.id",
                      q);
    JICENG_RETURN_IF_ERROR(q);
    d.organizations = Lines(s,
                            "SELECT o.kind, o.name, un.code FROM organizations o JOIN units un ON un.id = o.unit_id "
                            "ORDER BY o.id",
                            q);
    JICENG_RETURN_IF_ERROR(q);
    for (const char* table : {"units", "dues_standards", "dues_payments", "member_cards", "card_reviews", "meetings",
                              "meeting_attendance", "org_officers", "org_pairings", "pairing_activities",
                              "task_teams", "task_team_members", "two_new_orgs"}) {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string("SELECT COUNT(*) FROM ") + table));
      d.rows[table] = row ? row->Int(0) : -1;
    }
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return d;
}

// One value of a single-row query on `url`.
std::string One(const std::string& url, const std::string& sql) {
  std::string out = "<error>";
  auto db = db::Database::Open(url);
  if (!db.ok()) return out;
  Status st = (*db)->Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(sql));
    out = row ? row->Text(0) : "<none>";
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << sql << ": " << st.ToString();
  return out;
}

class DemoData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    clock_ = new TestClock(TestDir() / "demo.clock", kClockUtc);
    std::string why;
    for (const char* name : {"demo_a", "demo_b"}) {
      std::string url = CopyTemplateDb(name, &why);
      ASSERT_FALSE(url.empty()) << why;
      first_run_.push_back(RunJiceng({"demo", "--db", url, "--clock-file", (TestDir() / "demo.clock").string()}, "",
                                     std::chrono::seconds(600)));
      urls_.push_back(url);
    }
  }
  static void TearDownTestSuite() {
    delete clock_;
    clock_ = nullptr;
    urls_.clear();
    first_run_.clear();
  }
  void SetUp() override {
    ASSERT_EQ(urls_.size(), 2u);
    for (const CommandResult& r : first_run_) ASSERT_EQ(r.exit_code, 0) << r;
  }

  static inline TestClock* clock_ = nullptr;
  static inline std::vector<std::string> urls_;
  static inline std::vector<CommandResult> first_run_;
};

TEST_F(DemoData, IsTheSameOnTwoDatabasesAndNotAddedTwice) {
  const DemoDigest a = Digest(urls_[0]);
  const DemoDigest b = Digest(urls_[1]);
  ASSERT_FALSE(a.members.empty());
  EXPECT_EQ(a.members.size(), b.members.size());
  EXPECT_TRUE(a.members == b.members) << "the members differ between two runs";
  EXPECT_EQ(a.organizations, b.organizations);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_NE(first_run_[0].out.find("Demo data: Bomi county"), std::string::npos) << first_run_[0];

  // A second run adds nothing.
  CommandResult again = RunJiceng({"demo", "--db", urls_[1], "--clock-file", (TestDir() / "demo.clock").string()}, "",
                                  std::chrono::seconds(600));
  ASSERT_EQ(again.exit_code, 0) << again;
  EXPECT_NE(again.out.find("no demo organizations or members were added"), std::string::npos) << again;
  EXPECT_TRUE(Digest(urls_[1]) == b) << "a second run changed the data";

  // Every row the demo made is named by an audit entry.
  CommandResult verify = RunJiceng({"audit", "verify", "--against-data", "--db", urls_[0]});
  EXPECT_EQ(verify.exit_code, 0) << verify;
}

TEST_F(DemoData, HasTheShapesOfBomiCounty) {
  const std::string& url = urls_[0];
  // A committee for the county and each of its 10 townships.
  EXPECT_EQ(One(url, "SELECT COUNT(*) FROM organizations o JOIN units un ON un.id = o.unit_id "
                     "WHERE o.kind = 'committee' AND un.level = 4 AND un.code LIKE '540424%'"),
            "10");
  EXPECT_EQ(One(url, "SELECT COUNT(*) FROM organizations o JOIN units un ON un.id = o.unit_id "
                     "WHERE o.kind = 'committee' AND un.code = '540424'"),
            "1");
  // Members: about 3,000, at every stage, most of them full members.
  const int members = std::stoi(One(url, "SELECT COUNT(*) FROM members m JOIN units un ON un.id = m.unit_id "
                                         "WHERE un.code LIKE '540424%'"));
  EXPECT_GE(members, 2700);
  EXPECT_LE(members, 3300);
  for (const char* stage : {"applicant", "activist", "candidate", "probationary", "full"}) {
    const int n = std::stoi(One(url, std::string("SELECT COUNT(*) FROM members WHERE stage = '") + stage + "'"));
    EXPECT_GT(n, 20) << stage;
    EXPECT_LT(n, members) << stage;
  }
  EXPECT_GT(std::stoi(One(url, "SELECT COUNT(*) FROM members WHERE stage = 'full'")) * 10, members * 7);
  // Every date in the past of the clock's today, and the year's data within the year before it.
  EXPECT_LE(One(url, "SELECT MAX(stage_since) FROM members"), kToday);
  EXPECT_LE(One(url, "SELECT MAX(held_on) FROM meetings"), kToday);
  EXPECT_GE(One(url, "SELECT MIN(held_on) FROM meetings"), "2025-10-01");
  EXPECT_LE(One(url, "SELECT MAX(paid_on) FROM dues_payments"), kToday);
  EXPECT_GE(One(url, "SELECT MIN(month) FROM dues_payments"), "2025-10");
  // Paid up to this month; those who pay by the quarter have paid its end (September) already.
  EXPECT_EQ(One(url, "SELECT MAX(month) FROM dues_payments"), "2026-09");

  // The server, on the same day, sees the same county.
  TestServer server(url, TestDir() / "demo_server.log", {"--clock-file", (TestDir() / "demo.clock").string()});
  ASSERT_EQ(server.Start(), "");
  std::string why;
  auto session = SignIn(server.port(), AdminUsername(), AdminPassword(), &why);
  ASSERT_TRUE(session) << why;
  Http http(server.port(), session->AuthHeaders());

  // Every one of Bomi's villages has its branch (some villager groups too).
  auto coverage = http.Get("/api/v1/units/540424/coverage");
  ASSERT_EQ(coverage.status, 200) << coverage;
  EXPECT_EQ(coverage.json["villages"]["total"], 85);
  EXPECT_EQ(coverage.json["villages"]["covered"], 85) << coverage.json["villages"];
  EXPECT_GT(coverage.json["groups"]["covered"].get<int>(), 0);
  EXPECT_LT(coverage.json["groups"]["covered"], coverage.json["groups"]["total"]);

  // The roll-up's figures: every stage, and members in arrears (not most).
  auto figures = http.Get(std::string("/api/v1/figures?unit=540424&indicator=members,dues.in_arrears,dues.paid&period=") +
                          kYear);
  ASSERT_EQ(figures.status, 200) << figures;
  std::map<std::string, std::int64_t> total;
  for (const auto& f : figures.json["figures"]) total[f["indicator"].get<std::string>()] = f["total"].get<std::int64_t>();
  EXPECT_GT(total["dues.in_arrears"], 0) << figures;
  EXPECT_LT(total["dues.in_arrears"] * 4, members) << figures;
  EXPECT_GT(total["dues.paid"], 0) << figures;

  // Branches behind on their meetings: some, not most.
  auto branches = http.Get("/api/v1/orgs?under=540424&kind=branch&limit=200");
  ASSERT_EQ(branches.status, 200) << branches;
  int with_members = 0;
  int behind = 0;
  for (const auto& org : branches.json["items"]) {
    if (org["member_count"].get<int>() == 0) continue;
    ++with_members;
    auto c = http.Get("/api/v1/orgs/" + std::to_string(org["id"].get<std::int64_t>()) + "/compliance?year=" + kYear);
    ASSERT_EQ(c.status, 200) << c;
    int missed = 0;
    for (const auto& k : c.json["kinds"]) missed += k["missed"].get<int>();
    if (missed >= 5) ++behind;
  }
  EXPECT_GE(with_members, 85);
  EXPECT_GT(behind, 0);
  EXPECT_LT(behind * 4, with_members) << behind << " of " << with_members << " branches behind";
}

}  // namespace
}  // namespace jiceng::apitest
