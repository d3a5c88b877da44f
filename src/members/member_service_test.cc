#include "members/member_service.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "db/testing/migrated_database_test.h"
#include "hierarchy/testing/seed_units.h"
#include "people/testing/test_vault.h"
#include "members/dues_service.h"
#include "members/meeting_service.h"
#include "orgs/org_service.h"
#include "members/task_team_service.h"
#include "orgs/pairing_service.h"
#include "orgs/officer_service.h"

namespace jiceng::members {
namespace {

using db::Value;

// Steps recorded without an account (the HTTP layer passes the signed-in user).
const std::optional<std::int64_t> kNoUser;

// A slice of the hierarchy: Luding county with a town and two villages (and
// a villager group), Bomi county with a town — inserted as the importer would.
// Runs on every engine (db/testing/test_database.h).
class MemberServiceTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(hierarchy::testing::SeedUnits(*db_, hierarchy::testing::LudingAndBomi()).ok());
    hierarchy_ = std::move(hierarchy::HierarchyService::Load(*db_)).value();
    ASSERT_TRUE(hierarchy_->AddGroup("513322100201", "一组").ok());
    rules_ = std::make_unique<MembershipRules>(std::move(MembershipRules::LoadDefault()).value());
    // The hooks the server registers (cli/app.cc).
    orgs::RegisterOfficerEndings(endings_);
    orgs::RegisterPairingEndings(endings_);
    RegisterTaskTeamEndings(endings_);
    orgs_ = std::make_unique<orgs::OrgService>(*db_, *hierarchy_, changes_, *clock_, &endings_);
    members_ = std::make_unique<MemberService>(*db_, *hierarchy_, *rules_, changes_, people::testing::TestVault(), *clock_, &endings_);
    county_ = Org({"513322", std::nullopt, "committee", "中共泸定县委"});
    town_ = Org({"513322100", county_, "committee", "中共泸桥镇委"});
    village_a_ = Org({"513322100201", town_, "branch", "甲村支部"});
    village_b_ = Org({"513322100202", town_, "branch", "乙村支部"});
  }
  void TearDown() override {
    members_.reset();
    orgs_.reset();
    hierarchy_.reset();
  }
  std::int64_t Org(orgs::OrgInput in) {
    auto o = orgs_->Create(in);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    return o.ok() ? o->id : 0;
  }
  MemberInput Person(std::int64_t org, const char* name = "张三", const char* stage = "activist",
                     const char* since = "2025-01-01") {
    MemberInput in;
    in.org_id = org;
    in.name = name;
    in.gender = "male";
    in.birth_date = "1990-01-01";
    in.stage = stage;
    in.stage_since = since;
    in.situation = "rural_labour";
    return in;
  }

  // Real time in the business time zone (Asia/Shanghai): "today" as the services see it.
  std::unique_ptr<SystemBusinessClock> clock_ = std::move(SystemBusinessClock::Create()).value();
  std::unique_ptr<hierarchy::HierarchyService> hierarchy_;
  std::unique_ptr<MembershipRules> rules_;
  analytics::NoChangeSink changes_;
  orgs::OrgEndings endings_;
  std::unique_ptr<orgs::OrgService> orgs_;
  std::unique_ptr<MemberService> members_;
  std::int64_t county_ = 0, town_ = 0, village_a_ = 0, village_b_ = 0;
};

TEST_P(MemberServiceTest, CreateChecksEveryFieldAndNamesIt) {
  auto ok = members_->Create(Person(village_a_), kNoUser);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->unit_code, 513322100201u);
  auto field_of = [&](MemberInput in) { return members_->Create(in, kNoUser).status().field(); };
  auto in = Person(village_a_);
  in.name = " ";
  EXPECT_EQ(field_of(in), "name");
  in = Person(village_a_);
  in.birth_date = "2015-01-01";  // under 18
  EXPECT_EQ(field_of(in), "birth_date");
  in = Person(village_a_);
  in.birth_date = "1990-02-30";
  EXPECT_EQ(field_of(in), "birth_date");
  in = Person(village_a_);
  in.id_number = "513322199001010016";  // wrong check digit
  EXPECT_EQ(field_of(in), "id_number");
  in = Person(village_a_);
  in.id_number = "540424198506150028";  // valid, but another birth date
  EXPECT_EQ(field_of(in), "id_number");
  in = Person(village_a_);
  in.stage = "member";
  EXPECT_EQ(field_of(in), "stage");
  in = Person(village_a_);
  in.situation = "farmer";
  EXPECT_EQ(field_of(in), "situation");
  in = Person(999);
  EXPECT_EQ(members_->Create(in, kNoUser).status().code(), ErrorCode::kNotFound);
  // The same ID number twice is the same person registered twice.
  in = Person(village_a_);
  in.id_number = "513322199001010015";
  ASSERT_TRUE(members_->Create(in, kNoUser).ok());
  auto dup = members_->Create(in, kNoUser);
  EXPECT_EQ(dup.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(dup.status().field(), "id_number");
}

TEST_P(MemberServiceTest, AdvanceRecordsDatedStepsAndCountsRollUp) {
  auto m = *members_->Create(Person(village_a_, "张三", "activist", "2024-06-01"), kNoUser);
  auto early = members_->Advance(m.id, "candidate", "2025-05-31", "", kNoUser);
  EXPECT_EQ(early.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(early.status().message_zh().find("2025-06-01"), std::string::npos);
  auto step = members_->Advance(m.id, "candidate", "2025-06-01", "支部大会讨论通过", kNoUser);
  ASSERT_TRUE(step.ok()) << step.status().ToString();
  EXPECT_EQ(step->stage, "candidate");
  ASSERT_TRUE(members_->Advance(m.id, "probationary", "2025-07-01", "", kNoUser).ok());
  auto timeline = *members_->Timeline(m.id);
  ASSERT_EQ(timeline.size(), 3u);
  EXPECT_EQ(timeline[1].note, "支部大会讨论通过");
  EXPECT_EQ(timeline[2].to_stage, "probationary");
  // The county sees the village's figures; Bomi does not.
  auto county = *members_->Figures(513322, "2025-01-01", "2026-01-01");
  EXPECT_EQ(county.by_stage["probationary"], 1);
  EXPECT_EQ(county.entered["candidate"], 1);
  EXPECT_EQ(county.entered["probationary"], 1);
  EXPECT_EQ(members_->Figures(540424, "2025-01-01", "2026-01-01")->by_stage["probationary"], 0);
}

TEST_P(MemberServiceTest, TransfersMoveMembersOnlyWhenConfirmed) {
  auto m = *members_->Create(Person(village_a_), kNoUser);
  auto t = members_->RequestTransfer(m.id, village_b_, "迁居", kNoUser);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(members_->Get(m.id)->status, "in_transit");
  EXPECT_EQ(members_->RequestTransfer(m.id, county_, "", kNoUser).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(members_->Advance(m.id, "candidate", "2026-06-01", "", kNoUser).status().code(), ErrorCode::kFailedPrecondition);
  // Rejecting needs a reason; the member is back where they were.
  EXPECT_EQ(members_->DecideTransfer(t->id, false, " ", kNoUser).status().field(), "reason");
  ASSERT_TRUE(members_->DecideTransfer(t->id, false, "材料不全", kNoUser).ok());
  auto back = *members_->Get(m.id);
  EXPECT_EQ(back.status, "active");
  EXPECT_EQ(back.org_id, village_a_);
  EXPECT_EQ(members_->DecideTransfer(t->id, true, "", kNoUser).status().code(), ErrorCode::kFailedPrecondition);
  // A new request, confirmed: the member and their unit move.
  auto t2 = *members_->RequestTransfer(m.id, village_b_, "", kNoUser);
  ASSERT_TRUE(members_->DecideTransfer(t2.id, true, "", kNoUser).ok());
  auto moved = *members_->Get(m.id);
  EXPECT_EQ(moved.org_id, village_b_);
  EXPECT_EQ(moved.unit_code, 513322100202u);
  EXPECT_EQ(moved.status, "active");
}

// Every per-place row names its owner's province (docs/scaling.md): a member's
// records follow the member across a provincial border; the organization's
// records (meetings and their attendance) stay with the organization.
TEST_P(MemberServiceTest, ACrossProvinceTransferMovesTheMembersRecordsToTheNewProvince) {
  DuesService dues(*db_, changes_, *clock_);
  MeetingService meetings(*db_, *rules_, changes_, *clock_);
  const auto bomi = Org({"540424100", std::nullopt, "committee", "中共扎木镇委"});
  auto m = *members_->Create(Person(village_a_, "张三", "activist", "2024-06-01"), kNoUser);
  const int year = static_cast<int>(std::chrono::year_month_day(clock_->Today()).year());
  const std::string y = std::to_string(year);
  ASSERT_TRUE(members_->Advance(m.id, "candidate", "2025-06-01", "", kNoUser).ok());
  ASSERT_TRUE(dues.SetStandard(m.id, 200, y + "-01").ok());
  ASSERT_TRUE(dues.RecordPayment(m.id, y + "-01", 200, y + "-01-10", kNoUser).ok());
  auto card = dues.IssueCard(m.id, "LD-0009", "2026-01-05");
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  ASSERT_TRUE(dues.ReviewCard(card->id, year, "valid", "").ok());
  ASSERT_TRUE(meetings.Record(village_a_, "committee", y + "-01-15", "x", {{m.id, "present"}}, kNoUser).ok());
  ASSERT_TRUE(meetings.Review(village_a_, year - 1, "compliant", "", kNoUser).ok());
  // The province codes `sql` returns; every placeholder is bound to `id`.
  auto provinces = [&](const std::string& sql, std::int64_t id) {
    std::vector<std::string> got;
    const db::Params params(static_cast<std::size_t>(std::count(sql.begin(), sql.end(), '?')), Value(id));
    EXPECT_TRUE(db_->Read([&](db::Session& s) {
      return s.Query(sql, params, [&](const db::Row& r) {
        got.push_back(r.Text(0));
        return Status::Ok();
      });
    }).ok());
    return got;
  };
  const std::string member_rows =
      "SELECT province_code FROM members WHERE id = ? UNION ALL "
      "SELECT province_code FROM member_stage_events WHERE member_id = ? UNION ALL "
      "SELECT province_code FROM transfers WHERE member_id = ? UNION ALL "
      "SELECT province_code FROM dues_standards WHERE member_id = ? UNION ALL "
      "SELECT province_code FROM dues_payments WHERE member_id = ? UNION ALL "
      "SELECT province_code FROM member_cards WHERE member_id = ? UNION ALL "
      "SELECT r.province_code FROM card_reviews r JOIN member_cards c ON c.id = r.card_id WHERE c.member_id = ?";
  const std::string org_rows =
      "SELECT province_code FROM meetings WHERE org_id = ? UNION ALL "
      "SELECT a.province_code FROM meeting_attendance a JOIN meetings mt ON mt.id = a.meeting_id WHERE mt.org_id = ? "
      "UNION ALL SELECT province_code FROM meeting_reviews WHERE org_id = ?";
  auto all = [](std::size_t n, const char* p) { return std::vector<std::string>(n, p); };
  // member, 2 stage events, standard, payment, card, review
  EXPECT_EQ(provinces(member_rows, m.id), all(7, "51"));
  EXPECT_EQ(provinces(org_rows, village_a_), all(3, "51"));

  auto t = *members_->RequestTransfer(m.id, bomi, "迁居", kNoUser);
  EXPECT_EQ(provinces(member_rows, m.id), all(8, "51")) << "a pending transfer is the member's, still in Sichuan";
  ASSERT_TRUE(members_->DecideTransfer(t.id, true, "", kNoUser).ok());
  EXPECT_EQ(provinces(member_rows, m.id), all(8, "54"));
  EXPECT_EQ(provinces(org_rows, village_a_), all(3, "51")) << "the branch's meetings stay with the branch";

  // A merge across the border moves the members and their records the same way.
  auto other = *members_->Create(Person(village_b_, "李四"), kNoUser);
  ASSERT_TRUE(dues.SetStandard(other.id, 100, y + "-01").ok());
  ASSERT_TRUE(orgs_->Merge(village_b_, bomi, FormatDate(clock_->Today())).ok());
  EXPECT_EQ(provinces(member_rows, other.id), all(3, "54"));
}

TEST_P(MemberServiceTest, UnansweredTransfersShowAsOverdue) {
  auto m = *members_->Create(Person(village_a_), kNoUser);
  auto t = *members_->RequestTransfer(m.id, village_b_, "", kNoUser);
  EXPECT_FALSE(t.overdue);
  ASSERT_TRUE(db_->Write([&](db::Session& s) {
    return s.Exec("UPDATE transfers SET requested_on = ? WHERE id = ?",
                  {Value(FormatDate(clock_->Today() - std::chrono::days(31))), Value(t.id)}).status();
  }).ok());
  EXPECT_TRUE(members_->GetTransfer(t.id)->overdue);
  auto listed = *members_->ListTransfers({"513322100202"}, false, std::string("pending"));
  ASSERT_EQ(listed.size(), 1u) << "the receiving side sees it";
  EXPECT_TRUE(listed[0].overdue);
  EXPECT_TRUE(members_->ListTransfers({"540424"}, false, std::nullopt)->empty());
}

TEST_P(MemberServiceTest, DissolveNeedsAnEmptyOrganizationAndMergeMovesMembers) {
  auto m = *members_->Create(Person(village_a_), kNoUser);
  auto refused = orgs_->Dissolve(village_a_, "2026-06-01", std::nullopt);
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message_zh().find("还有 1 名党员"), std::string::npos);
  auto merged = orgs_->Merge(village_a_, village_b_, "2026-06-01");
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(merged->status, "merged");
  EXPECT_EQ(*merged->successor_id, village_b_);
  EXPECT_EQ(members_->Get(m.id)->org_id, village_b_);
  EXPECT_EQ(members_->Get(m.id)->unit_code, 513322100202u);
  EXPECT_EQ(orgs_->Get(village_b_)->member_count, 1);
  // Ended organizations keep their row and are listed when asked.
  orgs::OrgFilter f{{"513322"}, false, std::nullopt, true, 0, 50};
  EXPECT_EQ(orgs_->List(f)->second, 4u);
  f.include_ended = false;
  EXPECT_EQ(orgs_->List(f)->second, 3u);
}

TEST_P(MemberServiceTest, CoverageCountsPermanentOrganizationsAndJointBranches) {
  auto c = *orgs_->CoverageOf(513322, 10);
  EXPECT_EQ(c.villages.total, 2u);
  EXPECT_EQ(c.villages.covered, 2u);
  EXPECT_EQ(c.groups.total, 1u);
  EXPECT_EQ(c.groups.covered, 0u);
  ASSERT_EQ(c.groups.uncovered.size(), 1u);
  // A temporary branch does not cover; a joint branch covering the group does.
  orgs::OrgInput temp{"513322100201001", town_, "temporary_branch", "采挖季临时支部"};
  temp.temp_reason = "虫草采挖季";
  temp.starts_on = "2026-05-01";
  Org(temp);
  EXPECT_EQ(orgs_->CoverageOf(513322, 10)->groups.covered, 0u);
  orgs::OrgInput joint{"513322100202", town_, "joint_branch", "联合支部"};
  joint.covered_units = {"513322100201001"};
  Org(joint);
  EXPECT_EQ(orgs_->CoverageOf(513322, 10)->groups.covered, 1u);
  // Two-new organizations count once registered.
  auto t = orgs_->RegisterTwoNew("513322100", "泸定某公司", "enterprise", std::nullopt);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(orgs_->CoverageOf(513322, 10)->two_new.covered, 0u);
  orgs::OrgInput firm{"513322100", town_, "branch", "某公司支部"};
  firm.two_new_id = t->id;
  Org(firm);
  auto after = *orgs_->CoverageOf(513322, 10);
  EXPECT_EQ(after.two_new.total, 1u);
  EXPECT_EQ(after.two_new.covered, 1u);
}

TEST_P(MemberServiceTest, OrganizationRulesAreEnforced) {
  // A parent must sit at the unit or above it.
  auto wrong_parent = orgs_->Create({"513322100", village_a_, "branch", "x"});
  EXPECT_EQ(wrong_parent.status().field(), "parent_id");
  auto temp = orgs_->Create({"513322100", town_, "temporary_branch", "临时支部"});
  EXPECT_EQ(temp.status().field(), "temp_reason");
  orgs::OrgInput bad_dates{"513322100", town_, "temporary_branch", "临时支部"};
  bad_dates.temp_reason = "抗震救灾";
  bad_dates.starts_on = "2026-05-01";
  bad_dates.ends_on = "2026-04-01";
  EXPECT_EQ(orgs_->Create(bad_dates).status().field(), "ends_on");
  EXPECT_EQ(orgs_->Create({"513322100", town_, "cell", "x"}).status().field(), "kind");
  orgs::OrgInput not_joint{"513322100", town_, "branch", "x"};
  not_joint.covered_units = {"513322100201"};
  EXPECT_EQ(orgs_->Create(not_joint).status().field(), "covered_units");
}

TEST_P(MemberServiceTest, DuesArithmeticIsInFenAndArrearsAreDerived) {
  DuesService dues(*db_, changes_, *clock_);
  auto m = *members_->Create(Person(village_a_), kNoUser);
  const int year = static_cast<int>(std::chrono::year_month_day(clock_->Today()).year());
  const std::string y = std::to_string(year);
  ASSERT_TRUE(dues.SetStandard(m.id, 200, y + "-01").ok());   // ¥2.00 a month
  ASSERT_TRUE(dues.SetStandard(m.id, 350, y + "-03").ok());   // ¥3.50 from March
  ASSERT_TRUE(dues.RecordPayment(m.id, y + "-01", 200, y + "-01-10", kNoUser).ok());
  ASSERT_TRUE(dues.RecordPayment(m.id, y + "-03", 100, y + "-03-10", kNoUser).ok());  // short by 250
  EXPECT_EQ(dues.RecordPayment(m.id, y + "-01", 200, y + "-01-11", kNoUser).code(), ErrorCode::kConflict);
  EXPECT_EQ(dues.RecordPayment(m.id, y + "-13", 200, y + "-01-11", kNoUser).field(), "month");
  EXPECT_EQ(dues.RecordPayment(m.id, y + "-02", 0, y + "-01-11", kNoUser).field(), "amount_fen");
  EXPECT_EQ(dues.SetStandard(m.id, -1, y + "-01").field(), "monthly_fen");
  auto months = *dues.MemberYear(m.id, year);
  const int current_month = static_cast<int>(static_cast<unsigned>(std::chrono::year_month_day(clock_->Today()).month()));
  ASSERT_EQ(static_cast<int>(months.size()), current_month);
  EXPECT_EQ(months[0].due_fen, 200);
  EXPECT_EQ(months[0].arrears_fen(), 0);
  EXPECT_EQ(months[1].arrears_fen(), 200);
  EXPECT_EQ(months[2].due_fen, 350);
  EXPECT_EQ(months[2].arrears_fen(), 250);
  auto org = *dues.OrgYear(village_a_, year);
  ASSERT_EQ(org.size(), 1u);
  EXPECT_EQ(org[0].paid_fen, 300);
  EXPECT_EQ(org[0].due_fen, 200 * 2 + 350 * (current_month - 2));
  EXPECT_EQ(org[0].arrears_fen, org[0].due_fen - 300);
  EXPECT_EQ(org[0].months_in_arrears, current_month - 1);
}

TEST_P(MemberServiceTest, CardsAreIssuedOnceAndReviewedYearly) {
  DuesService cards(*db_, changes_, *clock_);
  auto m = *members_->Create(Person(village_a_), kNoUser);
  auto other = *members_->Create(Person(village_b_, "李四"), kNoUser);
  const int year = static_cast<int>(std::chrono::year_month_day(clock_->Today()).year());
  auto card = cards.IssueCard(m.id, "LD-0001", "2026-01-05");
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  EXPECT_EQ(cards.IssueCard(m.id, "LD-0002", "2026-01-05").status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(cards.IssueCard(other.id, "LD-0001", "2026-01-05").status().field(), "number");
  ASSERT_TRUE(cards.IssueCard(other.id, "LD-0002", "2026-01-05").ok());
  ASSERT_TRUE(cards.ReviewCard(card->id, year, "needs_correction", "照片不清").ok());
  EXPECT_EQ(cards.ReviewCard(card->id, year, "valid", "").status().field(), "year");
  EXPECT_EQ(cards.ReviewCard(card->id, year - 1, "expired", "").status().field(), "result");
  auto f = *cards.CardFiguresOf(513322, year);
  EXPECT_EQ(f.issued, 2);
  EXPECT_EQ(f.valid, 1);
  EXPECT_EQ(f.reviewed, 1);
  EXPECT_EQ(f.needs_correction, 1);
  EXPECT_EQ(cards.CardFiguresOf(513322100202, year)->issued, 1);
}

TEST_P(MemberServiceTest, MeetingComplianceMarksHeldMissedAndDue) {
  MeetingService meetings(*db_, *rules_, changes_, *clock_);
  auto m = *members_->Create(Person(village_a_), kNoUser);
  const auto today = std::chrono::year_month_day(clock_->Today());
  const int year = static_cast<int>(today.year());
  const std::string y = std::to_string(year);
  auto held = meetings.Record(village_a_, "committee", y + "-01-15", "学习会议精神",
                              {{m.id, "present"}}, kNoUser);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(meetings.Record(village_a_, "dinner", y + "-01-15", "x", {}, kNoUser).status().field(), "kind");
  // Attendance errors name the item (events/attendance.h).
  EXPECT_EQ(meetings.Record(village_a_, "committee", y + "-01-15", "x", {{m.id, "late"}}, kNoUser).status().field(),
            "attendance[0].status");
  EXPECT_EQ(meetings.Record(village_b_, "committee", y + "-01-15", "x", {{m.id, "present"}}, kNoUser).status().field(),
            "attendance[0].member_id") << "a member of another branch";
  auto rows = *meetings.Compliance(village_a_, year);
  const auto* committee = &rows[0];
  for (const auto& r : rows) if (r.kind == "committee") committee = &r;
  const int months = static_cast<int>(static_cast<unsigned>(today.month()));
  EXPECT_EQ(committee->due, months);
  EXPECT_EQ(committee->held, 1);
  EXPECT_EQ(committee->cells[0].state, "held");
  EXPECT_EQ(committee->cells.back().state, months == 1 ? "held" : "due") << "the current month is not missed yet";
  EXPECT_EQ(committee->missed, months >= 2 ? months - 2 : 0);
  // The county sees every active branch of its subtree (its two committees
  // are not held to a branch's calendar).
  std::int64_t orgs = 0;
  auto subtree = *meetings.SubtreeCompliance(513322, year, &orgs);
  EXPECT_EQ(orgs, 2);
  for (const auto& r : subtree) {
    if (r.kind == "committee") {
      EXPECT_EQ(r.held, 1);
      EXPECT_EQ(r.due, 2 * months);
    }
  }
  ASSERT_TRUE(meetings.Review(village_a_, year, "needs_improvement", "委员会会议不足", kNoUser).ok());
  EXPECT_EQ(meetings.Review(village_a_, year, "compliant", "", kNoUser).status().code(), ErrorCode::kConflict);
  EXPECT_EQ((*meetings.ReviewOf(village_a_, year))->result, "needs_improvement");
}

// Issue #15: committees and general branches are not held to a branch's
// calendar (membership.yaml, binds): their rows say so and miss nothing, what
// they held still shows, and a subtree's figures count the branches only.
TEST_P(MemberServiceTest, CommitteesAndGeneralBranchesAreNotHeldToABranchsCalendar) {
  // Mid-June 2026: six months due, the first five of them past.
  auto june = ManualClock::Create(*ParseUtcIso("2026-06-15T04:00:00Z"));
  ASSERT_TRUE(june.ok()) << june.status().ToString();
  MeetingService meetings(*db_, *rules_, changes_, **june);
  const int year = 2026, months = 6;
  const std::string y = "2026";
  const auto general = Org({"513322100201", town_, "general_branch", "甲村党总支"});
  const auto joint = Org({"513322100202", town_, "joint_branch", "乙村联合党支部"});
  // The town's committee meets, the general branch does not, one branch holds one meeting.
  ASSERT_TRUE(meetings.Record(town_, "general", y + "-01-20", "镇党委扩大会议", {}, kNoUser).ok());
  ASSERT_TRUE(meetings.Record(village_a_, "theme_day", y + "-02-05", "主题党日", {}, kNoUser).ok());
  for (std::int64_t org : {town_, general, county_}) {
    auto rows = meetings.Compliance(org, year);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_EQ(rows->size(), rules_->meetings().size()) << "every kind listed, so that any can be recorded";
    for (const ComplianceRow& r : *rows) {
      EXPECT_FALSE(r.bound) << org << " " << r.kind;
      EXPECT_EQ(r.due, 0) << org << " " << r.kind;
      EXPECT_EQ(r.missed, 0) << org << " " << r.kind;
      for (const ComplianceCell& c : r.cells) EXPECT_EQ(c.state, "held") << org << " " << r.kind << " " << c.period;
    }
  }
  // What the committee held still shows.
  const auto town_rows = meetings.Compliance(town_, year);
  ASSERT_TRUE(town_rows.ok()) << town_rows.status().ToString();
  for (const ComplianceRow& r : *town_rows) {
    if (r.kind != "general") continue;
    EXPECT_EQ(r.held, 1);
    ASSERT_EQ(r.cells.size(), 1u);
    EXPECT_EQ(r.cells[0].period, y + "-Q1");
  }
  // A branch and a joint branch are held to it: months passed without a meeting are missed.
  for (std::int64_t org : {village_b_, joint}) {
    const auto rows = meetings.Compliance(org, year);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    for (const ComplianceRow& r : *rows) {
      EXPECT_TRUE(r.bound) << org << " " << r.kind;
      if (r.kind == "theme_day") {
        EXPECT_EQ(r.due, months);
        EXPECT_EQ(r.missed, months - 1);
      }
    }
  }
  // The subtree: the three branches only; the committee's meeting is not counted.
  std::int64_t orgs = 0;
  auto subtree = meetings.SubtreeCompliance(513322, year, &orgs);
  ASSERT_TRUE(subtree.ok()) << subtree.status().ToString();
  EXPECT_EQ(orgs, 3) << "the two branches and the joint branch; not the two committees nor the general branch";
  for (const ComplianceRow& r : *subtree) {
    if (r.kind == "general") {
      EXPECT_EQ(r.held, 0) << "the town committee's meeting is not a branch's";
      EXPECT_EQ(r.due, 3 * ((months + 2) / 3));
    }
    if (r.kind == "theme_day") {
      EXPECT_EQ(r.held, 1);
      EXPECT_EQ(r.due, 3 * months);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, MemberServiceTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::members
