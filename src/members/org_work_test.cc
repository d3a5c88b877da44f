// Store tests, on every engine, of the work organizations do with their
// members: officers with terms (orgs/officer_service.h), pairings between
// organizations with their activities (orgs/pairing_service.h) and task
// teams (members/task_team_service.h). They live with the members layer
// because every one of them needs members.
#include <gtest/gtest.h>

#include <set>

#include "common/clock.h"
#include "db/testing/migrated_database_test.h"
#include "hierarchy/testing/seed_units.h"
#include "members/member_service.h"
#include "members/task_team_service.h"
#include "orgs/officer_service.h"
#include "orgs/org_service.h"
#include "orgs/pairing_service.h"
#include "people/testing/test_vault.h"

namespace jiceng::members {
namespace {

using db::Value;
using orgs::Position;

const std::optional<std::int64_t> kNoUser;

// Luding county with a town and two villages, Bomi county with a town.
class OrgWorkTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(hierarchy::testing::SeedUnits(*db_, hierarchy::testing::LudingAndBomi()).ok());
    hierarchy_ = std::move(hierarchy::HierarchyService::Load(*db_)).value();
    rules_ = std::make_unique<MembershipRules>(std::move(MembershipRules::LoadDefault()).value());
    // The hooks the server registers (cli/app.cc).
    orgs::RegisterOfficerEndings(endings_);
    orgs::RegisterPairingEndings(endings_);
    RegisterTaskTeamEndings(endings_);
    orgs_ = std::make_unique<orgs::OrgService>(*db_, *hierarchy_, changes_, *clock_, &endings_);
    members_ = std::make_unique<MemberService>(*db_, *hierarchy_, *rules_, changes_, people::testing::TestVault(), *clock_, &endings_);
    officers_ = std::make_unique<orgs::OfficerService>(*db_, *clock_);
    pairings_ = std::make_unique<orgs::PairingService>(*db_, *clock_);
    teams_ = std::make_unique<TaskTeamService>(*db_, *clock_);
    town_ = Org({"513322100", std::nullopt, "committee", "中共泸桥镇委"});
    village_a_ = Org({"513322100201", town_, "branch", "甲村支部"});
    village_b_ = Org({"513322100202", town_, "branch", "乙村支部"});
    bomi_ = Org({"540424100", std::nullopt, "committee", "中共扎木镇委"});
  }
  void TearDown() override {
    teams_.reset();
    pairings_.reset();
    officers_.reset();
    members_.reset();
    orgs_.reset();
    hierarchy_.reset();
  }
  std::int64_t Org(orgs::OrgInput in) {
    auto o = orgs_->Create(in);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    return o.ok() ? o->id : 0;
  }
  std::int64_t Person(std::int64_t org, const std::string& name, const char* stage = "full") {
    MemberInput in;
    in.org_id = org;
    in.name = name;
    in.gender = "female";
    in.birth_date = "1980-01-01";
    in.stage = stage;
    in.stage_since = "2012-07-01";
    in.situation = "rural_labour";
    auto m = members_->Create(in, kNoUser);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? m->id : 0;
  }
  Result<orgs::Officer> Appoint(std::int64_t org, std::int64_t member, const char* position, const char* start,
                                const char* end = "2030-12-31") {
    return officers_->Appoint({org, member, position, start, end}, kNoUser);
  }
  // Rows in `table` (to show what was, or was not, written).
  std::int64_t Count(const std::string& table) {
    std::int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM " + table));
      n = row->Int(0);
      return Status::Ok();
    }).ok());
    return n;
  }

  // Real time in the business time zone (Asia/Shanghai): "today" as the services see it.
  std::unique_ptr<SystemBusinessClock> clock_ = std::move(SystemBusinessClock::Create()).value();
  std::unique_ptr<hierarchy::HierarchyService> hierarchy_;
  std::unique_ptr<MembershipRules> rules_;
  analytics::NoChangeSink changes_;
  orgs::OrgEndings endings_;
  std::unique_ptr<orgs::OrgService> orgs_;
  std::unique_ptr<MemberService> members_;
  std::unique_ptr<orgs::OfficerService> officers_;
  std::unique_ptr<orgs::PairingService> pairings_;
  std::unique_ptr<TaskTeamService> teams_;
  std::int64_t town_ = 0, village_a_ = 0, village_b_ = 0, bomi_ = 0;
};

// ---- officers ---------------------------------------------------------------

TEST_P(OrgWorkTest, ANewSecretaryEndsThePreviousTermTheSameDayAndKeepsHistory) {
  const auto tsering = Person(village_a_, "次仁");
  const auto drolma = Person(village_a_, "卓玛");
  const auto tashi = Person(village_a_, "扎西");
  auto first = Appoint(village_a_, tsering, "secretary", "2021-01-05", "2026-01-04");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(Appoint(village_a_, drolma, "deputy_secretary", "2021-01-05").ok());
  ASSERT_TRUE(Appoint(village_a_, tashi, "committee_member", "2021-01-05").ok());

  // The deputy is elected secretary: both the old secretary's term and her
  // own deputy term end on the first day of the new term.
  auto second = Appoint(village_a_, drolma, "secretary", "2024-03-01", "2029-02-28");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->current());
  EXPECT_EQ(second->position, Position::kSecretary);

  auto list = officers_->ListForOrg(village_a_);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 4u);
  // Current first: the secretary, then the committee member; then the past.
  EXPECT_EQ((*list)[0].member_id, drolma);
  EXPECT_EQ((*list)[0].position, Position::kSecretary);
  EXPECT_EQ((*list)[1].member_id, tashi);
  EXPECT_TRUE((*list)[1].current());
  int past_secretaries = 0;
  for (std::size_t i = 2; i < list->size(); ++i) {
    const orgs::Officer& o = (*list)[i];
    EXPECT_FALSE(o.current());
    EXPECT_EQ(o.ended_on.value_or(""), "2024-03-01") << o.member_name;
    EXPECT_EQ(o.end_reason.value_or(""), "replaced");
    if (o.position == Position::kSecretary) {
      ++past_secretaries;
      EXPECT_EQ(o.member_id, tsering);
      EXPECT_EQ(o.term_start, "2021-01-05");
      EXPECT_EQ(o.term_end, "2026-01-04") << "the planned end stays as it was";
    }
  }
  EXPECT_EQ(past_secretaries, 1);

  // The same member again in the same position is a duplicate; a term
  // starting before the current secretary's is refused.
  EXPECT_EQ(Appoint(village_a_, drolma, "secretary", "2024-05-01").status().code(), ErrorCode::kConflict);
  auto early = Appoint(village_a_, tsering, "secretary", "2024-01-01");
  EXPECT_EQ(early.status().field(), "term_start") << early.status().ToString();

  // Ending a term: not before it began, and only once.
  EXPECT_EQ(officers_->EndTerm(list->at(1).id, "2020-12-31").status().field(), "on_date");
  auto ended = officers_->EndTerm(list->at(1).id, "2025-06-30");
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_EQ(ended->ended_on.value_or(""), "2025-06-30");
  EXPECT_EQ(ended->end_reason.value_or(""), "ended");
  EXPECT_EQ(officers_->EndTerm(list->at(1).id, "2025-07-01").status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Count("org_officers"), 4) << "nothing is deleted";
}

TEST_P(OrgWorkTest, AppointmentsCheckDatesAndTheMemberNamingTheField) {
  const auto full = Person(village_a_, "格桑");
  const auto other_org = Person(village_b_, "央金");
  const auto probationary = Person(village_a_, "旦增", "probationary");
  auto field = [&](std::int64_t member, const char* position, const char* start, const char* end) {
    return Appoint(village_a_, member, position, start, end).status().field();
  };
  EXPECT_EQ(field(full, "secretary", "2024-01-01", "2023-12-31"), "term_end") << "end before start";
  EXPECT_EQ(field(full, "secretary", "2024-02-30", "2029-01-01"), "term_start");
  EXPECT_EQ(field(full, "secretary", "2024-01-01", "someday"), "term_end");
  EXPECT_EQ(field(full, "secretary", "2999-01-01", "2999-12-31"), "term_start") << "in the future";
  EXPECT_EQ(field(full, "chairman", "2024-01-01", "2029-01-01"), "position");
  EXPECT_EQ(field(424242, "committee_member", "2024-01-01", "2029-01-01"), "member_id");
  EXPECT_EQ(field(probationary, "committee_member", "2024-01-01", "2029-01-01"), "member_id");
  EXPECT_EQ(field(other_org, "secretary", "2024-01-01", "2029-01-01"), "member_id");
  EXPECT_EQ(field(other_org, "deputy_secretary", "2024-01-01", "2029-01-01"), "member_id");
  EXPECT_EQ(Count("org_officers"), 0) << "no refused appointment wrote anything";
  // A committee member may come from another organization.
  auto ok = Appoint(village_a_, other_org, "committee_member", "2024-01-01", "2024-01-01");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->term_end, "2024-01-01") << "end = start is allowed";
  EXPECT_EQ(Appoint(424242, full, "secretary", "2024-01-01").status().code(), ErrorCode::kNotFound);
}

// ---- pairings ---------------------------------------------------------------

TEST_P(OrgWorkTest, PairingRefusesSelfDuplicatesAndEndedOrganizations) {
  auto self = pairings_->Create({village_a_, village_a_, "adjacent_area", "2025-01-01", std::nullopt, ""}, kNoUser);
  EXPECT_EQ(self.status().field(), "partner_org_id");
  auto kind = pairings_->Create({village_a_, bomi_, "sister", "2025-01-01", std::nullopt, ""}, kNoUser);
  EXPECT_EQ(kind.status().field(), "kind");
  auto ends = pairings_->Create({village_a_, bomi_, "urban_rural", "2025-01-01", "2024-12-31", ""}, kNoUser);
  EXPECT_EQ(ends.status().field(), "ends_on");

  auto p = pairings_->Create({bomi_, village_a_, "urban_rural", "2025-01-01", "2027-12-31", "县镇结对"}, kNoUser);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->a.org_id, std::min(bomi_, village_a_)) << "stored with the smaller id first";
  EXPECT_EQ(p->ends_on.value_or(""), "2027-12-31");
  EXPECT_TRUE(p->active());
  // The same two, from either side, while the first is active.
  for (auto [x, y] : {std::pair{bomi_, village_a_}, std::pair{village_a_, bomi_}}) {
    auto dup = pairings_->Create({x, y, "adjacent_area", "2025-06-01", std::nullopt, ""}, kNoUser);
    EXPECT_EQ(dup.status().code(), ErrorCode::kConflict);
    EXPECT_EQ(dup.status().field(), "partner_org_id");
  }
  // A dissolved organization cannot pair.
  const auto gone = Org({"513322100202", town_, "branch", "乙村第二支部"});
  ASSERT_TRUE(orgs_->Dissolve(gone, "2025-03-01", std::nullopt).ok());
  auto dissolved = pairings_->Create({village_a_, gone, "adjacent_area", "2025-06-01", std::nullopt, ""}, kNoUser);
  EXPECT_EQ(dissolved.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(dissolved.status().field(), "partner_org_id");
  EXPECT_EQ(pairings_->Create({424242, village_a_, "adjacent_area", "2025-06-01", std::nullopt, ""}, kNoUser)
                .status()
                .field(),
            "org_id");
  EXPECT_EQ(Count("org_pairings"), 1);

  // Both sides list it; after it ends the two may pair again.
  auto other = pairings_->Create({village_a_, village_b_, "adjacent_area", "2025-02-01", std::nullopt, ""}, kNoUser);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(pairings_->ListForOrg(village_a_, false)->size(), 2u);
  EXPECT_EQ(pairings_->ListForOrg(bomi_, false)->size(), 1u);
  EXPECT_EQ(pairings_->End(p->id, "2024-12-31").status().field(), "on_date") << "before its start";
  auto ended = pairings_->End(p->id, "2025-10-01");
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_FALSE(ended->active());
  EXPECT_EQ(pairings_->End(p->id, "2025-10-02").status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(pairings_->ListForOrg(bomi_, false)->size(), 0u);
  EXPECT_EQ(pairings_->ListForOrg(bomi_, true)->size(), 1u) << "ended pairings are kept";
  auto again = pairings_->Create({village_a_, bomi_, "office_enterprise", "2025-11-01", std::nullopt, ""}, kNoUser);
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

TEST_P(OrgWorkTest, PairingActivitiesAreLoggedWithinThePairing) {
  auto p = pairings_->Create({village_a_, bomi_, "urban_rural", "2025-01-01", std::nullopt, ""}, kNoUser);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto add = [&](const char* on, const char* title, std::optional<std::int64_t> n) {
    return pairings_->AddActivity(p->id, {on, title, "两支部党员共同参加。\n会后座谈。", n}, kNoUser);
  };
  ASSERT_TRUE(add("2025-05-04", "共上五四党课", 30).ok());
  ASSERT_TRUE(add("2025-03-12", "植树", 18).ok());
  EXPECT_EQ(add("2024-12-31", "早于结对", 5).status().field(), "held_on");
  EXPECT_EQ(add("2025-13-01", "日期不对", 5).status().field(), "held_on");
  EXPECT_EQ(add("2025-06-01", "", 5).status().field(), "title");
  EXPECT_EQ(add("2025-06-01", "无人数", std::nullopt).status().field(), "participants");
  EXPECT_EQ(add("2025-06-01", "负人数", -1).status().field(), "participants");
  auto list = pairings_->Activities(p->id);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].held_on, "2025-03-12") << "oldest first";
  EXPECT_EQ((*list)[0].participants, 18);
  EXPECT_EQ((*list)[1].title, "共上五四党课");
  EXPECT_NE((*list)[1].summary.find('\n'), std::string::npos) << "a summary may have several lines";
  EXPECT_EQ(pairings_->Get(p->id)->activity_count, 2);
  // After the pairing ends, activities up to its last day may still be logged.
  ASSERT_TRUE(pairings_->End(p->id, "2025-09-30").ok());
  EXPECT_EQ(add("2025-10-01", "结束以后", 5).status().field(), "held_on");
  EXPECT_TRUE(add("2025-09-30", "最后一次", 12).ok());
  EXPECT_EQ(pairings_->Activities(424242).status().code(), ErrorCode::kNotFound);
}

TEST_P(OrgWorkTest, PairingActivityAttendanceListsMembersOfEitherSide) {
  auto p = pairings_->Create({village_a_, bomi_, "urban_rural", "2025-01-01", std::nullopt, ""}, kNoUser);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const auto luding_1 = Person(village_a_, "次仁");
  const auto luding_2 = Person(village_a_, "卓玛");
  const auto bomi_1 = Person(bomi_, "扎西");
  const auto neither = Person(village_b_, "格桑");
  auto add = [&](std::vector<events::Attendance> who, std::optional<std::int64_t> n = std::nullopt) {
    return pairings_->AddActivity(p->id, {"2025-06-01", "联合主题党日", "", n, std::move(who)}, kNoUser);
  };
  // The number is derived from the list: the members present.
  auto held = add({{bomi_1, "present"}, {luding_2, "leave"}, {luding_1, "present"}});
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(held->participants, 2);
  EXPECT_EQ(held->attendance, (std::vector<events::Attendance>{{luding_1, "present"}, {luding_2, "leave"},
                                                               {bomi_1, "present"}}));
  // A number that agrees is accepted; one that does not is refused.
  EXPECT_TRUE(add({{luding_1, "present"}}, 1).ok());
  auto disagree = add({{luding_1, "present"}, {bomi_1, "absent"}}, 2);
  EXPECT_EQ(disagree.status().field(), "participants") << disagree.status().ToString();
  // Faults of the list name the item; nothing is written.
  const std::int64_t before = Count("pairing_activities");
  EXPECT_EQ(add({{luding_1, "present"}, {neither, "present"}}).status().field(), "attendance[1].member_id")
      << "a member of neither side";
  EXPECT_EQ(add({{luding_1, "present"}, {luding_1, "absent"}}).status().field(), "attendance[1].member_id");
  EXPECT_EQ(add({{luding_1, "late"}}).status().field(), "attendance[0].status");
  EXPECT_EQ(Count("pairing_activities"), before);
  // A bare number stays accepted where names were not taken.
  ASSERT_TRUE(pairings_->AddActivity(p->id, {"2025-07-01", "七一座谈", "", 25}, kNoUser).ok());

  auto list = pairings_->Activities(p->id);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].attendance, held->attendance) << "read back as written, by member id";
  EXPECT_EQ((*list)[1].attendance.size(), 1u);
  EXPECT_TRUE((*list)[2].attendance.empty());
  EXPECT_EQ((*list)[2].participants, 25);
  EXPECT_EQ(Count("pairing_activity_attendance"), 4);
  // The rows live with the activity (the pairing's unit and province), also for the Bomi member.
  std::set<std::string> provinces;
  ASSERT_TRUE(db_->Read([&](db::Session& s) {
                   return s.Query("SELECT DISTINCT a.province_code FROM pairing_activity_attendance a "
                                  "JOIN pairing_activities x ON x.id = a.activity_id AND x.unit_id = a.unit_id "
                                  "AND x.province_code = a.province_code",
                                  {}, [&](const db::Row& r) {
                                    provinces.insert(r.Text(0));
                                    return Status::Ok();
                                  });
                 }).ok());
  EXPECT_EQ(provinces, (std::set<std::string>{"51"}));
}

// ---- task teams -------------------------------------------------------------

TEST_P(OrgWorkTest, TaskTeamMembersJoinAndLeaveWithHistory) {
  const auto pema = Person(village_a_, "白玛");
  const auto dorje = Person(village_b_, "多吉", "activist");
  EXPECT_EQ(teams_->Create({village_a_, "", "x", "2025-01-01", std::nullopt}, kNoUser).status().field(), "name");
  EXPECT_EQ(teams_->Create({village_a_, "团", "", "2025-01-01", std::nullopt}, kNoUser).status().field(), "purpose");
  EXPECT_EQ(teams_->Create({village_a_, "团", "x", "2025-01-01", "2024-01-01"}, kNoUser).status().field(), "ends_on");
  auto team = teams_->Create({village_a_, "虫草采挖服务团", "采挖季政策宣讲与安全巡查", "2025-04-01", std::nullopt}, kNoUser);
  ASSERT_TRUE(team.ok()) << team.status().ToString();
  EXPECT_EQ(team->unit_code, 513322100201u);

  EXPECT_EQ(teams_->Join(team->id, pema, "2025-03-31").status().field(), "joined_on") << "before the team began";
  EXPECT_EQ(teams_->Join(team->id, 424242, "2025-04-02").status().field(), "member_id");
  ASSERT_TRUE(teams_->Join(team->id, pema, "2025-04-02").ok());
  ASSERT_TRUE(teams_->Join(team->id, dorje, "2025-04-10").ok()) << "any member may join, of any organization";
  EXPECT_EQ(teams_->Join(team->id, pema, "2025-04-05").status().code(), ErrorCode::kConflict);
  EXPECT_EQ(teams_->Leave(team->id, pema, "2025-04-01").status().field(), "left_on") << "before joining";
  auto left = teams_->Leave(team->id, pema, "2025-06-30");
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  EXPECT_EQ(left->left_on.value_or(""), "2025-06-30");
  EXPECT_EQ(teams_->Leave(team->id, pema, "2025-07-01").status().field(), "member_id") << "not in the team now";
  EXPECT_EQ(teams_->Join(team->id, pema, "2025-06-01").status().field(), "joined_on") << "overlaps the last stay";
  ASSERT_TRUE(teams_->Join(team->id, pema, "2025-08-01").ok()) << "rejoining opens a new stay";

  auto current = teams_->Members(team->id, false);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->size(), 2u);
  auto all = teams_->Members(team->id, true);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->back().member_id, pema) << "past stays after the current ones";
  EXPECT_EQ(all->back().left_on.value_or(""), "2025-06-30");
  auto of_pema = teams_->TeamsOf(pema);
  ASSERT_TRUE(of_pema.ok());
  ASSERT_EQ(of_pema->size(), 2u) << "two stays in one team";
  EXPECT_EQ((*of_pema)[0].joined_on, "2025-08-01") << "the current stay first";
  EXPECT_FALSE((*of_pema)[0].left_on.has_value());
  EXPECT_EQ((*of_pema)[1].left_on.value_or(""), "2025-06-30");
  EXPECT_EQ((*of_pema)[0].team_name, "虫草采挖服务团");
  EXPECT_EQ(teams_->Get(team->id)->member_count, 2);

  // Ending the team ends every current stay that day; history stays.
  EXPECT_EQ(teams_->End(team->id, "2025-07-31").status().field(), "on_date") << "a member joined after that";
  auto ended = teams_->End(team->id, "2025-10-31");
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_EQ(ended->ends_on.value_or(""), "2025-10-31");
  EXPECT_EQ(ended->member_count, 0);
  EXPECT_EQ(teams_->Members(team->id, true)->size(), 3u);
  EXPECT_EQ(teams_->ListForOrg(village_a_, false)->size(), 0u);
  EXPECT_EQ(teams_->ListForOrg(village_a_, true)->size(), 1u);
  EXPECT_EQ(teams_->Join(team->id, dorje, "2025-11-01").status().field(), "joined_on") << "after the team ended";
  EXPECT_EQ(Count("task_team_members"), 3) << "nothing is deleted";
}

// ---- the end of an organization, a member leaving, a split ------------------

TEST_P(OrgWorkTest, AConfirmedTransferEndsTheOfficesHeldInTheSendingOrganization) {
  const auto lhamo = Person(village_a_, "拉姆");
  ASSERT_TRUE(Appoint(village_a_, lhamo, "secretary", "2021-01-05").ok());
  ASSERT_TRUE(Appoint(village_b_, Person(village_b_, "央金"), "secretary", "2021-01-05").ok());
  auto t = members_->RequestTransfer(lhamo, village_b_, "迁居", kNoUser);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // Still pending: the term runs on.
  EXPECT_TRUE(officers_->ListForOrg(village_a_)->front().current());
  ASSERT_TRUE(members_->DecideTransfer(t->id, true, "", kNoUser).ok());
  auto a = officers_->ListForOrg(village_a_);
  ASSERT_TRUE(a.ok() && a->size() == 1u);
  EXPECT_EQ(a->front().ended_on, FormatDate(clock_->Today()));
  EXPECT_EQ(a->front().end_reason, "ended");
  // The receiving organization's officers are untouched.
  EXPECT_TRUE(officers_->ListForOrg(village_b_)->front().current());
}

TEST_P(OrgWorkTest, DissolvingEndsRunningTermsPairingsAndTaskTeams) {
  const auto herders = Org({"513322100201", town_, "branch", "甲村牧业支部", std::nullopt, std::nullopt, std::nullopt,
                            std::nullopt, "2020-01-01"});
  const auto dorje = Person(herders, "多吉");
  ASSERT_TRUE(Appoint(herders, dorje, "secretary", "2021-01-05").ok());
  auto pairing = pairings_->Create({herders, bomi_, "adjacent_area", "2025-01-01", std::nullopt, ""}, kNoUser);
  ASSERT_TRUE(pairing.ok()) << pairing.status().ToString();
  auto team = teams_->Create({herders, "护林队", "巡山护林", "2025-02-01", std::nullopt}, kNoUser);
  ASSERT_TRUE(team.ok()) << team.status().ToString();
  const auto helper = Person(village_a_, "措姆");
  ASSERT_TRUE(teams_->Join(team->id, helper, "2025-03-01").ok());

  // Dissolution needs an empty organization: Dorje moves to the other village first.
  auto t = members_->RequestTransfer(dorje, village_b_, "迁居", kNoUser);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE(members_->DecideTransfer(t->id, true, "", kNoUser).ok());
  auto gone = orgs_->Dissolve(herders, "2025-12-31", std::nullopt);
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();

  EXPECT_EQ(pairings_->Get(pairing->id)->ended_on, "2025-12-31");
  auto ended_team = teams_->Get(team->id);
  EXPECT_EQ(ended_team->ends_on, "2025-12-31");
  EXPECT_EQ(ended_team->member_count, 0);
  auto stays = teams_->Members(team->id, /*include_past=*/true);
  ASSERT_TRUE(stays.ok() && stays->size() == 1u);
  EXPECT_EQ(stays->front().left_on, "2025-12-31");
  // Bomi's side of the pairing is not a party to anything any more.
  auto bomi_pairings = pairings_->ListForOrg(bomi_, /*include_ended=*/false);
  EXPECT_TRUE(bomi_pairings.ok() && bomi_pairings->empty());
}

// A domain that must close something when an organization ends registers a
// hook: it runs in the dissolution's transaction, and its failure undoes it.
TEST_P(OrgWorkTest, AnOrgEndHookRunsInTheSameTransactionAndItsFailureUndoesTheEnd) {
  EXPECT_EQ(endings_.OrgEndedHooks(), (std::vector<std::string>{"officers", "pairings", "task_teams"}));
  EXPECT_EQ(endings_.MemberLeftHooks(), (std::vector<std::string>{"officers"}));
  const auto empty = Org({"513322100201", town_, "branch", "甲村临时支部"});
  std::vector<orgs::OrgEnd> seen;
  bool fail = true;
  endings_.OnOrgEnded("training", [&](db::Session&, const orgs::OrgEnd& end) -> Status {
    seen.push_back(end);
    if (fail) return Status::FailedPrecondition("培训班还没结业。", "A training class has not finished.");
    return Status::Ok();
  });
  auto refused = orgs_->Dissolve(empty, "2025-12-31", std::nullopt);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message_en(), "A training class has not finished.");
  EXPECT_EQ(orgs_->Get(empty)->status, "active") << "the dissolution rolled back";
  fail = false;
  ASSERT_TRUE(orgs_->Dissolve(empty, "2025-12-31", std::nullopt).ok());
  EXPECT_EQ(orgs_->Get(empty)->status, "dissolved");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].org_id, empty);
  EXPECT_EQ(seen[1].day, "2025-12-31");
  EXPECT_FALSE(seen[1].successor.has_value());
}

TEST_P(OrgWorkTest, MergingEndsTheMergedOfficesAndHandsItsTaskTeamsToTheSuccessor) {
  const auto small = Org({"513322100202", town_, "branch", "乙村二支部", std::nullopt, std::nullopt, std::nullopt,
                          std::nullopt, "2020-01-01"});
  const auto pema = Person(small, "白玛");
  ASSERT_TRUE(Appoint(small, pema, "secretary", "2021-01-05").ok());
  auto team = teams_->Create({small, "防汛队", "汛期值守", "2025-05-01", std::nullopt}, kNoUser);
  ASSERT_TRUE(team.ok()) << team.status().ToString();
  ASSERT_TRUE(teams_->Join(team->id, pema, "2025-05-01").ok());
  ASSERT_TRUE(orgs_->Merge(small, village_b_, "2025-12-01").ok());

  EXPECT_EQ(officers_->ListForOrg(small)->front().ended_on, "2025-12-01");
  auto moved = teams_->Get(team->id);
  EXPECT_EQ(moved->org_id, village_b_);
  EXPECT_FALSE(moved->ends_on.has_value());
  EXPECT_EQ(moved->member_count, 1);
}

TEST_P(OrgWorkTest, SplittingMovesTheListedMembersAndKeepsTheOriginalWithTheRest) {
  const auto big = Org({"513322100201", town_, "branch", "甲村大支部"});
  const auto a = Person(big, "格桑");
  const auto b = Person(big, "尼玛");
  const auto c = Person(big, "达瓦");
  ASSERT_TRUE(Appoint(big, a, "secretary", FormatDate(clock_->Today()).c_str()).ok());
  const std::string today = FormatDate(clock_->Today());
  auto split = orgs_->Split(big, {{"甲村一组支部", std::nullopt, std::nullopt, {a, b}, {}}}, today, std::nullopt);
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  ASSERT_EQ(split->size(), 2u);
  const auto& original = split->at(0);
  const auto& part = split->at(1);
  EXPECT_EQ(original.status, "active");
  EXPECT_EQ(original.member_count, 1);
  EXPECT_EQ(part.member_count, 2);
  EXPECT_EQ(part.split_from_id, big);
  EXPECT_EQ(part.parent_id, town_);
  EXPECT_EQ(part.kind, "branch");
  EXPECT_EQ(part.established_on, today);
  EXPECT_EQ(members_->Get(a)->org_id, part.id);
  EXPECT_EQ(members_->Get(c)->org_id, big);
  // The secretary moved, so her office in the original ended.
  EXPECT_EQ(officers_->ListForOrg(big)->front().ended_on, today);
}

TEST_P(OrgWorkTest, ABadSplitNamesThePartAndFieldAndWritesNothing) {
  const auto big = Org({"513322100201", town_, "branch", "甲村大支部"});
  const auto a = Person(big, "格桑");
  const auto b = Person(big, "尼玛");
  const auto stranger = Person(village_b_, "外人");
  const std::string today = FormatDate(clock_->Today());
  const std::int64_t orgs_before = Count("organizations");
  auto field_of = [&](std::vector<orgs::SplitPart> parts, const std::string& on = "") {
    return orgs_->Split(big, parts, on.empty() ? today : on, std::nullopt).status().field();
  };
  EXPECT_EQ(field_of({}), "parts");
  EXPECT_EQ(field_of({{"", std::nullopt, std::nullopt, {a}, {}}}), "parts[0].name");
  EXPECT_EQ(field_of({{"一组", std::nullopt, std::nullopt, {}, {}}}), "parts[0].member_ids");
  EXPECT_EQ(field_of({{"一组", std::nullopt, std::nullopt, {a}, {}}, {"二组", std::nullopt, std::nullopt, {stranger}, {}}}),
            "parts[1].member_ids");
  EXPECT_EQ(field_of({{"一组", std::nullopt, std::nullopt, {a}, {}}, {"二组", std::nullopt, std::nullopt, {a, b}, {}}}),
            "parts[1].member_ids");
  EXPECT_EQ(field_of({{"一组", std::nullopt, std::nullopt, {a}, {}}, {"一组", std::nullopt, std::nullopt, {b}, {}}}),
            "parts[1].name");
  EXPECT_EQ(field_of({{"一组", std::string("temporary_branch"), std::nullopt, {a}, {}}}), "parts[0].kind");
  EXPECT_EQ(field_of({{"一组", std::nullopt, std::string("540424100"), {a}, {}}}), "parts[0].unit_code");
  EXPECT_EQ(field_of({{"一组", std::nullopt, std::nullopt, {a}, {}}}, "2019-01-01"), "on_date");
  auto t = members_->RequestTransfer(b, village_b_, "迁居", kNoUser);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(orgs_->Split(big, {{"一组", std::nullopt, std::nullopt, {b}, {}}}, today, std::nullopt).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Count("organizations"), orgs_before);
  EXPECT_EQ(members_->Get(a)->org_id, big);
}

INSTANTIATE_TEST_SUITE_P(Engines, OrgWorkTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::members
