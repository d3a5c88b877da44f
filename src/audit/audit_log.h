// The audit log (审计日志): who did what, when, from where, with what result.
// Append-only (the table refuses UPDATE and DELETE) and hash-chained: each
// entry stores the SHA-256 of its own fields and of the previous entry's
// hash, so that Verify() finds any edited, inserted or deleted entry and
// names the first one that breaks the chain. Personal fields (names, phone
// numbers, ID numbers) are never copied in: entries carry ids and codes.
//
// The chain proves the log was not altered after the fact only relative to
// a trusted head: `jiceng audit verify` prints the count and head hash so
// that they can be recorded elsewhere (a truncated tail verifies otherwise).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/database.h"

namespace jiceng::audit {

struct AuditEntry {
  std::int64_t id = 0;              // assigned by Append
  std::string at = {};                   // UTC ISO-8601; set by Append when empty
  std::optional<std::int64_t> user_id = {};
  std::string username;             // the account's login name ("" for anonymous)
  std::string action = {};               // e.g. "units.groups.add", "session.login"
  std::string method = {};               // HTTP method or "CLI"
  std::string path;                 // request path (ids and codes only, no query)
  std::string target = {};               // what was acted on: a unit code, "user:12", ...
  std::optional<std::int64_t> unit_id = {};  // the unit the action concerns, for scoped reading
  std::string unit_code;            // filled by Query (not stored: derived from unit_id)
  std::string ip = {};
  int status = 0;                   // HTTP status (0 for CLI)
  std::string result = {};               // "ok" or an error code
  std::string prev_hash = {};
  std::string hash = {};
};

struct AuditFilter {
  std::optional<std::string> username = {};
  std::optional<std::string> action = {};        // exact, or a prefix ending in '.' ("units.")
  bool nationwide = false;                       // entries of every unit and of none
  std::vector<std::string> unit_prefixes = {};   // else: entries whose unit code starts with one of these
  std::optional<std::string> from = {};          // at >= from
  std::optional<std::string> to = {};            // at < to
  std::size_t offset = 0;
  std::size_t limit = 50;
};

struct AuditVerifyReport {
  std::int64_t entries = 0;
  std::string head_hash;                    // hash of the last entry ("" when empty)
  std::optional<std::int64_t> first_broken = {}; // id of the first entry that fails
  std::string reason;                       // why it fails (English, for the CLI)
  bool ok() const { return !first_broken; }
};

class AuditLog {
 public:
  // Appends `entry` (its id, hashes and, if empty, time are set here) in one
  // write transaction, after the current last entry.
  static Status Append(db::Database& db, AuditEntry entry);
  // The same inside the write transaction `s` is running (the entry commits
  // or rolls back with it), filling in `entry`'s id, time and hashes.
  // REQUIRES: `s` belongs to Database::Write (writers are serialized, so no
  // other entry can take the next id before this transaction commits).
  static Status AppendIn(db::Session& s, AuditEntry& entry);
  // Walks the whole chain in id order.
  static Result<AuditVerifyReport> Verify(db::Database& db);
  // Newest first.
  static Result<std::pair<std::vector<AuditEntry>, std::size_t>> Query(db::Database& db, const AuditFilter& f);
  // The hash an entry must carry, given its fields and prev_hash.
  static std::string ComputeHash(const AuditEntry& e);
};

}  // namespace jiceng::audit
