// The fixture of store-level tests: parameterized over the engines
// (kEngines), each test on a fresh, migrated database of its own, deleted
// after it (test-only code, in jiceng_db_testing).
//
//   class OrgWorkTest : public db::testing::MigratedDatabaseTest {
//     void SetUp() override {
//       MigratedDatabaseTest::SetUp();
//       if (HasFatalFailure()) return;
//       ... services over *db_ ...
//     }
//   };
//   INSTANTIATE_TEST_SUITE_P(Engines, OrgWorkTest, ::testing::ValuesIn(db::testing::kEngines), ...);
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "db/database.h"
#include "db/testing/test_database.h"

namespace jiceng::db::testing {

class MigratedDatabaseTest : public ::testing::TestWithParam<const char*> {
 protected:
  // Creates the database (named after the running test), opens it and
  // applies every shipped migration; fails the test fatally otherwise.
  void SetUp() override;

  // Declared in this order so that the connection closes before the
  // database is deleted; a subclass's members (services over *db_) are
  // destroyed before both.
  std::unique_ptr<TestDatabase> test_db_;
  std::unique_ptr<Database> db_;
};

}  // namespace jiceng::db::testing
