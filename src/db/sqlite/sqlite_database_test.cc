#include "db/sqlite/sqlite_database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace jiceng::db {
namespace {

std::filesystem::path TempFile(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("jiceng_sqlite_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::filesystem::remove(path);
  return path;
}

TEST(SqliteDatabase, WriteCommitsAndFailedWriteRollsBack) {
  auto db = SqliteDatabase::Open(TempFile("rollback.db").string());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Write([](Session& s) { return s.ExecScript("CREATE TABLE t (v TEXT UNIQUE)"); }).ok());
  ASSERT_TRUE((*db)->Write([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto n, s.Exec("INSERT INTO t VALUES (?)", {Value(std::string("a"))}));
    EXPECT_EQ(n, 1);
    return Status::Ok();
  }).ok());
  // A write that fails half-way leaves nothing behind.
  Status st = (*db)->Write([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto n, s.Exec("INSERT INTO t VALUES (?)", {Value(std::string("b"))}));
    (void)n;
    return Status::Conflict("stop", "stop");
  });
  EXPECT_EQ(st.code(), ErrorCode::kConflict);
  // A unique violation is reported as a conflict.
  st = (*db)->Write([](Session& s) { return s.Exec("INSERT INTO t VALUES ('a')").status(); });
  EXPECT_EQ(st.code(), ErrorCode::kConflict);
  (*db)->Read([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll("SELECT v FROM t ORDER BY v"));
    EXPECT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].Text(0), "a");
    return Status::Ok();
  });
}

TEST(SqliteDatabase, PreparedStatementReturnsIds) {
  auto db = SqliteDatabase::Open(TempFile("prepared.db").string());
  ASSERT_TRUE(db.ok());
  Status st = (*db)->Write([](Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(s.ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"));
    JICENG_ASSIGN_OR_RETURN(auto stmt, s.Prepare("INSERT INTO t (v) VALUES (?) RETURNING id"));
    JICENG_ASSIGN_OR_RETURN(auto a, stmt->RunReturningId({Value(std::string("x"))}));
    JICENG_ASSIGN_OR_RETURN(auto b, stmt->RunReturningId({Value(std::string("y"))}));
    EXPECT_EQ(b, a + 1);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(SqliteDatabase, AFileThatIsNotADatabaseIsRefusedClearly) {
  auto path = TempFile("garbage.db");
  std::ofstream(path) << "this is not a database, just some text that is long enough to matter";
  auto db = SqliteDatabase::Open(path.string());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(db.status().message_en().find(path.string()), std::string::npos);
}

TEST(SqliteDatabase, UnwritableLocationIsUnavailable) {
  auto db = SqliteDatabase::Open("/nonexistent-dir/for/sure/x.db");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace jiceng::db
