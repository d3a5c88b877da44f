// Officers with terms, pairings between organizations (结对共建) and task
// teams (一事一团) through the HTTP API: the history kept when a secretary is
// replaced, a pairing across two counties acted on from either side, team
// stays shown on the member record, bad input answered 400 naming the field
// (in Chinese or English), and a township account refused outside its area.
#include <gtest/gtest.h>

#include <optional>
#include <set>

#include "api_suite.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "OrgWork-Passw0rd!";

class OrgWorkApi : public ApiSuite<OrgWorkApi> {
 public:
  static constexpr const char* kSuiteName = "org_work";

 protected:
  // The first `n` villages of a town.
  std::vector<std::string> Villages(const std::string& town, int n) {
    auto r = http().Get("/api/v1/units/" + town + "/children?limit=" + std::to_string(n));
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> out;
    for (const auto& u : r.json["items"]) out.push_back(u["code"].get<std::string>());
    return out;
  }
  std::int64_t Org(const std::string& unit, const std::string& name) {
    auto r = http().PostJson("/api/v1/orgs", {{"unit_code", unit}, {"kind", "branch"}, {"name", name},
                                              {"established_on", "2015-01-01"}});
    EXPECT_EQ(r.status, 201) << r;
    return r.status == 201 ? r.json["org"]["id"].get<std::int64_t>() : 0;
  }
  std::int64_t FullMember(std::int64_t org, const std::string& name) {
    auto r = http().PostJson("/api/v1/members", {{"org_id", org}, {"name", name}, {"gender", "male"},
                                                 {"birth_date", "1978-04-04"}, {"stage", "full"},
                                                 {"stage_since", "2005-07-01"}, {"situation", "rural_labour"}});
    EXPECT_EQ(r.status, 201) << r;
    return r.status == 201 ? r.json["member"]["id"].get<std::int64_t>() : 0;
  }
  static std::string OrgPath(std::int64_t id) { return "/api/v1/orgs/" + std::to_string(id); }
  // A signed-in client of a new account holding `role` on `unit`.
  Http ScopedClient(const std::string& username, const std::string& role, const std::string& unit) {
    auto u = http().PostJson("/api/v1/users", {{"username", username}, {"display_name", username},
                                               {"unit_code", unit}, {"password", kPassword}});
    EXPECT_EQ(u.status, 201) << u;
    const std::string id = std::to_string(u.json["user"]["id"].get<long long>());
    auto g = http().PostJson("/api/v1/users/" + id + "/roles", {{"role", role}, {"unit_code", unit}});
    EXPECT_EQ(g.status, 201) << g;
    std::string why;
    auto s = SignIn(port(), username, kPassword, &why);
    EXPECT_TRUE(s.has_value()) << why;
    return Http(port(), s ? s->AuthHeaders() : Headers{});
  }
};

TEST_F(OrgWorkApi, ANewSecretaryEndsTheOldTermAndBothStayListed) {
  const auto village = Villages("540424100", 1).at(0);
  const auto org = Org(village, "中共任期测试党支部");
  const auto old_secretary = FullMember(org, "次仁多吉");
  const auto new_secretary = FullMember(org, "白玛央宗");
  const std::string officers = OrgPath(org) + "/officers";
  auto first = http().PostJson(officers, {{"member_id", old_secretary}, {"position", "secretary"},
                                          {"term_start", "2021-01-10"}, {"term_end", "2026-01-09"}});
  ASSERT_EQ(first.status, 201) << first;
  EXPECT_EQ(first.json["officer"]["position_zh"], "书记");
  auto committee = http().PostJson(officers, {{"member_id", new_secretary}, {"position", "committee_member"},
                                              {"term_start", "2021-01-10"}, {"term_end", "2026-01-09"}});
  ASSERT_EQ(committee.status, 201) << committee;
  auto second = http().PostJson(officers, {{"member_id", new_secretary}, {"position", "secretary"},
                                           {"term_start", "2024-06-01"}, {"term_end", "2029-05-31"}});
  ASSERT_EQ(second.status, 201) << second;

  auto list = http().Get(officers);
  ASSERT_EQ(list.status, 200) << list;
  ASSERT_EQ(list.json["current"].size(), 1u) << list;
  EXPECT_EQ(list.json["current"][0]["member_id"], new_secretary);
  EXPECT_EQ(list.json["current"][0]["position"], "secretary");
  ASSERT_EQ(list.json["past"].size(), 2u) << "the old secretary and the new one's committee seat" << list;
  for (const auto& past : list.json["past"]) {
    EXPECT_EQ(past["ended_on"], "2024-06-01") << past.dump();
    EXPECT_EQ(past["end_reason"], "replaced") << past.dump();
  }
  // The read names people: it is in the audit log.
  auto audit = http().Get("/api/v1/audit?action=orgs.officers.list");
  ASSERT_EQ(audit.status, 200) << audit;
  EXPECT_GE(audit.json["total"].get<int>(), 1) << audit;

  // Ending the current term.
  const std::string officer_id = std::to_string(list.json["current"][0]["id"].get<std::int64_t>());
  auto early = http().PostJson("/api/v1/officers/" + officer_id + "/end", {{"on_date", "2024-05-31"}});
  ExpectError(early, 400, "invalid_argument", "on_date");
  auto ended = http().PostJson("/api/v1/officers/" + officer_id + "/end", {{"on_date", "2025-12-31"}});
  ASSERT_EQ(ended.status, 200) << ended;
  EXPECT_EQ(ended.json["officer"]["ended_on"], "2025-12-31");
  EXPECT_EQ(ended.json["officer"]["current"], false);
  EXPECT_EQ(http().Get(officers).json["current"].size(), 0u);
}

TEST_F(OrgWorkApi, BadInputIsRefusedNamingTheFieldInEitherLanguage) {
  const auto village = Villages("540424100", 2).at(1);
  const auto org = Org(village, "中共输入测试党支部");
  const auto member = FullMember(org, "格桑旺姆");
  const json good = {{"member_id", member}, {"position", "deputy_secretary"}, {"term_start", "2024-01-01"},
                     {"term_end", "2028-12-31"}};
  for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{{"term_end", "2023-12-31"},
                                                                           {"term_start", "2024-13-01"},
                                                                           {"position", "chairman"},
                                                                           {"member_id", 987654321}}) {
    json bad = good;
    bad[key] = value;
    auto r = http().PostJson(OrgPath(org) + "/officers", bad);
    EXPECT_EQ(r.status, key == "member_id" ? 404 : 400) << key << r;
    EXPECT_EQ(r.ErrorField(), key) << r;
    EXPECT_TRUE(ContainsCjk(r.ErrorMessage())) << "Chinese by default" << r;
  }
  json backwards = good;
  backwards["term_end"] = "2023-12-31";
  auto english = http().PostJson(OrgPath(org) + "/officers", backwards, {{"Accept-Language", "en"}});
  ExpectError(english, 400, "invalid_argument", "term_end");
  EXPECT_FALSE(ContainsCjk(english.ErrorMessage())) << english;
  EXPECT_EQ(http().Get(OrgPath(org) + "/officers").json["current"].size(), 0u) << "nothing was written";
  // Pairing and team input.
  ExpectError(http().PostJson("/api/v1/pairings", {{"org_id", org}, {"partner_org_id", org}, {"kind", "urban_rural"},
                                                   {"starts_on", "2025-01-01"}}),
              400, "invalid_argument", "partner_org_id");
  ExpectError(http().PostJson(OrgPath(org) + "/task-teams", {{"name", "团"}, {"purpose", "x"}, {"starts_on", "2025-1-1"}}),
              400, "invalid_argument", "starts_on");
}

TEST_F(OrgWorkApi, APairingAcrossCountiesIsActedOnFromEitherSide) {
  const auto bomi = Org(Villages("540424100", 2).at(1), "中共波密结对党支部");
  const auto luding = Org(Villages("513322100", 1).at(0), "中共泸定结对党支部");
  const auto luding_b = Org(Villages("513322100", 2).at(1), "中共泸定另一党支部");
  // A township account of 扎木镇 may pair its branch with one in Luding ...
  Http zhamu = ScopedClient("pair.zhamu", "township_staff", "540424100");
  auto created = zhamu.PostJson("/api/v1/pairings", {{"org_id", luding}, {"partner_org_id", bomi},
                                                     {"kind", "urban_rural"}, {"starts_on", "2025-03-01"},
                                                     {"note", "川藏结对共建"}});
  ASSERT_EQ(created.status, 201) << created;
  const std::string pairing = std::to_string(created.json["pairing"]["id"].get<std::int64_t>());
  EXPECT_EQ(created.json["pairing"]["kind_zh"], "城乡");
  // ... but not pair two organizations of Luding, nor read Luding's officers.
  ExpectError(zhamu.PostJson("/api/v1/pairings", {{"org_id", luding}, {"partner_org_id", luding_b},
                                                  {"kind", "adjacent_area"}, {"starts_on", "2025-03-01"}}),
              403, "permission_denied", "");
  // (An organization outside the area answers as a missing one: ids cannot be probed.)
  ExpectError(zhamu.Get(OrgPath(luding) + "/officers"), 404, "not_found", "id");
  ExpectError(zhamu.Get(OrgPath(luding) + "/pairings"), 404, "not_found", "id");
  // The same two again, from the other side: a duplicate.
  ExpectError(http().PostJson("/api/v1/pairings", {{"org_id", bomi}, {"partner_org_id", luding},
                                                   {"kind", "adjacent_area"}, {"starts_on", "2025-04-01"}}),
              409, "conflict", "partner_org_id");

  // Activities, logged and read by the Bomi side.
  const std::string activities = "/api/v1/pairings/" + pairing + "/activities";
  auto added = zhamu.PostJson(activities, {{"held_on", "2025-07-01"}, {"title", "七一联合主题党日"},
                                           {"summary", "两地党员视频连线，交流产业经验。"}, {"participants", 46}});
  ASSERT_EQ(added.status, 201) << added;
  ExpectError(zhamu.PostJson(activities, {{"held_on", "2025-02-01"}, {"title", "早于结对"}, {"participants", 3}}), 400,
              "invalid_argument", "held_on");
  auto listed = zhamu.Get(activities);
  ASSERT_EQ(listed.status, 200) << listed;
  ASSERT_EQ(listed.json["items"].size(), 1u) << listed;
  EXPECT_EQ(listed.json["items"][0]["participants"], 46);

  // Both sides list it, each with the other as partner.
  auto from_bomi = http().Get(OrgPath(bomi) + "/pairings");
  ASSERT_EQ(from_bomi.status, 200) << from_bomi;
  ASSERT_EQ(from_bomi.json["items"].size(), 1u) << from_bomi;
  EXPECT_EQ(from_bomi.json["items"][0]["partner"]["org_id"], luding);
  EXPECT_EQ(from_bomi.json["items"][0]["activity_count"], 1);
  auto from_luding = http().Get(OrgPath(luding) + "/pairings");
  EXPECT_EQ(from_luding.json["items"][0]["partner"]["org_id"], bomi) << from_luding;

  // Ended by the Bomi side; kept, and the two may pair again.
  auto ended = zhamu.PostJson("/api/v1/pairings/" + pairing + "/end", {{"on_date", "2025-12-31"}});
  ASSERT_EQ(ended.status, 200) << ended;
  EXPECT_EQ(ended.json["pairing"]["status"], "ended");
  EXPECT_EQ(http().Get(OrgPath(bomi) + "/pairings").json["items"].size(), 0u);
  EXPECT_EQ(http().Get(OrgPath(bomi) + "/pairings?include_ended=true").json["items"].size(), 1u);
  ExpectError(zhamu.PostJson("/api/v1/pairings/" + pairing + "/end", {{"on_date", "2025-12-31"}}), 409,
              "failed_precondition", "id");
}

// The attendance of a pairing activity (events/attendance.h): members of
// either side, across provinces; the number of participants derived from it;
// the faults of the list named item by item, and the same for meetings.
TEST_F(OrgWorkApi, PairingActivityAttendanceIsCheckedAndCounted) {
  const auto bomi = Org(Villages("540424100", 3).at(2), "中共波密出席党支部");
  const auto luding = Org(Villages("513322100", 3).at(2), "中共泸定出席党支部");
  const auto other = Org(Villages("513322100", 4).at(3), "中共泸定无关党支部");
  const auto dawa = FullMember(bomi, "达瓦");
  const auto lhamo = FullMember(bomi, "拉姆");
  const auto tenzin = FullMember(luding, "丹增");
  const auto outsider = FullMember(other, "旁人");
  auto created = http().PostJson("/api/v1/pairings", {{"org_id", bomi}, {"partner_org_id", luding},
                                                      {"kind", "urban_rural"}, {"starts_on", "2025-03-01"}});
  ASSERT_EQ(created.status, 201) << created;
  const std::string activities =
      "/api/v1/pairings/" + std::to_string(created.json["pairing"]["id"].get<std::int64_t>()) + "/activities";
  auto item = [](std::int64_t member, const char* status) { return json{{"member_id", member}, {"status", status}}; };
  const json base = {{"held_on", "2025-07-01"}, {"title", "七一联合主题党日"}};

  // Names taken: the number is the members present, from both sides.
  json with_names = base;
  with_names["attendance"] = json::array({item(tenzin, "present"), item(dawa, "present"), item(lhamo, "leave")});
  auto added = http().PostJson(activities, with_names);
  ASSERT_EQ(added.status, 201) << added;
  EXPECT_EQ(added.json["activity"]["participants"], 2) << added;
  EXPECT_EQ(added.json["activity"]["present"], 2) << added;
  EXPECT_EQ(added.json["activity"]["leave"], 1) << added;
  EXPECT_EQ(added.json["activity"]["attendance"].size(), 3u) << added;

  // A bare number stays accepted.
  json bare = base;
  bare["held_on"] = "2025-08-01";
  bare["participants"] = 40;
  auto counted = http().PostJson(activities, bare);
  ASSERT_EQ(counted.status, 201) << counted;
  EXPECT_EQ(counted.json["activity"]["attendance"].size(), 0u) << counted;

  // Each fault names the item, in Chinese by default and in English on request.
  auto refused = [&](json attendance, const std::string& field, std::optional<std::int64_t> participants = {}) {
    json body = base;
    body["attendance"] = std::move(attendance);
    if (participants) body["participants"] = *participants;
    auto zh = http().PostJson(activities, body);
    ExpectError(zh, 400, "invalid_argument", field);
    EXPECT_TRUE(ContainsCjk(zh.ErrorMessage())) << zh;
    auto en = http().PostJson(activities, body, {{"Accept-Language", "en"}});
    ExpectError(en, 400, "invalid_argument", field);
    EXPECT_FALSE(ContainsCjk(en.ErrorMessage())) << en;
  };
  refused(json::array({item(dawa, "present"), item(outsider, "present")}), "attendance[1].member_id");
  refused(json::array({item(dawa, "present"), item(tenzin, "absent"), item(dawa, "absent")}), "attendance[2].member_id");
  refused(json::array({item(dawa, "late")}), "attendance[0].status");
  refused(json::array({item(dawa, "present"), json{{"member_id", tenzin}}}), "attendance[1].status");
  refused(json::array({item(dawa, "present"), item(tenzin, "present")}), "participants", 5);
  json future = with_names;
  future["held_on"] = "2999-07-01";
  ExpectError(http().PostJson(activities, future), 400, "invalid_argument", "held_on");

  auto listed = http().Get(activities);
  ASSERT_EQ(listed.status, 200) << listed;
  ASSERT_EQ(listed.json["items"].size(), 2u) << "nothing refused was written" << listed;
  const auto& first = listed.json["items"][0];
  EXPECT_EQ(first["participants"], 2) << listed;
  ASSERT_EQ(first["attendance"].size(), 3u) << listed;
  std::set<std::int64_t> listed_members;
  for (const auto& a : first["attendance"]) listed_members.insert(a["member_id"].get<std::int64_t>());
  EXPECT_EQ(listed_members, (std::set<std::int64_t>{dawa, lhamo, tenzin})) << listed;
  EXPECT_EQ(listed.json["items"][1]["participants"], 40) << listed;

  // Meetings answer the same faults the same way.
  const std::string meetings = OrgPath(bomi) + "/meetings";
  auto meeting = [&](json attendance) {
    return http().PostJson(meetings, {{"kind", "committee"}, {"held_on", "2025-07-01"}, {"topic", "支委会"},
                                      {"attendance", std::move(attendance)}});
  };
  ExpectError(meeting(json::array({item(dawa, "present"), item(tenzin, "present")})), 400, "invalid_argument",
              "attendance[1].member_id");
  ExpectError(meeting(json::array({item(lhamo, "present"), item(lhamo, "absent")})), 400, "invalid_argument",
              "attendance[1].member_id");
  ExpectError(meeting(json::array({item(dawa, "late")})), 400, "invalid_argument", "attendance[0].status");
  auto held = meeting(json::array({item(dawa, "present"), item(lhamo, "leave")}));
  ASSERT_EQ(held.status, 201) << held;
  EXPECT_EQ(held.json["meeting"]["attendance_count"], 2) << held;
  auto year = http().Get(meetings + "?year=2025");
  ASSERT_EQ(year.status, 200) << year;
  ASSERT_EQ(year.json["items"].size(), 1u) << year;
  EXPECT_EQ(year.json["items"][0]["present"], 1) << year;
  EXPECT_EQ(year.json["items"][0]["leave"], 1) << year;
}

// A pairing belongs to both sides (Target::AnyOf): the permission held at
// either side's unit lets a caller act on it, and the audit entry names
// that side's unit; a caller who sees neither side gets the pairing's 404,
// one who may only read a side gets 403 on a write.
TEST_F(OrgWorkApi, APairingIsActedOnFromEitherSideAloneAndHiddenFromNeither) {
  const auto bomi_village = Villages("540424100", 3).at(2);
  const auto luding_village = Villages("513322100", 3).at(2);
  const auto bomi = Org(bomi_village, "中共双方测试甲党支部");
  const auto luding = Org(luding_village, "中共双方测试乙党支部");
  auto created = http().PostJson("/api/v1/pairings", {{"org_id", bomi}, {"partner_org_id", luding},
                                                      {"kind", "urban_rural"}, {"starts_on", "2025-03-01"}});
  ASSERT_EQ(created.status, 201) << created;
  const std::string base = "/api/v1/pairings/" + std::to_string(created.json["pairing"]["id"].get<std::int64_t>());
  const std::string activities = base + "/activities";
  std::string elsewhere;  // a township of Bomi other than 扎木镇: neither side
  for (const auto& town : Villages("540424", 5)) {
    if (town != "540424100") elsewhere = town;
  }
  ASSERT_FALSE(elsewhere.empty());
  Http side_a = ScopedClient("side.a", "township_staff", "540424100");
  Http side_b = ScopedClient("side.b", "township_staff", "513322100");
  Http neither = ScopedClient("side.none", "township_staff", elsewhere);
  Http reader = ScopedClient("side.reader", "village_cadre", bomi_village);  // orgs.read only

  auto by_a = side_a.PostJson(activities, {{"held_on", "2025-04-01"}, {"title", "甲方组织的活动"}, {"participants", 8}});
  EXPECT_EQ(by_a.status, 201) << "side A alone" << by_a;
  auto by_b = side_b.PostJson(activities, {{"held_on", "2025-05-01"}, {"title", "乙方组织的活动"}, {"participants", 9}});
  EXPECT_EQ(by_b.status, 201) << "side B alone" << by_b;
  for (Http* side : {&side_a, &side_b, &reader}) {
    auto listed = side->Get(activities);
    EXPECT_EQ(listed.status, 200) << listed;
    EXPECT_EQ(listed.json.value("items", json::array()).size(), 2u) << listed;
  }
  // Neither side: the pairing is not there at all.
  ExpectError(neither.Get(activities), 404, "not_found", "id");
  ExpectError(neither.PostJson(activities, {{"held_on", "2025-06-01"}, {"title", "越权"}, {"participants", 1}}), 404,
              "not_found", "id");
  ExpectError(neither.PostJson(base + "/end", {{"on_date", "2025-12-31"}}), 404, "not_found", "id");
  ExpectError(neither.PostJson("/api/v1/pairings", {{"org_id", bomi}, {"partner_org_id", luding},
                                                    {"kind", "adjacent_area"}, {"starts_on", "2025-03-01"}}),
              403, "permission_denied", "");
  // A reader of one side sees it but may not write.
  ExpectError(reader.PostJson(activities, {{"held_on", "2025-06-01"}, {"title", "只读"}, {"participants", 1}}), 403,
              "permission_denied", "");
  ExpectError(reader.PostJson(base + "/end", {{"on_date", "2025-12-31"}}), 403, "permission_denied", "");

  // Each write's audit entry names the unit of the side it was allowed at.
  for (const auto& [user, unit] : {std::pair{"side.a", bomi_village}, std::pair{"side.b", luding_village}}) {
    auto audit = http().Get(std::string("/api/v1/audit?action=orgs.pairings.activities.add&user=") + user);
    ASSERT_EQ(audit.status, 200) << audit;
    ASSERT_EQ(audit.json["items"].size(), 1u) << audit;
    EXPECT_EQ(audit.json["items"][0]["unit_code"], unit) << audit;
    EXPECT_EQ(audit.json["items"][0]["result"], "ok") << audit;
  }
  auto ended = side_b.PostJson(base + "/end", {{"on_date", "2025-12-31"}});
  ASSERT_EQ(ended.status, 200) << ended;
  EXPECT_EQ(ended.json["pairing"]["status"], "ended");
}

TEST_F(OrgWorkApi, TaskTeamStaysShowOnTheMemberRecord) {
  const auto village = Villages("540424100", 1).at(0);
  const auto org = Org(village, "中共一事一团测试党支部");
  const auto lhamo = FullMember(org, "拉姆");
  const auto dawa = FullMember(org, "达瓦");
  auto team = http().PostJson(OrgPath(org) + "/task-teams",
                              {{"name", "产业发展服务团"}, {"purpose", "茶叶合作社技术帮扶"}, {"starts_on", "2025-02-01"}});
  ASSERT_EQ(team.status, 201) << team;
  const std::string base = "/api/v1/task-teams/" + std::to_string(team.json["task_team"]["id"].get<std::int64_t>());
  ASSERT_EQ(http().PostJson(base + "/members", {{"member_id", lhamo}, {"joined_on", "2025-02-01"}}).status, 201);
  ASSERT_EQ(http().PostJson(base + "/members", {{"member_id", dawa}, {"joined_on", "2025-02-10"}}).status, 201);
  ExpectError(http().PostJson(base + "/members", {{"member_id", dawa}, {"joined_on", "2025-03-01"}}), 409, "conflict",
              "member_id");
  ExpectError(http().PostJson(base + "/leave", {{"member_id", lhamo}, {"left_on", "2025-01-31"}}), 400,
              "invalid_argument", "left_on");
  auto left = http().PostJson(base + "/leave", {{"member_id", lhamo}, {"left_on", "2025-05-31"}});
  ASSERT_EQ(left.status, 200) << left;
  ASSERT_EQ(http().PostJson(base + "/members", {{"member_id", lhamo}, {"joined_on", "2025-09-01"}}).status, 201);

  auto current = http().Get(base + "/members");
  ASSERT_EQ(current.status, 200) << current;
  EXPECT_EQ(current.json["items"].size(), 2u) << current;
  auto all = http().Get(base + "/members?include_past=true");
  EXPECT_EQ(all.json["items"].size(), 3u) << all;

  auto record = http().Get("/api/v1/members/" + std::to_string(lhamo));
  ASSERT_EQ(record.status, 200) << record;
  ASSERT_EQ(record.json["task_teams"].size(), 2u) << record;
  EXPECT_EQ(record.json["task_teams"][0]["team_name"], "产业发展服务团");
  EXPECT_EQ(record.json["task_teams"][0]["current"], true);
  EXPECT_EQ(record.json["task_teams"][1]["left_on"], "2025-05-31");

  auto teams = http().Get(OrgPath(org) + "/task-teams");
  ASSERT_EQ(teams.status, 200) << teams;
  ASSERT_EQ(teams.json["items"].size(), 1u);
  EXPECT_EQ(teams.json["items"][0]["member_count"], 2);
  auto ended = http().PostJson(base + "/end", {{"on_date", "2025-12-31"}});
  ASSERT_EQ(ended.status, 200) << ended;
  EXPECT_EQ(ended.json["task_team"]["member_count"], 0);
  EXPECT_EQ(http().Get("/api/v1/members/" + std::to_string(dawa)).json["task_teams"][0]["left_on"], "2025-12-31");

  // A member outside the caller's area is answered as unknown.
  Http zhamu = ScopedClient("team.zhamu", "township_staff", "540424100");
  const auto luding_member = FullMember(Org(Villages("513322100", 1).at(0), "中共泸定团队党支部"), "泸定党员");
  auto other = http().PostJson(OrgPath(org) + "/task-teams",
                               {{"name", "政策宣讲团"}, {"purpose", "宣讲惠民政策"}, {"starts_on", "2025-02-01"}});
  ASSERT_EQ(other.status, 201) << other;
  const std::string other_base = "/api/v1/task-teams/" + std::to_string(other.json["task_team"]["id"].get<std::int64_t>());
  ExpectError(zhamu.PostJson(other_base + "/members", {{"member_id", luding_member}, {"joined_on", "2025-03-01"}}), 404,
              "not_found", "member_id");
  EXPECT_EQ(zhamu.PostJson(other_base + "/members", {{"member_id", dawa}, {"joined_on", "2025-03-01"}}).status, 201);
}

// Issue #15: a village secretary (village_cadre, meetings.write) records its
// own branch's 三会一课; another village's branch is not in its area (404); a
// work-team member who sees the branch but may not record gets 403; the
// yearly review stays with orgs.write (the county).
TEST_F(OrgWorkApi, AVillageSecretaryRecordsItsOwnBranchsMeetings) {
  const auto villages = Villages("540424100", 5);
  ASSERT_EQ(villages.size(), 5u);
  const auto own = Org(villages.at(3), "中共书记记录会议党支部");
  const auto other = Org(villages.at(4), "中共邻村记录会议党支部");
  const auto member = FullMember(own, "扎西平措");
  Http secretary = ScopedClient("meet.secretary", "village_cadre", villages.at(3));
  Http team = ScopedClient("meet.team", "work_team", villages.at(3));
  const json meeting = {{"kind", "theme_day"}, {"held_on", "2025-06-01"}, {"topic", "主题党日：学习党章"},
                        {"attendance", json::array({json{{"member_id", member}, {"status", "present"}}})}};
  auto recorded = secretary.PostJson(OrgPath(own) + "/meetings", meeting);
  ASSERT_EQ(recorded.status, 201) << recorded;
  EXPECT_EQ(recorded.json["meeting"]["org_id"], own);
  auto listed = secretary.Get(OrgPath(own) + "/meetings?year=2025");
  ASSERT_EQ(listed.status, 200) << listed;
  ASSERT_EQ(listed.json["items"].size(), 1u) << listed;
  EXPECT_EQ(listed.json["items"][0]["present"], 1);
  auto audit = http().Get("/api/v1/audit?action=meetings.record&user=meet.secretary");
  ASSERT_EQ(audit.status, 200) << audit;
  EXPECT_EQ(audit.json["items"].size(), 1u) << audit;

  // Another village's branch: outside the secretary's area, as if missing.
  ExpectError(secretary.PostJson(OrgPath(other) + "/meetings",
                                 {{"kind", "theme_day"}, {"held_on", "2025-06-01"}, {"topic", "越权"}}),
              404, "not_found", "id");
  // The work team sees the branch but does not record its meetings.
  ExpectError(team.PostJson(OrgPath(own) + "/meetings",
                            {{"kind", "theme_day"}, {"held_on", "2025-06-02"}, {"topic", "只读"}}),
              403, "permission_denied", "");
  // The yearly review is the county's.
  ExpectError(secretary.PostJson(OrgPath(own) + "/review", {{"year", 2025}, {"result", "compliant"}}), 403,
              "permission_denied", "");
  // The role lists the permission, named in both languages.
  auto roles = http().Get("/api/v1/roles");
  ASSERT_EQ(roles.status, 200) << roles;
  EXPECT_NE(roles.body.find("meetings.write"), std::string::npos) << roles;
}

// Issue #15: a committee is not held to a branch's calendar — its compliance
// rows are not bound and miss nothing — and a subtree's meeting figures count
// its branches only.
TEST_F(OrgWorkApi, ACommitteeIsNotReportedAsMissingBranchMeetings) {
  // A town of Bomi no other test of this suite puts organizations in.
  const auto towns = Villages("540424", 3);
  ASSERT_EQ(towns.size(), 3u);
  const std::string town = towns.at(1) != "540424100" ? towns.at(1) : towns.at(2);
  const auto villages = Villages(town, 2);
  ASSERT_EQ(villages.size(), 2u);
  auto created = http().PostJson("/api/v1/orgs", {{"unit_code", town}, {"kind", "committee"},
                                                  {"name", "中共日历测试镇委员会"}, {"established_on", "2015-01-01"}});
  ASSERT_EQ(created.status, 201) << created;
  const auto committee = created.json["org"]["id"].get<std::int64_t>();
  const auto a = Org(villages.at(0), "中共日历测试甲党支部");
  const auto b = Org(villages.at(1), "中共日历测试乙党支部");
  // The committee holds a theme day in January; branch A one in January too.
  auto branch = http().Get(OrgPath(a) + "/compliance");
  ASSERT_EQ(branch.status, 200) << branch;
  const std::string y = std::to_string(branch.json["year"].get<int>());
  for (std::int64_t org : {committee, a}) {
    auto r = http().PostJson(OrgPath(org) + "/meetings", {{"kind", "theme_day"}, {"held_on", y + "-01-10"},
                                                          {"topic", "主题党日"}});
    ASSERT_EQ(r.status, 201) << r;
  }
  auto ours = http().Get(OrgPath(committee) + "/compliance");
  ASSERT_EQ(ours.status, 200) << ours;
  ASSERT_FALSE(ours.json["kinds"].empty()) << ours;
  for (const auto& k : ours.json["kinds"]) {
    EXPECT_EQ(k["bound"], false) << k;
    EXPECT_EQ(k["missed"], 0) << k;
    EXPECT_EQ(k["due"], 0) << k;
    for (const auto& p : k["periods"]) EXPECT_EQ(p["state"], "held") << k;
    if (k["kind"] == "theme_day") {
      EXPECT_EQ(k["held"], 1) << k;
    }
  }
  // A branch is held to it: one period per month so far.
  int months = 0;
  auto bs = http().Get(OrgPath(b) + "/compliance");
  ASSERT_EQ(bs.status, 200) << bs;
  for (const auto& k : bs.json["kinds"]) {
    EXPECT_EQ(k["bound"], true) << k;
    if (k["kind"] == "theme_day") months = static_cast<int>(k["periods"].size());
  }
  ASSERT_GE(months, 1) << bs;
  // The town: its two branches only; the committee's meeting is not a branch's.
  auto subtree = http().Get("/api/v1/units/" + town + "/meetings");
  ASSERT_EQ(subtree.status, 200) << subtree;
  EXPECT_EQ(subtree.json["organizations"], 2) << subtree;
  bool seen = false;
  for (const auto& k : subtree.json["kinds"]) {
    if (k["kind"] != "theme_day") continue;
    seen = true;
    EXPECT_EQ(k["due"], 2 * months) << k;
    EXPECT_EQ(k["held"], 1) << k;
    // A: every past month but January; B: every past month (the current one is due, not missed).
    const int missed = months > 1 ? (months - 2) + (months - 1) : 0;
    EXPECT_EQ(k["missed"], missed) << k;
  }
  EXPECT_TRUE(seen) << subtree;
}

}  // namespace
}  // namespace jiceng::apitest
