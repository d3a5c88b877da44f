// Black-box tests of the read side of the units API against the real
// national division list: health, one unit with its path, children with
// paging, and search (name in simplified or traditional characters, code
// prefix, subtree restriction).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "api_suite.h"
#include "test_server.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

class UnitsApi : public ApiSuite<UnitsApi> {
 public:
  static constexpr const char* kSuiteName = "units_api";
};

// The real list has about 665 thousand units down to villages.
constexpr long long kMinNationalUnits = 600000;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// ---------------------------------------------------------------------------
// Health

TEST_F(UnitsApi, HealthzAnswersOk) {
  HttpResponse r = http().Get("/healthz");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_TRUE(r.IsJson()) << r;
  EXPECT_EQ(r.json.value("status", ""), "ok") << r;
}

TEST_F(UnitsApi, ReadyzReportsSchemaVersionAndUnitCount) {
  HttpResponse r = http().Get("/readyz");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_TRUE(r.IsJson()) << r;
  EXPECT_EQ(r.json.value("status", ""), "ready") << r;
  ASSERT_TRUE(r.json.contains("schema_version") && r.json["schema_version"].is_number_integer())
      << r;
  EXPECT_GE(r.json["schema_version"].get<long long>(), 1) << r;
  ASSERT_TRUE(r.json.contains("units") && r.json["units"].is_number_integer()) << r;
  EXPECT_GE(r.json["units"].get<long long>(), kMinNationalUnits)
      << "the whole national list should be imported" << r;
  EXPECT_EQ(r.json.value("engine", ""), Engine()) << "the server must run on the engine under test" << r;
}

// ---------------------------------------------------------------------------
// Sign-in

TEST_F(UnitsApi, ReadEndpointsNeedSignIn) {
  Http anonymous = Anonymous();
  for (const std::string& target : std::vector<std::string>{
           "/api/v1/units/540424", "/api/v1/units/540424/children", "/api/v1/units/540424100/children",
        "/api/v1/units?q=" + UrlEncode("波密"), "/api/v1/units?q=540424", "/api/v1/units",
        "/api/v1/units/999999", "/api/v1/units/abc"}) {
    SCOPED_TRACE(target);
    ExpectUnauthenticated(anonymous.Get(target));
    // A session cookie nobody issued is no better than none.
    ExpectUnauthenticated(anonymous.Get(
        target, {{"Cookie", std::string(kSessionCookieName) + "=not-a-session-token"}}));
  }
  // The health checks stay open to load balancers and monitors.
  EXPECT_EQ(anonymous.Get("/healthz").status, 200);
  EXPECT_EQ(anonymous.Get("/readyz").status, 200);
  // ... and the same reads answer the signed-in administrator.
  EXPECT_EQ(http().Get("/api/v1/units/540424").status, 200);
}

// ---------------------------------------------------------------------------
// One unit

TEST_F(UnitsApi, GetCountyReturnsTheUnitAndItsPath) {
  HttpResponse r = http().Get("/api/v1/units/540424");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_TRUE(r.IsJson() && r.json.contains("unit") && r.json.contains("path")) << r;
  const json& u = r.json["unit"];
  ASSERT_NO_FATAL_FAILURE(ExpectUnitShape(u));
  EXPECT_EQ(u["code"], "540424");
  EXPECT_EQ(u["name"], "波密县");
  EXPECT_EQ(u["display_name"], "波密县");
  EXPECT_EQ(u["level"], "county");
  EXPECT_EQ(u["level_zh"], "县级");
  EXPECT_EQ(u["parent_code"], "5404");
  EXPECT_EQ(u["retired"], false);
  EXPECT_EQ(u["user_defined"], false);
  EXPECT_EQ(u["placeholder"], false);
  EXPECT_EQ(u["version"], 1);
  EXPECT_EQ(u["child_count"], 10);

  const json& path = r.json["path"];
  ASSERT_TRUE(path.is_array()) << r;
  ASSERT_EQ(path.size(), 2u) << r;
  for (const json& p : path) ASSERT_NO_FATAL_FAILURE(ExpectUnitShape(p));
  EXPECT_EQ(Codes(path), (std::vector<std::string>{"54", "5404"}));
  EXPECT_EQ(path[0]["name"], "西藏自治区");
  EXPECT_EQ(path[0]["level"], "province");
  EXPECT_EQ(path[1]["name"], "林芝市");
  EXPECT_EQ(path[1]["level"], "prefecture");
  EXPECT_EQ(path[1]["parent_code"], "54");
}

TEST_F(UnitsApi, GetProvinceHasAnEmptyPath) {
  HttpResponse r = http().Get("/api/v1/units/54");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_NO_FATAL_FAILURE(ExpectUnitShape(r.json["unit"]));
  EXPECT_EQ(r.json["unit"]["name"], "西藏自治区");
  EXPECT_EQ(r.json["unit"]["level"], "province");
  EXPECT_EQ(r.json["unit"]["placeholder"], false);
  ASSERT_TRUE(r.json["path"].is_array()) << r;
  EXPECT_TRUE(r.json["path"].empty()) << r;
}

TEST_F(UnitsApi, GetVillageHasTheFullPath) {
  HttpResponse towns = http().Get("/api/v1/units/540424100/children");
  ASSERT_EQ(towns.status, 200) << towns;
  ASSERT_FALSE(towns.json["items"].empty()) << "扎木镇 should have villages" << towns;
  const json village = towns.json["items"][0];
  ASSERT_NO_FATAL_FAILURE(ExpectUnitShape(village));
  EXPECT_EQ(village["level"], "village");
  const std::string code = village["code"];
  EXPECT_EQ(code.size(), 12u);

  HttpResponse r = http().Get("/api/v1/units/" + code);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.json["unit"], village) << "the listing and GET should agree";
  EXPECT_EQ(Codes(r.json["path"]), (std::vector<std::string>{"54", "5404", "540424", "540424100"}))
      << r;
  EXPECT_EQ(r.json["path"][3]["name"], "扎木镇") << r;
  EXPECT_EQ(r.json["path"][3]["level"], "township") << r;
}

TEST_F(UnitsApi, PlaceholderPrefecturesAreMarkedAndNamedAfterTheirProvince) {
  HttpResponse r = http().Get("/api/v1/units/1101");
  ASSERT_EQ(r.status, 200) << r;
  const json& u = r.json["unit"];
  ASSERT_NO_FATAL_FAILURE(ExpectUnitShape(u));
  EXPECT_EQ(u["name"], "市辖区");
  EXPECT_EQ(u["placeholder"], true);
  EXPECT_EQ(u["display_name"], "北京市（市辖区）");
  EXPECT_EQ(u["level"], "prefecture");
  EXPECT_EQ(u["parent_code"], "11");
  EXPECT_EQ(Codes(r.json["path"]), (std::vector<std::string>{"11"}));

  HttpResponse h = http().Get("/api/v1/units/4190");
  ASSERT_EQ(h.status, 200) << h;
  EXPECT_EQ(h.json["unit"]["name"], "省直辖县级行政区划");
  EXPECT_EQ(h.json["unit"]["placeholder"], true);
  EXPECT_EQ(h.json["unit"]["display_name"], "河南省（省直辖县级行政区划）");

  // A real prefecture is not a placeholder.
  HttpResponse real = http().Get("/api/v1/units/5404");
  ASSERT_EQ(real.status, 200) << real;
  EXPECT_EQ(real.json["unit"]["placeholder"], false);
  EXPECT_EQ(real.json["unit"]["display_name"], "林芝市");
}

TEST_F(UnitsApi, MalformedCodeIsRejectedNamingTheField) {
  for (const std::string code :
       {"abc", "5404241", "0540", "5", "54042a", "1234567", "5404240000000001", "%E6%B3%A2"}) {
    SCOPED_TRACE("code " + code);
    ExpectError(http().Get("/api/v1/units/" + code), 400, "", "code");
    ExpectError(http().Get("/api/v1/units/" + code + "/children"), 400, "", "code");
  }
}

TEST_F(UnitsApi, UnknownCodeIsNotFound) {
  for (const std::string code : {"999999", "99", "540424999", "540424100999", "540424100201999"}) {
    SCOPED_TRACE("code " + code);
    ExpectError(http().Get("/api/v1/units/" + code), 404, "not_found", "");
    ExpectError(http().Get("/api/v1/units/" + code + "/children"), 404, "not_found", "");
  }
}

// ---------------------------------------------------------------------------
// Children

TEST_F(UnitsApi, ChildrenOfBomiAreItsTenTownships) {
  HttpResponse r = http().Get("/api/v1/units/540424/children");
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_TRUE(r.json["items"].is_array()) << r;
  EXPECT_EQ(r.json["total"], 10) << r;
  EXPECT_EQ(r.json["offset"], 0) << r;
  EXPECT_EQ(r.json["limit"], 50) << "the default page size" << r;
  const json& items = r.json["items"];
  ASSERT_EQ(items.size(), 10u) << r;
  std::set<std::string> codes;
  for (const json& u : items) {
    ASSERT_NO_FATAL_FAILURE(ExpectUnitShape(u));
    EXPECT_EQ(u["level"], "township") << u.dump();
    EXPECT_EQ(u["parent_code"], "540424") << u.dump();
    EXPECT_EQ(u["retired"], false) << u.dump();
    codes.insert(u["code"].get<std::string>());
  }
  EXPECT_EQ(codes.size(), 10u) << "duplicate children" << r;
  EXPECT_TRUE(codes.count("540424100")) << "扎木镇 missing" << r;
  EXPECT_TRUE(codes.count("540424207")) << "古乡 missing" << r;

  // The same query spelled out with the defaults gives the same page.
  HttpResponse explicit_defaults =
      http().Get("/api/v1/units/540424/children?offset=0&limit=50&include_retired=false");
  ASSERT_EQ(explicit_defaults.status, 200) << explicit_defaults;
  EXPECT_EQ(explicit_defaults.json, r.json);
}

TEST_F(UnitsApi, ChildrenPagesCoverEveryChildOnce) {
  HttpResponse all = http().Get("/api/v1/units/540424/children?limit=50");
  ASSERT_EQ(all.status, 200) << all;
  std::vector<std::string> paged;
  for (int offset = 0; offset < 12; offset += 3) {
    HttpResponse page =
        http().Get("/api/v1/units/540424/children?offset=" + std::to_string(offset) + "&limit=3");
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_EQ(page.json["total"], 10) << page;
    EXPECT_EQ(page.json["offset"], offset) << page;
    EXPECT_EQ(page.json["limit"], 3) << page;
    EXPECT_EQ(page.json["items"].size(), offset < 9 ? 3u : 1u) << page;
    for (const std::string& c : Codes(page.json["items"])) paged.push_back(c);
  }
  EXPECT_EQ(paged, Codes(all.json["items"])) << "pages must concatenate to the whole list";

  HttpResponse past_end = http().Get("/api/v1/units/540424/children?offset=20&limit=5");
  ASSERT_EQ(past_end.status, 200) << past_end;
  EXPECT_TRUE(past_end.json["items"].empty()) << past_end;
  EXPECT_EQ(past_end.json["total"], 10) << past_end;
}

TEST_F(UnitsApi, ChildrenAcceptTheLargestPage) {
  HttpResponse r = http().Get("/api/v1/units/540424/children?limit=200");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.json["limit"], 200) << r;
  EXPECT_EQ(r.json["items"].size(), 10u) << r;
}

TEST_F(UnitsApi, ChildrenRejectBadPaging) {
  for (const std::string limit : {"201", "0", "abc", "-1", "1e3"}) {
    SCOPED_TRACE("limit=" + limit);
    ExpectError(http().Get("/api/v1/units/540424/children?limit=" + limit), 400, "", "limit");
  }
  for (const std::string offset : {"-1", "abc"}) {
    SCOPED_TRACE("offset=" + offset);
    ExpectError(http().Get("/api/v1/units/540424/children?offset=" + offset), 400, "", "offset");
  }
}

TEST_F(UnitsApi, ListVillageHasNoChildren) {
  HttpResponse towns = http().Get("/api/v1/units/540424100/children");
  ASSERT_EQ(towns.status, 200) << towns;
  ASSERT_FALSE(towns.json["items"].empty()) << towns;
  EXPECT_EQ(towns.json["total"], towns.json["items"].size()) << towns;
  const std::string village = towns.json["items"][0]["code"];
  HttpResponse r = http().Get("/api/v1/units/" + village + "/children");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.json["total"], 0) << r;
  EXPECT_TRUE(r.json["items"].empty()) << r;
}

// ---------------------------------------------------------------------------
// Search

TEST_F(UnitsApi, SearchInTraditionalCharactersFindsLuding) {
  HttpResponse r = http().Get("/api/v1/units?q=" + UrlEncode("瀘定"));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.json["query"], "泸定") << "the query is normalised to simplified characters" << r;
  EXPECT_EQ(r.json["offset"], 0) << r;
  EXPECT_EQ(r.json["limit"], 20) << r;
  ASSERT_TRUE(r.json["total"].is_number_integer()) << r;
  EXPECT_GE(r.json["total"].get<long long>(), 1) << r;
  const json& items = r.json["items"];
  ASSERT_FALSE(items.empty()) << r;
  for (const json& u : items) {
    ASSERT_NO_FATAL_FAILURE(ExpectUnitShape(u));
    ASSERT_TRUE(u.contains("path_names") && u["path_names"].is_array()) << u.dump();
  }
  EXPECT_EQ(items[0]["code"], "513322") << r;
  EXPECT_EQ(items[0]["name"], "泸定县") << r;
  EXPECT_EQ(items[0]["path_names"], json::array({"四川省", "甘孜藏族自治州"})) << r;
}

TEST_F(UnitsApi, SearchInSimplifiedCharactersFindsLuding) {
  HttpResponse r = http().Get("/api/v1/units?q=" + UrlEncode("泸定"));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.json["query"], "泸定") << r;
  ASSERT_FALSE(r.json["items"].empty()) << r;
  EXPECT_EQ(r.json["items"][0]["code"], "513322") << r;
}

TEST_F(UnitsApi, SearchByPinyinFindsLudingAndBomi) {
  for (const std::string q : {"luding", "lu%20ding", "Lu+Ding"}) {
    HttpResponse r = http().Get("/api/v1/units?q=" + q);
    ASSERT_EQ(r.status, 200) << r;
    ASSERT_FALSE(r.json["items"].empty()) << q << r;
    EXPECT_EQ(r.json["items"][0]["code"], "513322") << q << r;
  }
  HttpResponse bomi = http().Get("/api/v1/units?q=bomi");
  ASSERT_EQ(bomi.status, 200) << bomi;
  ASSERT_FALSE(bomi.json["items"].empty()) << bomi;
  EXPECT_EQ(bomi.json["items"][0]["code"], "540424") << bomi;
  EXPECT_EQ(bomi.json["items"][0]["name"], "波密县") << bomi;
  // Initials: other counties spell "ld" too (隆德县, 乐都区 ...); 泸定县 is among
  // Sichuan's.
  HttpResponse ld = http().Get("/api/v1/units?q=ld&under=51&limit=100");
  ASSERT_EQ(ld.status, 200) << ld;
  bool found = false;
  for (const json& u : ld.json["items"]) found = found || u["code"] == "513322";
  EXPECT_TRUE(found) << ld;
}

TEST_F(UnitsApi, SearchPutsHigherLevelsFirst) {
  // 林芝市 (prefecture 5404) and 林芝镇 (township 540402100) both start with 林芝.
  HttpResponse r = http().Get("/api/v1/units?q=" + UrlEncode("林芝"));
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_GE(r.json["items"].size(), 2u) << r;
  EXPECT_EQ(r.json["items"][0]["code"], "5404") << r;
  EXPECT_EQ(r.json["items"][0]["path_names"], json::array({"西藏自治区"})) << r;
  const auto codes = Codes(r.json["items"]);
  EXPECT_NE(std::find(codes.begin(), codes.end(), "540402100"), codes.end()) << r;
}

TEST_F(UnitsApi, SearchByDigitsMatchesTheCodePrefix) {
  HttpResponse r = http().Get("/api/v1/units?q=540424");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.json["query"], "540424") << r;
  EXPECT_EQ(r.json["total"], 96) << "波密县 + 10 townships + 85 villages" << r;
  ASSERT_FALSE(r.json["items"].empty()) << r;
  EXPECT_EQ(r.json["items"][0]["code"], "540424") << r;
  EXPECT_EQ(r.json["items"][0]["path_names"], json::array({"西藏自治区", "林芝市"})) << r;

  // Every page holds only the subtree, and the pages add up to the total.
  std::set<std::string> seen;
  for (int offset = 0; offset < 96; offset += 20) {
    HttpResponse page = http().Get("/api/v1/units?q=540424&offset=" + std::to_string(offset));
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_EQ(page.json["offset"], offset) << page;
    for (const std::string& c : Codes(page.json["items"])) {
      EXPECT_EQ(c.rfind("540424", 0), 0u) << c;
      seen.insert(c);
    }
  }
  EXPECT_EQ(seen.size(), 96u);
}

TEST_F(UnitsApi, SearchUnderRestrictsToTheSubtree) {
  const std::string target = "/api/v1/units?q=" + UrlEncode("村") + "&under=540424";
  HttpResponse r = http().Get(target);
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_TRUE(r.json["total"].is_number_integer()) << r;
  const long long total = r.json["total"];
  EXPECT_GT(total, 0) << r;
  EXPECT_LE(total, 85) << "波密县 has 85 villages" << r;
  std::set<std::string> seen;
  for (long long offset = 0; offset < total; offset += 20) {
    HttpResponse page = http().Get(target + "&offset=" + std::to_string(offset));
    ASSERT_EQ(page.status, 200) << page;
    for (const json& u : page.json["items"]) {
      const std::string code = u["code"];
      EXPECT_EQ(code.rfind("540424", 0), 0u) << "outside the subtree: " << u.dump();
      EXPECT_NE(u["name"].get<std::string>().find("村"), std::string::npos) << u.dump();
      seen.insert(code);
    }
  }
  EXPECT_EQ(static_cast<long long>(seen.size()), total);

  // Without `under` the same query reaches far beyond 波密县.
  HttpResponse everywhere = http().Get("/api/v1/units?q=" + UrlEncode("村"));
  ASSERT_EQ(everywhere.status, 200) << everywhere;
  EXPECT_GT(everywhere.json["total"].get<long long>(), total) << everywhere;
}

TEST_F(UnitsApi, SearchWithoutQueryListsTheProvinces) {
  for (const std::string target : {"/api/v1/units", "/api/v1/units?q="}) {
    SCOPED_TRACE(target);
    HttpResponse r = http().Get(target);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json["total"], 31) << r;
    EXPECT_EQ(r.json["offset"], 0) << r;
    EXPECT_EQ(r.json["limit"], 20) << r;
    EXPECT_EQ(r.json["items"].size(), 20u) << r;
  }
  std::set<std::string> provinces;
  for (int offset : {0, 20}) {
    HttpResponse r = http().Get("/api/v1/units?offset=" + std::to_string(offset));
    ASSERT_EQ(r.status, 200) << r;
    for (const json& u : r.json["items"]) {
      EXPECT_EQ(u["level"], "province") << u.dump();
      EXPECT_EQ(u["code"].get<std::string>().size(), 2u) << u.dump();
      provinces.insert(u["code"].get<std::string>());
    }
  }
  EXPECT_EQ(provinces.size(), 31u);
  EXPECT_TRUE(provinces.count("11") && provinces.count("54") && provinces.count("65"));
}

TEST_F(UnitsApi, SearchRejectsAQueryLongerThanFiftyCharacters) {
  ExpectError(http().Get("/api/v1/units?q=" + std::string(51, 'a')), 400, "", "q");
  ExpectError(http().Get("/api/v1/units?q=" + UrlEncode(Repeat("村", 51))), 400, "", "q");
  // Fifty characters is allowed, counted in characters rather than bytes.
  HttpResponse ok = http().Get("/api/v1/units?q=" + UrlEncode(Repeat("村", 50)));
  EXPECT_EQ(ok.status, 200) << ok;
}

}  // namespace
}  // namespace jiceng::apitest
