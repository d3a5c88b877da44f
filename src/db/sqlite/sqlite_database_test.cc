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

// The engine-neutral contract (transactions, errors, statements, catalog) is
// tested on both engines in db/database_test.cc; these are SQLite's own cases.

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
