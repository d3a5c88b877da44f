#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include "accounts/password.h"
#include "db/testing/migrated_database_test.h"

namespace jiceng::audit {
namespace {

// Runs on every engine (db/testing/test_database.h).
class AuditLogTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    accounts::InitCrypto();
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    for (int i = 1; i <= 5; ++i) {
      AuditEntry e;
      e.username = "bomi";
      e.action = "units.groups.add";
      e.method = "POST";
      e.path = "/api/v1/units/540424100201/groups";
      e.target = "54042410020100" + std::to_string(i);
      e.ip = "127.0.0.1";
      e.status = 201;
      e.result = "ok";
      ASSERT_TRUE(AuditLog::Append(*db_, e).ok());
    }
  }
  // Tampering as someone with the file (or the table's owner) would: around
  // the append-only triggers.
  void Tamper(const std::string& sql) {
    const std::string around_triggers =
        db_->engine() == "postgresql" ? "ALTER TABLE audit_log DISABLE TRIGGER USER;"
                                      : "DROP TRIGGER IF EXISTS audit_log_append_only_update;"
                                        "DROP TRIGGER IF EXISTS audit_log_append_only_delete;";
    ASSERT_TRUE(db_->Write([&](db::Session& s) { return s.ExecScript(around_triggers + sql); }).ok());
  }
};

TEST_P(AuditLogTest, AnIntactChainVerifies) {
  auto report = AuditLog::Verify(*db_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->entries, 5);
  EXPECT_EQ(report->head_hash.size(), 64u);
}

TEST_P(AuditLogTest, TheTableRefusesUpdatesAndDeletes) {
  Status st = db_->Write([](db::Session& s) { return s.Exec("UPDATE audit_log SET target = 'x' WHERE id = 2").status(); });
  EXPECT_FALSE(st.ok());
  // Refused as a constraint violation on both engines, never as an internal error.
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << st.ToString();
  st = db_->Write([](db::Session& s) { return s.Exec("DELETE FROM audit_log WHERE id = 2").status(); });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << st.ToString();
  auto report = AuditLog::Verify(*db_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->entries, 5);
}

TEST_P(AuditLogTest, AnEditedEntryIsNamed) {
  Tamper("UPDATE audit_log SET target = 'someone-else' WHERE id = 3;");
  auto report = AuditLog::Verify(*db_);
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(*report->first_broken, 3);
  EXPECT_NE(report->reason.find("edited"), std::string::npos);
}

TEST_P(AuditLogTest, ADeletedEntryBreaksTheChainWhereItWas) {
  Tamper("DELETE FROM audit_log WHERE id = 2;");
  auto report = AuditLog::Verify(*db_);
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(*report->first_broken, 3) << "the entry after the gap";
  EXPECT_NE(report->reason.find("deleted"), std::string::npos);
}

TEST_P(AuditLogTest, ARecomputedHashStillBreaksTheNextLink) {
  // Editing an entry and fixing its own hash leaves the next entry's prev_hash wrong.
  auto entries = AuditLog::Query(*db_, AuditFilter{.nationwide = true});
  AuditEntry e;
  for (auto& x : entries->first) if (x.id == 2) e = x;
  e.target = "forged";
  const std::string forged = AuditLog::ComputeHash(e);
  Tamper("UPDATE audit_log SET target = 'forged', hash = '" + forged + "' WHERE id = 2;");
  auto report = AuditLog::Verify(*db_);
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(*report->first_broken, 3);
}

TEST_P(AuditLogTest, QueryFiltersAndPagesNewestFirst) {
  auto page = AuditLog::Query(*db_, AuditFilter{.nationwide = true, .limit = 2});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->second, 5u);
  ASSERT_EQ(page->first.size(), 2u);
  EXPECT_EQ(page->first[0].id, 5);
  auto none = AuditLog::Query(*db_, AuditFilter{.username = "nobody", .nationwide = true});
  EXPECT_EQ(none->second, 0u);
  auto scoped = AuditLog::Query(*db_, AuditFilter{.unit_prefixes = {"513322"}});
  EXPECT_EQ(scoped->second, 0u) << "entries without a unit are for nationwide readers only";
}

INSTANTIATE_TEST_SUITE_P(Engines, AuditLogTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::audit
