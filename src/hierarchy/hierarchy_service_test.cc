#include "hierarchy/hierarchy_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "db/testing/migrated_database_test.h"
#include "hierarchy/testing/seed_units.h"

namespace jiceng::hierarchy {
namespace {

using db::Value;

// Runs on every engine (db/testing/test_database.h).
class HierarchyServiceTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    // A slice of the real list, inserted as the importer would.
    static constexpr testing::SeedUnit kUnits[] = {{"54", "西藏自治区"},
                                                   {"5404", "林芝市"},
                                                   {"540424", "波密县"},
                                                   {"540424100", "扎木镇"},
                                                   {"540424100201", "达兴村委会"},
                                                   {"540424100202", "巴卡村委会"}};
    auto seeded = testing::SeedUnits(*db_, kUnits);
    ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
    auto service = HierarchyService::Load(*db_);
    ASSERT_TRUE(service.ok());
    service_ = std::move(service).value();
  }
  void TearDown() override {
    service_.reset();
  }

  std::unique_ptr<HierarchyService> service_;
};

// The fixture's rows were written without pinyin, as by a version before
// it was stored: loading stores it once, so the next start reads it.
TEST_P(HierarchyServiceTest, LoadStoresThePinyinOfOlderRowsOnce) {
  std::string bomi;
  std::int64_t missing = -1;
  Status st = db_->Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT pinyin FROM units WHERE code = '540424'"));
    bomi = row && !row->IsNull(0) ? row->Text(0) : "(null)";
    JICENG_ASSIGN_OR_RETURN(auto count, s.QueryOne("SELECT COUNT(*) FROM units WHERE pinyin IS NULL"));
    missing = count->Int(0);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(bomi, "bo mi xian");
  EXPECT_EQ(missing, 0);
  auto page = service_->tree().Search({.text = "bomi"});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].code, "540424");
  // A new group's pinyin is stored with it.
  auto group = service_->AddGroup("540424100201", "嘎朗组");
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  st = db_->Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT pinyin FROM units WHERE code = ?",
                                                 {Value(group->code)}));
    bomi = row && !row->IsNull(0) ? row->Text(0) : "(null)";
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(bomi, "ga lang zu");
}

TEST_P(HierarchyServiceTest, AddGroupAssignsCodesAndSurvivesReload) {
  auto a = service_->AddGroup("540424100201", "  本东村民小组 ");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->code, "540424100201001");
  EXPECT_EQ(a->name, "本东村民小组");
  EXPECT_EQ(a->level, Level::kGroup);
  auto b = service_->AddGroup("540424100201", "二组");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->code, "540424100201002");
  // A fresh load from the database sees the same tree.
  auto reloaded = HierarchyService::Load(*db_);
  ASSERT_TRUE(reloaded.ok());
  auto g = (*reloaded)->tree().Find(540424100201002);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->name, "二组");
  EXPECT_TRUE(g->user_defined);
  EXPECT_EQ(g->rank, service_->tree().Find(540424100201002)->rank);
}

TEST_P(HierarchyServiceTest, AddGroupRefusesBadPlacesAndNames) {
  EXPECT_EQ(service_->AddGroup("540424100", "一组").status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(service_->AddGroup("540424100299", "一组").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(service_->AddGroup("5404x", "一组").status().field(), "code");
  EXPECT_EQ(service_->AddGroup("540424100201", " ").status().field(), "name");
  EXPECT_EQ(service_->AddGroup("540424100201", "一\n组").status().field(), "name");
  EXPECT_EQ(service_->AddGroup("540424100201", std::string(31 * 3, 'a')).status().field(), "name");
  ASSERT_TRUE(service_->AddGroup("540424100201", "一组").ok());
  auto dup = service_->AddGroup("540424100201", "一组");
  EXPECT_EQ(dup.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(dup.status().field(), "name");
  // The same name under another village is fine.
  EXPECT_TRUE(service_->AddGroup("540424100202", "一组").ok());
}

TEST_P(HierarchyServiceTest, RenameUsesOptimisticVersionsAndKeepsHistory) {
  auto g = *service_->AddGroup("540424100201", "一组");
  auto renamed = service_->RenameGroup(g.code, "本东组", 1);
  ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
  EXPECT_EQ(renamed->version, 2);
  auto stale = service_->RenameGroup(g.code, "别的名字", 1);
  EXPECT_EQ(stale.status().code(), ErrorCode::kConflict);
  EXPECT_EQ(stale.status().field(), "version");
  EXPECT_EQ(service_->RenameGroup("540424", "x", std::nullopt).status().code(),
            ErrorCode::kFailedPrecondition);
  Status st = db_->Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll("SELECT old_name, new_name FROM unit_name_history"));
    EXPECT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].Text(0), "一组");
    EXPECT_EQ(rows[0].Text(1), "本东组");
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok());
}

TEST_P(HierarchyServiceTest, RetireKeepsTheRowAndFreesTheName) {
  auto g = *service_->AddGroup("540424100201", "一组");
  auto retired = service_->RetireGroup(g.code, std::nullopt);
  ASSERT_TRUE(retired.ok());
  EXPECT_TRUE(retired->retired);
  EXPECT_EQ(service_->RetireGroup(g.code, std::nullopt).status().code(), ErrorCode::kFailedPrecondition);
  // The name is free for a new group, which gets a new code.
  auto again = service_->AddGroup("540424100201", "一组");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->code, "540424100201002");
  // Reinstating the old one would duplicate the active name.
  EXPECT_EQ(service_->ReinstateGroup(g.code, std::nullopt).status().code(), ErrorCode::kConflict);
  auto reloaded = std::move(HierarchyService::Load(*db_)).value();
  EXPECT_TRUE(reloaded->tree().Find(540424100201001)->retired);
}

TEST_P(HierarchyServiceTest, ConcurrentAddsOfOneNameYieldOneGroup) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, conflict{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = service_->AddGroup("540424100202", "同名组");
      if (r.ok()) ++ok;
      else if (r.status().code() == ErrorCode::kConflict) ++conflict;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), 7);
}

INSTANTIATE_TEST_SUITE_P(Engines, HierarchyServiceTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::hierarchy
