// The one search box (issue #15 part 2): GET /api/v1/search finds units,
// organizations and members by name in the caller's scope, traditional and
// simplified alike; members come without ID number or phone; the read is
// audited; bad search text is a 400 naming "q" in Chinese and English.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_suite.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "Search-Passw0rd!";
constexpr const char* kBomiTown = "540424100";  // 扎木镇, 波密县
constexpr const char* kLudingCounty = "513322";  // 泸定县, another province

class SearchApi : public ApiSuite<SearchApi> {
 public:
  static constexpr const char* kSuiteName = "search";

 protected:
  std::string FirstChild(const std::string& code) {
    auto r = http().Get("/api/v1/units/" + code + "/children?limit=1");
    EXPECT_EQ(r.status, 200) << r;
    if (r.status != 200 || r.json["items"].empty()) return "";
    return r.json["items"][0]["code"].get<std::string>();
  }
  std::string BomiVillage() { return FirstChild(kBomiTown); }
  std::string LudingVillage() { return FirstChild(FirstChild(kLudingCounty)); }
  std::int64_t Org(const std::string& unit, const std::string& name) {
    auto r = http().PostJson("/api/v1/orgs", {{"unit_code", unit}, {"kind", "branch"}, {"name", name},
                                              {"established_on", "2015-01-01"}});
    EXPECT_EQ(r.status, 201) << r;
    return r.status == 201 ? r.json["org"]["id"].get<std::int64_t>() : 0;
  }
  std::int64_t Member(std::int64_t org, const std::string& name, const std::string& phone = "",
                      const std::string& id_number = "") {
    json body = {{"org_id", org}, {"name", name}, {"gender", "male"}, {"birth_date", "1990-01-01"},
                 {"stage", "full"}, {"stage_since", "2015-07-01"}, {"situation", "rural_labour"}};
    if (!phone.empty()) body["phone"] = phone;
    if (!id_number.empty()) body["id_number"] = id_number;
    auto r = http().PostJson("/api/v1/members", body);
    EXPECT_EQ(r.status, 201) << r;
    return r.status == 201 ? r.json["member"]["id"].get<std::int64_t>() : 0;
  }
  // A signed-in client of a new account holding `role` on `unit`.
  Http ScopedClient(const std::string& username, const std::string& role, const std::string& unit) {
    auto u = http().PostJson("/api/v1/users", {{"username", username}, {"display_name", username},
                                               {"unit_code", unit}, {"password", kPassword}});
    EXPECT_EQ(u.status, 201) << u;
    const std::string id = u.status == 201 ? std::to_string(u.json["user"]["id"].get<long long>()) : "0";
    auto g = http().PostJson("/api/v1/users/" + id + "/roles", {{"role", role}, {"unit_code", unit}});
    EXPECT_EQ(g.status, 201) << g;
    std::string why;
    auto s = SignIn(port(), username, kPassword, &why);
    EXPECT_TRUE(s.has_value()) << why;
    return Http(port(), s ? s->AuthHeaders() : Headers{});
  }
  static HttpResponse Search(Http& client, const std::string& q, const std::string& extra = "") {
    return client.Get("/api/v1/search?q=" + UrlEncode(q) + extra);
  }
  static std::vector<std::string> Names(const json& items) {
    std::vector<std::string> out;
    for (const auto& i : items) out.push_back(i.value("name", ""));
    return out;
  }
};

// Every key of a JSON value, at any depth.
void CollectKeys(const json& j, std::vector<std::string>& keys) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      keys.push_back(it.key());
      CollectKeys(it.value(), keys);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) CollectKeys(v, keys);
  }
}

TEST_F(SearchApi, FindsAMemberByNameWithOrganizationAndUnitButNoPersonalNumbers) {
  const std::string village = BomiVillage();
  ASSERT_FALSE(village.empty());
  const auto org = Org(village, "中共搜索甲村党支部");
  const auto id = Member(org, "次仁搜甲", "13800138000", "540424199001010016");
  ASSERT_NE(id, 0);

  auto r = Search(http(), "次仁搜甲");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_TRUE(r.json["members"].is_array()) << r;
  ASSERT_EQ(r.json["members"].size(), 1u) << r;
  const json& m = r.json["members"][0];
  EXPECT_EQ(m["id"].get<std::int64_t>(), id);
  EXPECT_EQ(m["name"], "次仁搜甲");
  EXPECT_EQ(m["org_id"].get<std::int64_t>(), org);
  EXPECT_EQ(m["org_name"], "中共搜索甲村党支部");
  EXPECT_EQ(m["unit_code"], village);
  EXPECT_FALSE(m["unit_name"].get<std::string>().empty()) << r;
  EXPECT_TRUE(r.json["units"].is_array()) << r;
  EXPECT_TRUE(r.json["orgs"].is_array()) << r;

  // Never the ID number or the phone, masked or not.
  std::vector<std::string> keys;
  CollectKeys(r.json, keys);
  for (const std::string& k : keys) {
    EXPECT_NE(k, "id_number") << r;
    EXPECT_NE(k, "phone") << r;
  }
  EXPECT_EQ(r.body.find("138"), std::string::npos) << r;
  EXPECT_EQ(r.body.find("0016"), std::string::npos) << r;

  // The read of member names is audited.
  auto audit = http().Get("/api/v1/audit?action=search");
  ASSERT_EQ(audit.status, 200) << audit;
  EXPECT_GE(audit.json["total"].get<int>(), 1) << audit;
}

TEST_F(SearchApi, FindsOrganizationsAndUnitsByName) {
  const std::string village = BomiVillage();
  ASSERT_FALSE(village.empty());
  const auto org = Org(village, "中共搜索乙村党支部");
  ASSERT_NE(org, 0);
  auto r = Search(http(), "搜索乙村");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_EQ(r.json["orgs"].size(), 1u) << r;
  EXPECT_EQ(r.json["orgs"][0]["id"].get<std::int64_t>(), org);
  EXPECT_EQ(r.json["orgs"][0]["unit_code"], village);

  auto units = Search(http(), "波密");
  ASSERT_EQ(units.status, 200) << units;
  bool bomi = false;
  for (const auto& u : units.json["units"]) bomi = bomi || u["code"] == "540424";
  EXPECT_TRUE(bomi) << units;
}

TEST_F(SearchApi, ATraditionalQueryFindsASimplifiedName) {
  const std::string village = BomiVillage();
  ASSERT_FALSE(village.empty());
  const auto org = Org(village, "中共搜索丙村党支部");
  const auto id = Member(org, "陈东搜丙");
  ASSERT_NE(id, 0);
  for (const std::string q : {"陳東搜丙", "陈东搜丙", "  陳东搜丙 "}) {
    SCOPED_TRACE(q);
    auto r = Search(http(), q);
    ASSERT_EQ(r.status, 200) << r;
    ASSERT_EQ(r.json["members"].size(), 1u) << r;
    EXPECT_EQ(r.json["members"][0]["id"].get<std::int64_t>(), id);
    EXPECT_EQ(r.json["query"], "陈东搜丙");
  }
}

TEST_F(SearchApi, AUserSeesOnlyMembersAndOrganizationsInTheirArea) {
  const std::string bomi = BomiVillage();
  const std::string luding = LudingVillage();
  ASSERT_FALSE(bomi.empty());
  ASSERT_FALSE(luding.empty());
  const auto inside_org = Org(bomi, "中共搜丁同名党支部");
  const auto outside_org = Org(luding, "中共搜丁同名党支部");
  const auto inside = Member(inside_org, "格桑搜丁");
  const auto outside = Member(outside_org, "格桑搜丁");
  ASSERT_NE(inside, 0);
  ASSERT_NE(outside, 0);

  // The administrator sees both.
  auto all = Search(http(), "搜丁");
  ASSERT_EQ(all.status, 200) << all;
  EXPECT_EQ(all.json["members"].size(), 2u) << all;
  EXPECT_EQ(all.json["orgs"].size(), 2u) << all;

  // A county organization department of 波密县 sees its own only.
  Http county = ScopedClient("search.bomi", "org_department", "540424");
  auto r = Search(county, "搜丁");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_EQ(r.json["members"].size(), 1u) << r;
  EXPECT_EQ(r.json["members"][0]["id"].get<std::int64_t>(), inside);
  ASSERT_EQ(r.json["orgs"].size(), 1u) << r;
  EXPECT_EQ(r.json["orgs"][0]["id"].get<std::int64_t>(), inside_org);
  // Nor units of another province.
  auto units = Search(county, "泸定");
  ASSERT_EQ(units.status, 200) << units;
  EXPECT_TRUE(units.json["units"].empty()) << units;
}

TEST_F(SearchApi, EachKindHoldsAtMostLimitResults) {
  const std::string village = BomiVillage();
  ASSERT_FALSE(village.empty());
  const auto org = Org(village, "中共搜索戊村党支部");
  for (int i = 0; i < 7; ++i) ASSERT_NE(Member(org, "搜戊" + std::to_string(i)), 0);
  auto fallback = Search(http(), "搜戊");
  ASSERT_EQ(fallback.status, 200) << fallback;
  EXPECT_EQ(fallback.json["members"].size(), 5u) << "5 by default" << fallback;
  auto two = Search(http(), "搜戊", "&limit=2");
  ASSERT_EQ(two.status, 200) << two;
  EXPECT_EQ(two.json["members"].size(), 2u) << two;
  auto twenty = Search(http(), "搜戊", "&limit=20");
  ASSERT_EQ(twenty.status, 200) << twenty;
  EXPECT_EQ(twenty.json["members"].size(), 7u) << twenty;
  ExpectError(Search(http(), "搜戊", "&limit=21"), 400, "invalid_argument", "limit");
  ExpectError(Search(http(), "搜戊", "&limit=0"), 400, "invalid_argument", "limit");
}

TEST_F(SearchApi, BadSearchTextIsA400NamingQInBothLanguages) {
  const std::vector<std::string> targets = {
      "/api/v1/search",                            // no q
      "/api/v1/search?q=",                         // empty
      "/api/v1/search?q=%20%20",                   // blanks only
      "/api/v1/search?q=a%01b",                    // a control character
      "/api/v1/search?q=" + UrlEncode(std::string(51, 'x')),  // too long
  };
  for (const std::string& target : targets) {
    SCOPED_TRACE(target);
    auto zh = http().Get(target, {{"Accept-Language", "zh-CN"}});
    ExpectError(zh, 400, "invalid_argument", "q");
    EXPECT_NE(zh.body.find("搜索"), std::string::npos) << zh;
    auto en = http().Get(target, {{"Accept-Language", "en"}});
    ExpectError(en, 400, "invalid_argument", "q");
    EXPECT_NE(en.body.find("search text"), std::string::npos) << en;
  }
  // Escapes that are not UTF-8 are refused for every route before the handler
  // sees them, naming the query string.
  ExpectError(http().Get("/api/v1/search?q=%FF%FE"), 400, "invalid_argument", "query");
  auto fifty = Search(http(), std::string(50, 'x'));
  EXPECT_EQ(fifty.status, 200) << fifty;
}

TEST_F(SearchApi, SignedOutIsRefused) {
  auto r = Anonymous().Get("/api/v1/search?q=" + UrlEncode("次仁"));
  EXPECT_EQ(r.status, 401) << r;
}

}  // namespace
}  // namespace jiceng::apitest
