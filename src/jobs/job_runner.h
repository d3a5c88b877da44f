// Runs jobs (job.h) one at a time on a worker thread of `jiceng serve`: an
// import dry run or commit through the same importers the synchronous
// endpoints use (so a commit publishes to the roll-up engine exactly as they
// do), or an export through exports/list_export. Progress is stored every
// imports::kProgressEvery rows, so a user who comes back sees how far it got.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

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
            const hierarchy::UnitTree& tree, const io::XlsxLimits& xlsx_limits = {})
      : db_(db), store_(store), members_(members), orgs_(orgs), tree_(tree), xlsx_limits_(xlsx_limits) {}
  ~JobRunner() { Stop(); }
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Runs queued jobs until none is left; returns how many ran. A job that
  // fails is stored as failed; only a failure to store is a Status.
  Result<std::size_t> RunPending();

  // Re-queues jobs left running by a stopped process, then starts the worker
  // thread: it runs what is queued, then waits for Wake() (or a second).
  Status Start();
  // Finishes the job in hand, then stops the thread. Idempotent.
  void Stop();
  // A job was queued.
  void Wake();

 private:
  void Execute(const Job& job);
  Result<JobStore::Outcome> Import(const Job& job, const imports::ProgressFn& progress);
  Result<JobStore::Outcome> Export(const Job& job, const imports::ProgressFn& progress);

  db::Database& db_;
  JobStore& store_;
  members::MemberService& members_;
  orgs::OrgService& orgs_;
  const hierarchy::UnitTree& tree_;
  const io::XlsxLimits xlsx_limits_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;  // GUARDED_BY(mutex_)
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace jiceng::jobs
