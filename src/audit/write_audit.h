// The audit entry of a write, appended inside the write's own transaction
// (写操作与审计记录同一事务): installed as the thread's db::CommitHook for as
// long as a request's handler (or a command-line tool's write) runs, it
// appends one entry to the audit log in every write transaction that thread
// commits meanwhile. A crash then leaves the change and its entry, or
// neither; never a committed change without its entry.
//
//   audit::WriteAudit audit([&] { return entry_so_far; });
//   db::ScopedCommitHook scope(audit);
//   ... service calls that write ...
//   if (audit.committed_entries() == 0) ... append the entry after the fact ...
//
// Each entry is the template `make_entry` returns at commit time (who, action,
// method, path, unit, address, and the target known so far), with:
//  - target: the rows of audited tables (audited_tables.h) the transaction
//    created, named as "member:41" / a group's code ("member:41-1040" for an
//    import); else the template's target; else the one the path names;
//  - status: the success status of the write, as the reply will carry it
//    unless the handler fails afterwards: 201 for a POST that created an
//    audited row, 204 for a DELETE, 200 otherwise (0 for the command line,
//    method "CLI"); result "ok".
// Not thread-safe: one per request, used by the thread that runs it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "audit/audit_log.h"
#include "db/database.h"

namespace jiceng::audit {

class WriteAudit final : public db::CommitHook {
 public:
  using EntryFn = std::function<AuditEntry()>;
  explicit WriteAudit(EntryFn make_entry) : make_entry_(std::move(make_entry)) {}

  Status AfterBegin(db::Session& s) override;
  Status BeforeCommit(db::Session& s) override;

  // Entries written by transactions that committed.
  int committed_entries() const { return committed_; }

 private:
  EntryFn make_entry_;
  // Per AuditedTables() entry: the highest id when the current transaction
  // began. Writers are serialized, so the rows above it at commit are
  // exactly the ones this transaction created.
  std::vector<std::int64_t> highest_;
  int committed_ = 0;
};

}  // namespace jiceng::audit
