#include "db/postgres/postgres_database.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>

namespace jiceng::db {
namespace {

constexpr std::size_t kMaxIdleReaders = 8;
// Queries sent per pipeline sync in RunBatch*: few round trips, yet the
// results of one chunk (~100 bytes each) stay far below the socket buffers,
// so the blocking connection cannot deadlock with the server.
constexpr std::size_t kPipelineChunk = 256;

// Every jiceng writer takes this transaction-scoped advisory lock first
// ("jiceng" in ASCII), so writes are serialized across processes and
// connections. The lock timeout matches SQLite's busy timeout.
constexpr const char* kBeginWrite =
    "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '5s'; "
    "SELECT pg_advisory_xact_lock(116800409478759)";
constexpr const char* kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

// Type OIDs (pg_type.dat) converted to something other than text.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// The messages of libpq and the server end in a newline and may span lines.
std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return text;
}

// Parameters as libpq wants them: text, NULL as a null pointer, and a type
// per parameter. Text, NULL and integers that fit in 32 bits are "unknown"
// (0): the server types them from the context, as SQLite's dynamic typing
// would accept them (`substr(code, 1, ?)` needs an integer, `code = ?` text).
// Larger integers are int8, so that `? + 1` does not overflow int4; doubles
// are float8. Strings are not copied (std::string keeps a terminating NUL).
class EncodedParams {
 public:
  explicit EncodedParams(const Params& params) {
    numbers_.reserve(params.size());
    values_.reserve(params.size());
    types_.reserve(params.size());
    for (const Value& v : params) {
      if (std::holds_alternative<std::nullptr_t>(v)) {
        values_.push_back(nullptr);
        types_.push_back(0);
      } else if (auto p = std::get_if<std::int64_t>(&v)) {
        numbers_.push_back(std::to_string(*p));
        values_.push_back(numbers_.back().c_str());
        const bool fits_int4 = *p >= std::numeric_limits<std::int32_t>::min() &&
                               *p <= std::numeric_limits<std::int32_t>::max();
        types_.push_back(fits_int4 ? 0 : kInt8Oid);
      } else if (auto p = std::get_if<double>(&v)) {
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *p);
        numbers_.emplace_back(buf, ec == std::errc() ? end : buf);
        values_.push_back(numbers_.back().c_str());
        types_.push_back(kFloat8Oid);
      } else {
        values_.push_back(std::get<std::string>(v).c_str());
        types_.push_back(0);
      }
    }
  }
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.empty() ? nullptr : values_.data(); }
  const Oid* types() const { return types_.empty() ? nullptr : types_.data(); }
  const std::vector<Oid>& type_list() const { return types_; }

 private:
  std::vector<std::string> numbers_;  // reserved up front: never reallocates
  std::vector<const char*> values_;
  std::vector<Oid> types_;
};

Value ReadValue(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return nullptr;
  const char* text = PQgetvalue(r, row, col);
  switch (PQftype(r, col)) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
    case kOidOid:
      return static_cast<std::int64_t>(std::strtoll(text, nullptr, 10));
    case kBoolOid:
      return std::int64_t{text[0] == 't' ? 1 : 0};
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid:
      return std::strtod(text, nullptr);
    default:
      return std::string(text, static_cast<std::size_t>(PQgetlength(r, row, col)));
  }
}

Row ReadRow(const PGresult* r, int row) {
  const int n = PQnfields(r);
  std::vector<Value> values;
  values.reserve(static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c) values.push_back(ReadValue(r, row, c));
  return Row(std::move(values));
}

// OK when `r` finished as a command or a query; the mapped error otherwise.
Status CheckResult(PGconn* conn, const PGresult* r, std::string_view what) {
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
  return PostgresError(conn, r, what);
}

std::int64_t RowsChanged(const PGresult* r) {
  const char* n = PQcmdTuples(const_cast<PGresult*>(r));
  return (n == nullptr || *n == '\0') ? 0 : std::strtoll(n, nullptr, 10);
}

// The first error in a session; see Session in database.h.
class FailureLatch {
 public:
  const Status& first() const { return first_; }
  bool failed() const { return !first_.ok(); }
  Status Record(Status st) {
    if (!st.ok() && first_.ok()) first_ = st;
    return st;
  }

 private:
  Status first_;
};

// Names the server-side prepared statements of one session ("jiceng_<n>").
class StatementNames {
 public:
  std::string Next() { return "jiceng_" + std::to_string(next_++); }
  bool any() const { return next_ > 0; }

 private:
  int next_ = 0;
};

// A prepared statement. The server types parameters once, at PREPARE, and
// the parameter types come from the values (see EncodedParams), so the
// statement is prepared at its first run and again for each new combination
// of parameter types (a NULL parent first, an id later).
class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PGconn* conn, std::string sql, FailureLatch* latch, StatementNames* names)
      : conn_(conn), sql_(std::move(sql)), text_(RewritePlaceholders(sql_)), latch_(latch),
        names_(names) {}

  Result<std::int64_t> Run(const Params& params) override {
    if (latch_->failed()) return latch_->first();
    JICENG_ASSIGN_OR_RETURN(ResultPtr r, ExecPrepared(params));
    return RowsChanged(r.get());
  }

  Result<std::int64_t> RunReturningId(const Params& params) override {
    if (latch_->failed()) return latch_->first();
    JICENG_ASSIGN_OR_RETURN(ResultPtr r, ExecPrepared(params));
    return IdOf(r.get());
  }

  Result<std::int64_t> RunBatch(std::span<const Params> batch) override {
    std::int64_t changed = 0;
    JICENG_RETURN_IF_ERROR(Pipeline(batch, [&](const PGresult* r) -> Status {
      changed += RowsChanged(r);
      return Status::Ok();
    }));
    return changed;
  }

  Result<std::vector<std::int64_t>> RunBatchReturningIds(std::span<const Params> batch) override {
    std::vector<std::int64_t> ids;
    ids.reserve(batch.size());
    JICENG_RETURN_IF_ERROR(Pipeline(batch, [&](const PGresult* r) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto id, IdOf(r));
      ids.push_back(id);
      return Status::Ok();
    }));
    return ids;
  }

 private:
  // The name of the server-side statement for these parameter types,
  // preparing it first if needed. Not usable in pipeline mode (PQprepare
  // waits for its result): Pipeline prepares every variant a batch needs
  // before entering it.
  Result<const std::string*> NameFor(const EncodedParams& p) {
    for (const auto& [types, name] : variants_) {
      if (types == p.type_list()) return &name;
    }
    const std::string name = names_->Next();
    ResultPtr r(PQprepare(conn_, name.c_str(), text_.c_str(), p.size(), p.types()));
    JICENG_RETURN_IF_ERROR(latch_->Record(CheckResult(conn_, r.get(), sql_)));
    variants_.emplace_back(p.type_list(), name);
    return &variants_.back().second;
  }

  Result<ResultPtr> ExecPrepared(const Params& params) {
    EncodedParams p(params);
    JICENG_ASSIGN_OR_RETURN(const std::string* name, NameFor(p));
    ResultPtr r(PQexecPrepared(conn_, name->c_str(), p.size(), p.values(), nullptr, nullptr, 0));
    Status st = CheckResult(conn_, r.get(), sql_);
    if (!st.ok()) return latch_->Record(st);
    return r;
  }

  Result<std::int64_t> IdOf(const PGresult* r) {
    if (PQntuples(r) < 1 || PQnfields(r) < 1 || PQgetisnull(r, 0, 0)) {
      return latch_->Record(Status::Internal("RETURNING statement produced no id: " + sql_));
    }
    return static_cast<std::int64_t>(std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10));
  }

  // Sends the batch in pipeline mode, kPipelineChunk queries per sync, and
  // hands each query's result to `on_result` in order. After the first error
  // the server skips the rest of its chunk (PGRES_PIPELINE_ABORTED) and no
  // further chunk is sent.
  template <typename OnResult>
  Status Pipeline(std::span<const Params> batch, OnResult on_result) {
    if (latch_->failed()) return latch_->first();
    if (batch.empty()) return Status::Ok();
    std::vector<const std::string*> names;
    names.reserve(batch.size());
    for (const Params& params : batch) {
      JICENG_ASSIGN_OR_RETURN(const std::string* name, NameFor(EncodedParams(params)));
      names.push_back(name);
    }
    if (PQenterPipelineMode(conn_) != 1) {
      return latch_->Record(PostgresError(conn_, nullptr, "enter pipeline mode"));
    }
    Status st;
    for (std::size_t start = 0; start < batch.size() && st.ok(); start += kPipelineChunk) {
      const std::size_t end = std::min(batch.size(), start + kPipelineChunk);
      bool sent_all = true;
      for (std::size_t i = start; i < end; ++i) {
        EncodedParams p(batch[i]);
        if (PQsendQueryPrepared(conn_, names[i]->c_str(), p.size(), p.values(), nullptr, nullptr, 0) != 1) {
          st = PostgresError(conn_, nullptr, sql_);
          sent_all = false;
          break;
        }
      }
      if (!sent_all) break;
      if (PQpipelineSync(conn_) != 1) {
        st = PostgresError(conn_, nullptr, "pipeline sync");
        break;
      }
      // Drain every result of the chunk up to and including its sync point.
      int consecutive_nulls = 0;
      while (true) {
        ResultPtr r(PQgetResult(conn_));
        if (r == nullptr) {
          // One null ends each query's results; two in a row means libpq has
          // nothing more to give (a broken connection).
          if (++consecutive_nulls > 1 || PQstatus(conn_) == CONNECTION_BAD) {
            if (st.ok()) st = PostgresError(conn_, nullptr, "pipeline: connection lost");
            break;
          }
          continue;
        }
        consecutive_nulls = 0;
        const ExecStatusType rs = PQresultStatus(r.get());
        if (rs == PGRES_PIPELINE_SYNC) break;
        if (rs == PGRES_PIPELINE_ABORTED) continue;
        if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK) {
          if (st.ok()) st = on_result(r.get());
        } else if (st.ok()) {
          st = PostgresError(conn_, r.get(), sql_);
        }
      }
      if (PQstatus(conn_) == CONNECTION_BAD) break;
    }
    PQexitPipelineMode(conn_);
    if (!st.ok()) latch_->Record(st);
    return st;
  }

  PGconn* conn_;
  std::string sql_;   // the portable SQL, for messages
  std::string text_;  // with $n placeholders
  FailureLatch* latch_;     // the session's, which outlives the statement
  StatementNames* names_;   // the session's
  // A deque: NameFor hands out pointers that must survive later variants.
  std::deque<std::pair<std::vector<Oid>, std::string>> variants_;
};

// Appends `v` in COPY's text format.
void AppendCopyText(const Value& v, std::string& out) {
  if (std::holds_alternative<std::nullptr_t>(v)) {
    out += "\\N";
  } else if (auto p = std::get_if<std::int64_t>(&v)) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *p);
    out.append(buf, end);
  } else if (auto p = std::get_if<double>(&v)) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *p);
    out.append(buf, ec == std::errc() ? end : buf);
  } else {
    for (char c : std::get<std::string>(v)) {
      switch (c) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += c;
      }
    }
  }
}

class PostgresSession final : public Session {
 public:
  explicit PostgresSession(PGconn* conn) : conn_(conn) {}

  std::string_view engine() const override { return "postgresql"; }
  const FailureLatch& latch() const { return latch_; }
  bool prepared_any() const { return names_.any(); }

  Result<std::int64_t> Exec(std::string_view sql, const Params& params) override {
    JICENG_ASSIGN_OR_RETURN(ResultPtr r, ExecParams(sql, params));
    return RowsChanged(r.get());
  }

  Status ExecScript(std::string_view sql) override {
    if (latch_.failed()) return latch_.first();
    // The simple query protocol runs several statements in one round trip.
    const std::string copy(sql);
    ResultPtr r(PQexec(conn_, copy.c_str()));
    return latch_.Record(CheckResult(conn_, r.get(), "script"));
  }

  Status Query(std::string_view sql, const Params& params, const RowFn& on_row) override {
    JICENG_ASSIGN_OR_RETURN(ResultPtr r, ExecParams(sql, params));
    const int rows = PQntuples(r.get());
    for (int i = 0; i < rows; ++i) {
      // An error from `on_row` is the caller's and does not end the session.
      JICENG_RETURN_IF_ERROR(on_row(ReadRow(r.get(), i)));
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql) override {
    if (latch_.failed()) return latch_.first();
    // Prepared on the server at the first run, when the parameter types are
    // known (see PostgresStatement).
    return std::unique_ptr<Statement>(
        std::make_unique<PostgresStatement>(conn_, std::string(sql), &latch_, &names_));
  }

  Result<std::int64_t> BulkInsert(std::string_view table, std::span<const std::string> columns,
                                  std::span<const Params> rows) override {
    if (latch_.failed()) return latch_.first();
    if (rows.empty()) return std::int64_t{0};
    JICENG_ASSIGN_OR_RETURN(std::string sql, QuoteIdent(std::string(table)));
    sql = "COPY " + sql + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      JICENG_ASSIGN_OR_RETURN(std::string c, QuoteIdent(columns[i]));
      sql += (i ? ", " : "") + c;
    }
    sql += ") FROM STDIN";
    {
      ResultPtr r(PQexec(conn_, sql.c_str()));
      if (PQresultStatus(r.get()) != PGRES_COPY_IN) {
        return latch_.Record(PostgresError(conn_, r.get(), sql));
      }
    }
    // COPY's text format: tab-separated, \N for NULL, backslash escapes.
    // Sent in chunks of about 256 KiB.
    std::string buffer;
    buffer.reserve(300 * 1024);
    Status st;
    for (const Params& row : rows) {
      if (row.size() != columns.size()) {
        st = Status::Internal("BulkInsert into " + std::string(table) + ": a row has " +
                              std::to_string(row.size()) + " values for " +
                              std::to_string(columns.size()) + " columns");
        break;
      }
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0) buffer += '\t';
        AppendCopyText(row[i], buffer);
      }
      buffer += '\n';
      if (buffer.size() >= 256 * 1024) {
        if (PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
          st = PostgresError(conn_, nullptr, sql);
          break;
        }
        buffer.clear();
      }
    }
    if (st.ok() && !buffer.empty() &&
        PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
      st = PostgresError(conn_, nullptr, sql);
    }
    // End the COPY either way; an error message aborts it on the server.
    PQputCopyEnd(conn_, st.ok() ? nullptr : "jiceng: bulk insert aborted");
    std::int64_t inserted = 0;
    while (ResultPtr r{PQgetResult(conn_)}) {
      if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) {
        inserted = RowsChanged(r.get());
      } else if (st.ok()) {
        st = PostgresError(conn_, r.get(), sql);
      }
    }
    if (!st.ok()) return latch_.Record(st);
    return inserted;
  }

  Result<bool> TableExists(std::string_view name) override {
    JICENG_ASSIGN_OR_RETURN(
        auto row, QueryOne("SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = ? "
                           "AND c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid)",
                           {Value(std::string(name))}));
    return row.has_value();
  }

  Result<std::vector<TableInfo>> Tables() override {
    std::vector<TableInfo> tables;
    // The tables of the first schema on the search path, in creation (oid)
    // order.
    JICENG_ASSIGN_OR_RETURN(
        auto rels, QueryAll("SELECT c.oid, c.relname FROM pg_catalog.pg_class c "
                            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
                            "ORDER BY c.oid"));
    for (const Row& rel : rels) {
      TableInfo t;
      const Value oid = rel.Int(0);
      t.name = rel.Text(1);
      JICENG_ASSIGN_OR_RETURN(
          auto cols, QueryAll("SELECT a.attname, "
                              "  a.attidentity <> '' OR pg_catalog.pg_get_serial_sequence("
                              "    pg_catalog.quote_ident(?), a.attname) IS NOT NULL, "
                              "  EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = "
                              "    a.attrelid AND i.indisprimary AND i.indnatts = 1 "
                              "    AND i.indkey[0] = a.attnum) "
                              "FROM pg_catalog.pg_attribute a WHERE a.attrelid = ? "
                              "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                              {Value(t.name), oid}));
      for (const Row& c : cols) {
        t.columns.push_back(c.Text(0));
        if (c.Int(1) != 0 && c.Int(2) != 0) t.id_column = c.Text(0);
      }
      JICENG_ASSIGN_OR_RETURN(
          auto fks, QueryAll("SELECT DISTINCT r.relname FROM pg_catalog.pg_constraint k "
                             "JOIN pg_catalog.pg_class r ON r.oid = k.confrelid "
                             "WHERE k.conrelid = ? AND k.contype = 'f'",
                             {oid}));
      for (const Row& f : fks) t.references.push_back(f.Text(0));
      tables.push_back(std::move(t));
    }
    return tables;
  }

  Status AdvanceIdPastMax(const TableInfo& table) override {
    if (latch_.failed()) return latch_.first();
    if (!table.id_column) return Status::Ok();
    JICENG_ASSIGN_OR_RETURN(std::string t, QuoteIdent(table.name));
    JICENG_ASSIGN_OR_RETURN(std::string c, QuoteIdent(*table.id_column));
    // setval(seq, max, true): the next id is max + 1; an empty table starts
    // again at 1 (setval(seq, 1, false)).
    return Query("SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(?, ?), "
                 "COALESCE(MAX(" + c + "), 1), MAX(" + c + ") IS NOT NULL) FROM " + t,
                 {Value(t), Value(*table.id_column)}, [](const Row&) { return Status::Ok(); });
  }

 private:
  Result<ResultPtr> ExecParams(std::string_view sql, const Params& params) {
    if (latch_.failed()) return latch_.first();
    const std::string text = RewritePlaceholders(sql);
    EncodedParams p(params);
    ResultPtr r(PQexecParams(conn_, text.c_str(), p.size(), p.types(), p.values(), nullptr, nullptr, 0));
    JICENG_RETURN_IF_ERROR(latch_.Record(CheckResult(conn_, r.get(), sql)));
    return r;
  }

  Result<std::string> QuoteIdent(const std::string& name) {
    char* quoted = PQescapeIdentifier(conn_, name.data(), name.size());
    if (quoted == nullptr) return latch_.Record(PostgresError(conn_, nullptr, "quote identifier"));
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
  }

  PGconn* conn_;
  FailureLatch latch_;
  StatementNames names_;
};

Status ExecSimple(PGconn* conn, const char* sql) {
  ResultPtr r(PQexec(conn, sql));
  return CheckResult(conn, r.get(), sql);
}

// Runs `fn` between `begin` and COMMIT, rolling back when either fails.
// *began tells the caller whether the transaction started (a failure before
// that may be retried on a fresh connection).
Status RunTransaction(PGconn* conn, const char* begin, const SessionFn& fn, bool* began) {
  *began = false;
  if (Status st = ExecSimple(conn, begin); !st.ok()) {
    // `begin` may fail after BEGIN itself ran (waiting for the writers' lock
    // timed out): leave no aborted transaction behind on the connection.
    if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) != PQTRANS_IDLE) {
      ResultPtr r(PQexec(conn, "ROLLBACK"));
    }
    return st;
  }
  *began = true;
  PostgresSession session(conn);
  Status st;
  try {
    st = fn(session);
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("exception in transaction: ") + e.what());
  }
  // A callback that swallowed an error must not commit a half-done write.
  if (st.ok() && session.latch().failed()) st = session.latch().first();
  if (st.ok()) {
    ResultPtr r(PQexec(conn, "COMMIT"));
    st = CheckResult(conn, r.get(), "COMMIT");
    // The server answers ROLLBACK to COMMIT in an aborted transaction.
    if (st.ok() && std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0) {
      st = Status::Internal(std::string("COMMIT answered ") + PQcmdStatus(r.get()));
    }
  }
  if (!st.ok() && PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) != PQTRANS_IDLE) {
    ResultPtr r(PQexec(conn, "ROLLBACK"));
  }
  // Prepared statements live as long as the connection: drop this session's.
  if (session.prepared_any() && PQstatus(conn) == CONNECTION_OK) {
    ResultPtr r(PQexec(conn, "DEALLOCATE ALL"));
  }
  auto after_commit = session.TakeAfterCommit();
  if (st.ok()) {
    for (auto& callback : after_commit) callback();
  }
  return st;
}

void IgnoreNotice(void*, const char*) {}

// Replaces every occurrence of `secret` in `text` (libpq's messages do not
// carry the password, but a mistyped URL could end up quoted).
std::string Redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "***");
    at += 3;
  }
  return text;
}

struct ConninfoDeleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};

// The password of a libpq URL, "" if none (for Redact).
std::string PasswordOf(const std::string& url) {
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoDeleter> opts(PQconninfoParse(url.c_str(), &err));
  if (err != nullptr) PQfreemem(err);
  if (!opts) return "";
  for (PQconninfoOption* o = opts.get(); o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr) return o->val;
  }
  return "";
}

}  // namespace

std::string RewritePlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  const std::size_t size = sql.size();
  auto is_ident_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  std::size_t i = 0;
  while (i < size) {
    const char c = sql[i];
    if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else if (c == '\'') {
      // A string literal; '' is an escaped quote. After E (an escape string
      // constant) a backslash escapes the next character too.
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                           (i < 2 || !is_ident_char(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < size) {
        if (escapes && sql[j] == '\\' && j + 1 < size) {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < size && sql[j + 1] == '\'') {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '"') {
      std::size_t j = i + 1;
      while (j < size) {
        if (sql[j] == '"') {
          if (j + 1 < size && sql[j + 1] == '"') {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '-' && i + 1 < size && sql[i + 1] == '-') {
      const std::size_t eol = sql.find('\n', i);
      const std::size_t j = eol == std::string_view::npos ? size : eol;
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '/' && i + 1 < size && sql[i + 1] == '*') {
      // Block comments nest in PostgreSQL.
      int depth = 1;
      std::size_t j = i + 2;
      while (j < size && depth > 0) {
        if (sql[j] == '/' && j + 1 < size && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < size && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      out.append(sql.substr(i, j - i));
      i = j;
    } else if (c == '$' && (i == 0 || !is_ident_char(sql[i - 1]))) {
      // $tag$ ... $tag$ (tag empty or an identifier not starting with a
      // digit); `$1` is a positional parameter, not a quote.
      std::size_t j = i + 1;
      while (j < size && sql[j] != '$' && (std::isalnum(static_cast<unsigned char>(sql[j])) ||
                                           sql[j] == '_' || static_cast<unsigned char>(sql[j]) >= 0x80)) {
        ++j;
      }
      const bool is_tag = j < size && sql[j] == '$' &&
                          (j == i + 1 || !std::isdigit(static_cast<unsigned char>(sql[i + 1])));
      if (!is_tag) {
        out += c;
        ++i;
        continue;
      }
      const std::string_view tag = sql.substr(i, j - i + 1);
      const std::size_t close = sql.find(tag, j + 1);
      const std::size_t stop = close == std::string_view::npos ? size : close + tag.size();
      out.append(sql.substr(i, stop - i));
      i = stop;
    } else {
      out += c;
      ++i;
    }
  }
  if (count != nullptr) *count = n;
  return out;
}

Result<std::string> DescribePostgresUrl(const std::string& url) {
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoDeleter> opts(PQconninfoParse(url.c_str(), &err));
  if (!opts) {
    std::string why = err != nullptr ? OneLine(err) : "out of memory";
    if (err != nullptr) PQfreemem(err);
    why = Redact(why, PasswordOf(url));
    return Status::InvalidArgument(
        "db", "无法解析 PostgreSQL 地址：" + why + "。格式为 postgresql://用户@主机:端口/数据库。",
        "Cannot parse the PostgreSQL URL: " + why +
            ". The form is postgresql://user@host:port/dbname.");
  }
  std::string user, host, port, dbname;
  for (PQconninfoOption* o = opts.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view k = o->keyword;
    if (k == "user") user = o->val;
    if (k == "host" || (k == "hostaddr" && host.empty())) host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") dbname = o->val;
  }
  std::string out = "postgresql://";
  if (!user.empty()) out += user + "@";
  out += host.empty() ? "localhost" : host;
  if (!port.empty()) out += ":" + port;
  out += "/" + dbname;
  return out;
}

Status PostgresError(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* sqlstate = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = sqlstate != nullptr ? sqlstate : "";
  std::string message = res != nullptr ? PQresultErrorMessage(res) : "";
  if (message.empty() && conn != nullptr) message = PQerrorMessage(conn);
  const std::string detail = "postgresql " + (state.empty() ? std::string("(no sqlstate)") : state) +
                             ": " + OneLine(message) + " in " + std::string(what.substr(0, 200));
  if (state == "23505") {
    return Status::Conflict("已存在相同的记录，请检查后重试。",
                            "A record with the same key already exists; check and retry.");
  }
  if (state == "23503") {
    return Status::FailedPrecondition("引用的记录不存在或仍被引用。",
                                      "A referenced record is missing or still referenced.");
  }
  if (state.rfind("23", 0) == 0) {
    // Name the constraint (or the column of a NOT NULL), never the SQL.
    const char* constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    const char* column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
    const std::string which = constraint != nullptr ? constraint : column != nullptr ? column : "";
    return Status::InvalidArgument(
        "", "数据不符合约束" + (which.empty() ? std::string() : "（" + which + "）") + "，请检查输入。",
        "The data violates a constraint" + (which.empty() ? std::string() : " (" + which + ")") +
            "; check the input.");
  }
  if (state == "55P03" || state == "40001" || state == "40P01") {
    // Lock timeout (another writer held on too long), serialization failure
    // or deadlock: nothing was written, a retry may succeed.
    return Status::Unavailable("数据库正忙，请稍后重试。", "The database is busy; please retry.");
  }
  const bool connection_lost = (conn != nullptr && PQstatus(conn) == CONNECTION_BAD) ||
                               state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 ||
                               state.rfind("57P", 0) == 0;
  if (connection_lost) {
    return Status::Unavailable(
        "与 PostgreSQL 数据库的连接中断或服务器暂时不可用（" + OneLine(message) +
            "），操作没有完成。请确认数据库服务器正在运行后重试。",
        "The connection to the PostgreSQL database was lost or the server is unavailable (" +
            OneLine(message) + "); the operation did not complete. Check that the database server "
                               "is running, then retry.");
  }
  return Status::Internal(detail);
}

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(const std::string& url) {
  JICENG_ASSIGN_OR_RETURN(std::string location, DescribePostgresUrl(url));
  std::unique_ptr<PostgresDatabase> db(new PostgresDatabase(url, std::move(location)));
  JICENG_ASSIGN_OR_RETURN(db->writer_, db->Connect());
  return db;
}

PostgresDatabase::~PostgresDatabase() {
  for (PGconn* r : readers_) PQfinish(r);
  if (writer_ != nullptr) PQfinish(writer_);
}

Result<PGconn*> PostgresDatabase::Connect() {
  // Values in the URL override connect_timeout (they come later); the
  // client encoding is always UTF-8, whatever the URL or environment says.
  const char* keys[] = {"connect_timeout", "fallback_application_name", "dbname", "client_encoding",
                        nullptr};
  const char* values[] = {"10", "jiceng", url_.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string why = conn != nullptr ? OneLine(PQerrorMessage(conn)) : "out of memory";
    PQfinish(conn);
    why = Redact(why, PasswordOf(url_));
    return Status::Unavailable(
        "无法连接 PostgreSQL 数据库 " + location_ + "：" + why +
            "。请检查主机、端口、数据库名、用户名和密码，并确认数据库服务器正在运行、数据库已创建。",
        "Cannot connect to the PostgreSQL database " + location_ + ": " + why +
            ". Check the host, port, database name, user and password, and that the server is "
            "running and the database exists.");
  }
  // Notices ("relation already exists, skipping") are not for the terminal.
  PQsetNoticeProcessor(conn, &IgnoreNotice, nullptr);
  // RewritePlaceholders relies on standard string literals ('\' is a plain
  // character outside E'...'), the default since PostgreSQL 9.1.
  Status st = ExecSimple(conn, "SET standard_conforming_strings = on");
  if (!st.ok()) {
    PQfinish(conn);
    return st;
  }
  return conn;
}

Status PostgresDatabase::RunWithReconnect(PGconn** conn, const char* begin, const SessionFn& fn) {
  bool began = false;
  Status st = RunTransaction(*conn, begin, fn, &began);
  if (began || PQstatus(*conn) == CONNECTION_OK) return st;
  // The connection broke while idle (server restart, network): nothing ran,
  // so one retry on a fresh connection is safe.
  PQfinish(*conn);
  *conn = nullptr;
  JICENG_ASSIGN_OR_RETURN(*conn, Connect());
  return RunTransaction(*conn, begin, fn, &began);
}

Status PostgresDatabase::Write(const SessionFn& fn) {
  std::lock_guard lock(write_mutex_);
  if (writer_ == nullptr) {
    JICENG_ASSIGN_OR_RETURN(writer_, Connect());
  }
  writing_ = true;
  Status st = RunWithReconnect(&writer_, kBeginWrite, WithCommitHook(fn));
  writing_ = false;
  return st;
}

Database::PoolStats PostgresDatabase::Pool() {
  PoolStats stats;
  stats.in_use = readers_in_use_.load() + (writing_.load() ? 1 : 0);
  std::lock_guard lock(pool_mutex_);
  // The writer counts as open: it is reopened on the next write when lost.
  stats.open = 1 + readers_in_use_.load() + readers_.size();
  stats.max_idle_readers = kMaxIdleReaders;
  return stats;
}

PGconn* PostgresDatabase::TakeReader() {
  std::lock_guard lock(pool_mutex_);
  if (readers_.empty()) return nullptr;
  PGconn* conn = readers_.back();
  readers_.pop_back();
  return conn;
}

void PostgresDatabase::ReturnReader(PGconn* conn) {
  if (conn == nullptr) return;
  const bool reusable =
      PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
  {
    std::lock_guard lock(pool_mutex_);
    if (reusable && readers_.size() < kMaxIdleReaders) {
      readers_.push_back(conn);
      return;
    }
  }
  PQfinish(conn);
}

Status PostgresDatabase::Read(const SessionFn& fn) {
  PGconn* conn = TakeReader();
  if (conn == nullptr) {
    JICENG_ASSIGN_OR_RETURN(conn, Connect());
  }
  ++readers_in_use_;
  Status st = RunWithReconnect(&conn, kBeginRead, fn);
  --readers_in_use_;
  ReturnReader(conn);
  return st;
}

}  // namespace jiceng::db
