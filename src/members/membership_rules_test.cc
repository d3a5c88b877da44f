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
// meeting frequencies in their SQL (definitions/indicators/members.yaml):
// they must name exactly the kinds and frequencies of membership.yaml.
TEST(MembershipRules, MeetingIndicatorsUseTheConfiguredFrequencies) {
  auto rules = MembershipRules::LoadDefault();
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  auto defs = analytics::LoadIndicators();
  ASSERT_TRUE(defs.ok()) << defs.status().ToString();
  for (const char* id : {"meetings.due", "meetings.periods_held"}) {
    const analytics::IndicatorDef* def = nullptr;
    for (const auto& d : *defs) {
      if (d.id == id) def = &d;
    }
    ASSERT_NE(def, nullptr) << id;
    std::size_t kinds = 0;
    for (std::size_t at = def->select.find(" UNION ALL SELECT '"); at != std::string::npos;
         at = def->select.find(" UNION ALL SELECT '", at + 1)) {
      ++kinds;
    }
    EXPECT_EQ(kinds + 1, rules->meetings().size()) << id << ": one row per kind of meeting";
    for (const MeetingKind& k : rules->meetings()) {
      const bool first = def->select.find("SELECT '" + k.id + "' AS kind, '" + k.every + "' AS every") != std::string::npos;
      const bool later = def->select.find("SELECT '" + k.id + "', '" + k.every + "'") != std::string::npos;
      EXPECT_TRUE(first || later) << id << " does not count " << k.id << " every " << k.every;
    }
  }
}

}  // namespace
}  // namespace jiceng::members
