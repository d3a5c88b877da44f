#include "audit/write_audit.h"

#include <string>

#include "audit/audited_tables.h"

namespace jiceng::audit {
namespace {

// The highest id of every audited table, in one statement (each an index
// seek on the primary key).
Result<std::vector<std::int64_t>> HighestIds(db::Session& s) {
  std::string sql = "SELECT ";
  for (const AuditedTable& t : AuditedTables()) {
    if (sql.size() > 7) sql += ", ";
    sql += "(SELECT COALESCE(MAX(id), 0) FROM " + std::string(t.table) + ")";
  }
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(sql));
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < AuditedTables().size(); ++i) out.push_back(row ? row->Int(i) : 0);
  return out;
}

}  // namespace

Status WriteAudit::AfterBegin(db::Session& s) {
  JICENG_ASSIGN_OR_RETURN(highest_, HighestIds(s));
  return Status::Ok();
}

Status WriteAudit::BeforeCommit(db::Session& s) {
  AuditEntry entry = make_entry_();
  JICENG_ASSIGN_OR_RETURN(auto now, HighestIds(s));
  std::string created;
  for (std::size_t i = 0; i < now.size() && i < highest_.size(); ++i) {
    if (now[i] <= highest_[i]) continue;
    const AuditedTable& t = AuditedTables()[i];
    std::vector<std::int64_t> ids;
    std::vector<std::string> codes;
    std::string sql = std::string("SELECT id, ") + (t.prefix.empty() ? "code" : "''") + " FROM " +
                      std::string(t.table) + " WHERE id > ?";
    if (!t.filter.empty()) sql += " AND " + std::string(t.filter);
    JICENG_RETURN_IF_ERROR(
        s.Query(sql + " ORDER BY id", {db::Value(highest_[i])}, [&](const db::Row& row) {
          ids.push_back(row.Int(0));
          codes.push_back(row.Text(1));
          return Status::Ok();
        }));
    if (ids.empty()) continue;
    created += (created.empty() ? "" : " ") + NameRows(t, ids, codes);
  }
  const bool made_rows = !created.empty();
  if (made_rows) {
    entry.target = std::move(created);
  } else if (entry.target.empty()) {
    entry.target = TargetOfPath(entry.path);
  }
  if (entry.method == "CLI") {
    entry.status = 0;
  } else if (entry.method == "DELETE") {
    entry.status = 204;
  } else {
    entry.status = entry.method == "POST" && made_rows ? 201 : 200;
  }
  entry.result = "ok";
  entry.at.clear();  // the commit's time
  JICENG_RETURN_IF_ERROR(AuditLog::AppendIn(s, entry));
  s.AfterCommit([this] { ++committed_; });
  return Status::Ok();
}

}  // namespace jiceng::audit
