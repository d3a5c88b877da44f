// Member list benchmark (not a test; see bench/README.md, "The member list on
// sparse and dense data"): the first page of GET /api/v1/members for a
// nationwide user — `MemberService::List` with the country as its scope, as
// `jiceng serve` runs it (totals and the walk's subtree counts from the
// roll-up engine).
//
//   member_list_bench [--db URL] [--members N] [--existing] [--runs R] [--compare]
//
// Without --existing the database must be new (default: a temporary SQLite
// file): the real division list is imported and N members (default 100) are
// put in N villages drawn at random over the whole country, one branch each —
// sparse data. With --existing the database is used as it is (e.g. the 10M
// members of bench/run_rollup.sh). --compare also times the list without the
// engine (the walk over every unit in code order, as before issue #14 part 8,
// total by COUNT(*)). Needs the division list (JICENG_DIVISIONS_DIR) for a new
// database.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <time.h>
#include <unistd.h>

#include "analytics/rollup_engine.h"
#include "common/clock.h"
#include "db/migrations/migrations.h"
#include "hierarchy/division_import.h"
#include "hierarchy/hierarchy_service.h"
#include "members/member_service.h"
#include "members/membership_rules.h"
#include "members/roster_counts.h"
#include "orgs/org_service.h"
#include "people/personal_data.h"

namespace {

using namespace jiceng;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point since) { return std::chrono::duration<double, std::milli>(Clock::now() - since).count(); }

double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

[[noreturn]] void Die(const Status& st) {
  std::fprintf(stderr, "error: %s\n", st.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r) {
  if (!r.ok()) Die(r.status());
  return std::move(r).value();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// N members in N distinct villages drawn from the whole country, each with
// its own branch, in one write transaction.
void AddSparseMembers(db::Database& db, hierarchy::HierarchyService& hierarchy, members::MemberService& members,
                      int n, const BusinessClock& clock) {
  analytics::NoChangeSink changes;
  orgs::OrgService orgs(db, hierarchy, changes, clock);
  const auto& tree = hierarchy.tree();
  std::vector<std::uint64_t> villages;
  const auto provinces = tree.Children(0, 0, 100, false);
  for (const auto& province : provinces->items) {
    for (std::uint64_t v : tree.CodesInSubtree(std::stoull(province.code), hierarchy::Level::kVillage, false)) {
      villages.push_back(v);
    }
  }
  std::mt19937 rng(14);
  std::shuffle(villages.begin(), villages.end(), rng);
  villages.resize(static_cast<std::size_t>(n));
  std::sort(villages.begin(), villages.end());
  const char* kStages[] = {"full", "full", "full", "probationary", "applicant", "activist", "candidate"};
  const char* kSituations[] = {"in_service", "rural_labour", "elderly_infirm", "migrant"};
  Status st = db.Write([&](db::Session& s) -> Status {
    std::vector<members::NewMember> rows;
    for (std::size_t i = 0; i < villages.size(); ++i) {
      const auto unit = tree.Find(villages[i]);
      orgs::CheckedOrg branch;
      orgs::OrgInput in{std::to_string(villages[i]), std::nullopt, "branch", unit->name + "党支部"};
      if (auto errors = orgs.CheckInput(in, &branch); !errors.empty()) return errors.front();
      JICENG_ASSIGN_OR_RETURN(auto org_id, orgs.InsertOrg(s, branch));
      members::MemberInput m;
      m.org_id = org_id;
      m.name = "党员" + std::to_string(i);
      m.gender = i % 2 ? "male" : "female";
      m.birth_date = "1980-01-01";
      m.stage = kStages[i % 7];
      m.stage_since = "2020-01-01";
      m.situation = kSituations[i % 4];
      members::Member checked;
      if (auto errors = members.CheckInput(m, &checked); !errors.empty()) return errors.front();
      rows.push_back({checked, unit->id, unit->code.substr(0, 2)});
    }
    return members.InsertMembers(s, rows, std::nullopt).status();
  });
  if (!st.ok()) Die(st);
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int n_members = 100;
  int runs = 21;
  bool existing = false, compare = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--db" && i + 1 < argc) {
      url = argv[++i];
    } else if (a == "--members" && i + 1 < argc) {
      n_members = std::atoi(argv[++i]);
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--existing") {
      existing = true;
    } else if (a == "--compare") {
      compare = true;
    } else {
      std::fprintf(stderr, "usage: member_list_bench [--db URL] [--members N] [--existing] [--runs R] [--compare]\n");
      return 2;
    }
  }
  std::filesystem::path tmp_db;
  if (url.empty()) {
    tmp_db = std::filesystem::temp_directory_path() / ("member_list_bench_" + std::to_string(::getpid()) + ".db");
    url = tmp_db.string();
  }
  auto db = Check(db::Database::Open(url));
  Check(db::Migrate(*db));
  std::printf("database: %s (%s)\n", db->location().c_str(), std::string(db->engine()).c_str());
  auto t = Clock::now();
  if (!existing) Check(hierarchy::ImportDivisions(*db, Check(hierarchy::FindDivisionsDir()), nullptr));
  auto hierarchy = Check(hierarchy::HierarchyService::Load(*db));
  std::printf("hierarchy loaded: %zu units, %.0f ms\n", hierarchy->tree().size(), Ms(t));
  auto rules = Check(members::MembershipRules::LoadDefault());
  analytics::NoChangeSink no_changes;
  const auto clock = Check(SystemBusinessClock::Create());
  // A fixed key: the bench measures sealing and opening, not key handling.
  const std::array<unsigned char, people::Vault::kKeyBytes> bench_key{};
  const people::Vault vault = Check(people::Vault::FromKey(bench_key));
  members::MemberService members(*db, *hierarchy, rules, no_changes, vault, *clock);
  if (!existing) {
    t = Clock::now();
    AddSparseMembers(*db, *hierarchy, members, n_members, *clock);
    if (Status a = db->Write([](db::Session& s) { return s.ExecScript("ANALYZE"); }); !a.ok()) Die(a);
    std::printf("%d members in %d villages over the country: %.0f ms\n", n_members, n_members, Ms(t));
  }

  members::MemberFilter nationwide;
  nationwide.nationwide = true;
  auto time_list = [&](const char* how, members::MemberFilter f, int n) {
    std::vector<double> wall, cpu;
    std::size_t total = 0, shown = 0;
    for (int i = 0; i < n; ++i) {
      const auto t0 = Clock::now();
      const double c0 = CpuMs();
      auto page = Check(members.List(f));
      wall.push_back(Ms(t0));
      cpu.push_back(CpuMs() - c0);
      total = page.second;
      shown = page.first.size();
    }
    std::printf("LIST %s: %zu of %zu shown, median %.3f ms (CPU %.3f ms), min %.3f, max %.3f ms, %d runs\n", how, shown,
                total, Median(wall), Median(cpu), *std::min_element(wall.begin(), wall.end()),
                *std::max_element(wall.begin(), wall.end()), n);
  };
  if (compare) time_list("nationwide first page, without the engine (every unit walked, COUNT(*))", nationwide, 3);

  t = Clock::now();
  auto engine = Check(analytics::RollupEngine::Load(*db, Check(analytics::LoadIndicators()), nullptr));
  std::vector<std::string> stages;
  for (const auto& stage : rules.stages()) stages.push_back(stage.id);
  members::RosterCounts counts(*engine, stages);
  if (!counts.usable()) Die(Status::Internal("the members/pipeline indicators do not split the stages"));
  members.UseRosterCounts(&counts);
  std::printf("roll-up engine loaded: %.0f ms\n", Ms(t));

  time_list("nationwide first page (target <= 5 ms)", nationwide, runs);
  members::MemberFilter second = nationwide;
  second.offset = 50;
  time_list("nationwide second page", second, runs);
  members::MemberFilter full = nationwide;
  full.stage = "full";
  time_list("nationwide first page, stage=full", full, runs);
  members::MemberFilter tibet = nationwide;
  tibet.nationwide = false;
  tibet.unit_prefixes = {"54"};
  time_list("first page under 54 (Tibet)", tibet, runs);

  engine.reset();
  db.reset();
  if (!tmp_db.empty()) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(tmp_db.string() + suffix, ec);
  }
  return 0;
}
