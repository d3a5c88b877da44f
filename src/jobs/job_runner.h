// Runs jobs (job.h) one at a time on a worker thread of `jiceng serve`: an
// import dry run or commit through the same importers the synchronous
// endpoints use (so a commit publishes to the roll-up engine exactly as they
// do), or an export through exports/list_export. Progress is stored every
// imports::kProgressEvery rows, so a user who comes back sees how far it got.
// While a job runs, a heartbeat thread renews its lease (JobStore) every
// third of the lease, so no other server on the same database takes it over;
// the worker also prunes jobs that ended longer ago than the retention.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "audit/audit_log.h"
#include "hierarchy/unit_tree.h"
#include "imports/sheet.h"
#include "jobs/job_store.h"
#include "members/member_service.h"
#include "orgs/org_service.h"

namespace jiceng::jobs {

// An import's scope and an export's filter as stored in Job::params.
nlohmann::json ScopeParams(const imports::ImportScope& scope);
imports::ImportScope ScopeFromParams(const nlohmann::json& params);
nlohmann::json MemberFilterParams(const members::MemberFilter& f);
members::MemberFilter MemberFilterFromParams(const nlohmann::json& params);
nlohmann::json OrgFilterParams(const orgs::OrgFilter& f);
orgs::OrgFilter OrgFilterFromParams(const nlohmann::json& params);

class JobRunner {
 public:
  // An uploaded .xlsx may unpack to no more than `xlsx_limits` allow.
  JobRunner(db::Database& db, JobStore& store, members::MemberService& members, orgs::OrgService& orgs,
            const hierarchy::UnitTree& tree, const BusinessClock& clock, const io::XlsxLimits& xlsx_limits = {})
      : db_(db), clock_(clock), store_(store), members_(members), orgs_(orgs), tree_(tree), xlsx_limits_(xlsx_limits) {}
  ~JobRunner() { Stop(); }
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Runs queued jobs until none is left; returns how many ran. A job that
  // fails is stored as failed; only a failure to store is a Status.
  Result<std::size_t> RunPending();

  // Starts the worker thread: it runs what is queued (and jobs other servers
  // left running with an expired lease), then waits for Wake() (or a second);
  // it prunes jobs that ended more than `retention` ago (JobStore's clock) at
  // start and every `prune_every`. Starts the heartbeat thread too.
  struct Options {
    std::chrono::seconds retention = std::chrono::hours(30 * 24);
    std::chrono::seconds prune_every = std::chrono::hours(1);
  };
  Status Start(Options options);
  Status Start() { return Start(Options{}); }
  // Finishes the job in hand, then stops the threads. Idempotent.
  void Stop();
  // Deletes the jobs that ended more than `retention` ago; how many.
  Result<std::int64_t> Prune(std::chrono::seconds retention);
  // A job was queued.
  void Wake();

 private:
  void Execute(const Job& job);
  Result<JobStore::Outcome> Import(const Job& job, const imports::ProgressFn& progress);
  Result<JobStore::Outcome> Export(const Job& job, const imports::ProgressFn& progress);
  // The audit entry of an import commit's writes, done as the job's owner.
  Result<audit::AuditEntry> JobAuditEntry(const Job& job);

  db::Database& db_;
  const BusinessClock& clock_;
  JobStore& store_;
  members::MemberService& members_;
  orgs::OrgService& orgs_;
  const hierarchy::UnitTree& tree_;
  const io::XlsxLimits xlsx_limits_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable heartbeat_wake_;
  bool woken_ = false;  // GUARDED_BY(mutex_)
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> running_job_{0};  // the job in hand (0: none), for the heartbeat
  std::thread thread_;
  std::thread heartbeat_;
};

}  // namespace jiceng::jobs
