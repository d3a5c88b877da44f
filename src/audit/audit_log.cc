#include "audit/audit_log.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "db/sql_filters.h"

namespace jiceng::audit {

using db::Value;

namespace {

const std::string kGenesis(64, '0');

Value OptInt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : Value(nullptr); }

constexpr const char* kColumns =
    "a.id, a.at, a.user_id, a.username, a.action, a.method, a.path, a.target, a.unit_id, a.ip, a.status, "
    "a.result, a.prev_hash, a.hash, un.code";

AuditEntry ReadEntry(const db::Row& row) {
  AuditEntry e;
  e.id = row.Int(0);
  e.at = row.Text(1);
  if (!row.IsNull(2)) e.user_id = row.Int(2);
  e.username = row.Text(3);
  e.action = row.Text(4);
  e.method = row.Text(5);
  e.path = row.Text(6);
  e.target = row.Text(7);
  if (!row.IsNull(8)) e.unit_id = row.Int(8);
  e.ip = row.Text(9);
  e.status = static_cast<int>(row.Int(10));
  e.result = row.Text(11);
  e.prev_hash = row.Text(12);
  e.hash = row.Text(13);
  e.unit_code = row.Text(14);
  return e;
}

}  // namespace

std::string AuditLog::ComputeHash(const AuditEntry& e) {
  // A JSON array is an unambiguous encoding of the fields (no separator can
  // be forged by a field's content).
  const nlohmann::json fields = {e.id,
                                 e.at,
                                 e.user_id ? nlohmann::json(*e.user_id) : nlohmann::json(nullptr),
                                 e.username,
                                 e.action,
                                 e.method,
                                 e.path,
                                 e.target,
                                 e.unit_id ? nlohmann::json(*e.unit_id) : nlohmann::json(nullptr),
                                 e.ip,
                                 e.status,
                                 e.result,
                                 e.prev_hash};
  const std::string text = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

Status AuditLog::Append(db::Database& db, AuditEntry entry) {
  return db.Write([&](db::Session& s) { return AppendIn(s, entry); });
}

Status AuditLog::AppendIn(db::Session& s, AuditEntry& entry) {
  if (entry.at.empty()) entry.at = NowUtcIso();
  // The chain's head is read inside the write transaction: writers are
  // serialized across processes (Database::Write), so nobody appends between
  // this read and the commit, and the ids stay consecutive.
  JICENG_ASSIGN_OR_RETURN(auto last, s.QueryOne("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"));
  entry.id = last ? last->Int(0) + 1 : 1;
  entry.prev_hash = last ? last->Text(1) : kGenesis;
  entry.hash = ComputeHash(entry);
  return s
      .Exec("INSERT INTO audit_log (id, at, user_id, username, action, method, path, target, unit_id, ip, "
            "status, result, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {Value(entry.id), Value(entry.at), OptInt(entry.user_id), Value(entry.username), Value(entry.action),
             Value(entry.method), Value(entry.path), Value(entry.target), OptInt(entry.unit_id), Value(entry.ip),
             Value(std::int64_t{entry.status}), Value(entry.result), Value(entry.prev_hash), Value(entry.hash)})
      .status();
}

Result<AuditVerifyReport> AuditLog::Verify(db::Database& db) {
  AuditVerifyReport report;
  std::string prev = kGenesis;
  std::int64_t expected_id = 1;
  Status st = db.Read([&](db::Session& s) {
    return s.Query(std::string("SELECT ") + kColumns + " FROM audit_log a LEFT JOIN units un ON un.id = a.unit_id "
                   "ORDER BY a.id",
                   {}, [&](const db::Row& row) {
                     if (report.first_broken) return Status::Ok();
                     AuditEntry e = ReadEntry(row);
                     ++report.entries;
                     if (e.id != expected_id) {
                       report.first_broken = e.id;
                       report.reason = "entry " + std::to_string(expected_id) +
                                       " is missing (ids must be consecutive): an entry was deleted";
                     } else if (e.prev_hash != prev) {
                       report.first_broken = e.id;
                       report.reason = "prev_hash does not match the hash of the entry before it";
                     } else if (ComputeHash(e) != e.hash) {
                       report.first_broken = e.id;
                       report.reason = "the entry's fields do not match its hash: it was edited";
                     }
                     prev = e.hash;
                     report.head_hash = e.hash;
                     ++expected_id;
                     return Status::Ok();
                   });
  });
  if (!st.ok()) return st;
  return report;
}

Result<std::pair<std::vector<AuditEntry>, std::size_t>> AuditLog::Query(db::Database& db, const AuditFilter& f) {
  std::string where = "1 = 1";
  db::Params params;
  if (!f.nationwide) {
    if (f.unit_prefixes.empty()) return std::make_pair(std::vector<AuditEntry>{}, std::size_t{0});
    where += " AND " + db::CodePrefixCondition("un.code", f.unit_prefixes, params);
  }
  if (f.username) {
    where += " AND a.username = ?";
    params.emplace_back(*f.username);
  }
  if (f.action) {
    if (!f.action->empty() && f.action->back() == '.') {
      where += " AND substr(a.action, 1, ?) = ?";
      params.emplace_back(static_cast<std::int64_t>(f.action->size()));
    } else {
      where += " AND a.action = ?";
    }
    params.emplace_back(*f.action);
  }
  if (f.from) {
    where += " AND a.at >= ?";
    params.emplace_back(*f.from);
  }
  if (f.to) {
    where += " AND a.at < ?";
    params.emplace_back(*f.to);
  }
  std::vector<AuditEntry> entries;
  std::size_t total = 0;
  Status st = db.Read([&](db::Session& s) -> Status {
    const std::string from = " FROM audit_log a LEFT JOIN units un ON un.id = a.unit_id WHERE " + where;
    JICENG_ASSIGN_OR_RETURN(auto count, s.QueryOne("SELECT COUNT(*)" + from, params));
    total = static_cast<std::size_t>(count->Int(0));
    db::Params page = params;
    page.emplace_back(static_cast<std::int64_t>(f.limit));
    page.emplace_back(static_cast<std::int64_t>(f.offset));
    return s.Query(std::string("SELECT ") + kColumns + from + " ORDER BY a.id DESC LIMIT ? OFFSET ?", page,
                   [&](const db::Row& row) {
                     entries.push_back(ReadEntry(row));
                     return Status::Ok();
                   });
  });
  if (!st.ok()) return st;
  return std::make_pair(std::move(entries), total);
}

}  // namespace jiceng::audit
