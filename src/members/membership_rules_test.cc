// The development pipeline's rules as a table: from, since, to, on -> result.
#include "members/membership_rules.h"

#include <gtest/gtest.h>

#include "analytics/indicator.h"

namespace jiceng::members {
namespace {

struct Case {
  const char* from;
  const char* since;
  const char* to;
  const char* on;
  ErrorCode expected;
  const char* message_has;  // in the Chinese message, or ""
};

// "Today" for every case is 2026-11-23.
const Case kCases[] = {
    {"applicant", "2026-01-01", "activist", "2026-01-01", ErrorCode::kOk, ""},
    {"activist", "2025-11-23", "candidate", "2026-11-23", ErrorCode::kOk, ""},
    {"activist", "2025-11-24", "candidate", "2026-11-23", ErrorCode::kFailedPrecondition, "最早可在 2026-11-24"},
    {"activist", "2026-03-01", "candidate", "2026-06-01", ErrorCode::kFailedPrecondition, "至少需要 365 天"},
    {"candidate", "2026-06-01", "probationary", "2026-06-02", ErrorCode::kOk, ""},
    {"probationary", "2025-11-23", "full", "2026-11-23", ErrorCode::kOk, ""},
    {"probationary", "2026-01-01", "full", "2026-11-23", ErrorCode::kFailedPrecondition, "2027-01-01"},
    {"applicant", "2026-01-01", "candidate", "2026-05-01", ErrorCode::kFailedPrecondition, "下一步只能是“入党积极分子”"},
    {"activist", "2024-01-01", "full", "2026-05-01", ErrorCode::kFailedPrecondition, "发展对象"},
    {"candidate", "2026-01-01", "activist", "2026-05-01", ErrorCode::kFailedPrecondition, ""},
    {"full", "2020-01-01", "applicant", "2026-05-01", ErrorCode::kFailedPrecondition, ""},
    {"candidate", "2026-06-01", "probationary", "2026-05-31", ErrorCode::kInvalidArgument, "不能早于"},
    {"candidate", "2026-06-01", "probationary", "2026-11-24", ErrorCode::kInvalidArgument, "不能晚于今天"},
};

TEST(MembershipRules, PipelineTable) {
  auto rules = MembershipRules::LoadDefault();
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  const Date today = *ParseDate("2026-11-23");
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.from) + " since " + c.since + " -> " + c.to + " on " + c.on);
    Status st = rules->CheckAdvance(*rules->FindStage(c.from), *ParseDate(c.since), *rules->FindStage(c.to),
                                    *ParseDate(c.on), today);
    EXPECT_EQ(st.code(), c.expected) << st.ToString();
    EXPECT_NE(st.message_zh().find(c.message_has), std::string::npos) << st.message_zh();
  }
}

TEST(MembershipRules, ShippedRulesMatchTheDomain) {
  auto rules = MembershipRules::LoadDefault();
  ASSERT_TRUE(rules.ok());
  ASSERT_EQ(rules->stages().size(), 5u);
  EXPECT_EQ(rules->stages().front().id, "applicant");
  EXPECT_EQ(rules->FindStage("activist")->min_days, 365);
  EXPECT_EQ(rules->FindStage("probationary")->min_days, 365);
  EXPECT_EQ(rules->transfer_overdue_days(), 30);
}

TEST(MembershipRules, BadDefinitionsAreRefusedWithTheirLine) {
  auto r = MembershipRules::LoadText("stages:\n  - {id: a, name: {zh: A, en: A}, min_days: -1}\n  - {id: b, name: {zh: B, en: B}}\n",
                                     "membership.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message_en().find("membership.yaml:2"), std::string::npos) << r.status().message_en();
  EXPECT_FALSE(MembershipRules::LoadText("stages: []", "x").ok());
}

// The calendar indicators meetings.due and meetings.periods_held repeat the
// meeting frequencies and the organization kinds they bind in their SQL
// (definitions/indicators/members.yaml): they must name exactly the kinds,
// frequencies and bound organization kinds of membership.yaml.
TEST(MembershipRules, MeetingIndicatorsUseTheConfiguredFrequencies) {
  auto rules = MembershipRules::LoadDefault();
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  auto defs = analytics::LoadIndicators();
  ASSERT_TRUE(defs.ok()) << defs.status().ToString();
  std::size_t bindings = 0;
  for (const MeetingKind& k : rules->meetings()) bindings += k.binds.size();
  for (const char* id : {"meetings.due", "meetings.periods_held"}) {
    const analytics::IndicatorDef* def = nullptr;
    for (const auto& d : *defs) {
      if (d.id == id) def = &d;
    }
    ASSERT_NE(def, nullptr) << id;
    std::size_t rows = 0;
    for (std::size_t at = def->select.find("UNION ALL SELECT '"); at != std::string::npos;
         at = def->select.find("UNION ALL SELECT '", at + 1)) {
      ++rows;
    }
    EXPECT_EQ(rows + 1, bindings) << id << ": one row per kind of meeting and organization kind it binds";
    for (const MeetingKind& k : rules->meetings()) {
      for (const std::string& b : k.binds) {
        const bool first = def->select.find("SELECT '" + k.id + "' AS kind, '" + k.every + "' AS every, '" + b +
                                            "' AS org_kind") != std::string::npos;
        const bool later = def->select.find("SELECT '" + k.id + "', '" + k.every + "', '" + b + "'") != std::string::npos;
        EXPECT_TRUE(first || later) << id << " does not count " << k.id << " every " << k.every << " for " << b;
      }
    }
  }
}

// Each meeting kind says which organization kinds its frequency binds; the
// loader refuses a missing list or an unknown kind, naming the line.
TEST(MembershipRules, MeetingKindsNameTheOrganizationKindsTheyBind) {
  auto rules = MembershipRules::LoadDefault();
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  for (const MeetingKind& k : rules->meetings()) {
    EXPECT_TRUE(k.Binds("branch")) << k.id;
    EXPECT_FALSE(k.Binds("committee")) << k.id << ": a committee is not held to a branch's calendar";
    EXPECT_FALSE(k.Binds("general_branch")) << k.id;
  }
  const std::string stages = "stages:\n  - {id: a, name: {zh: A, en: A}}\n  - {id: b, name: {zh: B, en: B}}\nmeetings:\n";
  auto missing = MembershipRules::LoadText(stages + "  general: {zh: 大会, en: General, every: quarter}\n", "membership.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message_en().find("membership.yaml:5"), std::string::npos) << missing.status().message_en();
  EXPECT_NE(missing.status().message_en().find("binds"), std::string::npos) << missing.status().message_en();
  auto unknown = MembershipRules::LoadText(
      stages + "  general: {zh: 大会, en: General, every: quarter, binds: [branch, brnch]}\n", "membership.yaml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message_en().find("brnch"), std::string::npos) << unknown.status().message_en();
  EXPECT_NE(unknown.status().message_zh().find("brnch"), std::string::npos) << unknown.status().message_zh();
  auto twice = MembershipRules::LoadText(
      stages + "  general: {zh: 大会, en: General, every: quarter, binds: [branch, branch]}\n", "membership.yaml");
  EXPECT_FALSE(twice.ok());
  auto fine = MembershipRules::LoadText(
      stages + "  general: {zh: 大会, en: General, every: quarter, binds: [committee]}\n", "membership.yaml");
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_TRUE(fine->meetings().at(0).Binds("committee"));
  EXPECT_FALSE(fine->meetings().at(0).Binds("branch"));
}

}  // namespace
}  // namespace jiceng::members
