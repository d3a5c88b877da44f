// The attendance block (events/attendance.h) on every engine: the checks of
// a list and the errors naming the item, writing inside the caller's
// transaction, replacing, reading back one event or many, the counts, and
// the event date rule on the business clock. A test-only "drill" domain
// shows that a new domain needs no more than its two tables and a
// descriptor; the meetings' table is served by the same code path.
#include "events/attendance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "analytics/change_sink.h"
#include "db/testing/migrated_database_test.h"
#include "hierarchy/hierarchy_service.h"
#include "hierarchy/testing/seed_units.h"
#include "members/meeting_service.h"
#include "members/member_service.h"
#include "members/membership_rules.h"
#include "orgs/org_service.h"
#include "people/testing/test_vault.h"

namespace jiceng::events {
namespace {

using db::Value;

// A domain written for this test alone: its event table and its attendance
// table, of the shape the block documents, and its descriptor.
constexpr const char* kDrillTables =
    "CREATE TABLE test_drills (id BIGINT PRIMARY KEY, province_code TEXT NOT NULL, "
    "unit_id BIGINT NOT NULL REFERENCES units(id));"
    "CREATE TABLE test_drill_attendance (drill_id BIGINT NOT NULL REFERENCES test_drills(id), "
    "province_code TEXT NOT NULL, unit_id BIGINT NOT NULL REFERENCES units(id), "
    "member_id BIGINT NOT NULL REFERENCES members(id), "
    "status TEXT NOT NULL CHECK (status IN ('present', 'absent', 'leave')), PRIMARY KEY (drill_id, member_id))";
constexpr AttendanceTable kDrillAttendance = {"test_drill_attendance", "test_drills", "drill_id", true};
using members::kMeetingAttendance;  // the real descriptor of meetings

SystemTime At(const char* utc) { return *ParseUtcIso(utc); }

// Two villages of Luding (Sichuan, 51) with a branch each, and a branch of
// Bomi (Tibet, 54); three members in each; the clock at 00:30 on
// 4 December 2026 in Beijing (still the 3rd in UTC).
class AttendanceTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(hierarchy::testing::SeedUnits(*db_, hierarchy::testing::LudingAndBomi()).ok());
    hierarchy_ = std::move(hierarchy::HierarchyService::Load(*db_)).value();
    rules_ = std::make_unique<members::MembershipRules>(std::move(members::MembershipRules::LoadDefault()).value());
    orgs_ = std::make_unique<orgs::OrgService>(*db_, *hierarchy_, changes_, *clock_);
    members_ = std::make_unique<members::MemberService>(*db_, *hierarchy_, *rules_, changes_, people::testing::TestVault(), *clock_);
    village_a_ = Org("513322100201", "甲村支部");
    village_b_ = Org("513322100202", "乙村支部");
    bomi_ = Org("540424100", "扎木镇机关支部");
    for (std::int64_t org : {village_a_, village_b_, bomi_}) {
      for (const char* name : {"次仁", "卓玛", "扎西"}) people_[org].push_back(Person(org, name));
    }
    Status st = db_->Write([&](db::Session& s) { return s.ExecScript(kDrillTables); });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void TearDown() override {
    members_.reset();
    orgs_.reset();
    hierarchy_.reset();
  }

  std::int64_t Org(const char* unit, const char* name) {
    auto o = orgs_->Create({unit, std::nullopt, "branch", name});
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    return o.ok() ? o->id : 0;
  }
  std::int64_t Person(std::int64_t org, const char* name) {
    members::MemberInput in;
    in.org_id = org;
    in.name = name;
    in.gender = "female";
    in.birth_date = "1985-03-01";
    in.stage = "full";
    in.stage_since = "2010-07-01";
    in.situation = "rural_labour";
    auto m = members_->Create(in, std::nullopt);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? m->id : 0;
  }
  // A drill held by organization `org`'s unit, with the given id.
  void Drill(std::int64_t id, std::int64_t org) {
    Status st = db_->Write([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto place, s.QueryOne("SELECT province_code, unit_id FROM organizations WHERE id = ?",
                                                     {Value(org)}));
      return s.Exec("INSERT INTO test_drills (id, province_code, unit_id) VALUES (?, ?, ?)",
                    {Value(id), Value(place->Text(0)), Value(place->Int(1))})
          .status();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  // CheckAttendance in a read transaction.
  Status Check(const std::vector<Attendance>& list, const AllowedOrgs& allowed) {
    Status out;
    Status st = db_->Read([&](db::Session& s) {
      out = CheckAttendance(s, list, allowed);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  Status Write(const AttendanceTable& t, std::int64_t event, const std::vector<Attendance>& list) {
    return db_->Write([&](db::Session& s) { return WriteAttendance(s, t, event, list); });
  }
  std::vector<Attendance> Read(const AttendanceTable& t, std::int64_t event) {
    std::vector<Attendance> out;
    Status st = db_->Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(out, ReadAttendance(s, t, event));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> out;
    Status st = db_->Read([&](db::Session& s) {
      return s.Query(sql, {}, [&](const db::Row& r) {
        out.push_back(r.IsNull(0) ? "NULL" : r.Text(0));
        return Status::Ok();
      });
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  std::unique_ptr<ManualClock> clock_ = std::move(ManualClock::Create(At("2026-12-03T16:30:00Z"))).value();
  std::unique_ptr<hierarchy::HierarchyService> hierarchy_;
  std::unique_ptr<members::MembershipRules> rules_;
  analytics::NoChangeSink changes_;
  std::unique_ptr<orgs::OrgService> orgs_;
  std::unique_ptr<members::MemberService> members_;
  std::int64_t village_a_ = 0, village_b_ = 0, bomi_ = 0;
  std::map<std::int64_t, std::vector<std::int64_t>> people_;
};

TEST_P(AttendanceTest, AListOfKnownStatusesAndAllowedMembersPasses) {
  const auto& a = people_[village_a_];
  const auto& bomi = people_[bomi_];
  EXPECT_TRUE(Check({}, {{village_a_}, "该组织", "this organization"}).ok()) << "no names taken";
  EXPECT_TRUE(Check({{a[0], "present"}, {a[1], "absent"}, {a[2], "leave"}}, {{village_a_}, "该组织", "this organization"})
                  .ok());
  // Two organizations allowed (a pairing): members of either, across provinces.
  Status both = Check({{a[0], "present"}, {bomi[2], "present"}}, {{village_a_, bomi_}, "结对双方组织", "either side"});
  EXPECT_TRUE(both.ok()) << both.ToString();
}

TEST_P(AttendanceTest, EachFaultNamesTheItemAndFieldInBothLanguages) {
  const auto& a = people_[village_a_];
  const AllowedOrgs branch = {{village_a_}, "该组织", "this organization"};
  Status status = Check({{a[0], "present"}, {a[1], "late"}}, branch);
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.field(), "attendance[1].status");
  EXPECT_NE(status.message_zh().find("第 2 项"), std::string::npos) << status.message_zh();
  EXPECT_NE(status.message_en().find("present, absent or leave"), std::string::npos) << status.message_en();

  Status twice = Check({{a[0], "present"}, {a[1], "present"}, {a[0], "absent"}}, branch);
  EXPECT_EQ(twice.field(), "attendance[2].member_id") << "the second mention is the fault";
  EXPECT_NE(twice.message_zh().find("两次"), std::string::npos) << twice.message_zh();
  EXPECT_NE(twice.message_en().find("twice"), std::string::npos) << twice.message_en();

  // A member of another branch, and one that does not exist, get the same answer.
  const std::int64_t other = people_[village_b_][0];
  Status outsider = Check({{a[0], "present"}, {other, "present"}}, branch);
  EXPECT_EQ(outsider.field(), "attendance[1].member_id");
  EXPECT_NE(outsider.message_zh().find("不是该组织的党员"), std::string::npos) << outsider.message_zh();
  EXPECT_NE(outsider.message_en().find("not a member of this organization"), std::string::npos)
      << outsider.message_en();
  Status unknown = Check({{987654321, "present"}}, branch);
  EXPECT_EQ(unknown.field(), "attendance[0].member_id");
  EXPECT_EQ(unknown.code(), outsider.code());
  // The field prefix is the caller's.
  Status named;
  EXPECT_TRUE(db_->Read([&](db::Session& s) {
                   named = CheckAttendance(s, std::vector<Attendance>{{other, "present"}}, branch, "turned_out");
                   return Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(named.field(), "turned_out[0].member_id");
}

TEST_P(AttendanceTest, RowsAreWrittenWithTheEventsPlaceAndReadBackByMember) {
  const auto& bomi = people_[bomi_];
  const auto& a = people_[village_a_];
  Drill(1, bomi_);
  // Members of a Sichuan branch at a drill in Tibet: the rows live with the drill.
  ASSERT_TRUE(Write(kDrillAttendance, 1, {{a[2], "present"}, {bomi[1], "leave"}, {bomi[0], "present"}}).ok());
  std::vector<Attendance> want = {{a[2], "present"}, {bomi[0], "present"}, {bomi[1], "leave"}};
  std::sort(want.begin(), want.end(), [](const Attendance& x, const Attendance& y) { return x.member_id < y.member_id; });
  EXPECT_EQ(Read(kDrillAttendance, 1), want);
  EXPECT_EQ(Column("SELECT DISTINCT province_code FROM test_drill_attendance"), std::vector<std::string>{"54"});
  EXPECT_EQ(Column("SELECT DISTINCT unit_id FROM test_drill_attendance"),
            Column("SELECT unit_id FROM organizations WHERE id = " + std::to_string(bomi_)));
  EXPECT_TRUE(Read(kDrillAttendance, 2).empty()) << "an event without attendance";
  // Writing for an event that does not exist is an error, not a stray row.
  EXPECT_EQ(Write(kDrillAttendance, 99, {{a[0], "present"}}).code(), ErrorCode::kNotFound);
  // The database still refuses what the block would (a row twice).
  EXPECT_FALSE(Write(kDrillAttendance, 1, {{a[2], "absent"}}).ok());
  EXPECT_EQ(Read(kDrillAttendance, 1).size(), 3u);
}

TEST_P(AttendanceTest, TheMeetingsTableIsServedByTheSameCodePath) {
  const auto& a = people_[village_a_];
  std::int64_t meeting = 0;
  Status st = db_->Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(meeting, s.InsertReturningId("INSERT INTO meetings (org_id, province_code, unit_id, kind, "
                                                         "held_on, topic, created_at) SELECT id, province_code, unit_id, "
                                                         "'committee', '2026-11-05', '支委会', 'x' FROM organizations "
                                                         "WHERE id = ? RETURNING id",
                                                         {Value(village_a_)}));
    JICENG_RETURN_IF_ERROR(CheckAttendance(s, std::vector<Attendance>{{a[0], "present"}, {a[1], "absent"}},
                                           {{village_a_}, "该组织", "this organization"}));
    return WriteAttendance(s, kMeetingAttendance, meeting, std::vector<Attendance>{{a[0], "present"}, {a[1], "absent"}});
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Read(kMeetingAttendance, meeting), (std::vector<Attendance>{{a[0], "present"}, {a[1], "absent"}}));
  EXPECT_EQ(Column("SELECT province_code FROM meeting_attendance"), (std::vector<std::string>{"51", "51"}));
}

TEST_P(AttendanceTest, WritingIsPartOfTheCallersTransaction) {
  const auto& a = people_[village_a_];
  Drill(1, village_a_);
  Status st = db_->Write([&](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(WriteAttendance(s, kDrillAttendance, 1, std::vector<Attendance>{{a[0], "present"}}));
    return Status::InvalidArgument("title", "后面的检查失败。", "A later check failed.");
  });
  EXPECT_EQ(st.field(), "title");
  EXPECT_TRUE(Read(kDrillAttendance, 1).empty()) << "rolled back with the caller's work";
}

TEST_P(AttendanceTest, ReplacingSwapsTheWholeList) {
  const auto& a = people_[village_a_];
  Drill(1, village_a_);
  Drill(2, village_a_);
  ASSERT_TRUE(Write(kDrillAttendance, 1, {{a[0], "present"}, {a[1], "present"}}).ok());
  ASSERT_TRUE(Write(kDrillAttendance, 2, {{a[0], "present"}}).ok());
  auto replace = [&](std::int64_t event, const std::vector<Attendance>& list) {
    return db_->Write([&](db::Session& s) { return ReplaceAttendance(s, kDrillAttendance, event, list); });
  };
  ASSERT_TRUE(replace(1, {{a[1], "leave"}, {a[2], "present"}}).ok());
  EXPECT_EQ(Read(kDrillAttendance, 1), (std::vector<Attendance>{{a[1], "leave"}, {a[2], "present"}}));
  EXPECT_EQ(Read(kDrillAttendance, 2).size(), 1u) << "another event's list is untouched";
  ASSERT_TRUE(replace(1, {}).ok());
  EXPECT_TRUE(Read(kDrillAttendance, 1).empty());
}

TEST_P(AttendanceTest, ManyEventsAreReadAndCountedAcrossChunks) {
  // More events than one IN list takes (db::QueryIn's chunk of 500).
  const auto& a = people_[village_a_];
  constexpr std::int64_t kEvents = 1203;
  Status st = db_->Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto place, s.QueryOne("SELECT province_code, unit_id FROM organizations WHERE id = ?",
                                                   {Value(village_a_)}));
    std::vector<db::Params> drills, rows;
    for (std::int64_t id = 1; id <= kEvents; ++id) {
      drills.push_back({Value(id), Value(place->Text(0)), Value(place->Int(1))});
      // Event i: a[0] present; every second also a[1] absent; every third also a[2] on leave.
      rows.push_back({Value(id), Value(place->Text(0)), Value(place->Int(1)), Value(a[0]), Value("present")});
      if (id % 2 == 0) rows.push_back({Value(id), Value(place->Text(0)), Value(place->Int(1)), Value(a[1]), Value("absent")});
      if (id % 3 == 0) rows.push_back({Value(id), Value(place->Text(0)), Value(place->Int(1)), Value(a[2]), Value("leave")});
    }
    static const std::vector<std::string> kDrillColumns = {"id", "province_code", "unit_id"};
    static const std::vector<std::string> kColumns = {"drill_id", "province_code", "unit_id", "member_id", "status"};
    JICENG_RETURN_IF_ERROR(s.BulkInsert("test_drills", kDrillColumns, drills).status());
    return s.BulkInsert("test_drill_attendance", kColumns, rows).status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::vector<std::int64_t> ids;
  for (std::int64_t id = 1; id <= kEvents + 5; ++id) ids.push_back(id);  // five without attendance
  std::map<std::int64_t, std::vector<Attendance>> lists;
  std::map<std::int64_t, AttendanceCounts> counts;
  st = db_->Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(lists, ReadAttendance(s, kDrillAttendance, ids));
    JICENG_ASSIGN_OR_RETURN(counts, CountAttendance(s, kDrillAttendance, ids));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(lists.size(), static_cast<std::size_t>(kEvents));
  ASSERT_EQ(counts.size(), static_cast<std::size_t>(kEvents));
  EXPECT_EQ(lists.at(6), (std::vector<Attendance>{{a[0], "present"}, {a[1], "absent"}, {a[2], "leave"}}));
  EXPECT_EQ(lists.at(1201), (std::vector<Attendance>{{a[0], "present"}}));
  EXPECT_FALSE(lists.contains(kEvents + 1));
  EXPECT_EQ(counts.at(6), (AttendanceCounts{1, 1, 1}));
  EXPECT_EQ(counts.at(1202), (AttendanceCounts{1, 1, 0}));
  // Person-times over all events: one presence per event.
  AttendanceCounts total;
  for (const auto& [id, c] : counts) {
    total += c;
    EXPECT_EQ(c, CountAttendance(lists.at(id))) << "event " << id;
  }
  EXPECT_EQ(total.person_times(), kEvents);
  EXPECT_EQ(total.absent, kEvents / 2);
  EXPECT_EQ(total.leave, kEvents / 3);
  EXPECT_EQ(total.listed(), kEvents + kEvents / 2 + kEvents / 3);
}

TEST_P(AttendanceTest, AnEventDateIsADayNoLaterThanTodayInTheBusinessTimeZone) {
  // 00:30 on 4 December in Beijing, 16:30 on the 3rd in UTC.
  auto today = CheckEventDate("2026-12-04", "held_on", *clock_);
  ASSERT_TRUE(today.ok()) << today.status().ToString();
  EXPECT_EQ(FormatDate(*today), "2026-12-04");
  EXPECT_TRUE(CheckEventDate("2020-02-29", "held_on", *clock_).ok());
  for (const char* bad : {"2026-12-05", "2026-02-30", "2026-12-4", "", "yesterday"}) {
    Status st = CheckEventDate(bad, "held_on", *clock_).status();
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(st.field(), "held_on") << bad;
    EXPECT_NE(st.message_zh().find("不晚于今天"), std::string::npos) << st.message_zh();
    EXPECT_NE(st.message_en().find("held_on must be a date no later than today"), std::string::npos)
        << st.message_en();
  }
  // A day later the 5th is today.
  clock_->Advance(std::chrono::hours(24));
  EXPECT_TRUE(CheckEventDate("2026-12-05", "drilled_on", *clock_).ok());
  EXPECT_EQ(CheckEventDate("2026-12-06", "drilled_on", *clock_).status().field(), "drilled_on");
}

INSTANTIATE_TEST_SUITE_P(Engines, AttendanceTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::events
