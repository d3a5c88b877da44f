// The one interface between Jiceng and its database engines (SQLite now,
// PostgreSQL next). Domain code writes portable SQL with `?` placeholders and
// talks to a Session; each backend hides its connections, locking and the
// spelling of placeholders. No domain code includes a backend header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace jiceng::db {

// A SQL value: NULL, a 64-bit integer, a double or UTF-8 text.
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
};

// A connection in use: inside Database::Write it is one transaction, inside
// Database::Read a consistent snapshot. Not thread-safe; never kept past the
// callback that received it.
class Session {
 public:
  virtual ~Session() = default;
  // Runs one statement; returns the number of rows it changed.
  virtual Result<std::int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs several `;`-separated statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  virtual Status Query(std::string_view sql, const Params& params, const RowFn& on_row) = 0;
  virtual Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) = 0;

  // Helpers built on Query.
  Result<std::vector<Row>> QueryAll(std::string_view sql, const Params& params = {});
  // Returns std::nullopt when the query yields no row.
  Result<std::optional<Row>> QueryOne(std::string_view sql, const Params& params = {});
  // Runs a statement ending in `RETURNING <integer>` and returns that value.
  Result<std::int64_t> InsertReturningId(std::string_view sql, const Params& params);
};

using SessionFn = std::function<Status(Session&)>;

class Database {
 public:
  virtual ~Database() = default;

  // Opens the database named by `url`: a file path or `sqlite:PATH` for
  // SQLite (created if missing). Returns kUnavailable with a message that
  // names the path when it cannot be opened.
  static Result<std::unique_ptr<Database>> Open(const std::string& url);

  // "sqlite" or "postgresql".
  virtual std::string_view engine() const = 0;
  // Where the data lives, for messages (never contains a password).
  virtual std::string location() const = 0;

  // Runs `fn` in a write transaction: committed when `fn` returns OK, rolled
  // back (leaving no trace) otherwise. Writers are serialized.
  virtual Status Write(const SessionFn& fn) = 0;
  // Runs `fn` on a read-only snapshot; may run concurrently with a writer.
  virtual Status Read(const SessionFn& fn) = 0;
};

}  // namespace jiceng::db
