#include "db/migrations/migrations.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "db/testing/test_database.h"

namespace jiceng::db {
namespace {

class MigrationsTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    auto t = testing::TestDatabase::Create(
        GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    test_db_ = std::move(t).value();
    auto db = test_db_->Open();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  void TearDown() override {
    db_.reset();
    test_db_.reset();
  }
  bool TableExists(const std::string& name) {
    bool exists = false;
    Status st = db_->Read([&](Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(exists, s.TableExists(name));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return exists;
  }
  Status Exec(const std::string& sql, const Params& params = {}) {
    return db_->Write([&](Session& s) { return s.Exec(sql, params).status(); });
  }

  std::unique_ptr<testing::TestDatabase> test_db_;
  std::unique_ptr<Database> db_;
};

// Test migrations whose SQL is the same on both engines.
Migration Same(int version, std::string_view name, std::string_view sql) {
  return {version, name, sql, sql};
}

TEST_P(MigrationsTest, AppliesAllShippedMigrationsOnAnEmptyDatabase) {
  EXPECT_EQ(*CurrentSchemaVersion(*db_), 0);
  auto report = Migrate(*db_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->from_version, 0);
  EXPECT_EQ(report->to_version, LatestSchemaVersion());
  EXPECT_EQ(report->applied.size(), ShippedMigrations().size());
  EXPECT_EQ(*CurrentSchemaVersion(*db_), LatestSchemaVersion());
  for (const char* table : {"units", "unit_name_history", "division_imports", "schema_migrations"}) {
    EXPECT_TRUE(TableExists(table)) << table;
  }
  Status st = db_->Read([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM units"));
    EXPECT_EQ(row->Int(0), 0);
    // applied_at is an ISO-8601 UTC timestamp, as every timestamp is.
    JICENG_ASSIGN_OR_RETURN(auto applied, s.QueryOne("SELECT applied_at FROM schema_migrations WHERE version = 1"));
    const std::string at = applied->Text(0);
    EXPECT_EQ(at.size(), 20u) << at;
    EXPECT_EQ(at.back(), 'Z') << at;
    EXPECT_EQ(at[10], 'T') << at;
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(MigrationsTest, EveryShippedMigrationHasSqlForBothEngines) {
  for (const Migration& m : ShippedMigrations()) {
    EXPECT_FALSE(m.sqlite_sql.empty()) << m.version;
    EXPECT_FALSE(m.postgres_sql.empty()) << m.version;
  }
}

// Migration 1 enforces the same rules on both engines.
TEST_P(MigrationsTest, UnitsConstraintsHoldOnEveryEngine) {
  ASSERT_TRUE(Migrate(*db_).ok());
  const std::string cols =
      "INSERT INTO units (code, name, level, parent_id, province_code, source, created_at, updated_at) ";
  auto unit = [&](const std::string& code, const std::string& name, std::int64_t level, Value parent,
                  const std::string& source = "division") {
    return Exec(cols + "VALUES (?, ?, ?, ?, '54', ?, 'x', 'x')",
                {Value(code), Value(name), Value(level), parent, Value(source)});
  };
  ASSERT_TRUE(unit("54", "西藏自治区", 1, nullptr).ok());
  std::int64_t tibet = 0;
  ASSERT_TRUE(db_->Read([&](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT id FROM units WHERE code = '54'"));
    tibet = row->Int(0);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(unit("54", "again", 1, nullptr).code(), ErrorCode::kConflict) << "code is unique";
  EXPECT_EQ(unit("5404", "林芝市", 2, Value(tibet + 1000)).code(), ErrorCode::kFailedPrecondition)
      << "parent must exist";
  EXPECT_EQ(unit("5405", "x", 7, Value(tibet)).code(), ErrorCode::kInvalidArgument) << "level 1..6";
  EXPECT_EQ(unit("5406", "x", 2, Value(tibet), "other").code(), ErrorCode::kInvalidArgument)
      << "source is division or user";
  // Active group names are unique per village; retired ones free the name.
  ASSERT_TRUE(unit("540100000001001", "一组", 6, Value(tibet), "user").ok());
  EXPECT_EQ(unit("540100000001002", "一组", 6, Value(tibet), "user").code(), ErrorCode::kConflict);
  ASSERT_TRUE(Exec("UPDATE units SET retired_at = 'x' WHERE code = '540100000001001'").ok());
  EXPECT_TRUE(unit("540100000001002", "一组", 6, Value(tibet), "user").ok());
  // Ids are assigned by the engine and come back through RETURNING.
  Status st = db_->Write([&](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto id, s.InsertReturningId(cols + "VALUES ('5407', '山南市', 2, ?, '54', "
                                                                "'division', 'x', 'x') RETURNING id",
                                                         {Value(tibet)}));
    EXPECT_GT(id, tibet);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  // Codes order the same way on both engines (bytewise).
  ASSERT_TRUE(db_->Read([&](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll("SELECT code FROM units WHERE code >= '5401' ORDER BY code"));
    EXPECT_EQ(rows.size(), 3u);
    if (rows.size() == 3u) {
      EXPECT_EQ(rows[0].Text(0), "540100000001001");
    }
    return Status::Ok();
  }).ok());
}

TEST_P(MigrationsTest, SecondRunAppliesNothing) {
  ASSERT_TRUE(Migrate(*db_).ok());
  auto again = Migrate(*db_);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->from_version, LatestSchemaVersion());
}

TEST_P(MigrationsTest, ConcurrentStartsApplyEachMigrationOnce) {
  // Two processes opening a new database at once (two Database objects here).
  auto second = test_db_->Open();
  ASSERT_TRUE(second.ok());
  Result<MigrationReport> a = Status::Internal("not run"), b = Status::Internal("not run");
  std::thread t1([&] { a = Migrate(*db_); });
  std::thread t2([&] { b = Migrate(**second); });
  t1.join();
  t2.join();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(a->applied.size() + b->applied.size(), ShippedMigrations().size());
  EXPECT_EQ(*CurrentSchemaVersion(*db_), LatestSchemaVersion());
}

TEST_P(MigrationsTest, PendingMigrationsApplyInOrderAndAreRecorded) {
  const Migration first[] = {Same(1, "one", "CREATE TABLE a (x INTEGER);")};
  const Migration both[] = {Same(1, "one", "CREATE TABLE a (x INTEGER);"),
                            Same(2, "two", "CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (7);")};
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

TEST_P(MigrationsTest, EachEngineRunsItsOwnSql) {
  // Deliberately different SQL per engine: the engine's own must run.
  const Migration m[] = {{1, "split", "CREATE TABLE only_sqlite (x INTEGER);",
                          "CREATE TABLE only_postgres (x INTEGER);"}};
  ASSERT_TRUE(Migrate(*db_, m).ok());
  const bool pg = std::string_view(GetParam()) == "postgresql";
  EXPECT_EQ(TableExists("only_postgres"), pg);
  EXPECT_EQ(TableExists("only_sqlite"), !pg);
}

TEST_P(MigrationsTest, AMigrationWithoutSqlForTheEngineIsRefusedBeforeAnythingRuns) {
  const bool pg = std::string_view(GetParam()) == "postgresql";
  const Migration m[] = {Same(1, "one", "CREATE TABLE a (x INTEGER);"),
                         {2, "half", pg ? "CREATE TABLE b (x INTEGER);" : "",
                          pg ? "" : "CREATE TABLE b (x INTEGER);"}};
  auto report = Migrate(*db_, m);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), ErrorCode::kInternal);
  EXPECT_FALSE(TableExists("a"));
}

TEST_P(MigrationsTest, FailingMigrationLeavesNoTrace) {
  const Migration broken[] = {Same(1, "one", "CREATE TABLE a (x INTEGER);"),
                              Same(2, "bad", "CREATE TABLE c (z INTEGER); THIS IS NOT SQL;")};
  auto report = Migrate(*db_, broken);
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(*CurrentSchemaVersion(*db_), 1);
  EXPECT_TRUE(TableExists("a"));
  EXPECT_FALSE(TableExists("c")) << "table c of the failed migration must be rolled back";
}

TEST_P(MigrationsTest, DatabaseNewerThanBinaryIsRefused) {
  const Migration future[] = {Same(1, "one", "CREATE TABLE a (x INTEGER);"),
                              Same(2, "two", "CREATE TABLE b (y INTEGER);")};
  const Migration older[] = {Same(1, "one", "CREATE TABLE a (x INTEGER);")};
  ASSERT_TRUE(Migrate(*db_, future).ok());
  auto report = Migrate(*db_, older);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(report.status().message_en().find("newer than this binary"), std::string::npos);
  EXPECT_NE(report.status().message_zh().find("升级"), std::string::npos);
}

// Version 8 gives every per-place table the province code of its owner (a
// member's rows the member's, an organization's rows the organization's),
// backfilled on an existing database, and first repairs a member whose code
// an older binary left behind on a cross-province transfer.
TEST_P(MigrationsTest, Version8GivesEveryPerPlaceRowItsOwnersProvince) {
  const auto shipped = ShippedMigrations();
  const auto before = std::find_if(shipped.begin(), shipped.end(), [](const Migration& m) { return m.version == 8; });
  ASSERT_NE(before, shipped.end());
  ASSERT_TRUE(Migrate(*db_, shipped.first(static_cast<std::size_t>(before - shipped.begin()))).ok());
  // Tibet (54) > Nyingchi > Bomi > Zhamu town > a village; Henan (41) > Zhengzhou > one county.
  const char* script[] = {
      "INSERT INTO units (id, code, name, level, parent_id, province_code, source, created_at, updated_at) VALUES "
      "(1, '54', 'Tibet', 1, NULL, '54', 'division', 'x', 'x'), (2, '5404', 'Nyingchi', 2, 1, '54', 'division', 'x', 'x'), "
      "(3, '540424', 'Bomi', 3, 2, '54', 'division', 'x', 'x'), (4, '540424100', 'Zhamu', 4, 3, '54', 'division', 'x', 'x'), "
      "(5, '540424100205', 'village', 5, 4, '54', 'division', 'x', 'x'), (6, '41', 'Henan', 1, NULL, '41', 'division', 'x', 'x'), "
      "(7, '4101', 'Zhengzhou', 2, 6, '41', 'division', 'x', 'x'), (8, '410102', 'Zhongyuan', 3, 7, '41', 'division', 'x', 'x')",
      "INSERT INTO organizations (id, unit_id, province_code, kind, name, established_on, created_at, updated_at) VALUES "
      "(1, 4, '54', 'branch', 'Zhamu branch', '2020-01-01', 'x', 'x'), (2, 8, '41', 'branch', 'Zhongyuan branch', "
      "'2020-01-01', 'x', 'x')",
      "INSERT INTO org_covered_units (org_id, unit_id) VALUES (1, 5), (2, 8)",
      // Member 1 stays in Tibet; member 2 moved to Henan under an older binary, which kept '54'.
      "INSERT INTO members (id, org_id, unit_id, province_code, name, gender, birth_date, stage, stage_since, situation, "
      "created_at, updated_at) VALUES (1, 1, 4, '54', 'A', 'male', '1980-01-01', 'full', '2010-01-01', 'in_service', 'x', "
      "'x'), (2, 2, 8, '54', 'B', 'female', '1985-01-01', 'full', '2012-01-01', 'migrant', 'x', 'x')",
      "INSERT INTO member_stage_events (member_id, unit_id, to_stage, on_date, created_at) VALUES "
      "(1, 4, 'full', '2010-01-01', 'x'), (2, 4, 'full', '2012-01-01', 'x')",
      "INSERT INTO transfers (member_id, from_org_id, to_org_id, unit_id, status, requested_on, created_at) VALUES "
      "(2, 1, 2, 4, 'confirmed', '2024-01-01', 'x')",
      "INSERT INTO dues_standards (member_id, monthly_fen, from_month, created_at) VALUES (1, 100, '2024-01', 'x'), "
      "(2, 200, '2024-01', 'x')",
      "INSERT INTO dues_payments (member_id, unit_id, month, amount_fen, paid_on, created_at) VALUES "
      "(1, 4, '2024-01', 100, '2024-01-05', 'x'), (2, 4, '2023-12', 200, '2023-12-05', 'x')",
      "INSERT INTO member_cards (id, member_id, unit_id, number, issued_on, status, created_at) VALUES "
      "(1, 1, 4, 'C1', '2020-01-01', 'valid', 'x'), (2, 2, 4, 'C2', '2020-01-01', 'valid', 'x')",
      "INSERT INTO card_reviews (card_id, unit_id, year, result, reviewed_on, note, created_at) VALUES "
      "(1, 4, 2023, 'valid', '2023-12-01', '', 'x'), (2, 4, 2023, 'valid', '2023-12-01', '', 'x')",
      "INSERT INTO meetings (id, org_id, unit_id, kind, held_on, topic, created_at) VALUES "
      "(1, 1, 4, 'branch_meeting', '2024-01-10', 't', 'x'), (2, 2, 8, 'branch_meeting', '2024-02-10', 't', 'x')",
      "INSERT INTO meeting_attendance (meeting_id, member_id, status) VALUES (1, 1, 'present'), (1, 2, 'present'), "
      "(2, 2, 'present')",
      "INSERT INTO meeting_reviews (org_id, unit_id, year, result, note, reviewed_on) VALUES "
      "(1, 4, 2023, 'compliant', '', '2024-01-01'), (2, 8, 2023, 'compliant', '', '2024-01-01')",
  };
  for (const char* sql : script) {
    const Status inserted = Exec(sql);
    ASSERT_TRUE(inserted.ok()) << sql << "\n" << inserted.ToString();
  }

  // Up to version 8 itself: later versions are not this test's business.
  auto report = Migrate(*db_, shipped.first(static_cast<std::size_t>(before - shipped.begin()) + 1));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->applied, std::vector<int>{8});

  // A query of province codes and the codes it must return.
  struct Want {
    const char* sql;
    std::vector<std::string> provinces;
  };
  const Want wants[] = {
      {"SELECT province_code FROM members ORDER BY id", {"54", "41"}},
      {"SELECT province_code FROM org_covered_units ORDER BY org_id", {"54", "41"}},
      {"SELECT province_code FROM member_stage_events ORDER BY member_id", {"54", "41"}},
      {"SELECT province_code FROM transfers ORDER BY member_id", {"41"}},
      {"SELECT province_code FROM dues_standards ORDER BY member_id", {"54", "41"}},
      {"SELECT province_code FROM dues_payments ORDER BY member_id", {"54", "41"}},
      {"SELECT province_code FROM member_cards ORDER BY member_id", {"54", "41"}},
      {"SELECT province_code FROM card_reviews ORDER BY card_id", {"54", "41"}},
      {"SELECT province_code FROM meetings ORDER BY id", {"54", "41"}},
      // Attendance lives with the meeting, also for a member who left the province since.
      {"SELECT province_code FROM meeting_attendance ORDER BY meeting_id, member_id", {"54", "54", "41"}},
      {"SELECT province_code FROM meeting_reviews ORDER BY org_id", {"54", "41"}},
  };
  Status st = db_->Read([&](Session& s) -> Status {
    for (const Want& w : wants) {
      JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll(w.sql));
      std::vector<std::string> got;
      for (const Row& r : rows) got.push_back(r.Text(0));
      EXPECT_EQ(got, w.provinces) << w.sql;
    }
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();

  // Every per-place table has the column, and a new row names its province.
  for (const char* table : {"org_covered_units", "member_stage_events", "transfers", "dues_standards", "dues_payments",
                            "member_cards", "card_reviews", "meetings", "meeting_attendance", "meeting_reviews",
                            "members", "organizations", "two_new_orgs", "units"}) {
    Status has = db_->Read([&](Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto tables, s.Tables());
      for (const TableInfo& t : tables) {
        if (t.name != table) continue;
        EXPECT_NE(std::find(t.columns.begin(), t.columns.end(), "province_code"), t.columns.end()) << table;
        return Status::Ok();
      }
      ADD_FAILURE() << "no table " << table;
      return Status::Ok();
    });
    EXPECT_TRUE(has.ok()) << has.ToString();
  }
  // PostgreSQL has no default for it: a write that forgets the column fails.
  if (std::string_view(GetParam()) == "postgresql") {
    EXPECT_FALSE(Exec("INSERT INTO dues_standards (member_id, monthly_fen, from_month, created_at) "
                      "VALUES (1, 100, '2025-01', 'x')")
                     .ok());
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, MigrationsTest, ::testing::ValuesIn(testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::db

namespace jiceng::db {
namespace {

// Both spellings of every shipped migration must build the same schema: the
// same tables in the same order, the same columns, engine-assigned ids and
// foreign keys. (Needs the PostgreSQL test server: suite PostgresServer*,
// run by CTest's pg.unit_test.) Also the list of indexes, by name.
TEST(PostgresServerMigrations, BothEnginesGetTheSameTablesColumnsKeysAndIndexes) {
  auto sqlite = testing::TestDatabase::Create("sqlite", "parity");
  auto pg = testing::TestDatabase::Create("postgresql", "parity");
  ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  auto a = (*sqlite)->Open();
  auto b = (*pg)->Open();
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(Migrate(**a).ok());
  ASSERT_TRUE(Migrate(**b).ok());
  auto tables_of = [](Database& db) {
    std::vector<TableInfo> tables;
    EXPECT_TRUE(db.Read([&](Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(tables, s.Tables());
      return Status::Ok();
    }).ok());
    for (TableInfo& t : tables) std::sort(t.references.begin(), t.references.end());
    return tables;
  };
  const auto ta = tables_of(**a);
  const auto tb = tables_of(**b);
  ASSERT_EQ(ta.size(), tb.size());
  for (std::size_t i = 0; i < ta.size(); ++i) {
    SCOPED_TRACE(ta[i].name);
    EXPECT_EQ(ta[i].name, tb[i].name);
    EXPECT_EQ(ta[i].columns, tb[i].columns);
    // schema_migrations.version is given explicitly, always; on SQLite its
    // INTEGER PRIMARY KEY merely happens to be a rowid alias.
    if (ta[i].name != "schema_migrations") {
      EXPECT_EQ(ta[i].id_column, tb[i].id_column);
    }
    EXPECT_EQ(ta[i].references, tb[i].references);
  }
  // Named indexes (the engines' own automatic ones aside).
  auto indexes_of = [](Database& db, const char* sql) {
    std::vector<std::string> names;
    EXPECT_TRUE(db.Read([&](Session& s) {
      return s.Query(sql, {}, [&](const Row& r) {
        names.push_back(r.Text(0));
        return Status::Ok();
      });
    }).ok());
    std::sort(names.begin(), names.end());
    return names;
  };
  EXPECT_EQ(indexes_of(**a, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"),
            indexes_of(**b, "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                            "AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'"));
}

}  // namespace
}  // namespace jiceng::db
