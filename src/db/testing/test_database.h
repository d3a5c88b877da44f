// Databases for tests, on either engine (test-only code: built into the
// jiceng_db_testing library, never into the server).
//
// How tests pick the engine (docs/architecture.md, "Tests"):
//  - store-level unit tests are value-parameterized over kEngines and run on
//    both; CTest runs the "*/postgresql" instances in the pg.* tests;
//  - the black-box suites (tests/api, tests/import) read JICENG_TEST_ENGINE
//    ("sqlite", the default, or "postgresql").
// PostgreSQL tests need JICENG_TEST_PG_URL, the URL of a server whose user
// may create databases; CTest gets it from scripts/pg-test-cluster.sh, which
// starts a throwaway cluster. Without it the PostgreSQL tests fail (never
// skip) with a message saying how to provide it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "db/database.h"

namespace jiceng::db::testing {

inline constexpr const char* kEngines[] = {"sqlite", "postgresql"};

// JICENG_TEST_ENGINE, "sqlite" when unset. Any other value than the two
// engines is returned as is (and Create fails on it, naming it).
std::string EngineFromEnv();

// JICENG_TEST_PG_URL, or kFailedPrecondition saying how to set it.
Result<std::string> PgServerUrl();

// `server_url` with its database name replaced by `dbname`.
std::string PgUrlWithDatabase(const std::string& server_url, const std::string& dbname);

// CREATE DATABASE `name` (from `template_db` when non-empty) / DROP DATABASE
// IF EXISTS `name` WITH (FORCE), on the server of `server_url`.
Status CreatePgDatabase(const std::string& server_url, const std::string& name,
                        const std::string& template_db = {});
Status DropPgDatabase(const std::string& server_url, const std::string& name);

// A fresh, empty database of one engine, private to a test, deleted when
// this object is destroyed (unless JICENG_KEEP_TEST_DIR is set).
// SQLite: a file in a new temporary directory. PostgreSQL: a new database on
// the server of JICENG_TEST_PG_URL, optionally a copy of `pg_template`.
class TestDatabase {
 public:
  // `hint` names the database for people reading logs (e.g. the test name).
  static Result<std::unique_ptr<TestDatabase>> Create(std::string_view engine,
                                                      std::string_view hint,
                                                      const std::string& pg_template = {});
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& engine() const { return engine_; }
  // What to give Database::Open or `jiceng --db`.
  const std::string& url() const { return url_; }
  // The PostgreSQL database name ("" for SQLite), e.g. to use as a template.
  const std::string& pg_name() const { return pg_name_; }
  // Opens it (without migrating).
  Result<std::unique_ptr<Database>> Open() const { return Database::Open(url_); }

 private:
  TestDatabase() = default;
  std::string engine_;
  std::string url_;
  std::string dir_;         // SQLite: the temporary directory
  std::string pg_server_;   // PostgreSQL: the server URL
  std::string pg_name_;
};

}  // namespace jiceng::db::testing
