// Runs jobs (job.h) one at a time on a worker thread of `jiceng serve`, each
// through the run function its kind registered (job_kinds.h): the member and
// organization imports go through the same importers the synchronous
// endpoints use (so a commit publishes to the roll-up engine exactly as they
// do), the exports through exports/list_export. Progress is stored as the
// kind reports it, so a user who comes back sees how far it got. The writes
// of a job that writes (an upload kind, not a dry run) commit with their
// audit entry, in the name of the job's owner.
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
#include "jobs/job_kinds.h"
#include "jobs/job_store.h"

namespace jiceng::jobs {

class JobRunner {
 public:
  // `kinds` must outlive the runner; a job of a kind it lacks fails (UnknownJobKind).
  JobRunner(db::Database& db, JobStore& store, const JobKinds& kinds) : db_(db), store_(store), kinds_(kinds) {}
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
  Result<JobStore::Outcome> Run(const Job& job, const ProgressFn& progress);
  // The audit entry of a job's writes, done as the job's owner.
  Result<audit::AuditEntry> JobAuditEntry(const Job& job);

  db::Database& db_;
  JobStore& store_;
  const JobKinds& kinds_;

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
