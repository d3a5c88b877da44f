#include "db/migrations/migrations.h"

#include <algorithm>
#include <set>
#include <string>

#include "common/clock.h"

namespace jiceng::db {
namespace {

// Portable: the same text on both engines.
constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
))sql";

}  // namespace

int LatestSchemaVersion() { return ShippedMigrations().back().version; }

Result<int> CurrentSchemaVersion(Database& db) {
  int version = 0;
  Status st = db.Read([&](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto exists, s.TableExists("schema_migrations"));
    if (!exists) return Status::Ok();
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT MAX(version) FROM schema_migrations"));
    if (row && !row->IsNull(0)) version = static_cast<int>(row->Int(0));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return version;
}

namespace {

Status CheckEveryMigrationHasSql(std::span<const Migration> migrations, std::string_view engine) {
  for (const Migration& m : migrations) {
    if (m.SqlFor(engine).empty()) {
      return Status::Internal("migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                              ") has no SQL for " + std::string(engine));
    }
  }
  return Status::Ok();
}

Status RefuseNewer(int have, int know, const std::string& location) {
  return Status::FailedPrecondition(
      "数据库 " + location + " 的结构版本是 " + std::to_string(have) + "，比本程序支持的版本 " +
          std::to_string(know) + " 新。请升级 jiceng 后再打开它（不要用旧版本写入新数据库）。",
      "Database " + location + " has schema version " + std::to_string(have) +
          ", newer than this binary's " + std::to_string(know) +
          ". Upgrade jiceng before opening it (an older binary must not write to it).",
      "db");
}

// Creates schema_migrations if needed and returns the highest version in it.
Result<int> PrepareVersionTable(Session& s) {
  JICENG_RETURN_IF_ERROR(s.ExecScript(kCreateMigrationsTable));
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT MAX(version) FROM schema_migrations"));
  return (row && !row->IsNull(0)) ? static_cast<int>(row->Int(0)) : 0;
}

// Applies `m` unless schema_migrations already records it; sets *applied.
Status ApplyOne(Session& s, const Migration& m, bool* applied) {
  *applied = false;
  JICENG_ASSIGN_OR_RETURN(auto done, s.QueryOne("SELECT 1 FROM schema_migrations WHERE version = ?",
                                                {Value(std::int64_t{m.version})}));
  if (done) return Status::Ok();
  JICENG_RETURN_IF_ERROR(s.ExecScript(m.SqlFor(s.engine())));
  JICENG_ASSIGN_OR_RETURN(
      auto n, s.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                     {Value(std::int64_t{m.version}), Value(std::string(m.name)), Value(NowUtcIso())}));
  (void)n;
  *applied = true;
  return Status::Ok();
}

}  // namespace

Result<MigrationReport> Migrate(Database& db, std::span<const Migration> migrations) {
  MigrationReport report;
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  JICENG_RETURN_IF_ERROR(CheckEveryMigrationHasSql(migrations, db.engine()));
  std::set<std::int64_t> recorded;
  Status st = db.Write([&](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(report.from_version, PrepareVersionTable(s));
    return s.Query("SELECT version FROM schema_migrations", {}, [&](const Row& r) {
      recorded.insert(r.Int(0));
      return Status::Ok();
    });
  });
  if (!st.ok()) return st;
  if (report.from_version > latest) return RefuseNewer(report.from_version, latest, db.location());
  report.to_version = report.from_version;
  for (const Migration& m : migrations) {
    // Versions are numbered when work starts, so one may ship after a higher
    // one: apply every shipped version the database does not record.
    if (recorded.contains(m.version)) continue;
    // Each migration and its record commit together or not at all. Writes
    // are serialized across processes, so the check for a concurrent
    // process having applied it already is reliable.
    bool applied_here = false;
    st = db.Write([&](Session& s) { return ApplyOne(s, m, &applied_here); });
    if (!st.ok()) return st;
    if (applied_here) report.applied.push_back(m.version);
    report.to_version = std::max(report.to_version, m.version);
  }
  return report;
}

Result<MigrationReport> MigrateInTransaction(Session& s, std::span<const Migration> migrations) {
  MigrationReport report;
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  JICENG_RETURN_IF_ERROR(CheckEveryMigrationHasSql(migrations, s.engine()));
  JICENG_ASSIGN_OR_RETURN(report.from_version, PrepareVersionTable(s));
  if (report.from_version > latest) return RefuseNewer(report.from_version, latest, "");
  report.to_version = report.from_version;
  for (const Migration& m : migrations) {
    if (m.version <= report.from_version) continue;
    bool applied = false;
    JICENG_RETURN_IF_ERROR(ApplyOne(s, m, &applied));
    if (applied) report.applied.push_back(m.version);
    report.to_version = m.version;
  }
  return report;
}

}  // namespace jiceng::db
