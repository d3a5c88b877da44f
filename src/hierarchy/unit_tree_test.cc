#include "hierarchy/unit_tree.h"

#include <gtest/gtest.h>

#include <random>

namespace jiceng::hierarchy {
namespace {

// A small tree shaped like the real one (codes and names as in the list).
std::vector<UnitRecord> SmallTree() {
  std::vector<UnitRecord> r;
  std::int64_t id = 1;
  auto add = [&](std::uint64_t code, const char* name) { r.push_back({id++, code, name, false, false, 1}); };
  add(51, "四川省");
  add(5133, "甘孜藏族自治州");
  add(513322, "泸定县");
  add(513322100, "泸桥镇");
  add(54, "西藏自治区");
  add(5404, "林芝市");
  add(540424, "波密县");
  add(540424100, "扎木镇");
  add(540424100201, "达兴村委会");
  add(540424100202, "巴卡村委会");
  add(540424101, "倾多镇");
  add(11, "北京市");
  add(1101, "市辖区");
  add(110101, "东城区");
  std::shuffle(r.begin(), r.end(), std::mt19937(7));  // Build must not depend on order
  return r;
}

std::unique_ptr<UnitTree> Build(std::vector<UnitRecord> records) {
  auto tree = UnitTree::Build(std::move(records));
  EXPECT_TRUE(tree.ok()) << tree.status().ToString();
  return std::move(tree).value();
}

std::vector<std::string> Codes(const UnitPage& page) {
  std::vector<std::string> out;
  for (const auto& u : page.items) out.push_back(u.code);
  return out;
}

TEST(UnitTree, SubtreeRangeCoversExactlyTheDescendants) {
  auto tree = Build(SmallTree());
  ASSERT_EQ(tree->size(), 14u);
  auto bomi = *tree->Find(540424);
  auto tibet = *tree->Find(54);
  // Every unit whose code starts with 540424 is inside Bomi's range, and
  // nothing else is.
  for (std::uint64_t code : {540424100ull, 540424100201ull, 540424100202ull, 540424101ull}) {
    auto u = *tree->Find(code);
    EXPECT_GE(u.rank, bomi.rank);
    EXPECT_LT(u.rank, bomi.subtree_end);
  }
  for (std::uint64_t code : {5404ull, 513322ull, 110101ull}) {
    auto u = *tree->Find(code);
    EXPECT_TRUE(u.rank < bomi.rank || u.rank >= bomi.subtree_end) << code;
  }
  EXPECT_EQ(bomi.subtree_end - bomi.rank, 5u);
  EXPECT_EQ(tibet.subtree_end - tibet.rank, 7u);
}

TEST(UnitTree, IdsInSubtreeWalkTheSubtreeInCodeOrderASliceAtATime) {
  auto tree = Build(SmallTree());
  auto id = [&](std::uint64_t code) { return tree->Find(code)->id; };
  const std::vector<std::int64_t> bomi = {id(540424), id(540424100), id(540424100201), id(540424100202), id(540424101)};
  EXPECT_EQ(tree->IdsInSubtree(540424, 0, 100), bomi);
  EXPECT_EQ(tree->IdsInSubtree(540424, 1, 2), (std::vector<std::int64_t>{bomi[1], bomi[2]}));
  EXPECT_EQ(tree->IdsInSubtree(540424, 4, 2), (std::vector<std::int64_t>{bomi[4]}));
  EXPECT_TRUE(tree->IdsInSubtree(540424, 5, 2).empty());
  EXPECT_TRUE(tree->IdsInSubtree(999999, 0, 2).empty());
  // 0 is the whole country, Beijing (11) first.
  auto all = tree->IdsInSubtree(0, 0, 100);
  ASSERT_EQ(all.size(), 14u);
  EXPECT_EQ(all.front(), id(11));
  EXPECT_EQ(all.back(), id(540424101));
}

TEST(UnitTree, ChildrenArePagedInCodeOrder) {
  auto tree = Build(SmallTree());
  auto provinces = tree->Children(0, 0, 10, false);
  ASSERT_TRUE(provinces);
  EXPECT_EQ(Codes(*provinces), (std::vector<std::string>{"11", "51", "54"}));
  auto page = tree->Children(540424, 1, 1, false);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 2u);
  EXPECT_EQ(Codes(*page), std::vector<std::string>{"540424101"});
  EXPECT_FALSE(tree->Children(999999, 0, 10, false));
  EXPECT_EQ(tree->Find(540424100)->child_count, 2u);
}

TEST(UnitTree, PathListsAncestorsProvinceFirst) {
  auto tree = Build(SmallTree());
  auto path = tree->Path(540424100201);
  ASSERT_EQ(path.size(), 4u);
  EXPECT_EQ(path[0].name, "西藏自治区");
  EXPECT_EQ(path[3].name, "扎木镇");
  EXPECT_TRUE(tree->Path(54).empty());
}

TEST(UnitTree, BuildRefusesAUnitWithoutParent) {
  auto records = SmallTree();
  records.push_back({99, 540425100, "孤儿镇", false, false, 1});
  auto tree = UnitTree::Build(std::move(records));
  ASSERT_FALSE(tree.ok());
  EXPECT_NE(tree.status().message_en().find("540425"), std::string::npos);
}

TEST(UnitTree, NameSearchRanksExactThenPrefixThenLevel) {
  auto tree = Build(SmallTree());
  auto page = tree->Search({"泸", std::nullopt, 0, 10, false});
  EXPECT_EQ(Codes(page), (std::vector<std::string>{"513322", "513322100"}));
  page = tree->Search({"市辖区", std::nullopt, 0, 10, false});
  EXPECT_EQ(Codes(page), std::vector<std::string>{"1101"});
  EXPECT_TRUE(page.items[0].placeholder);
  // Names never match across the boundary of two names.
  EXPECT_EQ(tree->Search({"区甘", std::nullopt, 0, 10, false}).total, 0u);
}

TEST(UnitTree, SearchUnderRestrictsToTheSubtree) {
  auto tree = Build(SmallTree());
  auto page = tree->Search({"镇", 540424, 0, 10, false});
  EXPECT_EQ(Codes(page), (std::vector<std::string>{"540424100", "540424101"}));
  EXPECT_EQ(tree->Search({"镇", 51, 0, 10, false}).total, 1u);
}

TEST(UnitTree, CodePrefixSearchIsAContiguousRange) {
  auto tree = Build(SmallTree());
  auto page = tree->Search({"540424", std::nullopt, 0, 10, false});
  EXPECT_EQ(page.total, 5u);
  EXPECT_EQ(page.items.front().code, "540424");
  EXPECT_EQ(tree->Search({"5404241002", std::nullopt, 0, 10, false}).total, 2u);
  EXPECT_EQ(tree->Search({"5", std::nullopt, 0, 3, false}).total, 11u);
  EXPECT_EQ(tree->Search({"9", std::nullopt, 0, 3, false}).total, 0u);
}

TEST(UnitTree, AddingAGroupShiftsRanksLikeARebuild) {
  auto records = SmallTree();
  auto tree = Build(records);
  UnitRecord group{100, 540424100201001, "一组", false, true, 1};
  ASSERT_TRUE(tree->AddChild(540424100201, group).ok());
  records.push_back(group);
  // A second and third group follow a sibling whose subtree ends where they go.
  for (std::uint64_t n = 2; n <= 3; ++n) {
    UnitRecord next{static_cast<std::int64_t>(100 + n), 540424100201000 + n, "组" + std::to_string(n), false, true, 1};
    ASSERT_TRUE(tree->AddChild(540424100201, next).ok());
    records.push_back(next);
  }
  UnitRecord other{200, 540424100202001, "一组", false, true, 1};
  ASSERT_TRUE(tree->AddChild(540424100202, other).ok());
  records.push_back(other);
  auto rebuilt = Build(records);
  // Every unit has the same rank and subtree end as in a tree built from scratch.
  for (const auto& r : records) {
    auto a = *tree->Find(r.code);
    auto b = *rebuilt->Find(r.code);
    EXPECT_EQ(a.rank, b.rank) << r.code;
    EXPECT_EQ(a.subtree_end, b.subtree_end) << r.code;
  }
  EXPECT_EQ(*tree->NextGroupCode(540424100201), 540424100201004u);
  EXPECT_EQ(tree->Children(540424100201, 0, 10, false)->total, 3u);
  EXPECT_EQ(tree->Find(540424100201001)->child_count, 0u);
  EXPECT_EQ(tree->Search({"一组", std::nullopt, 0, 10, false}).total, 2u);
  EXPECT_FALSE(tree->AddChild(540424100201, group).ok()) << "a code is added only once";
}

TEST(UnitTree, RenameAndRetireAreSeenBySearchAndListing) {
  auto tree = Build(SmallTree());
  ASSERT_TRUE(tree->AddChild(540424100201, {100, 540424100201001, "一组", false, true, 1}).ok());
  ASSERT_TRUE(tree->Rename(540424100201001, "本东组", 2).ok());
  EXPECT_EQ(tree->Search({"一组", std::nullopt, 0, 10, false}).total, 0u) << "old name no longer found";
  EXPECT_EQ(tree->Search({"本东", std::nullopt, 0, 10, false}).total, 1u);
  EXPECT_TRUE(tree->HasActiveChildNamed(540424100201, "本东组"));
  ASSERT_TRUE(tree->SetRetired(540424100201001, true, 3).ok());
  EXPECT_FALSE(tree->HasActiveChildNamed(540424100201, "本东组"));
  EXPECT_EQ(tree->Children(540424100201, 0, 10, false)->total, 0u);
  EXPECT_EQ(tree->Children(540424100201, 0, 10, true)->total, 1u);
  EXPECT_EQ(tree->Search({"本东", std::nullopt, 0, 10, true}).total, 1u);
  // Codes of retired groups are never reused.
  EXPECT_EQ(*tree->NextGroupCode(540424100201), 540424100201002u);
}

TEST(UnitTree, LatinLettersSearchThePinyinOfNames) {
  auto tree = Build(SmallTree());
  for (const char* q : {"luding", "lu ding", "LuDing", "ld", "ludingxian"}) {
    auto page = tree->Search({.text = q});
    ASSERT_FALSE(page.items.empty()) << q;
    EXPECT_EQ(page.items[0].code, "513322") << q;
  }
  EXPECT_EQ(Codes(tree->Search({.text = "bomi"})), std::vector<std::string>{"540424"});
  // From a later syllable: 扎木镇 by "mu", after the units whose name starts so.
  auto mu = tree->Search({.text = "muzhen"});
  EXPECT_EQ(Codes(mu), std::vector<std::string>{"540424100"});
  EXPECT_TRUE(tree->Search({.text = "xyzzy"}).items.empty());
  // Scoped like the name search.
  EXPECT_TRUE(tree->Search({.text = "luding", .under = 54}).items.empty());
}

TEST(UnitTree, PinyinFollowsRenamesAndNewGroups) {
  auto tree = Build(SmallTree());
  ASSERT_TRUE(tree->AddChild(540424100201, {99, 540424100201001, "嘎朗组", false, true, 1}).ok());
  EXPECT_EQ(Codes(tree->Search({.text = "galang"})), std::vector<std::string>{"540424100201001"});
  ASSERT_TRUE(tree->Rename(540424100201001, "米堆组", 2).ok());
  EXPECT_TRUE(tree->Search({.text = "galang"}).items.empty());
  EXPECT_EQ(Codes(tree->Search({.text = "midui"})), std::vector<std::string>{"540424100201001"});
}

TEST(UnitTree, StoredPinyinIsUsedAsGiven) {
  // A record that carries its pinyin (as loaded from the database) is not
  // transliterated again.
  std::vector<UnitRecord> records = {{1, 54, "西藏自治区", false, false, 1, "xizang"}};
  auto tree = Build(std::move(records));
  EXPECT_EQ(Codes(tree->Search({.text = "xizang"})), std::vector<std::string>{"54"});
  EXPECT_TRUE(tree->Search({.text = "xicang"}).items.empty());
}

}  // namespace
}  // namespace jiceng::hierarchy
