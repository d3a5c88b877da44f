// PostgreSQL backend of db::Database, on plain libpq (PostgreSQL 15; the
// database must exist). A small connection pool: one writer connection
// behind a mutex for Database::Write, and reader connections, opened on
// demand and kept idle up to a limit, for Database::Read.
//
// Transactions:
//  - Write: BEGIN (READ COMMITTED) and a transaction-scoped advisory lock
//    that every jiceng writer on the database takes, so writes are serialized
//    across processes as SQLite's BEGIN IMMEDIATE serializes them; waiting for
//    it (or any lock) longer than 5 s fails with kUnavailable, as SQLite's busy
//    timeout does. A write is acknowledged only when COMMIT reports COMMIT.
//  - Read: BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY, a consistent
//    snapshot for the whole callback.
// A connection found broken is replaced when a transaction begins; a failure
// in mid-transaction is returned as kUnavailable (the write did not happen).
//
// SQL: `?` placeholders are rewritten to $1..$n (RewritePlaceholders);
// parameters are sent as text with their type left for the server to infer
// from the context, as SQLite's dynamic typing would accept them; results are
// read as text and converted by column type (see db::Value).
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"

namespace jiceng::db {

class PostgresDatabase final : public Database {
 public:
  // Connects to the database named by `url` (postgresql:// or postgres://,
  // libpq's URI syntax). kInvalidArgument when the URL cannot be parsed;
  // kUnavailable, naming the host and database but never the password, when
  // the server cannot be reached or refuses the login.
  static Result<std::unique_ptr<PostgresDatabase>> Open(const std::string& url);
  ~PostgresDatabase() override;

  std::string_view engine() const override { return "postgresql"; }
  // "postgresql://user@host:port/dbname" (no password).
  std::string location() const override { return location_; }
  Status Write(const SessionFn& fn) override;
  Status Read(const SessionFn& fn) override;
  PoolStats Pool() override;

 private:
  PostgresDatabase(std::string url, std::string location)
      : url_(std::move(url)), location_(std::move(location)) {}
  Result<PGconn*> Connect();
  // Runs `fn` in a transaction begun with `begin` on *conn, replacing *conn
  // once with a fresh connection if it turns out to be broken before anything
  // ran.
  Status RunWithReconnect(PGconn** conn, const char* begin, const SessionFn& fn);
  PGconn* TakeReader();  // nullptr when a new one must be opened
  void ReturnReader(PGconn* conn);

  const std::string url_;  // holds the password, if any: never print it
  const std::string location_;
  std::mutex write_mutex_;
  PGconn* writer_ = nullptr;      // GUARDED_BY(write_mutex_)
  std::mutex pool_mutex_;
  std::vector<PGconn*> readers_;  // GUARDED_BY(pool_mutex_): idle readers
  std::atomic<std::size_t> readers_in_use_{0};
  std::atomic<bool> writing_{false};
};

// Rewrites the `?` placeholders of portable SQL into PostgreSQL's $1, $2, ...
// in order, leaving alone every `?` inside a string literal ('...', E'...'),
// a quoted identifier ("..."), a dollar-quoted string ($$...$$, $tag$...$tag$)
// or a comment (-- ..., /* ... */, nested). Stores the number of placeholders
// in *count when count is not null.
std::string RewritePlaceholders(std::string_view sql, int* count = nullptr);

// "postgresql://user@host:port/dbname" for a libpq URL or connection string,
// without its password; kInvalidArgument (field "db") when libpq cannot parse
// it.
Result<std::string> DescribePostgresUrl(const std::string& url);

// Maps a failed libpq call to a Status, as SqliteError does for SQLite:
// unique violations -> kConflict, foreign-key violations ->
// kFailedPrecondition, other constraint violations -> kInvalidArgument (naming
// the constraint, never the SQL), lock timeouts, deadlocks, serialization
// failures and lost connections -> kUnavailable, anything else -> kInternal
// with the server's message and the SQL kept for the log only. `res` may be
// null (the error is then read from `conn`).
Status PostgresError(PGconn* conn, const PGresult* res, std::string_view what);

}  // namespace jiceng::db
