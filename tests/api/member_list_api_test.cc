// The member list on sparse data (issue #14 part 8): a few dozen members in
// organizations scattered over the country, at every level from a province to
// a villager group. The list walks only the subtrees the roll-up engine says
// hold members; every page must be exactly what a plain SQL listing (ordered
// by unit code, then id) gives, for every filter and page.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_suite.h"
#include "db/database.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

class MemberListApi : public ApiSuite<MemberListApi> {
 public:
  static constexpr const char* kSuiteName = "member_list";

 protected:
  // The code of the `index`-th child (modulo their number) of `code`.
  std::string Child(const std::string& code, std::size_t index) {
    auto r = http().Get("/api/v1/units/" + code + "/children?limit=200");
    EXPECT_EQ(r.status, 200) << r;
    if (r.status != 200 || r.json["items"].empty()) return "";
    const auto& items = r.json["items"];
    return items[index % items.size()]["code"].get<std::string>();
  }
  std::int64_t CreateOrg(const std::string& unit, const std::string& name) {
    auto r = http().PostJson("/api/v1/orgs", {{"unit_code", unit}, {"kind", "committee"}, {"name", name}});
    EXPECT_EQ(r.status, 201) << r;
    return r.status == 201 ? r.json["org"]["id"].get<std::int64_t>() : 0;
  }

  // Member ids as a plain SQL query lists them: the filter, ordered by the
  // unit's code, then id.
  std::vector<std::int64_t> SqlIds(const std::string& where, const db::Params& params) {
    std::vector<std::int64_t> ids;
    auto db = db::Database::Open(server_->db());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return ids;
    Status st = (*db)->Read([&](db::Session& s) {
      return s.Query("SELECT m.id FROM members m JOIN units u ON u.id = m.unit_id WHERE " + where +
                         " ORDER BY u.code, m.id",
                     params, [&](const db::Row& row) {
                       ids.push_back(row.Int(0));
                       return Status::Ok();
                     });
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return ids;
  }

  // Every page of GET /api/v1/members?<query> (`limit` at a time), joined;
  // each page's total must be `expected_total`.
  std::vector<std::int64_t> ApiIds(const std::string& query, std::size_t limit, std::size_t expected_total) {
    std::vector<std::int64_t> ids;
    for (std::size_t offset = 0; offset <= expected_total; offset += limit) {
      auto r = http().Get("/api/v1/members?" + query + (query.empty() ? "" : "&") + "limit=" + std::to_string(limit) +
                          "&offset=" + std::to_string(offset));
      EXPECT_EQ(r.status, 200) << r;
      if (r.status != 200) break;
      EXPECT_EQ(r.json["total"].get<std::size_t>(), expected_total) << query << " offset " << offset;
      for (const auto& m : r.json["items"]) ids.push_back(m["id"].get<std::int64_t>());
    }
    return ids;
  }
};

TEST_F(MemberListApi, EveryPageMatchesAPlainSqlListing) {
  // Places across the country, at every level: a province, a prefecture, a
  // county, a township, a village and a villager group, in five provinces.
  std::vector<std::string> places;
  std::size_t pick = 0;
  for (const std::string province : {"11", "44", "51", "54", "65"}) {
    std::string code = province;
    places.push_back(code);
    for (int level = 0; level < 4; ++level) {
      code = Child(code, pick += 3);
      ASSERT_FALSE(code.empty());
      if (level != 1 || province != "11") places.push_back(code);  // one county-level gap
    }
  }
  auto group = http().PostJson("/api/v1/units/" + places.back() + "/groups", {{"name", "名单测试组"}});
  ASSERT_EQ(group.status, 201) << group;
  places.push_back(group.json["unit"]["code"].get<std::string>());

  std::vector<std::int64_t> orgs;
  for (std::size_t i = 0; i < places.size(); ++i) orgs.push_back(CreateOrg(places[i], "名单测试委员会" + std::to_string(i)));
  const std::vector<std::string> stages = {"full", "probationary", "applicant", "activist", "candidate"};
  const std::vector<std::string> situations = {"in_service", "rural_labour", "elderly_infirm", "migrant"};
  std::vector<std::int64_t> members;
  for (int i = 0; i < 75; ++i) {
    // Uneven: the first places get more members; some places none at all.
    const std::size_t at = static_cast<std::size_t>(i * i + 3 * i) % (orgs.size() - 3);
    auto r = http().PostJson("/api/v1/members",
                             {{"org_id", orgs[at]},
                              {"name", (i % 5 == 0 ? "甲名" : "乙名") + std::to_string(i)},
                              {"gender", i % 2 ? "male" : "female"},
                              {"birth_date", "1980-01-01"},
                              {"stage", stages[static_cast<std::size_t>(i) % stages.size()]},
                              {"stage_since", "2020-01-01"},
                              {"situation", situations[static_cast<std::size_t>(i / 2) % situations.size()]}});
    ASSERT_EQ(r.status, 201) << r;
    members.push_back(r.json["member"]["id"].get<std::int64_t>());
  }
  // Three in transit (status in_transit).
  for (int k = 0; k < 3; ++k) {
    auto t = http().PostJson("/api/v1/transfers", {{"member_id", members[static_cast<std::size_t>(k * 10 + 1)]},
                                                   {"to_org_id", orgs.back()}});
    ASSERT_EQ(t.status, 201) << t;
  }

  struct Case {
    std::string query;
    std::string where;
    db::Params params;
  };
  const std::string not_left = "m.status <> 'left'";
  std::vector<Case> cases = {
      {"", not_left, {}},
      {"stage=full", not_left + " AND m.stage = ?", {db::Value(std::string("full"))}},
      {"stage=activist", not_left + " AND m.stage = ?", {db::Value(std::string("activist"))}},
      {"situation=migrant", not_left + " AND m.situation = ?", {db::Value(std::string("migrant"))}},
      {"stage=probationary&situation=in_service", not_left + " AND m.stage = ? AND m.situation = ?",
       {db::Value(std::string("probationary")), db::Value(std::string("in_service"))}},
      {"stage=candidate&situation=rural_labour", not_left + " AND m.stage = ? AND m.situation = ?",
       {db::Value(std::string("candidate")), db::Value(std::string("rural_labour"))}},
      {"status=in_transit", "m.status = ?", {db::Value(std::string("in_transit"))}},
      {"status=active", "m.status = ?", {db::Value(std::string("active"))}},
      {"status=left", "m.status = ?", {db::Value(std::string("left"))}},
      {"q=" + UrlEncode("甲名"), not_left + " AND m.name LIKE ?", {db::Value(std::string("%甲名%"))}},
      {"org_id=" + std::to_string(orgs[0]), not_left + " AND m.org_id = ?", {db::Value(orgs[0])}},
  };
  for (const std::string& under : {places[0], places[1], places[7], places[12], places.back(), std::string("51")}) {
    cases.push_back({"under=" + under, not_left + " AND substr(u.code, 1, ?) = ?",
                     {db::Value(static_cast<std::int64_t>(under.size())), db::Value(under)}});
    cases.push_back({"under=" + under + "&stage=full", not_left + " AND substr(u.code, 1, ?) = ? AND m.stage = ?",
                     {db::Value(static_cast<std::int64_t>(under.size())), db::Value(under),
                      db::Value(std::string("full"))}});
  }
  std::size_t non_empty = 0;
  for (const Case& c : cases) {
    const std::vector<std::int64_t> expected = SqlIds(c.where, c.params);
    non_empty += expected.empty() ? 0 : 1;
    for (std::size_t limit : {7u, 50u}) {
      EXPECT_EQ(ApiIds(c.query, limit, expected.size()), expected) << c.query << " limit " << limit;
    }
  }
  EXPECT_GE(non_empty, 12u) << "most cases should list someone";
  EXPECT_EQ(SqlIds(not_left, {}).size(), 75u);
}

}  // namespace
}  // namespace jiceng::apitest
