#include "audit/write_audit.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "accounts/password.h"
#include "audit/audited_tables.h"
#include "common/clock.h"
#include "db/testing/migrated_database_test.h"

namespace jiceng::audit {
namespace {

// Runs on every engine (db/testing/test_database.h).
class WriteAuditTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    accounts::InitCrypto();
    MigratedDatabaseTest::SetUp();
  }
  static AuditEntry Template() {
    AuditEntry e;
    e.username = "bomi";
    e.action = "units.groups.add";
    e.method = "POST";
    e.path = "/api/v1/units/54/groups";
    e.ip = "127.0.0.1";
    return e;
  }
  // Adds a user-made unit (an audited table's row) in `s`.
  static Status AddUnit(db::Session& s, const std::string& code) {
    const std::string now = NowUtcIso();
    return s
        .Exec(
            "INSERT INTO units (code, name, level, province_code, source, created_at, updated_at) "
            "VALUES (?, ?, 1, ?, 'user', ?, ?)",
            {db::Value(code), db::Value("单位" + code), db::Value(code.substr(0, 2)),
             db::Value(now), db::Value(now)})
        .status();
  }
  std::int64_t Count(const std::string& sql) {
    std::int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](db::Session& s) -> Status {
                     JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(sql));
                     n = row->Int(0);
                     return Status::Ok();
                   })
                    .ok());
    return n;
  }
  std::vector<AuditEntry> Entries() {
    auto page = AuditLog::Query(*db_, AuditFilter{.nationwide = true, .limit = 1000});
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->first : std::vector<AuditEntry>{};
  }

};

TEST_P(WriteAuditTest, ACommittedWriteHasExactlyOneEntryNamingWhatItMade) {
  WriteAudit audit([] { return Template(); });
  {
    db::ScopedCommitHook scope(audit);
    ASSERT_TRUE(db_->Write([](db::Session& s) { return AddUnit(s, "54"); }).ok());
  }
  EXPECT_EQ(audit.committed_entries(), 1);
  const auto entries = Entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].target, "54") << "the new unit, named by its code";
  EXPECT_EQ(entries[0].status, 201) << "a POST that created a record";
  EXPECT_EQ(entries[0].result, "ok");
  EXPECT_EQ(entries[0].action, "units.groups.add");
  EXPECT_EQ(entries[0].username, "bomi");
  auto report = AuditLog::Verify(*db_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->reason;
  // Outside the scope, writes carry no entry.
  ASSERT_TRUE(db_->Write([](db::Session& s) { return AddUnit(s, "55"); }).ok());
  EXPECT_EQ(Entries().size(), 1u);
}

TEST_P(WriteAuditTest, ARolledBackWriteLeavesNoEntry) {
  WriteAudit audit([] { return Template(); });
  db::ScopedCommitHook scope(audit);
  // The callback fails after its insert.
  Status st = db_->Write([](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(AddUnit(s, "54"));
    return Status::Conflict("冲突", "conflict");
  });
  EXPECT_EQ(st.code(), ErrorCode::kConflict);
  // A statement fails and the callback swallows the error: rolled back too.
  st = db_->Write([](db::Session& s) -> Status {
    (void)AddUnit(s, "54");
    (void)s.Exec("INSERT INTO no_such_table VALUES (1)");
    return Status::Ok();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(audit.committed_entries(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units"), 0);
}

TEST_P(WriteAuditTest, AChangeWhoseEntryCannotBeWrittenDoesNotCommit) {
  WriteAudit audit([] { return Template(); });
  db::ScopedCommitHook scope(audit);
  // The log is gone by the time the hook appends (DDL is transactional on
  // both engines, so the drop is undone with the rest).
  Status st = db_->Write([](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(AddUnit(s, "54"));
    return s.ExecScript("DROP TABLE audit_log");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(audit.committed_entries(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units"), 0) << "the change went in without its entry";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), 0);
}

TEST_P(WriteAuditTest, EachCommitOfARequestCarriesAnEntry) {
  AuditEntry updated = Template();
  updated.method = "PATCH";
  updated.path = "/api/v1/members/42";
  WriteAudit audit([&] { return updated; });
  db::ScopedCommitHook scope(audit);
  ASSERT_TRUE(db_->Write([](db::Session& s) { return AddUnit(s, "54"); }).ok());
  ASSERT_TRUE(
      db_->Write([](db::Session& s) { return s.Exec("UPDATE units SET name = 'x'").status(); })
          .ok());
  EXPECT_EQ(audit.committed_entries(), 2);
  const auto entries = Entries();  // newest first
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].target, "54");
  EXPECT_EQ(entries[1].status, 200) << "not a POST";
  EXPECT_EQ(entries[0].target, "member:42") << "nothing made: the path names the target";
  EXPECT_EQ(entries[0].status, 200);
}

// Writers on several threads, each with its own scope: every entry lands in
// the chain once, in commit order, and the chain verifies.
TEST_P(WriteAuditTest, TheChainStaysIntactWithConcurrentWriters) {
  constexpr int kThreads = 4;
  constexpr int kWrites = 25;
  std::vector<std::thread> threads;
  std::vector<int> committed(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      WriteAudit audit([] { return Template(); });
      db::ScopedCommitHook scope(audit);
      for (int i = 0; i < kWrites; ++i) {
        const std::string code = std::to_string(11 + t) + std::to_string(1000 + i);
        EXPECT_TRUE(db_->Write([&](db::Session& s) { return AddUnit(s, code); }).ok());
      }
      committed[static_cast<std::size_t>(t)] = audit.committed_entries();
    });
  }
  for (auto& th : threads) th.join();
  for (int c : committed) EXPECT_EQ(c, kWrites);
  auto report = AuditLog::Verify(*db_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->reason;
  EXPECT_EQ(report->entries, kThreads * kWrites);
  auto missing = FindRowsWithoutEntry(*db_);
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty()) << "every unit is named by its own entry";
}

TEST_P(WriteAuditTest, RowsWithoutAnEntryAreFound) {
  {
    WriteAudit audit([] { return Template(); });
    db::ScopedCommitHook scope(audit);
    ASSERT_TRUE(db_->Write([](db::Session& s) { return AddUnit(s, "54"); }).ok());
  }
  auto none = FindRowsWithoutEntry(*db_);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // A write that committed without its entry (what a crash between the two
  // used to leave).
  ASSERT_TRUE(db_->Write([](db::Session& s) { return AddUnit(s, "55"); }).ok());
  // An entry of a refused request naming the row does not cover it.
  AuditEntry refused = Template();
  refused.target = "55";
  refused.status = 409;
  refused.result = "conflict";
  ASSERT_TRUE(AuditLog::Append(*db_, refused).ok());
  auto missing = FindRowsWithoutEntry(*db_);
  ASSERT_TRUE(missing.ok());
  ASSERT_EQ(missing->size(), 1u);
  EXPECT_EQ((*missing)[0].table, "units");
  EXPECT_EQ((*missing)[0].count, 1);
  EXPECT_EQ((*missing)[0].examples, std::vector<std::string>{"55"});
}

INSTANTIATE_TEST_SUITE_P(Engines, WriteAuditTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

TEST(AuditedTables, RowsAreNamedAsRangesAndReadBack) {
  const AuditedTable* members = nullptr;
  const AuditedTable* units = nullptr;
  for (const AuditedTable& t : AuditedTables()) {
    if (t.table == "members") members = &t;
    if (t.table == "units") units = &t;
  }
  ASSERT_NE(members, nullptr);
  ASSERT_NE(units, nullptr);
  const std::int64_t ids[] = {41, 42, 43, 50, 52, 53};
  EXPECT_EQ(NameRows(*members, ids, {}), "member:41-43,50,52-53");
  const std::string codes[] = {"540424100001001", "540424100001002"};
  EXPECT_EQ(NameRows(*units, {}, codes), "540424100001001,540424100001002");

  NamedRows named;
  named.Add("member:41-43,50,52-53 540424100001001,540424100001002");
  named.Add("user:12/grant:5");
  named.Add("members:6");  // an import's count, not a member
  for (std::int64_t id : {41, 42, 43, 50, 52, 53}) EXPECT_TRUE(named.Names(*members, id, "")) << id;
  for (std::int64_t id : {6, 40, 44, 51, 54}) EXPECT_FALSE(named.Names(*members, id, "")) << id;
  EXPECT_TRUE(named.Names(*units, 0, "540424100001002"));
  EXPECT_FALSE(named.Names(*units, 0, "540424100001003"));
}

TEST(AuditedTables, APathNamesItsTarget) {
  EXPECT_EQ(TargetOfPath("/api/v1/members/42/dues"), "member:42");
  EXPECT_EQ(TargetOfPath("/api/v1/units/540424100/groups"), "540424100");
  EXPECT_EQ(TargetOfPath("/api/v1/task-teams/7/end"), "task_team:7");
  EXPECT_EQ(TargetOfPath("/api/v1/users/12/roles/5"), "user:12");
  EXPECT_EQ(TargetOfPath("/api/v1/members"), "");
  EXPECT_EQ(TargetOfPath("/api/v1/session"), "");
}

}  // namespace
}  // namespace jiceng::audit
