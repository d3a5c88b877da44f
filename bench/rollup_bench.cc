// The roll-up engine on the baseline harness's data (../shared/bench/rollup:
// 10M members over the real 665k units), loaded into a Jiceng database by
// bench/run_rollup.sh. Prints, as Markdown rows: the rebuild time at start,
// the engine's memory, and the median of RUNS warm runs of "members by
// status under the unit" for one unit of each level and for every county at
// once — the members part of the harness's dashboard query — plus the time
// from one committed write to a read that sees it.
//
// Usage: rollup_bench DB_URL [RUNS] [rebuild]   (run from the project folder,
// or set JICENG_DEFINITIONS_DIR, so that definitions/indicators is found).
// With `rebuild`, only the rebuild is timed (with the time from the start to
// each indicator's last record, `indicator_done_ms`) and nothing is written,
// so that runs before and after a change read the very same data.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "analytics/rollup_engine.h"
#include "common/clock.h"
#include "db/database.h"
#include "db/migrations/migrations.h"
#include "hierarchy/hierarchy_service.h"

using namespace jiceng;
using Clock = std::chrono::steady_clock;

namespace {

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

long RssKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

template <typename Fn>
double Median(int runs, Fn&& fn) {
  fn();  // warm-up
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    fn();
    t.push_back(Ms(Clock::now() - start));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int Fail(const Status& st) {
  std::fprintf(stderr, "rollup_bench: %s\n", st.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_URL [RUNS]\n", argv[0]);
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  const bool rebuild_only = argc > 3 && std::string(argv[3]) == "rebuild";
  auto db = db::Database::Open(argv[1]);
  if (!db.ok()) return Fail(db.status());
  if (auto m = db::Migrate(**db); !m.ok()) return Fail(m.status());
  auto hierarchy = hierarchy::HierarchyService::Load(**db);
  if (!hierarchy.ok()) return Fail(hierarchy.status());
  auto defs = analytics::LoadIndicators();
  if (!defs.ok()) return Fail(defs.status());

  const long rss_before = RssKib();
  const auto load_start = Clock::now();
  std::vector<std::pair<std::string, double>> done_at;  // indicator, ms since the start of its last record
  std::vector<std::int64_t> done_records;
  auto progress = [&](std::string_view indicator, std::int64_t records) {
    const double at = Ms(Clock::now() - load_start);
    if (done_at.empty() || done_at.back().first != indicator) {
      done_at.emplace_back(std::string(indicator), at);
      done_records.push_back(records);
    } else {
      done_at.back().second = at;
      done_records.back() = records;
    }
  };
  auto engine = analytics::RollupEngine::Load(**db, *defs, progress);
  if (!engine.ok()) return Fail(engine.status());
  const double load_ms = Ms(Clock::now() - load_start);
  for (std::size_t i = 0; i < done_at.size(); ++i) {
    std::printf("indicator_done_ms %s %.0f records %lld\n", done_at[i].first.c_str(), done_at[i].second,
                static_cast<long long>(done_records[i]));
  }
  const long rss_after = RssKib();
  std::size_t bytes = 0;
  std::size_t member_records = 0;
  for (const auto& use : (*engine)->MemoryUsage()) {
    bytes += use.bytes;
    if (use.indicator == "members") member_records = use.records;
  }
  std::printf("rebuild_ms %.0f\nmembers_counted %zu\nengine_bytes %zu\nrss_growth_kib %ld\n", load_ms,
              member_records, bytes, rss_after - rss_before);
  if (rebuild_only) return 0;

  const auto& tree = (*hierarchy)->tree();
  analytics::RollupEngine::Selection by_status;
  by_status.by = "stage";
  struct Level {
    const char* name;
    const char* code;
  };
  const Level levels[] = {{"nation", ""},           {"province", "54"},          {"prefecture", "5404"},
                          {"county", "540424"},     {"township", "540424100"},   {"village", "540424100205"}};
  std::int64_t nation_total = 0;
  for (const Level& l : levels) {
    std::vector<std::int64_t> unit = {analytics::kNation};
    if (*l.code) unit[0] = tree.Find(std::stoull(l.code))->id;
    std::int64_t total = 0;
    const double ms = Median(runs, [&] {
      auto f = (*engine)->Figures("members", unit, by_status);
      total = (*f)[0].total;
    });
    if (!*l.code) nation_total = total;
    std::printf("level %s %s %.4f ms total %lld\n", l.name, *l.code ? l.code : "CN", ms,
                static_cast<long long>(total));
  }
  // Every county at once: the county list from the tree, one figure each.
  std::int64_t county_sum = 0;
  std::size_t counties = 0;
  const double all_ms = Median(runs, [&] {
    const auto page = tree.UnitsAt(std::nullopt, hierarchy::Level::kCounty, 0, 10000);
    std::vector<std::int64_t> ids;
    ids.reserve(page.items.size());
    for (const auto& u : page.items) ids.push_back(u.id);
    auto f = (*engine)->Figures("members", ids, by_status);
    county_sum = 0;
    for (const auto& fig : *f) county_sum += fig.total;
    counties = ids.size();
  });
  std::printf("all_counties %zu %.3f ms sum %lld (nation %lld)\n", counties, all_ms,
              static_cast<long long>(county_sum), static_cast<long long>(nation_total));

  // One write, then the next read: a new full member in Zhamu village.
  // (or, at small scales where it has none, the village of the first branch).
  std::int64_t org_id = 0;
  std::int64_t village_id = tree.Find(540424100205ULL)->id;
  Status found = (*db)->Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, s.QueryOne("SELECT id, unit_id FROM organizations ORDER BY unit_id = ? DESC, id "
                                                 "LIMIT 1",
                                                 {db::Value(village_id)}));
    if (!org) return Status::NotFound("no organization", "no organization: load members first");
    org_id = org->Int(0);
    village_id = org->Int(1);
    return Status::Ok();
  });
  if (!found.ok()) return Fail(found);
  std::vector<std::int64_t> unit = {village_id};
  const auto before = (*(*engine)->Figures("members", unit, {}))[0].total;
  const auto write_start = Clock::now();
  Status st = (*db)->Write([&](db::Session& s) -> Status {
    const std::string now = NowUtcIso();
    JICENG_ASSIGN_OR_RETURN(
        auto id, s.InsertReturningId("INSERT INTO members (org_id, unit_id, province_code, name, gender, birth_date, "
                                     "stage, stage_since, situation, status, created_at, updated_at) VALUES "
                                     "(?, ?, '54', '新党员', 'female', '1990-01-01', 'full', '2020-01-01', "
                                     "'in_service', 'active', ?, ?) RETURNING id",
                                     {db::Value(org_id), db::Value(village_id), db::Value(now), db::Value(now)}));
    return (*engine)->Changed(s, "members", id);
  });
  if (!st.ok()) return Fail(st);
  const auto after = (*(*engine)->Figures("members", unit, {}))[0].total;
  std::printf("write_then_read %.2f ms visible %s (%lld -> %lld)\n", Ms(Clock::now() - write_start),
              after == before + 1 ? "yes" : "NO", static_cast<long long>(before), static_cast<long long>(after));
  return after == before + 1 ? 0 : 1;
}
