#include "db/migrations/migrations.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace jiceng::db {
namespace {

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jiceng_mig_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = Database::Open((dir_ / "t.db").string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(MigrationsTest, AppliesAllShippedMigrationsOnAnEmptyDatabase) {
  auto report = Migrate(*db_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->from_version, 0);
  EXPECT_EQ(report->to_version, LatestSchemaVersion());
  EXPECT_EQ(report->applied.size(), ShippedMigrations().size());
  EXPECT_EQ(*CurrentSchemaVersion(*db_), LatestSchemaVersion());
  // The units table exists with its constraints.
  Status st = db_->Read([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM units"));
    EXPECT_EQ(row->Int(0), 0);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(MigrationsTest, SecondRunAppliesNothing) {
  ASSERT_TRUE(Migrate(*db_).ok());
  auto again = Migrate(*db_);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->from_version, LatestSchemaVersion());
}

TEST_F(MigrationsTest, PendingMigrationsApplyInOrderAndAreRecorded) {
  const Migration first[] = {{1, "one", "CREATE TABLE a (x INTEGER);"}};
  const Migration both[] = {{1, "one", "CREATE TABLE a (x INTEGER);"},
                            {2, "two", "CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (7);"}};
  ASSERT_TRUE(Migrate(*db_, first).ok());
  auto report = Migrate(*db_, both);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->applied, std::vector<int>{2});
  Status st = db_->Read([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll("SELECT version, name FROM schema_migrations ORDER BY version"));
    EXPECT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].Text(1), "two");
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok());
}

TEST_F(MigrationsTest, FailingMigrationLeavesNoTrace) {
  const Migration broken[] = {{1, "one", "CREATE TABLE a (x INTEGER);"},
                              {2, "bad", "CREATE TABLE c (z INTEGER); THIS IS NOT SQL;"}};
  auto report = Migrate(*db_, broken);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(*CurrentSchemaVersion(*db_), 1);
  Status st = db_->Read([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM sqlite_master WHERE name = 'c'"));
    EXPECT_EQ(row->Int(0), 0) << "table c of the failed migration must be rolled back";
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok());
}

TEST_F(MigrationsTest, DatabaseNewerThanBinaryIsRefused) {
  const Migration future[] = {{1, "one", "CREATE TABLE a (x INTEGER);"},
                              {2, "two", "CREATE TABLE b (y INTEGER);"}};
  const Migration older[] = {{1, "one", "CREATE TABLE a (x INTEGER);"}};
  ASSERT_TRUE(Migrate(*db_, future).ok());
  auto report = Migrate(*db_, older);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(report.status().message_en().find("newer than this binary"), std::string::npos);
  EXPECT_NE(report.status().message_zh().find("升级"), std::string::npos);
}

}  // namespace
}  // namespace jiceng::db
