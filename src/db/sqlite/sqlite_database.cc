#include "db/sqlite/sqlite_database.h"

#include <cctype>
#include <cstring>
#include <filesystem>

namespace jiceng::db {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr std::size_t kMaxIdleReaders = 8;

Status BindParams(sqlite3* conn, sqlite3_stmt* stmt, const Params& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const Value& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::nullptr_t>(v)) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (auto p = std::get_if<std::int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *p);
    } else if (auto p = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *p);
    } else {
      const std::string& s = std::get<std::string>(v);
      rc = sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) return SqliteError(conn, rc, "bind");
  }
  return Status::Ok();
}

Row ReadRow(sqlite3_stmt* stmt) {
  const int n = sqlite3_column_count(stmt);
  std::vector<Value> values;
  values.reserve(n);
  for (int i = 0; i < n; ++i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_NULL: values.emplace_back(nullptr); break;
      case SQLITE_INTEGER: values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, i))); break;
      case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(stmt, i)); break;
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        values.emplace_back(std::string(text, sqlite3_column_bytes(stmt, i)));
      }
    }
  }
  return Row(std::move(values));
}

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

Result<StmtPtr> PrepareStmt(sqlite3* conn, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(conn, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteError(conn, rc, sql);
  return StmtPtr(raw);
}

// The first error in a session. Once set, every later call of the session or
// its statements returns it again (see Session in database.h: PostgreSQL
// cannot continue an aborted transaction, so SQLite does not either).
class FailureLatch {
 public:
  const Status& first() const { return first_; }
  bool failed() const { return !first_.ok(); }
  // Records `st` if it is the first error; returns `st`.
  Status Record(Status st) {
    if (!st.ok() && first_.ok()) first_ = st;
    return st;
  }

 private:
  Status first_;
};

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* conn, StmtPtr stmt, FailureLatch* latch)
      : conn_(conn), stmt_(std::move(stmt)), latch_(latch) {}

  Result<std::int64_t> Run(const Params& params) override {
    if (latch_->failed()) return latch_->first();
    auto r = RunOnce(params);
    if (!r.ok()) latch_->Record(r.status());
    return r;
  }

  Result<std::int64_t> RunReturningId(const Params& params) override {
    if (latch_->failed()) return latch_->first();
    auto r = RunReturningIdOnce(params);
    if (!r.ok()) latch_->Record(r.status());
    return r;
  }

 private:
  Result<std::int64_t> RunOnce(const Params& params) {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
    JICENG_RETURN_IF_ERROR(BindParams(conn_, stmt_.get(), params));
    int rc;
    while ((rc = sqlite3_step(stmt_.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return SqliteError(conn_, rc, sqlite3_sql(stmt_.get()));
    return static_cast<std::int64_t>(sqlite3_changes64(conn_));
  }

  Result<std::int64_t> RunReturningIdOnce(const Params& params) {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
    JICENG_RETURN_IF_ERROR(BindParams(conn_, stmt_.get(), params));
    int rc = sqlite3_step(stmt_.get());
    if (rc != SQLITE_ROW) {
      if (rc == SQLITE_DONE) return Status::Internal("RETURNING statement produced no row");
      return SqliteError(conn_, rc, sqlite3_sql(stmt_.get()));
    }
    std::int64_t id = sqlite3_column_int64(stmt_.get(), 0);
    while ((rc = sqlite3_step(stmt_.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return SqliteError(conn_, rc, sqlite3_sql(stmt_.get()));
    return id;
  }

  sqlite3* conn_;
  StmtPtr stmt_;
  FailureLatch* latch_;  // the session's, which outlives the statement
};

// Double-quotes an identifier (table and column names from code or the
// catalog, never from input).
std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

class SqliteSession final : public Session {
 public:
  explicit SqliteSession(sqlite3* conn) : conn_(conn) {}

  std::string_view engine() const override { return "sqlite"; }
  const FailureLatch& latch() const { return latch_; }

  Result<std::int64_t> Exec(std::string_view sql, const Params& params) override {
    if (latch_.failed()) return latch_.first();
    auto r = ExecOnce(sql, params);
    if (!r.ok()) latch_.Record(r.status());
    return r;
  }

  Status ExecScript(std::string_view sql) override {
    if (latch_.failed()) return latch_.first();
    std::string copy(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(conn_, copy.c_str(), nullptr, nullptr, &err);
    if (err != nullptr) sqlite3_free(err);
    if (rc != SQLITE_OK) return latch_.Record(SqliteError(conn_, rc, "script"));
    return Status::Ok();
  }

  Status Query(std::string_view sql, const Params& params, const RowFn& on_row) override {
    if (latch_.failed()) return latch_.first();
    // An error from `on_row` is the caller's (it stops the query early); only
    // the engine's errors end the session.
    Status from_callback;
    Status st = QueryOnce(sql, params, [&](const Row& row) {
      from_callback = on_row(row);
      return from_callback;
    });
    if (!from_callback.ok()) return from_callback;
    return latch_.Record(st);
  }

  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) override {
    if (latch_.failed()) return latch_.first();
    auto stmt = PrepareStmt(conn_, sql);
    if (!stmt.ok()) return latch_.Record(stmt.status());
    return std::unique_ptr<Statement>(
        std::make_unique<SqliteStatement>(conn_, std::move(stmt).value(), &latch_));
  }

  Result<std::int64_t> BulkInsert(std::string_view table, std::span<const std::string> columns,
                                  std::span<const Params> rows) override {
    if (latch_.failed()) return latch_.first();
    for (const Params& row : rows) {
      if (row.size() != columns.size()) {
        return latch_.Record(Status::Internal(
            "BulkInsert into " + std::string(table) + ": a row has " + std::to_string(row.size()) +
            " values for " + std::to_string(columns.size()) + " columns"));
      }
    }
    // SQLite has no faster path than a prepared INSERT inside a transaction.
    std::string sql = "INSERT INTO " + QuoteIdent(table) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + QuoteIdent(columns[i]);
    sql += ") VALUES (";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += i ? ", ?" : "?";
    sql += ")";
    JICENG_ASSIGN_OR_RETURN(auto insert, Prepare(sql));
    return insert->RunBatch(rows);
  }

  Result<bool> TableExists(std::string_view name) override {
    JICENG_ASSIGN_OR_RETURN(
        auto row, QueryOne("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           {Value(std::string(name))}));
    return row.has_value();
  }

  Result<std::vector<TableInfo>> Tables() override {
    std::vector<TableInfo> tables;
    // sqlite_master lists tables in creation order (rowid order).
    JICENG_ASSIGN_OR_RETURN(
        auto names, QueryAll("SELECT name FROM sqlite_master WHERE type = 'table' "
                             "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"));
    for (const Row& n : names) {
      TableInfo t;
      t.name = n.Text(0);
      JICENG_ASSIGN_OR_RETURN(
          auto cols, QueryAll("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid",
                              {Value(t.name)}));
      int pk_columns = 0;
      std::string pk_name, pk_type;
      for (const Row& c : cols) {
        t.columns.push_back(c.Text(0));
        if (c.Int(2) > 0) {
          ++pk_columns;
          pk_name = c.Text(0);
          pk_type = c.Text(1);
        }
      }
      // Only a single-column "INTEGER PRIMARY KEY" aliases the rowid, which
      // SQLite fills in.
      for (char& ch : pk_type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (pk_columns == 1 && pk_type == "INTEGER") t.id_column = pk_name;
      JICENG_ASSIGN_OR_RETURN(
          auto fks, QueryAll("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)",
                             {Value(t.name)}));
      for (const Row& f : fks) t.references.push_back(f.Text(0));
      tables.push_back(std::move(t));
    }
    return tables;
  }

  Status AdvanceIdPastMax(const TableInfo&) override {
    // SQLite picks max(rowid) + 1 by itself, and an AUTOINCREMENT table's
    // sqlite_sequence is raised by every insert of a larger explicit id.
    return latch_.failed() ? latch_.first() : Status::Ok();
  }

 private:
  Result<std::int64_t> ExecOnce(std::string_view sql, const Params& params) {
    JICENG_ASSIGN_OR_RETURN(auto stmt, PrepareStmt(conn_, sql));
    JICENG_RETURN_IF_ERROR(BindParams(conn_, stmt.get(), params));
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return SqliteError(conn_, rc, sql);
    return static_cast<std::int64_t>(sqlite3_changes64(conn_));
  }

  Status QueryOnce(std::string_view sql, const Params& params, const RowFn& on_row) {
    JICENG_ASSIGN_OR_RETURN(auto stmt, PrepareStmt(conn_, sql));
    JICENG_RETURN_IF_ERROR(BindParams(conn_, stmt.get(), params));
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      JICENG_RETURN_IF_ERROR(on_row(ReadRow(stmt.get())));
    }
    if (rc != SQLITE_DONE) return SqliteError(conn_, rc, sql);
    return Status::Ok();
  }

  sqlite3* conn_;
  FailureLatch latch_;
};

Status ExecSimple(sqlite3* conn, const char* sql) {
  int rc = sqlite3_exec(conn, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(conn, rc, sql);
  return Status::Ok();
}

// Runs `fn` between `begin` and COMMIT, rolling back when either fails.
Status RunTransaction(sqlite3* conn, const char* begin, const SessionFn& fn) {
  JICENG_RETURN_IF_ERROR(ExecSimple(conn, begin));
  SqliteSession session(conn);
  Status st;
  try {
    st = fn(session);
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("exception in transaction: ") + e.what());
  }
  // A callback that swallowed an error must not commit a half-done write.
  if (st.ok() && session.latch().failed()) st = session.latch().first();
  if (st.ok()) st = ExecSimple(conn, "COMMIT");
  if (!st.ok() && !sqlite3_get_autocommit(conn)) {
    sqlite3_exec(conn, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  auto after_commit = session.TakeAfterCommit();
  if (st.ok()) {
    for (auto& callback : after_commit) callback();
  }
  return st;
}

}  // namespace

Status SqliteError(sqlite3* conn, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  const std::string detail =
      std::string(sqlite3_errstr(rc)) + ": " + (conn ? sqlite3_errmsg(conn) : "") + " in " +
      std::string(what.substr(0, 200));
  if (primary == SQLITE_CONSTRAINT) {
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Status::Conflict("已存在相同的记录，请检查后重试。",
                              "A record with the same key already exists; check and retry.");
    }
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Status::FailedPrecondition("引用的记录不存在或仍被引用。",
                                        "A referenced record is missing or still referenced.");
    }
    return Status::InvalidArgument("", "数据不符合约束：" + std::string(sqlite3_errmsg(conn)),
                                   "The data violates a constraint: " +
                                       std::string(sqlite3_errmsg(conn)));
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Status::Unavailable("数据库正忙，请稍后重试。", "The database is busy; please retry.");
  }
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY || primary == SQLITE_FULL ||
      primary == SQLITE_IOERR) {
    Status st = Status::Unavailable("数据库文件无法读写：" + detail,
                                    "The database file cannot be read or written: " + detail);
    return st;
  }
  return Status::Internal(detail);
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path) {
  if (path.empty()) {
    return Status::InvalidArgument("db", "请指定数据库文件路径。", "Give a database file path.");
  }
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(path));
  JICENG_ASSIGN_OR_RETURN(db->writer_, db->Connect(/*read_only=*/false));
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  for (sqlite3* r : readers_) sqlite3_close_v2(r);
  if (writer_ != nullptr) sqlite3_close_v2(writer_);
}

Result<sqlite3*> SqliteDatabase::Connect(bool read_only) {
  sqlite3* conn = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path_.c_str(), &conn, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc);
    sqlite3_close_v2(conn);
    return Status::Unavailable("无法打开数据库文件 " + path_ + "：" + msg + "。请检查路径和权限。",
                               "Cannot open database file " + path_ + ": " + msg +
                                   ". Check the path and its permissions.");
  }
  sqlite3_busy_timeout(conn, kBusyTimeoutMs);
  sqlite3_extended_result_codes(conn, 1);
  const char* pragmas = read_only ? "PRAGMA foreign_keys=ON;"
                                  : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                    "PRAGMA foreign_keys=ON;"
                                    "PRAGMA cache_size=-65536;";
  Status st = ExecSimple(conn, pragmas);
  if (!st.ok()) {
    sqlite3_close_v2(conn);
    if (st.code() == ErrorCode::kInternal) {
      // A file that is not a database lands here: say so plainly.
      return Status::Unavailable("文件 " + path_ + " 不是有效的 SQLite 数据库。",
                                 "File " + path_ + " is not a valid SQLite database.");
    }
    return st;
  }
  return conn;
}

Status SqliteDatabase::Write(const SessionFn& fn) {
  std::lock_guard lock(write_mutex_);
  writing_ = true;
  Status st = RunTransaction(writer_, "BEGIN IMMEDIATE", WithCommitHook(fn));
  writing_ = false;
  return st;
}

Database::PoolStats SqliteDatabase::Pool() {
  PoolStats stats;
  stats.in_use = readers_in_use_.load() + (writing_.load() ? 1 : 0);
  std::lock_guard lock(pool_mutex_);
  stats.open = 1 + readers_in_use_.load() + readers_.size();
  stats.max_idle_readers = kMaxIdleReaders;
  return stats;
}

sqlite3* SqliteDatabase::TakeReader() {
  std::lock_guard lock(pool_mutex_);
  if (readers_.empty()) return nullptr;
  sqlite3* conn = readers_.back();
  readers_.pop_back();
  return conn;
}

void SqliteDatabase::ReturnReader(sqlite3* conn) {
  std::lock_guard lock(pool_mutex_);
  if (readers_.size() < kMaxIdleReaders) {
    readers_.push_back(conn);
  } else {
    sqlite3_close_v2(conn);
  }
}

Status SqliteDatabase::BackupTo(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return Status::FailedPrecondition("备份文件 " + path + " 已存在；请换一个文件名或先删除它。",
                                      "The backup file " + path +
                                          " exists already; choose another name or remove it first.",
                                      "to");
  }
  sqlite3* dest = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc);
    sqlite3_close_v2(dest);
    return Status::IoError("无法创建备份文件 " + path + "：" + msg + "。",
                           "Cannot create the backup file " + path + ": " + msg + ".");
  }
  sqlite3* src = TakeReader();
  if (src == nullptr) {
    auto conn = Connect(/*read_only=*/true);
    if (!conn.ok()) {
      sqlite3_close_v2(dest);
      return conn.status();
    }
    src = *conn;
  }
  // One step copies every page under one read lock: a consistent snapshot.
  Status st;
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", src, "main");
  if (backup == nullptr) {
    st = SqliteError(dest, sqlite3_errcode(dest), "backup init");
  } else {
    rc = sqlite3_backup_step(backup, -1);
    const int finish = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      st = SqliteError(dest, rc, "backup step");
    } else if (finish != SQLITE_OK) {
      st = SqliteError(dest, finish, "backup finish");
    }
  }
  ReturnReader(src);
  if (sqlite3_close_v2(dest) != SQLITE_OK && st.ok()) {
    st = Status::IoError("写入备份文件 " + path + " 失败。", "Writing the backup file " + path + " failed.");
  }
  if (!st.ok()) std::filesystem::remove(path, ec);
  return st;
}

Status SqliteDatabase::Read(const SessionFn& fn) {
  sqlite3* conn = TakeReader();
  if (conn == nullptr) {
    JICENG_ASSIGN_OR_RETURN(conn, Connect(/*read_only=*/true));
  }
  ++readers_in_use_;
  Status st = RunTransaction(conn, "BEGIN", fn);
  --readers_in_use_;
  ReturnReader(conn);
  return st;
}

}  // namespace jiceng::db
