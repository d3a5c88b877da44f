#include "db/copy/database_copy.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "db/migrations/migrations.h"
#include "db/testing/test_database.h"

namespace jiceng::db {
namespace {

TEST(InDependencyOrder, PutsReferencedTablesFirstAndKeepsCreationOrderOtherwise) {
  std::vector<TableInfo> tables = {
      {"audit", {"id"}, {}, "id"},
      {"grants", {"id"}, {"users", "units"}, "id"},
      {"users", {"id"}, {"units", "users"}, "id"},  // self-reference too
      {"units", {"id"}, {"units"}, "id"},
      {"notes", {"id"}, {"elsewhere"}, "id"},  // a table outside the set is ignored
  };
  std::vector<std::string> names;
  for (const TableInfo& t : InDependencyOrder(tables)) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"audit", "units", "users", "grants", "notes"}));
}

// A SQLite source with the shipped schema and a few rows, copied into a new
// database of the engine under test.
class CopyDatabaseTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    auto source = testing::TestDatabase::Create("sqlite", "copy_source");
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    source_db_ = std::move(source).value();
    from_ = std::move(source_db_->Open()).value();
    ASSERT_TRUE(Migrate(*from_).ok());
    Status st = from_->Write([](Session& s) -> Status {
      const std::string insert = "INSERT INTO units (id, code, name, level, parent_id, province_code, source, "
                                 "created_at, updated_at) VALUES (?, ?, ?, ?, ?, '54', 'division', 'x', 'x')";
      // Ids with gaps, as deletions-free but long-lived data has after imports.
      JICENG_RETURN_IF_ERROR(s.Exec(insert, {Value(std::int64_t{10}), Value(std::string("54")),
                                             Value(std::string("西藏自治区")), Value(std::int64_t{1}), Value(nullptr)})
                                 .status());
      JICENG_RETURN_IF_ERROR(s.Exec(insert, {Value(std::int64_t{25}), Value(std::string("5404")),
                                             Value(std::string("林芝市")), Value(std::int64_t{2}), Value(std::int64_t{10})})
                                 .status());
      return s.Exec("INSERT INTO unit_name_history (unit_id, old_name, new_name, changed_at, source) "
                    "VALUES (25, '林芝地区', '林芝市', 'x', 'test')")
          .status();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    auto target = testing::TestDatabase::Create(GetParam(), "copy_target");
    ASSERT_TRUE(target.ok()) << target.status().ToString();
    target_db_ = std::move(target).value();
    to_ = std::move(target_db_->Open()).value();
  }

  std::int64_t Rows(Database& db, const std::string& table) {
    std::int64_t n = -1;
    EXPECT_TRUE(db.Read([&](Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM " + table));
      n = row->Int(0);
      return Status::Ok();
    }).ok());
    return n;
  }

  std::unique_ptr<testing::TestDatabase> source_db_, target_db_;
  std::unique_ptr<Database> from_, to_;
};

TEST_P(CopyDatabaseTest, CopiesRowsWithTheirIdsIntoAnEmptyDatabase) {
  // The target has no schema at all yet: the copy gives it one.
  auto report = CopyDatabase(*from_, *to_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->schema_version, LatestSchemaVersion());
  EXPECT_EQ(report->tables.front().table, "units");
  EXPECT_EQ(report->total_rows(), 3);
  EXPECT_EQ(*CurrentSchemaVersion(*to_), LatestSchemaVersion());
  Status st = to_->Write([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT id, name, parent_id FROM units WHERE code = '5404'"));
    EXPECT_EQ(row->Int(0), 25);
    EXPECT_EQ(row->Text(1), "林芝市");
    EXPECT_EQ(row->Int(2), 10);
    // New rows continue after the largest copied id.
    JICENG_ASSIGN_OR_RETURN(
        auto id, s.InsertReturningId("INSERT INTO units (code, name, level, parent_id, province_code, source, "
                                     "created_at, updated_at) VALUES ('5402', '昌都市', 2, 10, '54', 'division', "
                                     "'x', 'x') RETURNING id",
                                     {}));
    EXPECT_EQ(id, 26);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(CopyDatabaseTest, RefusesANonEmptyTargetAndReplacesItOnlyWhenAsked) {
  ASSERT_TRUE(Migrate(*to_).ok());
  ASSERT_TRUE(to_->Write([](Session& s) {
    return s.Exec("INSERT INTO units (code, name, level, province_code, source, created_at, updated_at) "
                  "VALUES ('11', '北京市', 1, '11', 'division', 'x', 'x')")
        .status();
  }).ok());
  auto refused = CopyDatabase(*from_, *to_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message_en().find("units (1 rows)"), std::string::npos)
      << refused.status().message_en();
  EXPECT_NE(refused.status().message_zh().find("--force"), std::string::npos);
  EXPECT_EQ(Rows(*to_, "units"), 1) << "a refused copy changes nothing";

  auto replaced = CopyDatabase(*from_, *to_, {.replace = true});
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(Rows(*to_, "units"), 2);
  EXPECT_EQ(Rows(*to_, "unit_name_history"), 1);
  EXPECT_EQ(*CurrentSchemaVersion(*to_), LatestSchemaVersion());
}

TEST_P(CopyDatabaseTest, AFailedCopyLeavesTheTargetAsItWas) {
  ASSERT_TRUE(Migrate(*to_).ok());
  ASSERT_TRUE(to_->Write([](Session& s) {
    return s.Exec("INSERT INTO units (code, name, level, province_code, source, created_at, updated_at) "
                  "VALUES ('11', '北京市', 1, '11', 'division', 'x', 'x')")
        .status();
  }).ok());
  // The source breaks a rule the target enforces (a history row whose unit
  // does not exist, written by a connection with foreign keys off), so the
  // copy fails half-way.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(source_db_->url().c_str(), &raw), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(raw, "PRAGMA foreign_keys = OFF; INSERT INTO unit_name_history (unit_id, old_name, "
                              "new_name, changed_at, source) VALUES (999, 'a', 'b', 'x', 'test');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(raw);
  sqlite3_close(raw);
  auto failed = CopyDatabase(*from_, *to_, {.replace = true});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kFailedPrecondition) << failed.status().ToString();
  EXPECT_EQ(Rows(*to_, "units"), 1) << "the replace must roll back with the failed copy";
}

TEST_P(CopyDatabaseTest, ASourceAtAnotherSchemaVersionIsRefused) {
  auto older = testing::TestDatabase::Create("sqlite", "copy_older");
  ASSERT_TRUE(older.ok());
  auto db = (*older)->Open();
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(Migrate(**db, ShippedMigrations().first(1)).ok());
  auto report = CopyDatabase(**db, *to_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(report.status().field(), "from");
}

INSTANTIATE_TEST_SUITE_P(Engines, CopyDatabaseTest, ::testing::ValuesIn(testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::db
