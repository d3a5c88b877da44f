#include "db/copy/database_copy.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "db/migrations/migrations.h"
#include "db/sqlite/sqlite_database.h"

namespace jiceng::db {
namespace {

constexpr std::string_view kVersionTable = "schema_migrations";

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The tables to copy: all but schema_migrations, which the target gets from
// its own migrations.
std::vector<TableInfo> DataTables(std::vector<TableInfo> tables) {
  tables.erase(std::remove_if(tables.begin(), tables.end(),
                              [](const TableInfo& t) { return t.name == kVersionTable; }),
               tables.end());
  return InDependencyOrder(std::move(tables));
}

Result<std::int64_t> CountTable(Session& s, const std::string& table) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM " + QuoteIdent(table)));
  return row ? row->Int(0) : 0;
}

Result<int> VersionIn(Session& s) {
  JICENG_ASSIGN_OR_RETURN(bool exists, s.TableExists(kVersionTable));
  if (!exists) return 0;
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT MAX(version) FROM schema_migrations"));
  return (row && !row->IsNull(0)) ? static_cast<int>(row->Int(0)) : 0;
}

// Copies one table from `s` into `t` in chunks; returns the rows copied.
// A table with an id column is read a page at a time by id (keyset paging,
// all in the source's one snapshot), so that neither engine holds a whole
// large table in memory; parents then also precede children for
// self-references (units.parent_id), having been created first.
Result<std::int64_t> CopyTable(Session& s, Session& t, const TableInfo& table, std::int64_t total,
                               const CopyOptions& options) {
  std::string select = "SELECT ";
  std::size_t id_index = 0;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    select += (i ? ", " : "") + QuoteIdent(table.columns[i]);
    if (table.id_column && table.columns[i] == *table.id_column) id_index = i;
  }
  select += " FROM " + QuoteIdent(table.name);
  if (table.id_column) {
    select += " WHERE " + QuoteIdent(*table.id_column) + " > ? ORDER BY " + QuoteIdent(*table.id_column) +
              " LIMIT ?";
  }
  std::vector<Params> chunk;
  chunk.reserve(options.chunk_rows);
  std::int64_t copied = 0;
  auto flush = [&]() -> Status {
    if (chunk.empty()) return Status::Ok();
    JICENG_ASSIGN_OR_RETURN(auto n, t.BulkInsert(table.name, table.columns, chunk));
    copied += n;
    chunk.clear();
    if (options.progress) options.progress(table.name, copied, total);
    return Status::Ok();
  };
  auto take = [&](const Row& row) -> Status {
    Params values;
    values.reserve(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) values.push_back(row.at(i));
    chunk.push_back(std::move(values));
    return Status::Ok();
  };
  if (!table.id_column) {
    JICENG_RETURN_IF_ERROR(s.Query(select, {}, [&](const Row& row) -> Status {
      JICENG_RETURN_IF_ERROR(take(row));
      return chunk.size() >= options.chunk_rows ? flush() : Status::Ok();
    }));
    JICENG_RETURN_IF_ERROR(flush());
  } else {
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    while (true) {
      JICENG_RETURN_IF_ERROR(s.Query(select, {Value(after), Value(static_cast<std::int64_t>(options.chunk_rows))},
                                     take));
      if (chunk.empty()) break;
      after = std::get<std::int64_t>(chunk.back()[id_index]);
      const bool last_page = chunk.size() < options.chunk_rows;
      JICENG_RETURN_IF_ERROR(flush());
      if (last_page) break;
    }
  }
  if (total == 0 && options.progress) options.progress(table.name, 0, 0);
  return copied;
}

}  // namespace

std::int64_t CopyReport::total_rows() const {
  std::int64_t n = 0;
  for (const TableCount& t : tables) n += t.rows;
  return n;
}

std::vector<TableInfo> InDependencyOrder(std::vector<TableInfo> tables) {
  // Kahn's algorithm, always taking the earliest-created table that is ready
  // so that the order is stable. A cycle (which the schema does not have)
  // is broken at its earliest table; its foreign keys would then report the
  // problem when rows are copied.
  std::set<std::string> names;
  for (const TableInfo& t : tables) names.insert(t.name);
  std::vector<TableInfo> ordered;
  std::set<std::string> placed;
  std::vector<bool> done(tables.size(), false);
  while (ordered.size() < tables.size()) {
    bool progressed = false;
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (done[i]) continue;
      const bool ready = std::all_of(tables[i].references.begin(), tables[i].references.end(),
                                     [&](const std::string& r) {
                                       return r == tables[i].name || !names.count(r) || placed.count(r);
                                     });
      if (!ready) continue;
      done[i] = true;
      placed.insert(tables[i].name);
      ordered.push_back(tables[i]);
      progressed = true;
      break;
    }
    if (!progressed) {
      const auto first = static_cast<std::size_t>(std::find(done.begin(), done.end(), false) - done.begin());
      done[first] = true;
      placed.insert(tables[first].name);
      ordered.push_back(tables[first]);
    }
  }
  return ordered;
}

Result<CopyReport> CountRows(Database& db) {
  CopyReport report;
  JICENG_RETURN_IF_ERROR(db.Read([&](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(report.schema_version, VersionIn(s));
    JICENG_ASSIGN_OR_RETURN(auto all, s.Tables());
    for (const TableInfo& t : DataTables(std::move(all))) {
      JICENG_ASSIGN_OR_RETURN(auto n, CountTable(s, t.name));
      report.tables.push_back({t.name, n});
    }
    return Status::Ok();
  }));
  return report;
}

Result<CopyReport> CopyDatabase(Database& from, Database& to, const CopyOptions& options) {
  if (from.engine() == to.engine() && from.location() == to.location()) {
    return Status::FailedPrecondition("来源和目标是同一个数据库（" + from.location() + "）。",
                                      "The source and the target are the same database (" +
                                          from.location() + ").");
  }
  const int latest = LatestSchemaVersion();
  CopyReport report;
  report.schema_version = latest;
  Status st = from.Read([&](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(int from_version, VersionIn(s));
    if (from_version != latest) {
      return Status::FailedPrecondition(
          "来源数据库 " + from.location() + " 的结构版本是 " + std::to_string(from_version) +
              "，本程序是 " + std::to_string(latest) + "。请先用同一版本的 jiceng 打开它（任何命令都会升级结构）。",
          "The source database " + from.location() + " has schema version " +
              std::to_string(from_version) + ", this binary " + std::to_string(latest) +
              ". Open it with this version of jiceng first (any command upgrades the schema).",
          "from");
    }
    JICENG_ASSIGN_OR_RETURN(auto source_tables, s.Tables());
    const std::vector<TableInfo> tables = DataTables(std::move(source_tables));
    std::map<std::string, std::int64_t> source_counts;
    for (const TableInfo& t : tables) {
      JICENG_ASSIGN_OR_RETURN(source_counts[t.name], CountTable(s, t.name));
    }

    return to.Write([&](Session& t) -> Status {
      // 1. The target must be empty, or be emptied (replace).
      JICENG_ASSIGN_OR_RETURN(auto existing, t.Tables());
      const std::vector<TableInfo> target_tables = DataTables(existing);
      std::string nonempty_zh, nonempty_en;
      for (const TableInfo& tt : target_tables) {
        JICENG_ASSIGN_OR_RETURN(auto n, CountTable(t, tt.name));
        if (n == 0) continue;
        nonempty_zh += (nonempty_zh.empty() ? "" : "、") + tt.name + "（" + std::to_string(n) + " 行）";
        nonempty_en += (nonempty_en.empty() ? "" : ", ") + tt.name + " (" + std::to_string(n) + " rows)";
      }
      if (!nonempty_zh.empty() && !options.replace) {
        return Status::FailedPrecondition(
            "目标数据库 " + to.location() + " 不是空的：" + nonempty_zh +
                "。请换一个空数据库；确实要用来源替换它的全部数据时，加 --force。",
            "The target database " + to.location() + " is not empty: " + nonempty_en +
                ". Use an empty database, or add --force to replace all of its data with the source's.",
            "to");
      }
      if (options.replace) {
        // Dropped in reverse dependency order, the version table last; the
        // schema is then built again below, all in this transaction.
        for (auto it = target_tables.rbegin(); it != target_tables.rend(); ++it) {
          JICENG_RETURN_IF_ERROR(t.ExecScript("DROP TABLE " + QuoteIdent(it->name)));
        }
        JICENG_ASSIGN_OR_RETURN(bool has_versions, t.TableExists(kVersionTable));
        if (has_versions) JICENG_RETURN_IF_ERROR(t.ExecScript("DROP TABLE schema_migrations"));
      }
      // 2. The target's schema: what this binary ships.
      JICENG_ASSIGN_OR_RETURN(auto migrated, MigrateInTransaction(t));
      if (migrated.to_version != latest) {
        return Status::FailedPrecondition("目标数据库的结构版本与本程序不一致。",
                                          "The target database's schema version differs from this binary's.",
                                          "to");
      }
      JICENG_ASSIGN_OR_RETURN(auto built, t.Tables());
      std::map<std::string, TableInfo> target_by_name;
      for (TableInfo& tt : built) target_by_name.emplace(tt.name, std::move(tt));
      // 3. Rows, table by table, then ids and counts.
      for (const TableInfo& table : tables) {
        auto target = target_by_name.find(table.name);
        if (target == target_by_name.end()) {
          return Status::Internal("table " + table.name + " of the source is missing in the target");
        }
        for (const std::string& c : table.columns) {
          if (std::find(target->second.columns.begin(), target->second.columns.end(), c) ==
              target->second.columns.end()) {
            return Status::Internal("column " + table.name + "." + c + " is missing in the target");
          }
        }
        JICENG_ASSIGN_OR_RETURN(auto copied, CopyTable(s, t, table, source_counts[table.name], options));
        (void)copied;
        JICENG_RETURN_IF_ERROR(t.AdvanceIdPastMax(target->second));
      }
      for (const TableInfo& table : tables) {
        JICENG_ASSIGN_OR_RETURN(auto n, CountTable(t, table.name));
        if (n != source_counts[table.name]) {
          return Status::Internal("row count of " + table.name + " differs after the copy: source " +
                                  std::to_string(source_counts[table.name]) + ", target " +
                                  std::to_string(n));
        }
        report.tables.push_back({table.name, n});
      }
      return Status::Ok();
    });
  });
  if (!st.ok()) return st;
  return report;
}

Result<CopyReport> BackupToSqliteFile(Database& from, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Status::FailedPrecondition("备份文件 " + path + " 已存在；请换一个文件名或先删除它。",
                                      "The backup file " + path +
                                          " exists already; choose another name or remove it first.",
                                      "to");
  }
  if (auto* sqlite = dynamic_cast<SqliteDatabase*>(&from)) {
    JICENG_RETURN_IF_ERROR(sqlite->BackupTo(path));
    JICENG_ASSIGN_OR_RETURN(auto backup, SqliteDatabase::Open(path));
    return CountRows(*backup);
  }
  JICENG_ASSIGN_OR_RETURN(auto backup, SqliteDatabase::Open(path));
  auto report = CopyDatabase(from, *backup);
  if (!report.ok()) {
    backup.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
  }
  return report;
}

}  // namespace jiceng::db
