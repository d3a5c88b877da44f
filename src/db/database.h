// The one interface between Jiceng and its database engines, SQLite
// (db/sqlite/) and PostgreSQL (db/postgres/). Domain code writes portable SQL
// with `?` placeholders and talks to a Session; each backend hides its
// connections, locking and the spelling of placeholders. No domain code
// includes a backend header.
//
// Portable SQL, as the two backends need it (docs/architecture.md has more):
//  - `?` placeholders only (never $1 or :name; PostgreSQL's jsonb `?`
//    operators cannot be used); values are bound, never spliced into SQL.
//  - Timestamps are TEXT in ISO-8601 UTC (common/clock.h), booleans are
//    INTEGER 0/1 in tables. A boolean *expression* in a SELECT list (`x IS
//    NULL`) reads as 0/1 through Row::Int on both engines.
//  - The first failed statement ends the transaction: return its Status.
//    PostgreSQL cannot continue an aborted transaction, so neither backend
//    lets a Session run anything after an error (see Session).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace jiceng::db {

// A SQL value: NULL, a 64-bit integer, a double or UTF-8 text. Backends
// convert their column types into these (PostgreSQL: int2/4/8 and bool ->
// int64, float4/8 and numeric -> double, everything else -> text).
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// One result row. Column accessors assert the type in debug builds; NULL
// reads as 0 / "" so that callers check IsNull() where NULL is meaningful.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  bool IsNull(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(values_[i]); }
  std::int64_t Int(std::size_t i) const;
  double Real(std::size_t i) const;
  std::string Text(std::size_t i) const;
  std::optional<std::string> OptText(std::size_t i) const;
  const Value& at(std::size_t i) const { return values_[i]; }

 private:
  std::vector<Value> values_;
};

using Params = std::vector<Value>;
// Called once per row; a non-OK status stops the query and is returned.
using RowFn = std::function<Status(const Row&)>;

// A statement prepared once and run many times inside one Session, for bulk
// work such as importing the division list.
class Statement {
 public:
  virtual ~Statement() = default;
  // Runs the statement with `params`; returns the number of rows changed.
  virtual Result<std::int64_t> Run(const Params& params) = 0;
  // Runs a statement that ends in `RETURNING <integer>` and returns that value.
  virtual Result<std::int64_t> RunReturningId(const Params& params) = 0;

  // Runs the statement once per element of `batch`, in order, with the same
  // effect as calling Run() for each; returns the total of rows changed.
  // Stops at the first failure and returns it. A backend may send the whole
  // batch in few round trips (PostgreSQL pipelines it); this default loops.
  virtual Result<std::int64_t> RunBatch(std::span<const Params> batch);
  // RunReturningId() for each element of `batch`: the ids, in batch order.
  virtual Result<std::vector<std::int64_t>> RunBatchReturningIds(std::span<const Params> batch);
};

// What the catalog says about one table, for tools that copy whole databases
// (jiceng migrate / backup / restore). Domain code never needs it.
struct TableInfo {
  std::string name;
  std::vector<std::string> columns;     // in declaration order
  std::vector<std::string> references;  // tables its foreign keys point at
  // The integer primary key the engine fills in when none is given (SQLite
  // INTEGER PRIMARY KEY, PostgreSQL identity/serial), if the table has one.
  std::optional<std::string> id_column;
};

// A connection in use: inside Database::Write it is one transaction, inside
// Database::Read a consistent snapshot. Not thread-safe; never kept past the
// callback that received it.
//
// After any call fails, the Session refuses further statements (they return
// the first error again) and the transaction is rolled back even if the
// callback returns OK: PostgreSQL aborts a transaction at its first error, and
// SQLite is made to behave the same so that code tested on one engine works on
// the other.
class Session {
 public:
  virtual ~Session() = default;
  // "sqlite" or "postgresql", as Database::engine().
  virtual std::string_view engine() const = 0;
  // Runs one statement; returns the number of rows it changed.
  virtual Result<std::int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs several `;`-separated statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  virtual Status Query(std::string_view sql, const Params& params, const RowFn& on_row) = 0;
  virtual Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) = 0;

  // Inserts `rows` into `table`, each row holding one value per entry of
  // `columns`, with the effect of one INSERT per row (constraints checked,
  // engine-assigned ids for omitted id columns) but much faster on
  // PostgreSQL (COPY). Returns the number of rows inserted; ids are not
  // returned: read them back by a key when needed. `table` and `columns`
  // are identifiers from code, never from input.
  virtual Result<std::int64_t> BulkInsert(std::string_view table,
                                          std::span<const std::string> columns,
                                          std::span<const Params> rows) = 0;

  // Catalog, for migrations and whole-database tools.
  // True when a table (not a view) named `name` exists.
  virtual Result<bool> TableExists(std::string_view name) = 0;
  // Every table but the engine's own, in creation order.
  virtual Result<std::vector<TableInfo>> Tables() = 0;
  // Makes the next id the engine assigns to `table.id_column` larger than
  // every id in the table (after rows were copied in with their ids).
  // A no-op for tables without an id column.
  virtual Status AdvanceIdPastMax(const TableInfo& table) = 0;

  // Runs `fn` once the transaction this session belongs to has committed,
  // still inside Database::Write (so before the next writer of this process
  // starts); never when it rolls back. The roll-up engine applies changes
  // this way, so that a rolled-back write leaves no trace in any figure.
  void AfterCommit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }
  // For engine implementations: the callbacks registered so far.
  std::vector<std::function<void()>> TakeAfterCommit() { return std::move(after_commit_); }

  // Helpers built on Query.
  Result<std::vector<Row>> QueryAll(std::string_view sql, const Params& params = {});
  // Returns std::nullopt when the query yields no row.
  Result<std::optional<Row>> QueryOne(std::string_view sql, const Params& params = {});
  // Runs a statement ending in `RETURNING <integer>` and returns that value.
  Result<std::int64_t> InsertReturningId(std::string_view sql, const Params& params);

 private:
  std::vector<std::function<void()>> after_commit_;
};

using SessionFn = std::function<Status(Session&)>;

// Work that every write transaction begun on one thread must do inside that
// transaction, installed for a while with ScopedCommitHook: the audit log
// (audit/write_audit.h) appends the entry of a request's change this way, in
// the same transaction as the change, so that a crash leaves both or neither.
// Only Database::Write runs hooks; Read never does.
class CommitHook {
 public:
  virtual ~CommitHook() = default;
  // Right after the transaction began (the writers' lock is held), before
  // the transaction's own work. An error rolls the transaction back.
  virtual Status AfterBegin(Session&) { return Status::Ok(); }
  // After the transaction's own work returned OK, just before COMMIT. An
  // error rolls the whole transaction back and is what Write returns.
  virtual Status BeforeCommit(Session& session) = 0;
};

// Installs `hook` for the write transactions this thread begins while the
// scope lives (the previous hook, if any, is restored after). Scopes nest;
// the innermost hook alone runs. `hook` must outlive the scope.
class ScopedCommitHook {
 public:
  explicit ScopedCommitHook(CommitHook& hook);
  // No hook for a while (e.g. bookkeeping writes inside an audited scope).
  explicit ScopedCommitHook(std::nullptr_t);
  ~ScopedCommitHook();
  ScopedCommitHook(const ScopedCommitHook&) = delete;
  ScopedCommitHook& operator=(const ScopedCommitHook&) = delete;

 private:
  CommitHook* previous_;
};

// For engine implementations of Database::Write: `fn` wrapped so that the
// calling thread's CommitHook (if any) runs around it, inside the
// transaction. Must be called on the thread that called Write.
SessionFn WithCommitHook(const SessionFn& fn);

class Database {
 public:
  virtual ~Database() = default;

  // Opens the database named by `url`: a file path or `sqlite:PATH` for
  // SQLite (created if missing); `postgresql://` or `postgres://` URLs (libpq
  // syntax: postgresql://user:password@host:port/dbname?param=value) for
  // PostgreSQL, whose database must exist. Returns kUnavailable with a message
  // that names the file, or the host and database (never the password), when
  // it cannot be opened; kInvalidArgument for a URL that cannot be parsed.
  static Result<std::unique_ptr<Database>> Open(const std::string& url);

  // "sqlite" or "postgresql".
  virtual std::string_view engine() const = 0;
  // Where the data lives, for messages (never contains a password).
  virtual std::string location() const = 0;

  // Runs `fn` in a write transaction: committed when `fn` returns OK, rolled
  // back (leaving no trace) otherwise. Writers are serialized, across
  // processes too (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped
  // advisory lock), so a writer sees every earlier commit and nothing commits
  // between its reads and its writes. Returns OK only once the commit is
  // acknowledged by the engine; waiting more than ~5 s for another writer
  // gives kUnavailable.
  virtual Status Write(const SessionFn& fn) = 0;
  // Runs `fn` on a read-only snapshot; may run concurrently with a writer.
  virtual Status Read(const SessionFn& fn) = 0;

  // The connection pool right now (GET /metrics): connections in use by a
  // Write or Read, connections open (in use or idle, the writer included),
  // and how many idle readers are kept at most.
  struct PoolStats {
    std::size_t in_use = 0;
    std::size_t open = 0;
    std::size_t max_idle_readers = 0;
  };
  virtual PoolStats Pool() = 0;
};

}  // namespace jiceng::db
