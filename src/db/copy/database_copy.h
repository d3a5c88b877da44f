// Whole-database copies between engines, for `jiceng migrate` (SQLite ->
// PostgreSQL, or any direction), `jiceng backup` and `jiceng restore`. Works
// only through db::Session (catalog, BulkInsert), so every direction takes
// the same path.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/database.h"

namespace jiceng::db {

struct CopyOptions {
  // The target may hold data: its tables are dropped and created anew, in
  // the same transaction as the copy (all or nothing). Without it a target
  // with any row is refused.
  bool replace = false;
  std::size_t chunk_rows = 20'000;
  // Called after each chunk: the table, rows copied so far, rows in it.
  std::function<void(std::string_view table, std::int64_t done, std::int64_t total)> progress = {};
};

struct TableCount {
  std::string table;
  std::int64_t rows = 0;
};

struct CopyReport {
  int schema_version = 0;
  std::vector<TableCount> tables;  // in copy order, schema_migrations excluded
  std::int64_t total_rows() const;
};

// Copies every table of `from` into `to`: rows keep their ids, tables go in
// foreign-key order (rows by id, so that parents precede children), each
// engine-assigned id continues after the largest copied one, and the row
// count of every table is compared before the commit. `from` is read in one
// snapshot (writers may continue) and `to` written in one transaction.
// Both must be at this binary's schema version, except that an empty `to`
// (or, with `replace`, any `to`) is given the schema first.
// Errors: kFailedPrecondition for a non-empty target without `replace`
// (naming its tables), for schema versions that differ, and for a copy onto
// itself; kInternal when a count does not match (nothing is committed).
Result<CopyReport> CopyDatabase(Database& from, Database& to, const CopyOptions& options = {});

// Tables in an order that puts every table after the tables it references
// (self-references aside), otherwise keeping the given (creation) order.
std::vector<TableInfo> InDependencyOrder(std::vector<TableInfo> tables);

// Writes a consistent snapshot of `from` into a new SQLite file at `path`:
// SQLite's online backup API for a SQLite database, CopyDatabase for any
// other engine. Writers may carry on meanwhile. kFailedPrecondition when
// `path` exists. Returns the row counts of the snapshot.
Result<CopyReport> BackupToSqliteFile(Database& from, const std::string& path);

// The row count of every table but schema_migrations, in dependency order.
Result<CopyReport> CountRows(Database& db);

}  // namespace jiceng::db
