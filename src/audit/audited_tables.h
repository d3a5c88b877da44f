// The tables whose rows audit entries name (审计对象表), declared once: for
// each, how an entry's `target` names one of its rows ("member:42", a unit's
// code) and which of its rows the API and the audited tools write. Two users:
//  - WriteAudit (write_audit.h) names the rows a write transaction created,
//    so the entry written in that transaction says what it made;
//  - `jiceng audit verify --against-data` (FindRowsWithoutEntry) lists rows
//    that no successful entry names: a write that committed without its
//    entry, which the same-transaction append makes impossible for writes
//    through the API and the audited tools.
// Rows of child tables (payments, attendance, reviews, ...) are named through
// their parent ("member:42"); they are covered by their transaction's entry
// but not checked one by one.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "db/database.h"

namespace jiceng::audit {

struct AuditedTable {
  std::string_view table;   // "members"
  std::string_view prefix;  // "member:"; empty: the row is named by its `code` (units)
  std::string_view filter;  // SQL condition selecting the rows written through audited paths, or ""
  std::string_view collection;  // the API path segment before the row's id or code: "members"
};

// Every audited table, in a fixed order.
std::span<const AuditedTable> AuditedTables();

// The target naming rows `ids` (ascending) of `t`: "member:41", "member:41-43,50"
// (runs of consecutive ids as ranges); for units, `codes` joined by ",".
std::string NameRows(const AuditedTable& t, std::span<const std::int64_t> ids,
                     std::span<const std::string> codes);

// The target a request path names, from its first "<collection>/<id or code>"
// pair ("/api/v1/members/42/dues" -> "member:42", "/api/v1/units/540424/groups"
// -> "540424"); "" when it names none.
std::string TargetOfPath(std::string_view path);

// The rows named by entry targets, per table.
class NamedRows {
 public:
  // Adds the rows `target` names (items separated by spaces, each as NameRows
  // writes it; trailing text such as "/grant:5" is ignored).
  void Add(std::string_view target);
  // True when an added target names row `id` (or, for units, `code`) of `t`.
  bool Names(const AuditedTable& t, std::int64_t id, std::string_view code) const;

 private:
  // Id ranges by prefix; sorted and merged on the first lookup after an Add.
  mutable std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>, std::less<>>
      ranges_;
  mutable bool sorted_ = true;
  std::set<std::string, std::less<>> codes_;
};

struct RowsWithoutEntry {
  std::string table;
  std::int64_t count = 0;
  std::vector<std::string> examples;  // the first few, named as a target would name them
};

// For `jiceng audit verify --against-data`: per audited table, the rows that
// no audit entry with a success status (< 400) names. Empty when every row
// has its entry. Reads one snapshot.
Result<std::vector<RowsWithoutEntry>> FindRowsWithoutEntry(db::Database& db,
                                                           std::size_t max_examples = 10);

}  // namespace jiceng::audit
