#include "db/database.h"

#include <cassert>

#include "db/postgres/postgres_database.h"
#include "db/sqlite/sqlite_database.h"

namespace jiceng::db {

namespace {
// The hook of the write transactions this thread begins (ScopedCommitHook).
thread_local CommitHook* t_commit_hook = nullptr;
}  // namespace

ScopedCommitHook::ScopedCommitHook(CommitHook& hook) : previous_(t_commit_hook) { t_commit_hook = &hook; }

ScopedCommitHook::ScopedCommitHook(std::nullptr_t) : previous_(t_commit_hook) { t_commit_hook = nullptr; }

ScopedCommitHook::~ScopedCommitHook() { t_commit_hook = previous_; }

SessionFn WithCommitHook(const SessionFn& fn) {
  CommitHook* hook = t_commit_hook;
  if (hook == nullptr) return fn;
  return [hook, &fn](Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(hook->AfterBegin(s));
    JICENG_RETURN_IF_ERROR(fn(s));
    // A statement that failed inside `fn` (its error swallowed) makes the
    // session refuse the hook's statements too: the transaction rolls back.
    return hook->BeforeCommit(s);
  };
}

std::int64_t Row::Int(std::size_t i) const {
  const Value& v = values_[i];
  if (auto p = std::get_if<std::int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<std::int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::stoll(*p);
  return 0;
}

double Row::Real(std::size_t i) const {
  const Value& v = values_[i];
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<std::int64_t>(&v)) return static_cast<double>(*p);
  return 0;
}

std::string Row::Text(std::size_t i) const {
  const Value& v = values_[i];
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<std::int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return {};
}

std::optional<std::string> Row::OptText(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

Result<std::int64_t> Statement::RunBatch(std::span<const Params> batch) {
  std::int64_t changed = 0;
  for (const Params& params : batch) {
    JICENG_ASSIGN_OR_RETURN(auto n, Run(params));
    changed += n;
  }
  return changed;
}

Result<std::vector<std::int64_t>> Statement::RunBatchReturningIds(std::span<const Params> batch) {
  std::vector<std::int64_t> ids;
  ids.reserve(batch.size());
  for (const Params& params : batch) {
    JICENG_ASSIGN_OR_RETURN(auto id, RunReturningId(params));
    ids.push_back(id);
  }
  return ids;
}

Result<std::vector<Row>> Session::QueryAll(std::string_view sql, const Params& params) {
  std::vector<Row> rows;
  Status st = Query(sql, params, [&](const Row& row) {
    rows.push_back(row);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return rows;
}

Result<std::optional<Row>> Session::QueryOne(std::string_view sql, const Params& params) {
  std::optional<Row> first;
  Status st = Query(sql, params, [&](const Row& row) {
    if (!first) first = row;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return first;
}

Result<std::int64_t> Session::InsertReturningId(std::string_view sql, const Params& params) {
  JICENG_ASSIGN_OR_RETURN(auto row, QueryOne(sql, params));
  if (!row) return Status::Internal("INSERT ... RETURNING produced no row");
  return row->Int(0);
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& url) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    JICENG_ASSIGN_OR_RETURN(auto pg, PostgresDatabase::Open(url));
    return std::unique_ptr<Database>(std::move(pg));
  }
  std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
  JICENG_ASSIGN_OR_RETURN(auto sqlite, SqliteDatabase::Open(path));
  return std::unique_ptr<Database>(std::move(sqlite));
}

}  // namespace jiceng::db
