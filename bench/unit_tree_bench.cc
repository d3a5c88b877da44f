// Micro-benchmarks of the in-memory hierarchy on a synthetic tree the size
// of the real one (31 x 11 x 9 x 14 x 15 ≈ 665k units). Not a test: run
// `build/bench/unit_tree_bench` by hand; figures go in bench/README.md.
#include <benchmark/benchmark.h>

#include "hierarchy/unit_tree.h"

namespace {

using jiceng::hierarchy::UnitRecord;
using jiceng::hierarchy::UnitTree;

std::vector<UnitRecord> NationSizedRecords() {
  std::vector<UnitRecord> r;
  std::int64_t id = 1;
  for (std::uint64_t p = 11; p < 42; ++p) {
    r.push_back({id++, p, "省" + std::to_string(p), false, false, 1});
    for (std::uint64_t c = 1; c <= 11; ++c) {
      const std::uint64_t city = p * 100 + c;
      r.push_back({id++, city, "市" + std::to_string(city), false, false, 1});
      for (std::uint64_t a = 1; a <= 9; ++a) {
        const std::uint64_t area = city * 100 + a;
        r.push_back({id++, area, "县" + std::to_string(area), false, false, 1});
        for (std::uint64_t s = 1; s <= 14; ++s) {
          const std::uint64_t street = area * 1000 + 100 + s;
          r.push_back({id++, street, "镇" + std::to_string(street), false, false, 1});
          for (std::uint64_t v = 1; v <= 15; ++v) {
            const std::uint64_t village = street * 1000 + 200 + v;
            r.push_back({id++, village, "村" + std::to_string(village), false, false, 1});
          }
        }
      }
    }
  }
  return r;
}

const UnitTree& Tree() {
  static auto tree = std::move(UnitTree::Build(NationSizedRecords())).value();
  return *tree;
}

void BM_Build(benchmark::State& state) {
  auto records = NationSizedRecords();
  for (auto _ : state) {
    auto tree = UnitTree::Build(records);
    benchmark::DoNotOptimize(tree);
  }
}
BENCHMARK(BM_Build)->Unit(benchmark::kMillisecond);

void BM_Find(benchmark::State& state) {
  const UnitTree& tree = Tree();
  for (auto _ : state) benchmark::DoNotOptimize(tree.Find(2105041100215));
}
BENCHMARK(BM_Find);

void BM_ChildrenOfCounty(benchmark::State& state) {
  const UnitTree& tree = Tree();
  for (auto _ : state) benchmark::DoNotOptimize(tree.Children(210504, 0, 50, false));
}
BENCHMARK(BM_ChildrenOfCounty);

void BM_SearchName(benchmark::State& state) {
  const UnitTree& tree = Tree();
  for (auto _ : state) benchmark::DoNotOptimize(tree.Search({"村2105041", std::nullopt, 0, 20, false}));
}
BENCHMARK(BM_SearchName)->Unit(benchmark::kMillisecond);

// Pinyin: the tree's names are 省/市/县/镇/村 + digits, so "zhen" matches
// every township (the ranking cost) and "zhenx" nothing (the bare scan).
void BM_SearchPinyinManyHits(benchmark::State& state) {
  const UnitTree& tree = Tree();
  for (auto _ : state) benchmark::DoNotOptimize(tree.Search({.text = "zhen"}));
}
BENCHMARK(BM_SearchPinyinManyHits)->Unit(benchmark::kMillisecond);

void BM_SearchPinyinNoHit(benchmark::State& state) {
  const UnitTree& tree = Tree();
  for (auto _ : state) benchmark::DoNotOptimize(tree.Search({.text = "zhenx"}));
}
BENCHMARK(BM_SearchPinyinNoHit)->Unit(benchmark::kMillisecond);

void BM_SearchCodePrefix(benchmark::State& state) {
  const UnitTree& tree = Tree();
  for (auto _ : state) benchmark::DoNotOptimize(tree.Search({"210504", std::nullopt, 0, 20, false}));
}
BENCHMARK(BM_SearchCodePrefix);

}  // namespace

BENCHMARK_MAIN();
