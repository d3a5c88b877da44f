#include "db/testing/migrated_database_test.h"

#include "db/migrations/migrations.h"

namespace jiceng::db::testing {

void MigratedDatabaseTest::SetUp() {
  auto t = TestDatabase::Create(GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  test_db_ = std::move(t).value();
  auto db = test_db_->Open();
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  db_ = std::move(db).value();
  auto migrated = Migrate(*db_);
  ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
}

}  // namespace jiceng::db::testing
