// The roll-up engine against plain SQL: reads after writes and rollbacks,
// following another process's change log, pruning it, and naming mistakes in
// definitions. The property test over random writes through the real
// services, covering every indicator, is analytics/publishing_test.cc; the
// raw random writer here (inserts, updates, moves, deletes) feeds the
// pruning test.
#include "analytics/rollup_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "db/migrations/migrations.h"
#include "db/testing/test_database.h"

namespace jiceng::analytics {
namespace {

using db::Value;

struct TestUnit {
  std::int64_t id;
  std::string code;
  int level;
  std::int64_t parent;  // 0 for a province
};

class RollupEngineTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    auto t = db::testing::TestDatabase::Create(GetParam(),
                                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    test_db_ = std::move(t).value();
    db_ = std::move(test_db_->Open()).value();
    ASSERT_TRUE(db::Migrate(*db_).ok());
    // 2 provinces > 1 prefecture > 2 counties > 2 townships > 3 villages > 2 groups.
    ASSERT_TRUE(db_->Write([&](db::Session& s) -> Status {
      std::function<Status(const std::string&, int, std::int64_t)> add = [&](const std::string& code, int level,
                                                                             std::int64_t parent) -> Status {
        JICENG_ASSIGN_OR_RETURN(
            auto id, s.InsertReturningId("INSERT INTO units (code, name, level, parent_id, province_code, source, "
                                         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'division', 'x', 'x') "
                                         "RETURNING id",
                                         {Value(code), Value("单位" + code), Value(std::int64_t{level}),
                                          parent ? Value(parent) : Value(nullptr), Value(code.substr(0, 2))}));
        units_.push_back({id, code, level, parent});
        const int children[] = {0, 1, 2, 2, 3, 2, 0};
        const char* formats[] = {"", "%02d", "%02d", "%03d", "%03d", "%03d", ""};
        for (int i = 1; i <= children[level]; ++i) {
          char part[16];
          std::snprintf(part, sizeof part, formats[level], level == 3 ? 100 + i : level == 4 ? 200 + i : i);
          JICENG_RETURN_IF_ERROR(add(code + part, level + 1, id));
        }
        return Status::Ok();
      };
      JICENG_RETURN_IF_ERROR(add("54", 1, 0));
      return add("51", 1, 0);
    }).ok());
    defs_ = std::move(LoadIndicators()).value();
    // Both engines read the test's clock, which the test moves.
    auto clock = [this] {
      std::lock_guard lock(today_mutex_);
      return today_;
    };
    auto engine = RollupEngine::Load(*db_, defs_, {}, RollupEngine::Mode::kFigures, clock);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    db_b_ = std::move(test_db_->Open()).value();
    follower_ = std::move(RollupEngine::Load(*db_b_, defs_, {}, RollupEngine::Mode::kFigures, clock)).value();
  }

  std::string Today() {
    std::lock_guard lock(today_mutex_);
    return today_;
  }

  std::vector<std::int64_t> Subtree(std::int64_t root) const {
    std::vector<std::int64_t> out;
    std::set<std::int64_t> in;
    if (root == kNation) {
      for (const auto& u : units_) out.push_back(u.id);
      return out;
    }
    in.insert(root);
    out.push_back(root);
    for (const auto& u : units_) {  // units_ is in preorder: parents come first
      if (in.contains(u.parent)) {
        in.insert(u.id);
        out.push_back(u.id);
      }
    }
    return out;
  }

  // The figure by plain SQL: the indicator's SELECT over the unit's subtree.
  std::int64_t Sql(const IndicatorDef& def, std::int64_t unit, const RollupEngine::Selection& sel) {
    std::string sql = std::string("SELECT ") + (def.measure == Measure::kSum ? "COALESCE(SUM(q.value), 0)" : "COUNT(*)") +
                      " FROM (" + def.select + ") q WHERE q.unit_id IN (";
    const auto ids = Subtree(unit);
    for (std::size_t i = 0; i < ids.size(); ++i) sql += (i ? "," : "") + std::to_string(ids[i]);
    sql += ")";
    db::Params params;
    // Calendar indicators: today's date (the test's clock) for every `?` of the select.
    if (def.calendar) {
      params.assign(static_cast<std::size_t>(std::count(def.select.begin(), def.select.end(), '?')), Value(Today()));
    }
    if (def.flow && sel.months) {
      sql += " AND substr(q.period, 1, 7) BETWEEN ? AND ?";
      params.emplace_back(FormatMonth(sel.months->first));
      params.emplace_back(FormatMonth(sel.months->second));
    }
    for (const auto& [dim, value] : sel.where) {
      sql += " AND q." + dim + " = ?";
      params.emplace_back(value);
    }
    std::int64_t n = -1;
    Status st = db_->Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(sql, params));
      n = row->Int(0);
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString() << " in " << sql;
    return n;
  }

  std::unique_ptr<db::testing::TestDatabase> test_db_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<db::Database> db_b_;
  std::vector<TestUnit> units_;
  std::vector<IndicatorDef> defs_;
  std::unique_ptr<RollupEngine> engine_;
  std::unique_ptr<RollupEngine> follower_;
  std::mutex today_mutex_;
  std::string today_ = "2026-03-15";  // GUARDED_BY(today_mutex_)
};

// The random writer: every change goes through the engine as ChangeSink, as
// the domain services do.
class Writer {
 public:
  Writer(std::mt19937& rng, const std::vector<TestUnit>& units, ChangeSink& sink)
      : rng_(rng), units_(units), sink_(sink) {}

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  template <typename T>
  const T& PickOf(const std::vector<T>& v) { return v[Pick(static_cast<int>(v.size()))]; }

  std::string Date() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", 2024 + Pick(3), 1 + Pick(12), 1 + Pick(28));
    return buf;
  }

  Result<std::int64_t> OrgIn(db::Session& s) {
    JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll("SELECT id, unit_id FROM organizations WHERE status = 'active'"));
    if (rows.empty()) return std::int64_t{0};
    return rows[Pick(static_cast<int>(rows.size()))].Int(0);
  }

  Result<std::vector<std::int64_t>> Ids(db::Session& s, const std::string& table) {
    std::vector<std::int64_t> ids;
    JICENG_RETURN_IF_ERROR(s.Query("SELECT id FROM " + table, {}, [&](const db::Row& r) {
      ids.push_back(r.Int(0));
      return Status::Ok();
    }));
    return ids;
  }

  // One random change; `what` says which, for failure messages.
  Status Step(db::Session& s, std::string* what) {
    static const char* kStages[] = {"applicant", "activist", "candidate", "probationary", "full"};
    static const char* kSituations[] = {"in_service", "rural_labour", "elderly_infirm", "migrant"};
    static const char* kStatuses[] = {"active", "active", "active", "in_transit", "left"};
    static const char* kKinds[] = {"branch", "branch", "joint_branch", "temporary_branch", "committee"};
    static const char* kMeetingKinds[] = {"general", "committee", "group", "lecture", "theme_day"};
    const int op = Pick(12);
    const std::string now = "2026-01-01T00:00:00Z";
    switch (op) {
      case 0: {  // a new organization at a village or group
        std::vector<TestUnit> places;
        for (const auto& u : units_) {
          if (u.level >= 5) places.push_back(u);
        }
        const TestUnit& u = PickOf(places);
        const std::string kind = kKinds[Pick(5)];
        JICENG_ASSIGN_OR_RETURN(
            auto id, s.InsertReturningId("INSERT INTO organizations (unit_id, province_code, kind, name, established_on, "
                                         "status, created_at, updated_at) VALUES (?, ?, ?, 'org', '2020-01-01', "
                                         "'active', ?, ?) RETURNING id",
                                         {Value(u.id), Value(u.code.substr(0, 2)), Value(kind), Value(now), Value(now)}));
        if (kind == "joint_branch") {
          const TestUnit& other = PickOf(places);
          JICENG_RETURN_IF_ERROR(
              s.Exec("INSERT INTO org_covered_units (org_id, province_code, unit_id) VALUES (?, ?, ?)",
                     {Value(id), Value(u.code.substr(0, 2)), Value(other.id)})
                  .status());
        }
        *what = "new org " + std::to_string(id) + " " + kind + " at " + u.code;
        return sink_.Changed(s, "organizations", id);
      }
      case 1: {  // dissolve one
        JICENG_ASSIGN_OR_RETURN(auto id, OrgIn(s));
        if (id == 0) return Status::Ok();
        JICENG_RETURN_IF_ERROR(s.Exec("UPDATE organizations SET status = 'dissolved' WHERE id = ?", {Value(id)}).status());
        *what = "dissolve org " + std::to_string(id);
        return sink_.Changed(s, "organizations", id);
      }
      case 2:
      case 3: {  // a new member
        JICENG_ASSIGN_OR_RETURN(auto org, OrgIn(s));
        if (org == 0) return Status::Ok();
        JICENG_ASSIGN_OR_RETURN(auto unit, s.QueryOne("SELECT unit_id, province_code FROM organizations WHERE id = ?",
                                                      {Value(org)}));
        JICENG_ASSIGN_OR_RETURN(
            auto id, s.InsertReturningId(
                         "INSERT INTO members (org_id, unit_id, province_code, name, gender, birth_date, stage, "
                         "stage_since, situation, status, created_at, updated_at) VALUES (?, ?, ?, '甲', ?, "
                         "'1980-01-01', ?, '2020-01-01', ?, ?, ?, ?) RETURNING id",
                         {Value(org), Value(unit->Int(0)), Value(unit->Text(1)),
                          Value(std::string(Pick(2) ? "male" : "female")), Value(std::string(kStages[Pick(5)])),
                          Value(std::string(kSituations[Pick(4)])), Value(std::string(kStatuses[Pick(5)])),
                          Value(now), Value(now)}));
        *what = "new member " + std::to_string(id);
        return sink_.Changed(s, "members", id);
      }
      case 4: {  // change a member's stage, situation or status
        JICENG_ASSIGN_OR_RETURN(auto ids, Ids(s, "members"));
        if (ids.empty()) return Status::Ok();
        const std::int64_t id = PickOf(ids);
        JICENG_RETURN_IF_ERROR(s.Exec("UPDATE members SET stage = ?, situation = ?, status = ? WHERE id = ?",
                                      {Value(std::string(kStages[Pick(5)])), Value(std::string(kSituations[Pick(4)])),
                                       Value(std::string(kStatuses[Pick(5)])), Value(id)})
                                   .status());
        *what = "update member " + std::to_string(id);
        return sink_.Changed(s, "members", id);
      }
      case 5: {  // move a member to another organization (and unit)
        JICENG_ASSIGN_OR_RETURN(auto ids, Ids(s, "members"));
        JICENG_ASSIGN_OR_RETURN(auto org, OrgIn(s));
        if (ids.empty() || org == 0) return Status::Ok();
        const std::int64_t id = PickOf(ids);
        JICENG_RETURN_IF_ERROR(s.Exec("UPDATE members SET org_id = ?, unit_id = (SELECT unit_id FROM organizations "
                                      "WHERE id = ?), province_code = (SELECT province_code FROM organizations "
                                      "WHERE id = ?) WHERE id = ?",
                                      {Value(org), Value(org), Value(org), Value(id)})
                                   .status());
        *what = "move member " + std::to_string(id) + " to org " + std::to_string(org);
        return sink_.Changed(s, "members", id);
      }
      case 6: {  // delete a member with its steps and dues
        JICENG_ASSIGN_OR_RETURN(auto ids, Ids(s, "members"));
        if (ids.empty()) return Status::Ok();
        const std::int64_t id = PickOf(ids);
        for (const char* table : {"member_stage_events", "dues_payments", "dues_standards"}) {
          JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll(std::string("SELECT id FROM ") + table + " WHERE member_id = ?",
                                                        {Value(id)}));
          JICENG_RETURN_IF_ERROR(
              s.Exec(std::string("DELETE FROM ") + table + " WHERE member_id = ?", {Value(id)}).status());
          for (const auto& r : rows) JICENG_RETURN_IF_ERROR(sink_.Changed(s, table, r.Int(0)));
        }
        JICENG_RETURN_IF_ERROR(s.Exec("DELETE FROM members WHERE id = ?", {Value(id)}).status());
        *what = "delete member " + std::to_string(id);
        return sink_.Changed(s, "members", id);
      }
      case 7: {  // a pipeline step
        JICENG_ASSIGN_OR_RETURN(auto ids, Ids(s, "members"));
        if (ids.empty()) return Status::Ok();
        const std::int64_t member = PickOf(ids);
        JICENG_ASSIGN_OR_RETURN(
            auto id, s.InsertReturningId("INSERT INTO member_stage_events (member_id, province_code, unit_id, "
                                         "to_stage, on_date, created_at) SELECT id, province_code, unit_id, ?, ?, ? "
                                         "FROM members WHERE id = ? RETURNING id",
                                         {Value(std::string(kStages[Pick(5)])), Value(Date()), Value(now),
                                          Value(member)}));
        *what = "step " + std::to_string(id);
        return sink_.Changed(s, "member_stage_events", id);
      }
      case 8: {  // dues paid, or a payment deleted
        JICENG_ASSIGN_OR_RETURN(auto payments, Ids(s, "dues_payments"));
        if (!payments.empty() && Pick(3) == 0) {
          const std::int64_t id = PickOf(payments);
          JICENG_ASSIGN_OR_RETURN(auto payer, s.QueryOne("SELECT member_id FROM dues_payments WHERE id = ?", {Value(id)}));
          JICENG_RETURN_IF_ERROR(s.Exec("DELETE FROM dues_payments WHERE id = ?", {Value(id)}).status());
          *what = "delete payment " + std::to_string(id);
          JICENG_RETURN_IF_ERROR(sink_.Changed(s, "dues_payments", id));
          // The deleted row no longer leads to its member: publish the member (whose arrears moved).
          return sink_.Changed(s, "members", payer->Int(0));
        }
        JICENG_ASSIGN_OR_RETURN(auto ids, Ids(s, "members"));
        if (ids.empty()) return Status::Ok();
        const std::int64_t member = PickOf(ids);
        const std::string month = Date().substr(0, 7);
        JICENG_ASSIGN_OR_RETURN(auto dup, s.QueryOne("SELECT 1 FROM dues_payments WHERE member_id = ? AND month = ?",
                                                     {Value(member), Value(month)}));
        if (dup) return Status::Ok();
        JICENG_ASSIGN_OR_RETURN(
            auto id, s.InsertReturningId("INSERT INTO dues_payments (member_id, province_code, unit_id, month, "
                                         "amount_fen, paid_on, created_at) SELECT id, province_code, unit_id, ?, ?, "
                                         "'2026-01-01', ? FROM members WHERE id = ? RETURNING id",
                                         {Value(month), Value(std::int64_t{1 + Pick(5000)}), Value(now),
                                          Value(member)}));
        *what = "payment " + std::to_string(id);
        return sink_.Changed(s, "dues_payments", id);
      }
      case 10: {  // a member's dues standard from some month on (replaced if that month has one)
        JICENG_ASSIGN_OR_RETURN(auto ids, Ids(s, "members"));
        if (ids.empty()) return Status::Ok();
        const std::int64_t member = PickOf(ids);
        const std::string from = Date().substr(0, 7);
        const std::int64_t fen = 50 * Pick(40);  // 0 (exempt) .. 19.50 yuan
        JICENG_ASSIGN_OR_RETURN(auto old, s.QueryOne("SELECT id FROM dues_standards WHERE member_id = ? AND from_month = ?",
                                                     {Value(member), Value(from)}));
        std::int64_t id = 0;
        if (old) {
          id = old->Int(0);
          JICENG_RETURN_IF_ERROR(
              s.Exec("UPDATE dues_standards SET monthly_fen = ? WHERE id = ?", {Value(fen), Value(id)}).status());
        } else {
          JICENG_ASSIGN_OR_RETURN(id, s.InsertReturningId("INSERT INTO dues_standards (member_id, province_code, "
                                                          "monthly_fen, from_month, created_at) SELECT id, "
                                                          "province_code, ?, ?, ? FROM members WHERE id = ? RETURNING id",
                                                          {Value(fen), Value(from), Value(now), Value(member)}));
        }
        *what = "standard " + std::to_string(id) + " of member " + std::to_string(member) + " from " + from;
        return sink_.Changed(s, "dues_standards", id);
      }
      case 11: {  // a meeting
        JICENG_ASSIGN_OR_RETURN(auto org, OrgIn(s));
        if (org == 0) return Status::Ok();
        JICENG_ASSIGN_OR_RETURN(
            auto id, s.InsertReturningId("INSERT INTO meetings (org_id, province_code, unit_id, kind, held_on, topic, "
                                         "created_at) SELECT id, province_code, unit_id, ?, ?, 't', ? "
                                         "FROM organizations WHERE id = ? RETURNING id",
                                         {Value(std::string(kMeetingKinds[Pick(5)])), Value(Date()), Value(now),
                                          Value(org)}));
        *what = "meeting " + std::to_string(id) + " of org " + std::to_string(org);
        return sink_.Changed(s, "meetings", id);
      }
      default: {  // retire or reinstate a villager group
        std::vector<TestUnit> groups;
        for (const auto& u : units_) {
          if (u.level == 6) groups.push_back(u);
        }
        const TestUnit& g = PickOf(groups);
        JICENG_RETURN_IF_ERROR(
            s.Exec("UPDATE units SET retired_at = CASE WHEN retired_at IS NULL THEN 'x' ELSE NULL END WHERE id = ?",
                   {Value(g.id)})
                .status());
        *what = "retire/reinstate group " + g.code;
        return sink_.Changed(s, "units", g.id);
      }
    }
  }

 private:
  std::mt19937& rng_;
  const std::vector<TestUnit>& units_;
  ChangeSink& sink_;
};

TEST_P(RollupEngineTest, AReadAfterAWriteSeesItAndARollbackLeavesNothing) {
  const std::vector<std::int64_t> nation = {kNation};
  auto before = engine_->Figures("orgs", nation, {});
  ASSERT_TRUE(before.ok());
  const auto village = std::find_if(units_.begin(), units_.end(), [](const TestUnit& u) { return u.level == 5; });
  auto insert = [&](db::Session& s) -> Result<std::int64_t> {
    JICENG_ASSIGN_OR_RETURN(auto id, s.InsertReturningId(
                                         "INSERT INTO organizations (unit_id, province_code, kind, name, established_on, "
                                         "status, created_at, updated_at) VALUES (?, '54', 'branch', 'b', "
                                         "'2020-01-01', 'active', 'x', 'x') RETURNING id",
                                         {Value(village->id)}));
    JICENG_RETURN_IF_ERROR(engine_->Changed(s, "organizations", id));
    return id;
  };
  ASSERT_EQ(db_->Write([&](db::Session& s) -> Status {
              JICENG_RETURN_IF_ERROR(insert(s).status());
              return Status::Conflict("no", "no");
            }).code(),
            ErrorCode::kConflict);
  EXPECT_EQ((*engine_->Figures("orgs", nation, {}))[0].total, (*before)[0].total);
  const auto change_before = engine_->as_of().change;
  ASSERT_TRUE(db_->Write([&](db::Session& s) { return insert(s).status(); }).ok());
  EXPECT_EQ((*engine_->Figures("orgs", nation, {}))[0].total, (*before)[0].total + 1);
  const std::vector<std::int64_t> here = {village->id, village->parent};
  auto at = engine_->Figures("orgs", here, {});
  EXPECT_EQ((*at)[0].total, 1);
  EXPECT_EQ((*at)[1].total, 1);
  EXPECT_GT(engine_->as_of().change, change_before);
  // The village now has a branch: its coverage moved too.
  RollupEngine::Selection covered;
  covered.where = {{"covered", "covered"}};
  EXPECT_EQ((*engine_->Figures("coverage.villages", here, covered))[0].total, 1);
}

// A writer may hold its own lock (the hierarchy's) while its commit waits
// for the engine; the change-log follower must never wait for that lock while
// holding the engine's. Writers and a follower race here; a deadlock fails
// the test after 60 s instead of hanging it.
TEST_P(RollupEngineTest, AFollowerNeverDeadlocksWithAWriterHoldingItsOwnLock) {
  std::mutex hierarchy_lock;
  std::atomic<int> followed{0};
  engine_->FollowTable("units", [&](std::span<const std::int64_t> ids) {
    std::lock_guard lock(hierarchy_lock);
    followed += static_cast<int>(ids.size());
    return Status::Ok();
  });
  const auto group = std::find_if(units_.begin(), units_.end(), [](const TestUnit& u) { return u.level == 6; });
  std::atomic<bool> stop{false};
  auto done = std::async(std::launch::async, [&] {
    std::thread follower([&] {
      while (!stop) EXPECT_TRUE(engine_->FollowChangeLog().ok());
    });
    for (int i = 0; i < 100; ++i) {
      std::lock_guard lock(hierarchy_lock);
      EXPECT_TRUE(db_->Write([&](db::Session& s) -> Status {
        JICENG_RETURN_IF_ERROR(s.Exec("UPDATE units SET version = version + 1 WHERE id = ?", {Value(group->id)}).status());
        return engine_->Changed(s, "units", group->id);
      }).ok());
    }
    stop = true;
    follower.join();
  });
  if (done.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    // The threads are stuck for good: say so and end the run rather than hang it.
    std::fprintf(stderr, "AFollowerNeverDeadlocksWithAWriterHoldingItsOwnLock: deadlock\n");
    std::abort();
  }
}

// Pruning deletes what every follower has read and nothing newer than the
// cutoff; a follower that fell behind the pruned entries notices and rebuilds
// every figure instead of drifting.
TEST_P(RollupEngineTest, PruningKeepsTheNewestAndALaggingFollowerRebuilds) {
  std::mt19937 rng(7);
  Writer writer(rng, units_, *engine_);
  auto steps = [&](int n) {
    for (int i = 0; i < n; ++i) {
      std::string what;
      ASSERT_TRUE(db_->Write([&](db::Session& s) { return writer.Step(s, &what); }).ok()) << what;
    }
  };
  auto log_size = [&] {
    std::int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM change_log"));
      n = row->Int(0);
      return Status::Ok();
    }).ok());
    return n;
  };
  auto matches_sql = [&](RollupEngine& engine) {
    for (const IndicatorDef& def : defs_) {
      std::vector<std::int64_t> sample = {kNation, units_[0].id, units_[5].id, units_.back().id};
      auto got = engine.Figures(def.id, sample, {});
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      for (std::size_t i = 0; i < sample.size(); ++i) {
        ASSERT_EQ((*got)[i].total, Sql(def, sample[i], {})) << def.id << " at unit " << sample[i];
      }
    }
  };
  steps(10);
  ASSERT_TRUE(follower_->FollowChangeLog().ok());
  steps(40);  // the follower stops following here
  const std::int64_t logged = log_size();
  ASSERT_GT(logged, 20);
  // Nothing is older than a cutoff in the past.
  auto none = engine_->PruneChangeLog("2000-01-01T00:00:00Z");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, 0);
  // Never past what this process has read (its own follower has read nothing yet).
  auto unread = engine_->PruneChangeLog("9999-01-01T00:00:00Z");
  ASSERT_TRUE(unread.ok());
  EXPECT_EQ(*unread, 0);
  ASSERT_TRUE(engine_->FollowChangeLog().ok());
  // A cutoff after every entry: all but the newest go (SQLite would otherwise reuse its id).
  auto pruned = engine_->PruneChangeLog("9999-01-01T00:00:00Z");
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(*pruned, logged - 1);
  EXPECT_EQ(log_size(), 1);
  matches_sql(*engine_);
  // The follower missed 40 steps' entries: it rebuilds, then follows as before.
  EXPECT_EQ(follower_->rebuilds(), 0);
  ASSERT_TRUE(follower_->FollowChangeLog().ok());
  EXPECT_EQ(follower_->rebuilds(), 1);
  matches_sql(*follower_);
  steps(20);
  ASSERT_TRUE(follower_->FollowChangeLog().ok());
  EXPECT_EQ(follower_->rebuilds(), 1) << "a follower that is up to date never rebuilds";
  matches_sql(*follower_);
  EXPECT_GT(follower_->as_of().change, logged);
}

TEST_P(RollupEngineTest, UnknownIndicatorsAndDimensionsAreNamed) {
  const std::vector<std::int64_t> nation = {kNation};
  EXPECT_EQ(engine_->Figures("nope", nation, {}).status().code(), ErrorCode::kNotFound);
  RollupEngine::Selection sel;
  sel.by = "colour";
  auto st = engine_->Figures("members", nation, sel).status();
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "by");
  sel.by.clear();
  sel.where = {{"colour", "red"}};
  EXPECT_EQ(engine_->Figures("members", nation, sel).status().field(), "where");
}

TEST_P(RollupEngineTest, ASelectNamingAMissingColumnStopsTheLoadNamingTheDefinition) {
  auto defs = ParseIndicators(R"(
indicators:
  - id: broken
    title: {zh: 坏, en: Broken}
    table: members
    select: SELECT id, unit_id, colour FROM members
    dimensions:
      - id: colour
        title: {zh: 颜色, en: Colour}
)",
                              "broken.yaml");
  ASSERT_TRUE(defs.ok()) << defs.status().ToString();
  auto engine = RollupEngine::Load(*db_, *defs);
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message_en().find("broken.yaml:3"), std::string::npos) << engine.status().ToString();
  EXPECT_NE(engine.status().message_zh().find("broken"), std::string::npos);
}

// Two plain selects of one table are read with one scan; a mistake in one
// still stops the load naming its own definition, not its neighbour's.
TEST_P(RollupEngineTest, AMistakeInAMergedScanNamesItsOwnDefinition) {
  auto defs = ParseIndicators(R"(
indicators:
  - id: fine
    title: {zh: 好, en: Fine}
    table: members
    select: SELECT id, unit_id, stage FROM members WHERE status <> 'left'
    dimensions:
      - id: stage
        title: {zh: 阶段, en: Stage}
  - id: broken
    title: {zh: 坏, en: Broken}
    table: members
    select: SELECT id, unit_id, colour FROM members WHERE stage = 'full'
    dimensions:
      - id: colour
        title: {zh: 颜色, en: Colour}
)",
                              "merged.yaml");
  ASSERT_TRUE(defs.ok()) << defs.status().ToString();
  auto engine = RollupEngine::Load(*db_, *defs);
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message_en().find("merged.yaml:10"), std::string::npos) << engine.status().ToString();
  EXPECT_NE(engine.status().message_en().find("broken"), std::string::npos) << engine.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Engines, RollupEngineTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

TEST(IndicatorDefinitions, MistakesAreNamedWithFileAndLine) {
  auto bad = ParseIndicators("indicators:\n  - id: x\n    title: {zh: 甲, en: A}\n    table: members\n"
                             "    select: SELECT 1\n    measure: average\n",
                             "x.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message_en().find("x.yaml:6"), std::string::npos) << bad.status().ToString();
  EXPECT_NE(bad.status().message_en().find("count or sum"), std::string::npos);
  auto unknown = ParseIndicators("indicators:\n  - id: x\n    title: {zh: 甲, en: A}\n    table: t\n    select: s\n"
                                 "    colour: red\n",
                                 "y.yaml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message_en().find("unknown key colour"), std::string::npos);
  auto clash = ParseIndicators("indicators:\n  - id: x\n    title: {zh: 甲, en: A}\n    table: t\n    select: s\n"
                               "    dimensions:\n      - id: unit_id\n        title: {zh: 乙, en: B}\n",
                               "z.yaml");
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message_en().find("clashes"), std::string::npos);
}

TEST(IndicatorDefinitions, TheShippedFilesLoad) {
  auto defs = LoadIndicators();
  ASSERT_TRUE(defs.ok()) << defs.status().ToString();
  std::set<std::string> ids;
  for (const auto& d : *defs) ids.insert(d.id);
  for (const char* want : {"members", "pipeline", "pipeline.steps", "orgs", "coverage.groups", "dues.paid", "cards",
                           "cards.reviewed", "meetings.held", "dues.arrears", "dues.in_arrears", "meetings.due",
                           "meetings.periods_held"}) {
    EXPECT_TRUE(ids.contains(want)) << want;
  }
}

TEST(Months, ParseAndFormat) {
  EXPECT_EQ(ParseMonth("2026-11-23"), 2026 * 12 + 10);
  EXPECT_EQ(ParseMonth("2026-11"), 2026 * 12 + 10);
  EXPECT_FALSE(ParseMonth("2026-13"));
  EXPECT_FALSE(ParseMonth("26-11"));
  EXPECT_EQ(FormatMonth(2026 * 12 + 10), "2026-11");
}

}  // namespace
}  // namespace jiceng::analytics
