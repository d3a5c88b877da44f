// Versioned schema migrations. Each migration has a version (1, 2, 3, ...), a
// name and its SQL per engine. Migrate() applies the pending ones at start,
// each in its own transaction, and records them in `schema_migrations`; a
// database whose schema is newer than this binary knows is refused.
//
// To change the schema, add a file to src/db/migrations/sql — never edit one
// that has shipped: `NNNN_name.sql` when the SQL is the same on both engines,
// or `NNNN_name.sqlite.sql` and `NNNN_name.postgresql.sql`, NNNN the next
// version. The build compiles them into ShippedMigrations()
// (cmake/EmbedMigrations.cmake stops on a misnamed file, a gap or a missing
// spelling). The two spellings must create the same tables, columns,
// constraints and indexes (PostgresServerMigrations checks it; the whole suite
// runs on both); docs/architecture.md lists the spelling differences (ids,
// collation).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/database.h"

namespace jiceng::db {

struct Migration {
  int version = {};
  std::string_view name = {};
  std::string_view sqlite_sql = {};
  std::string_view postgres_sql = {};
  // The SQL for `engine` ("sqlite" or "postgresql"); empty if none.
  std::string_view SqlFor(std::string_view engine) const {
    return engine == "postgresql" ? postgres_sql : sqlite_sql;
  }
};

// The migrations this binary ships, in version order.
std::span<const Migration> ShippedMigrations();
int LatestSchemaVersion();

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<int> applied = {};
};

// Applies every migration in `migrations` newer than the database's version.
// Returns kFailedPrecondition when the database is newer than `migrations`.
// Safe when several processes start at once: a migration another process
// applied meanwhile is skipped.
Result<MigrationReport> Migrate(Database& db,
                                std::span<const Migration> migrations = ShippedMigrations());

// Migrate() inside the caller's write transaction: every pending migration
// commits or rolls back with the rest of the caller's work (used by the copy
// tools, which rebuild a target's schema and fill it in one transaction).
Result<MigrationReport> MigrateInTransaction(Session& s,
                                             std::span<const Migration> migrations = ShippedMigrations());

// The highest applied version, 0 for an empty database.
Result<int> CurrentSchemaVersion(Database& db);

}  // namespace jiceng::db
