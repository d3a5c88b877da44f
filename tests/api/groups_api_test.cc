// Black-box tests of the write side of the units API: villager groups
// (村民小组) added under a village, renamed, retired and reinstated —
// including validation, conflicts, concurrent writers, and that rejected
// requests leave nothing behind.
//
// Each test works under its own village of 波密县 (found through the API,
// never hard-coded), so the tests do not depend on each other's writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_suite.h"
#include "test_server.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

constexpr int kThreads = 8;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string UnitPath(const std::string& code) { return "/api/v1/units/" + code; }
std::string GroupsPath(const std::string& village) { return UnitPath(village) + "/groups"; }

class GroupsApi : public ApiSuite<GroupsApi> {
 public:
  static constexpr const char* kSuiteName = "groups_api";

  static void SetUpTestSuite() {
    ApiSuite<GroupsApi>::SetUpTestSuite();
    if (!server_) return;
    Http http(server_->port());
    HttpResponse r = http.Get("/readyz");
    if (r.status == 200 && r.json.contains("units")) units_at_start_ = r.json["units"];
  }

  // Nothing but the groups the tests created was written: the unit count
  // grew by exactly that many.
  static void TearDownTestSuite() {
    if (server_ && server_->Running()) {
      Http http(server_->port());
      HttpResponse r = http.Get("/readyz");
      EXPECT_EQ(r.status, 200) << r;
      EXPECT_GE(units_at_start_, 0) << "readyz gave no unit count at the start";
      if (r.status == 200) {
        EXPECT_EQ(r.json.value("units", -1LL), units_at_start_ + groups_created_.load())
            << "the unit count should have grown by the " << groups_created_.load()
            << " groups created, nothing else" << r;
      }
    }
    ApiSuite<GroupsApi>::TearDownTestSuite();
  }

 protected:
  // The i-th village of 扎木镇 (540424100), then of 倾多镇 (540424101), as
  // listed by the API. ADD_FAILUREs and returns "" when there is none.
  std::string Village(std::size_t i) {
    static std::vector<std::string> villages;
    if (villages.empty()) {
      for (const char* town : {"540424100", "540424101"}) {
        HttpResponse r = http().Get(UnitPath(town) + "/children?limit=200");
        if (r.status != 200) {
          ADD_FAILURE() << "cannot list the villages of " << town << r;
          return "";
        }
        for (const json& u : r.json["items"]) {
          if (u.value("level", "") == "village") villages.push_back(u["code"]);
        }
      }
    }
    if (i >= villages.size()) {
      ADD_FAILURE() << "only " << villages.size() << " villages found";
      return "";
    }
    return villages[i];
  }

  // POST a group; counts it when created.
  HttpResponse AddGroup(const std::string& village, const json& body) {
    HttpResponse r = http().PostJson(GroupsPath(village), body);
    if (r.status == 201) ++groups_created_;
    return r;
  }
  HttpResponse AddGroupNamed(const std::string& village, const std::string& name) {
    return AddGroup(village, {{"name", name}});
  }

  // GET one unit's object ({} and a failure when it is not 200).
  json Unit(const std::string& code) {
    HttpResponse r = http().Get(UnitPath(code));
    EXPECT_EQ(r.status, 200) << r;
    return r.status == 200 ? r.json["unit"] : json::object();
  }

  // The children listing of `code`.
  HttpResponse Children(const std::string& code, bool include_retired = false) {
    return http().Get(UnitPath(code) + "/children?limit=200" +
                      (include_retired ? "&include_retired=true" : ""));
  }

  long long UnitCount() {
    HttpResponse r = http().Get("/readyz");
    EXPECT_EQ(r.status, 200) << r;
    return r.json.value("units", -1LL);
  }

  static inline long long units_at_start_ = -1;
  static inline std::atomic<long long> groups_created_{0};
};

// ---------------------------------------------------------------------------
// Adding

TEST_F(GroupsApi, AddedGroupsGetTheNextCodeUnderTheVillage) {
  const std::string village = Village(0);
  ASSERT_FALSE(village.empty());
  const json before = Unit(village);
  ASSERT_EQ(before["level"], "village") << before.dump();
  const long long count_before = before["child_count"];

  HttpResponse r = AddGroupNamed(village, "本东村民小组");
  ASSERT_EQ(r.status, 201) << r;
  ASSERT_TRUE(r.json.contains("unit")) << r;
  const json g = r.json["unit"];
  ASSERT_NO_FATAL_FAILURE(ExpectUnitShape(g));
  EXPECT_EQ(g["code"], village + "001");
  EXPECT_EQ(g["code"].get<std::string>().size(), 15u);
  EXPECT_EQ(g["name"], "本东村民小组");
  EXPECT_EQ(g["display_name"], "本东村民小组");
  EXPECT_EQ(g["level"], "group");
  EXPECT_EQ(g["parent_code"], village);
  EXPECT_EQ(g["user_defined"], true);
  EXPECT_EQ(g["placeholder"], false);
  EXPECT_EQ(g["retired"], false);
  EXPECT_EQ(g["version"], 1);
  EXPECT_EQ(g["child_count"], 0);
  EXPECT_EQ(r.Header("Location").value_or("<none>"), UnitPath(village + "001")) << r;

  HttpResponse second = AddGroupNamed(village, "第二村民小组");
  ASSERT_EQ(second.status, 201) << second;
  EXPECT_EQ(second.json["unit"]["code"], village + "002") << second;
  EXPECT_EQ(second.Header("Location").value_or("<none>"), UnitPath(village + "002")) << second;

  // The group reads back as created, with the village at the end of its path.
  HttpResponse got = http().Get(UnitPath(village + "001"));
  ASSERT_EQ(got.status, 200) << got;
  EXPECT_EQ(got.json["unit"], g);
  EXPECT_EQ(Codes(got.json["path"]),
            (std::vector<std::string>{"54", "5404", "540424", "540424100", village}))
      << got;

  HttpResponse children = Children(village);
  ASSERT_EQ(children.status, 200) << children;
  EXPECT_EQ(children.json["total"], 2) << children;
  EXPECT_EQ(Codes(children.json["items"]),
            (std::vector<std::string>{village + "001", village + "002"}))
      << children;
  EXPECT_EQ(Unit(village)["child_count"], count_before + 2);
}

TEST_F(GroupsApi, SameActiveNameInTheVillageConflicts) {
  const std::string village = Village(1);
  ASSERT_FALSE(village.empty());
  ASSERT_EQ(AddGroupNamed(village, "一组").status, 201);
  HttpResponse again = AddGroupNamed(village, "一组");
  ExpectError(again, 409, "conflict", "name");
  EXPECT_EQ(Children(village).json["total"], 1);

  // The same name under another village is fine.
  const std::string other = Village(2);
  ASSERT_FALSE(other.empty());
  EXPECT_EQ(AddGroupNamed(other, "一组").status, 201);
}

TEST_F(GroupsApi, GroupsGoOnlyUnderVillages) {
  for (const std::string parent : {"540424100", "540424", "5404", "54"}) {
    SCOPED_TRACE("parent " + parent);
    ExpectError(AddGroupNamed(parent, "错层小组"), 409, "failed_precondition", "");
  }
  // Not under a group either.
  const std::string village = Village(2);
  ASSERT_FALSE(village.empty());
  HttpResponse g = AddGroupNamed(village, "上层小组");
  ASSERT_EQ(g.status, 201) << g;
  ExpectError(AddGroupNamed(g.json["unit"]["code"], "下层小组"), 409, "failed_precondition", "");

  // A parent that does not exist, or is not a code at all.
  ExpectError(AddGroupNamed("540424100999", "无村小组"), 404, "not_found", "");
  ExpectError(AddGroupNamed("abc", "无村小组"), 400, "", "code");
}

TEST_F(GroupsApi, NamesAreValidated) {
  const std::string village = Village(3);
  ASSERT_FALSE(village.empty());
  const long long units_before = UnitCount();

  const std::vector<json> bad_names = {
      {{"name", ""}},
      {{"name", "   "}},
      {{"name", "\t\n"}},
      {{"name", Repeat("组", 31)}},
      {{"name", std::string(31, 'a')}},
      {{"name", 5}},
      {{"name", nullptr}},
      {{"name", true}},
      {{"name", json::array({"一组"})}},
      {{"name", json::object()}},
      json::object(),  // no name at all
  };
  for (const json& body : bad_names) {
    SCOPED_TRACE(body.dump());
    ExpectError(AddGroup(village, body), 400, "", "name");
  }
  EXPECT_EQ(Children(village).json["total"], 0) << "a rejected name must not create a group";
  EXPECT_EQ(UnitCount(), units_before);

  // Thirty characters is allowed: the limit counts characters, not bytes.
  HttpResponse longest = AddGroupNamed(village, Repeat("组", 30));
  ASSERT_EQ(longest.status, 201) << longest;
  EXPECT_EQ(longest.json["unit"]["name"], Repeat("组", 30));
}

TEST_F(GroupsApi, RequestBodiesAreValidated) {
  const std::string village = Village(4);
  ASSERT_FALSE(village.empty());
  const std::string target = GroupsPath(village);
  const long long units_before = UnitCount();

  ExpectError(AddGroup(village, {{"name", "x"}, {"foo", 1}}), 400, "", "foo");
  ExpectError(http().Post(target, "{bad", "application/json"), 400, "malformed_request", "");
  ExpectError(http().Post(target, R"({"name":"截断)", "application/json"), 400, "malformed_request",
              "");
  ExpectError(http().Post(target, "[1]", "application/json"), 400, "", "");
  ExpectError(http().Post(target, R"("本东村民小组")", "application/json"), 400, "", "");
  ExpectError(http().Post(target, "null", "application/json"), 400, "", "");
  ExpectError(http().Post(target, R"({"name":"本东村民小组"})", "text/plain"), 415,
              "unsupported_media_type", "");
  ExpectError(
      http().Post(target, R"({"name":"本东村民小组"})", "application/x-www-form-urlencoded"), 415,
      "unsupported_media_type", "");

  // Over 64 KiB, even though it is otherwise a valid request.
  const std::string huge = json{{"name", std::string(70 * 1024, 'a')}}.dump();
  ExpectError(http().Post(target, huge, "application/json"), 413, "payload_too_large", "");

  EXPECT_EQ(Children(village).json["total"], 0) << "a rejected body must not create a group";
  EXPECT_EQ(UnitCount(), units_before);

  // A charset parameter on the media type is still JSON.
  HttpResponse ok =
      http().Post(target, R"({"name":"字符集小组"})", "application/json; charset=utf-8");
  EXPECT_EQ(ok.status, 201) << ok;
  if (ok.status == 201) ++groups_created_;
}

// ---------------------------------------------------------------------------
// Renaming

TEST_F(GroupsApi, RenameChecksVersionAndSiblingNames) {
  const std::string village = Village(5);
  ASSERT_FALSE(village.empty());
  HttpResponse a = AddGroupNamed(village, "甲组");
  HttpResponse b = AddGroupNamed(village, "乙组");
  ASSERT_EQ(a.status, 201) << a;
  ASSERT_EQ(b.status, 201) << b;
  const std::string code_a = a.json["unit"]["code"];
  const std::string code_b = b.json["unit"]["code"];

  HttpResponse renamed = http().PatchJson(UnitPath(code_a), {{"name", "新名"}, {"version", 1}});
  ASSERT_EQ(renamed.status, 200) << renamed;
  ASSERT_NO_FATAL_FAILURE(ExpectUnitShape(renamed.json["unit"]));
  EXPECT_EQ(renamed.json["unit"]["code"], code_a);
  EXPECT_EQ(renamed.json["unit"]["name"], "新名");
  EXPECT_EQ(renamed.json["unit"]["display_name"], "新名");
  EXPECT_EQ(renamed.json["unit"]["version"], 2);
  EXPECT_EQ(Unit(code_a), renamed.json["unit"]) << "GET should show the rename";

  // A stale version is refused and changes nothing.
  ExpectError(http().PatchJson(UnitPath(code_a), {{"name", "旧版本"}, {"version", 1}}), 409, "",
              "version");
  EXPECT_EQ(Unit(code_a)["name"], "新名");

  // Taking a sibling's active name is refused.
  ExpectError(http().PatchJson(UnitPath(code_b), {{"name", "新名"}, {"version", 1}}), 409, "",
              "name");
  EXPECT_EQ(Unit(code_b)["name"], "乙组");
  EXPECT_EQ(Unit(code_b)["version"], 1);

  // The freed old name can be taken by the sibling.
  HttpResponse swap = http().PatchJson(UnitPath(code_b), {{"name", "甲组"}, {"version", 1}});
  EXPECT_EQ(swap.status, 200) << swap;

  // Bad names are rejected as on creation.
  ExpectError(http().PatchJson(UnitPath(code_a), {{"name", " "}, {"version", 2}}), 400, "", "name");
  ExpectError(http().PatchJson(UnitPath(code_a), {{"name", Repeat("名", 31)}, {"version", 2}}), 400,
              "", "name");
  ExpectError(http().Patch(UnitPath(code_a), "{bad", "application/json"), 400, "malformed_request",
              "");
  EXPECT_EQ(Unit(code_a)["version"], 2) << "rejected patches must not bump the version";
}

TEST_F(GroupsApi, ListUnitsCannotBeRenamed) {
  for (const std::string code : {"540424", "540424100", "54"}) {
    SCOPED_TRACE(code);
    ExpectError(http().PatchJson(UnitPath(code), {{"name", "新名"}, {"version", 1}}), 409,
                "failed_precondition", "");
  }
  EXPECT_EQ(Unit("540424")["name"], "波密县");
  EXPECT_EQ(Unit("540424")["version"], 1);
  // A group that does not exist.
  ExpectError(http().PatchJson(UnitPath("540424100201999"), {{"name", "新名"}, {"version", 1}}),
              404, "not_found", "");
}

// ---------------------------------------------------------------------------
// Retiring and reinstating

TEST_F(GroupsApi, RetiredGroupsAreHiddenButKept) {
  const std::string village = Village(6);
  ASSERT_FALSE(village.empty());
  HttpResponse g = AddGroupNamed(village, "撤并小组");
  ASSERT_EQ(g.status, 201) << g;
  const std::string code = g.json["unit"]["code"];

  HttpResponse retired = http().Post(UnitPath(code) + "/retire", "", "");
  ASSERT_EQ(retired.status, 200) << retired;
  ASSERT_TRUE(retired.json.contains("unit")) << retired;
  EXPECT_EQ(retired.json["unit"]["code"], code);
  EXPECT_EQ(retired.json["unit"]["retired"], true);

  ExpectError(http().Post(UnitPath(code) + "/retire", "", ""), 409, "failed_precondition", "");

  HttpResponse hidden = Children(village);
  ASSERT_EQ(hidden.status, 200) << hidden;
  EXPECT_EQ(hidden.json["total"], 0) << hidden;
  EXPECT_TRUE(hidden.json["items"].empty()) << hidden;

  HttpResponse shown = Children(village, /*include_retired=*/true);
  ASSERT_EQ(shown.status, 200) << shown;
  EXPECT_EQ(shown.json["total"], 1) << shown;
  ASSERT_EQ(shown.json["items"].size(), 1u) << shown;
  EXPECT_EQ(shown.json["items"][0]["code"], code);
  EXPECT_EQ(shown.json["items"][0]["retired"], true);

  // History is kept: the group still reads back.
  const json kept = Unit(code);
  EXPECT_EQ(kept["retired"], true) << kept.dump();
  EXPECT_EQ(kept["name"], "撤并小组") << kept.dump();

  HttpResponse back = http().Post(UnitPath(code) + "/reinstate", "", "");
  ASSERT_EQ(back.status, 200) << back;
  EXPECT_EQ(back.json["unit"]["retired"], false) << back;
  EXPECT_EQ(Children(village).json["total"], 1);

  // Retiring with the current version in the body works too.
  const json now = Unit(code);
  HttpResponse again = http().PostJson(UnitPath(code) + "/retire", {{"version", now["version"]}});
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(again.json["unit"]["retired"], true) << again;
  EXPECT_EQ(Unit(code)["retired"], true);
}

TEST_F(GroupsApi, ListUnitsCannotBeRetired) {
  ExpectError(http().Post(UnitPath("540424") + "/retire", "", ""), 409, "failed_precondition", "");
  EXPECT_EQ(Unit("540424")["retired"], false);
}

TEST_F(GroupsApi, RetiredGroupsNameCanBeReused) {
  const std::string village = Village(7);
  ASSERT_FALSE(village.empty());
  HttpResponse first = AddGroupNamed(village, "重名小组");
  ASSERT_EQ(first.status, 201) << first;
  HttpResponse retired = http().Post(UnitPath(first.json["unit"]["code"]) + "/retire", "", "");
  ASSERT_EQ(retired.status, 200) << retired;

  HttpResponse second = AddGroupNamed(village, "重名小组");
  ASSERT_EQ(second.status, 201) << "only ACTIVE names conflict" << second;
  EXPECT_EQ(second.json["unit"]["code"], village + "002")
      << "a retired group's code is never reused" << second;
}

// ---------------------------------------------------------------------------
// Sign-in

TEST_F(GroupsApi, WritesNeedSignIn) {
  const std::string village = Village(11);
  ASSERT_FALSE(village.empty());
  HttpResponse g = AddGroupNamed(village, "签到小组");
  ASSERT_EQ(g.status, 201) << g;
  const std::string code = g.json["unit"]["code"];
  const json before = Unit(code);

  Http anonymous = Anonymous();
  ExpectUnauthenticated(anonymous.PostJson(GroupsPath(village), {{"name", "匿名小组"}}));
  ExpectUnauthenticated(anonymous.PatchJson(UnitPath(code), {{"name", "匿名改名"}, {"version", 1}}));
  ExpectUnauthenticated(anonymous.Post(UnitPath(code) + "/retire", "", ""));
  ExpectUnauthenticated(anonymous.Post(UnitPath(code) + "/reinstate", "", ""));
  ExpectUnauthenticated(anonymous.PostJson(UnitPath(code) + "/retire", {{"version", 1}}));

  // Nothing was written: one group, unchanged.
  HttpResponse children = Children(village, /*include_retired=*/true);
  ASSERT_EQ(children.status, 200) << children;
  EXPECT_EQ(children.json["total"], 1) << children;
  EXPECT_EQ(Unit(code), before);
}

// ---------------------------------------------------------------------------
// Concurrent writers

TEST_F(GroupsApi, ConcurrentAddsOfOneNameCreateExactlyOne) {
  const std::string village = Village(8);
  ASSERT_FALSE(village.empty());
  std::vector<HttpResponse> results(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Http client = Client();
      start.arrive_and_wait();
      results[i] = client.PostJson(GroupsPath(village), {{"name", "并发小组"}});
    });
  }
  for (auto& t : threads) t.join();

  int created = 0;
  for (const HttpResponse& r : results) {
    if (r.status == 201) {
      ++created;
      ++groups_created_;
      EXPECT_EQ(r.json["unit"]["code"], village + "001") << r;
    } else {
      ExpectError(r, 409, "conflict", "name");
    }
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(Children(village).json["total"], 1);
}

TEST_F(GroupsApi, ConcurrentAddsOfDistinctNamesGetDistinctCodes) {
  const std::string village = Village(9);
  ASSERT_FALSE(village.empty());
  std::vector<HttpResponse> results(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Http client = Client();
      start.arrive_and_wait();
      results[i] =
          client.PostJson(GroupsPath(village), {{"name", "第" + std::to_string(i + 1) + "组"}});
    });
  }
  for (auto& t : threads) t.join();

  std::set<std::string> codes;
  for (const HttpResponse& r : results) {
    EXPECT_EQ(r.status, 201) << r;
    if (r.status == 201) {
      ++groups_created_;
      codes.insert(r.json["unit"]["code"].get<std::string>());
    }
  }
  std::set<std::string> expected;
  for (int i = 1; i <= kThreads; ++i) expected.insert(village + "00" + std::to_string(i));
  EXPECT_EQ(codes, expected) << "each group gets its own next code";
  EXPECT_EQ(Children(village).json["total"], kThreads);
}

TEST_F(GroupsApi, ConcurrentRenamesOfOneVersionApplyExactlyOne) {
  const std::string village = Village(10);
  ASSERT_FALSE(village.empty());
  HttpResponse g = AddGroupNamed(village, "改名小组");
  ASSERT_EQ(g.status, 201) << g;
  const std::string code = g.json["unit"]["code"];

  std::vector<HttpResponse> results(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Http client = Client();
      start.arrive_and_wait();
      results[i] =
          client.PatchJson(UnitPath(code), {{"name", "新名" + std::to_string(i)}, {"version", 1}});
    });
  }
  for (auto& t : threads) t.join();

  int applied = 0;
  std::string winner;
  for (const HttpResponse& r : results) {
    if (r.status == 200) {
      ++applied;
      winner = r.json["unit"]["name"].get<std::string>();
      EXPECT_EQ(r.json["unit"]["version"], 2) << r;
    } else {
      ExpectError(r, 409, "", "version");
    }
  }
  EXPECT_EQ(applied, 1);
  const json now = Unit(code);
  EXPECT_EQ(now["version"], 2) << now.dump();
  EXPECT_EQ(now["name"], winner) << now.dump();
}

}  // namespace
TEST_F(GroupsApi, NewAndRenamedGroupsAreFoundByPinyin) {
  const std::string village = Village(5);
  ASSERT_FALSE(village.empty());
  HttpResponse added = AddGroupNamed(village, "嘎朗组");
  ASSERT_EQ(added.status, 201) << added;
  const std::string code = added.json["unit"]["code"];
  auto find = [&](const std::string& q) {
    HttpResponse r = http().Get("/api/v1/units?q=" + q + "&under=" + village);
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> codes;
    for (const json& u : r.json["items"]) codes.push_back(u["code"]);
    return codes;
  };
  EXPECT_EQ(find("galang"), std::vector<std::string>{code});
  HttpResponse renamed = http().PatchJson(UnitPath(code), {{"name", "米堆组"}});
  ASSERT_EQ(renamed.status, 200) << renamed;
  EXPECT_TRUE(find("galang").empty());
  EXPECT_EQ(find("midui"), std::vector<std::string>{code});
}

}  // namespace jiceng::apitest
