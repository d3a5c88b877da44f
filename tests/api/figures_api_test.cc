// The live roll-up figures through HTTP: what a write changes is in the very
// next read at every level up to the nation; bad parameters are named; and
// a village cadre sees their own area in detail but, elsewhere, only the
// counties and the levels above.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "api_suite.h"
#include "io/xlsx/xlsx_reader.h"

namespace jiceng::apitest {
namespace {

class FiguresApi : public ApiSuite<FiguresApi> {
 public:
  static constexpr const char* kSuiteName = "figures";

 protected:
  // Every row of the first sheet, read with the project's .xlsx reader.
  static std::vector<std::vector<std::string>> ReadSheet(const std::string& bytes) {
    std::vector<std::vector<std::string>> rows;
    Status st = io::ReadXlsx(bytes, "figures.xlsx", [&](const std::vector<std::string>& cells, std::size_t) {
      rows.push_back(cells);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return rows;
  }
  std::int64_t Figure(Http& h, const std::string& query) {
    auto r = h.Get("/api/v1/figures?" + query);
    EXPECT_EQ(r.status, 200) << r;
    if (r.status != 200) return -1;
    return r.json["figures"][0]["total"].get<std::int64_t>();
  }
  std::int64_t NewBranch(const std::string& unit, const std::string& name) {
    auto r = http().PostJson("/api/v1/orgs", {{"unit_code", unit}, {"kind", "branch"}, {"name", name}});
    EXPECT_EQ(r.status, 201) << r;
    return r.json["org"]["id"].get<std::int64_t>();
  }
  void NewMember(std::int64_t org, const std::string& stage) {
    auto r = http().PostJson("/api/v1/members", {{"org_id", org}, {"name", "测试党员"}, {"gender", "female"},
                                                 {"birth_date", "1990-01-01"}, {"stage", stage},
                                                 {"stage_since", "2020-01-01"}, {"situation", "in_service"}});
    EXPECT_EQ(r.status, 201) << r;
  }
};

TEST_F(FiguresApi, AWriteIsInTheNextReadAtEveryLevelUpToTheNation) {
  const std::vector<std::string> path = {"", "54", "5404", "540424", "540424100", "540424100201"};
  std::vector<std::int64_t> before;
  for (const auto& unit : path) before.push_back(Figure(http(), "indicator=members&unit=" + unit));
  const auto org = NewBranch("540424100201", "扎木村测试支部");
  NewMember(org, "full");
  NewMember(org, "probationary");
  NewMember(org, "activist");  // in the pipeline, not yet a member
  for (std::size_t i = 0; i < path.size(); ++i) {
    EXPECT_EQ(Figure(http(), "indicator=members&unit=" + path[i]), before[i] + 2) << "unit " << path[i];
  }
  // Broken down, and filtered.
  auto r = http().Get("/api/v1/figures?indicator=members&unit=540424100201&by=stage");
  ASSERT_EQ(r.status, 200) << r;
  const auto& fig = r.json["figures"][0];
  ASSERT_TRUE(fig.contains("by")) << r;
  std::int64_t sum = 0;
  for (const auto& part : fig["by"]) sum += part["figure"].get<std::int64_t>();
  EXPECT_EQ(sum, fig["total"].get<std::int64_t>());
  EXPECT_EQ(fig["by"][0]["label"], "正式党员") << r;
  EXPECT_GT(r.json["as_of"]["change"].get<std::int64_t>(), 0) << r;
  EXPECT_TRUE(r.json["computed"].contains("micros")) << r;
  EXPECT_EQ(Figure(http(), "indicator=pipeline&where=stage%3Aactivist&unit=540424100201"), 1);
  // The village now has a branch.
  EXPECT_EQ(Figure(http(), "indicator=coverage.villages&where=covered%3Acovered&unit=540424100201"), 1);
}

TEST_F(FiguresApi, BreakdownListsChildrenOrAnyLevelBelowAndMatchesTheWhole) {
  auto r = http().Get("/api/v1/figures/breakdown?indicator=coverage.villages&unit=540424");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.json["level"], "township");
  EXPECT_EQ(r.json["rows"].size(), 10u) << "Bomi has 10 townships";
  std::int64_t sum = 0;
  for (const auto& row : r.json["rows"]) sum += row["total"].get<std::int64_t>();
  EXPECT_EQ(sum, r.json["whole"]["total"].get<std::int64_t>());
  EXPECT_EQ(sum, 85) << "Bomi's 85 villages";
  auto counties = http().Get("/api/v1/figures/breakdown?indicator=coverage.villages&level=county");
  ASSERT_EQ(counties.status, 200) << counties;
  EXPECT_EQ(counties.json["total_rows"], 2978);
  EXPECT_EQ(counties.json["rows"].size(), 2978u);
  EXPECT_EQ(counties.json["whole"]["total"], 620573) << "every village of the list";
}

TEST_F(FiguresApi, TrendsArePerPeriod) {
  const auto org = NewBranch("540424100202", "趋势测试支部");
  for (const char* month : {"2025-01-10", "2025-01-20", "2025-03-05"}) {
    auto m = http().PostJson("/api/v1/orgs/" + std::to_string(org) + "/meetings",
                             {{"kind", "committee"}, {"held_on", month}, {"topic", "支委会"}});
    ASSERT_EQ(m.status, 201) << m;
  }
  auto r = http().Get("/api/v1/figures/trend?indicator=meetings.held&unit=540424100202&from=2025-01&to=2025-03");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_EQ(r.json["points"].size(), 3u) << r;
  EXPECT_EQ(r.json["points"][0]["period"], "2025-01");
  EXPECT_EQ(r.json["points"][0]["total"], 2);
  EXPECT_EQ(r.json["points"][1]["total"], 0);
  EXPECT_EQ(r.json["points"][2]["total"], 1);
  auto q = http().Get("/api/v1/figures/trend?indicator=meetings.held&unit=540424100202&from=2025&to=2025&step=quarter");
  ASSERT_EQ(q.status, 200) << q;
  ASSERT_EQ(q.json["points"].size(), 4u) << q;
  EXPECT_EQ(q.json["points"][0]["period"], "2025Q1");
  EXPECT_EQ(q.json["points"][0]["total"], 3);
  EXPECT_EQ(Figure(http(), "indicator=meetings.held&period=2025Q1&unit=540424100202"), 3);
  EXPECT_EQ(Figure(http(), "indicator=meetings.held&period=2025-03&unit=540424100202"), 1);
}

// A dashboard table as a file: the same numbers as the JSON, read back with
// the project's own .xlsx reader.
TEST_F(FiguresApi, BreakdownsAndTrendsDownloadAsXlsxWithTheSameNumbers) {
  const auto org = NewBranch("540424100205", "导出测试支部");
  NewMember(org, "full");
  NewMember(org, "full");
  NewMember(org, "probationary");
  const std::string q = "/api/v1/figures/breakdown?indicator=members&unit=540424100&by=stage";
  auto json = http().Get(q);
  ASSERT_EQ(json.status, 200) << json;
  auto xlsx = http().Get(q + "&format=xlsx");
  ASSERT_EQ(xlsx.status, 200) << xlsx;
  EXPECT_EQ(xlsx.Header("Content-Type").value_or(""), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const std::string disposition = xlsx.Header("Content-Disposition").value_or("");
  EXPECT_NE(disposition.find("attachment; filename=\"figures-members-breakdown-"), std::string::npos) << disposition;
  EXPECT_NE(disposition.find("filename*=UTF-8''"), std::string::npos) << disposition;
  EXPECT_NE(disposition.find(".xlsx"), std::string::npos) << disposition;
  auto sheet = ReadSheet(xlsx.body);
  ASSERT_EQ(sheet.size(), 2 + json.json["rows"].size()) << "header, the township, its villages";
  EXPECT_EQ(sheet[0], (std::vector<std::string>{"单位代码", "单位", "正式党员", "预备党员", "合计（人）"}));
  auto expect_row = [&](const std::vector<std::string>& row, const nlohmann::json& figure, const std::string& code) {
    ASSERT_EQ(row.size(), 5u);
    EXPECT_EQ(row[0], code);
    EXPECT_EQ(row[2], std::to_string(figure["by"][0]["figure"].get<std::int64_t>())) << code;
    EXPECT_EQ(row[3], std::to_string(figure["by"][1]["figure"].get<std::int64_t>())) << code;
    EXPECT_EQ(row[4], std::to_string(figure["total"].get<std::int64_t>())) << code;
  };
  expect_row(sheet[1], json.json["whole"], "540424100");
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < json.json["rows"].size(); ++i) {
    expect_row(sheet[i + 2], json.json["rows"][i], json.json["rows"][i]["code"].get<std::string>());
    EXPECT_EQ(sheet[i + 2][1], json.json["rows"][i]["name"].get<std::string>());
    seen += json.json["rows"][i]["total"].get<std::int64_t>();
  }
  EXPECT_GE(seen, 3) << "the new members are in the file";

  // Several indicators (the dashboard's table of a domain): one column each; money in yuan.
  auto meeting = http().PostJson("/api/v1/orgs/" + std::to_string(org) + "/meetings",
                              {{"kind", "committee"}, {"held_on", "2025-02-10"}, {"topic", "支委会"}});
  ASSERT_EQ(meeting.status, 201) << meeting;
  auto multi = http().Get("/api/v1/figures/breakdown?indicator=members%2Cmeetings.held%2Cdues.paid&unit=540424100"
                          "&period=2025&format=xlsx",
                          {{"Accept-Language", "en"}});
  ASSERT_EQ(multi.status, 200) << multi;
  auto wide = ReadSheet(multi.body);
  ASSERT_GE(wide.size(), 2u);
  EXPECT_EQ(wide[0], (std::vector<std::string>{"Code", "Unit", "Party members (people)", "Meetings held (meetings)",
                                               "Dues paid (yuan)"}));
  for (const char* id : {"members", "meetings.held"}) {
    auto one = http().Get(std::string("/api/v1/figures/breakdown?indicator=") + id + "&unit=540424100&period=2025");
    ASSERT_EQ(one.status, 200) << one;
    const std::size_t col = std::string(id) == "members" ? 2 : 3;
    EXPECT_EQ(wide[1][col], std::to_string(one.json["whole"]["total"].get<std::int64_t>())) << id;
  }

  // A trend, period by period.
  const std::string t = "/api/v1/figures/trend?indicator=meetings.held&unit=540424100205&from=2025-01&to=2025-03";
  auto trend = http().Get(t);
  ASSERT_EQ(trend.status, 200) << trend;
  auto trend_file = http().Get(t + "&format=xlsx");
  ASSERT_EQ(trend_file.status, 200) << trend_file;
  auto rows = ReadSheet(trend_file.body);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][0], "时期");
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(rows[i + 1][0], trend.json["points"][i]["period"].get<std::string>());
    EXPECT_EQ(rows[i + 1][1], std::to_string(trend.json["points"][i]["total"].get<std::int64_t>()));
  }
  EXPECT_EQ(rows[2][1], "1") << "the meeting of 2025-02";
  ExpectError(http().Get(q + "&format=pdf"), 400, "invalid_argument", "format");
}

TEST_F(FiguresApi, BadParametersAreNamed) {
  ExpectError(http().Get("/api/v1/figures?indicator=nope"), 404, "not_found", "indicator");
  ExpectError(http().Get("/api/v1/figures?indicator=members&period=2025Q5"), 400, "invalid_argument", "period");
  ExpectError(http().Get("/api/v1/figures?indicator=members&by=colour"), 400, "invalid_argument", "by");
  ExpectError(http().Get("/api/v1/figures?indicator=members&where=stage"), 400, "invalid_argument", "where");
  ExpectError(http().Get("/api/v1/figures?indicator=members&unit=12345"), 400, "invalid_argument", "unit");
  ExpectError(http().Get("/api/v1/figures?indicator=members&unit=999999"), 404, "not_found", "unit");
  ExpectError(http().Get("/api/v1/figures/breakdown?indicator=members&unit=540424&level=province"), 400,
              "invalid_argument", "level");
  ExpectError(http().Get("/api/v1/figures/trend?indicator=members&from=2025-01&to=2025-02"), 400, "invalid_argument",
              "indicator");
  ExpectError(http().Get("/api/v1/figures/trend?indicator=meetings.held&from=2025-01"), 400, "invalid_argument", "to");
  ExpectError(http().Get("/api/v1/figures/trend?indicator=meetings.held&from=2000-01&to=2025-12"), 400,
              "invalid_argument", "from");
  auto en = http().Get("/api/v1/figures?indicator=nope", {{"Accept-Language", "en"}});
  EXPECT_NE(en.body.find("/api/v1/indicators"), std::string::npos) << en;
}

TEST_F(FiguresApi, ElsewhereOnlyCountiesAndAboveAreVisible) {
  auto u = http().PostJson("/api/v1/users", {{"username", "figures_cadre"}, {"display_name", "村干部"},
                                             {"unit_code", "540424100201"}, {"password", "Cadre-pass-2026!"}});
  ASSERT_EQ(u.status, 201) << u;
  const auto id = u.json["user"]["id"].get<std::int64_t>();
  auto g = http().PostJson("/api/v1/users/" + std::to_string(id) + "/roles",
                           {{"role", "village_cadre"}, {"unit_code", "540424100201"}});
  ASSERT_EQ(g.status, 201) << g;
  std::string error;
  auto session = SignIn(port(), "figures_cadre", "Cadre-pass-2026!", &error);
  ASSERT_TRUE(session) << error;
  Http cadre(port(), session->AuthHeaders());
  EXPECT_EQ(cadre.Get("/api/v1/figures?indicator=members&unit=540424100201").status, 200);
  EXPECT_EQ(cadre.Get("/api/v1/figures?indicator=members").status, 200) << "the nation";
  EXPECT_EQ(cadre.Get("/api/v1/figures?indicator=members&unit=513322").status, 200) << "another county";
  ExpectError(cadre.Get("/api/v1/figures?indicator=members&unit=513322100"), 403, "permission_denied", "unit");
  ExpectError(cadre.Get("/api/v1/figures/breakdown?indicator=members&unit=513322100&format=xlsx"), 403,
              "permission_denied", "unit");
  // A file leaves out what the JSON leaves out.
  auto file = cadre.Get("/api/v1/figures/breakdown?indicator=members&unit=513322&format=xlsx");
  ASSERT_EQ(file.status, 200) << file;
  EXPECT_EQ(ReadSheet(file.body).size(), 2u) << "the header and the county itself, no township";
  // Another county's townships are left out of a breakdown, and counted as hidden.
  auto b = cadre.Get("/api/v1/figures/breakdown?indicator=members&unit=513322");
  ASSERT_EQ(b.status, 200) << b;
  EXPECT_EQ(b.json["rows"].size(), 0u) << b;
  EXPECT_GT(b.json["hidden_rows"].get<int>(), 0) << b;
  // Its own township's breakdown shows its own village only in detail.
  auto own = cadre.Get("/api/v1/figures/breakdown?indicator=members&unit=540424100");
  ASSERT_EQ(own.status, 403) << "the township itself lies outside a village cadre's area";
}

// Several `jiceng serve` processes on one database (issue: PostgreSQL, part 4):
// each follows the others' writes through the change log — figures and the
// villager groups of the hierarchy alike.
TEST_F(FiguresApi, TwoServersOnOneDatabaseFollowEachOthersWrites) {
  TestServer second(server_->db(), TestDir() / "figures.second.server.log");
  const std::string failed = second.Start();
  ASSERT_TRUE(failed.empty()) << failed;
  std::string error;
  auto session = SignIn(second.port(), AdminUsername(), AdminPassword(), &error);
  ASSERT_TRUE(session) << error;
  Http b(second.port(), session->AuthHeaders());
  // Waits (10 s at most) until `h` answers `want` for `query` (the follower
  // reads the change log every 200 ms); returns the last answer.
  auto eventually = [&](Http& h, const std::string& query, std::int64_t want) {
    std::int64_t got = -1;
    Eventually([&] { return (got = Figure(h, query)) == want; }, std::chrono::seconds(10),
               std::chrono::milliseconds(50));
    return got;
  };
  const std::string q = "indicator=members&unit=540424100203";
  const auto start = Figure(http(), q);
  ASSERT_EQ(Figure(b, q), start);
  // Written on the first server, seen on the second.
  const auto org = NewBranch("540424100203", "双进程测试支部");
  NewMember(org, "full");
  EXPECT_EQ(eventually(b, q, start + 1), start + 1) << "the second server never saw the first one's write";
  auto group = http().PostJson("/api/v1/units/540424100203/groups", {{"name", "双进程一组"}});
  ASSERT_EQ(group.status, 201) << group;
  const std::string code = group.json["unit"]["code"].get<std::string>();
  int status = 0;
  Eventually([&] { return (status = static_cast<int>(b.Get("/api/v1/units/" + code).status)) == 200; },
             std::chrono::seconds(10), std::chrono::milliseconds(50));
  EXPECT_EQ(status, 200) << "the second server never saw the new villager group " << code;
  // And the other way round.
  auto m = b.PostJson("/api/v1/members", {{"org_id", org}, {"name", "乙"}, {"gender", "male"},
                                          {"birth_date", "1985-05-05"}, {"stage", "probationary"},
                                          {"stage_since", "2025-05-05"}, {"situation", "migrant"}});
  ASSERT_EQ(m.status, 201) << m;
  EXPECT_EQ(Figure(b, q), start + 2) << "read-your-writes on the second server";
  EXPECT_EQ(eventually(http(), q, start + 2), start + 2) << "the first server never saw the second one's write";
}

TEST_F(FiguresApi, CommandLineImportsReachARunningServerWithoutRestart) {
  // Waits (10 s at most) until the server answers `want` for `query` (it
  // follows change_log every 200 ms); returns the last answer.
  auto eventually = [&](const std::string& query, std::int64_t want) {
    std::int64_t got = -1;
    Eventually([&] { return (got = Figure(http(), query)) == want; }, std::chrono::seconds(10),
               std::chrono::milliseconds(50));
    return got;
  };
  const std::string unit = "540424100204";
  const std::string orgs_q = "indicator=orgs&unit=" + unit;
  const std::string members_q = "indicator=members&unit=" + unit;
  const auto orgs_before = Figure(http(), orgs_q);
  const auto members_before = Figure(http(), members_q);
  const std::string migrant_q = members_q + "&where=situation%3Amigrant";
  const auto migrant_before = Figure(http(), migrant_q);
  ASSERT_GE(orgs_before, 0);
  ASSERT_GE(members_before, 0);

  const std::string orgs_file = (TestDir() / "figures-cli-orgs.csv").string();
  {
    std::ofstream out(orgs_file, std::ios::binary);
    out << "组织名称,组织类型,所在单位代码\n"
           "命令行导入一支部,党支部," << unit << "\n"
           "命令行导入二支部,党支部," << unit << "\n";
  }
  CommandResult orgs = RunJiceng({"import-orgs", orgs_file, "--db", server_->db()});
  ASSERT_EQ(orgs.exit_code, 0) << orgs;
  EXPECT_EQ(eventually(orgs_q, orgs_before + 2), orgs_before + 2)
      << "the running server never counted the organizations `jiceng import-orgs` wrote";

  const std::string members_file = (TestDir() / "figures-cli-members.csv").string();
  {
    std::ofstream out(members_file, std::ios::binary);
    out << "姓名,性别,出生日期,所属组织,状态,入党日期,分类\n"
           "命令甲,男,1980-01-01,命令行导入一支部,正式党员,2005-07-01,在职\n"
           "命令乙,女,1981-02-02,命令行导入一支部,预备党员,2025-07-01,外出流动\n"
           "命令丙,男,1982-03-03,命令行导入二支部,正式党员,2006-07-01,年老体弱\n";
  }
  CommandResult members = RunJiceng({"import-members", members_file, "--db", server_->db()});
  ASSERT_EQ(members.exit_code, 0) << members;
  EXPECT_EQ(eventually(members_q, members_before + 3), members_before + 3)
      << "the running server never counted the members `jiceng import-members` wrote";
  EXPECT_EQ(Figure(http(), migrant_q), migrant_before + 1) << "the imported members' dimensions";
}

}  // namespace
}  // namespace jiceng::apitest
