// Persistence of jobs (jobs, job_files; migrations 9 and 12). Files are stored
// as base64 text — the database layer binds text, and PostgreSQL text cannot
// hold the bytes of an .xlsx — and read back decoded.
//
// Several servers may share one database. A server claims a job with a lease
// (owner, expiry) and renews it while the job runs; only the lease holder can
// record progress or the outcome. A running job whose lease expired — its
// server stopped or lost the database for longer than the lease — is claimed
// again by whichever server asks next, so nothing is re-queued at start and a
// job held by a live server never runs twice.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/database.h"
#include "jobs/job.h"
#include "people/personal_data.h"

namespace jiceng::jobs {

class JobStore {
 public:
  // The time leases and timestamps are computed from (tests inject one).
  using NowFn = std::function<std::chrono::system_clock::time_point()>;
  static constexpr std::chrono::seconds kDefaultLease{60};

  // `owner` names this process in leases; by default host:pid:random.
  explicit JobStore(db::Database& db, NowFn now = {}, std::string owner = {},
                    std::chrono::seconds lease = kDefaultLease);

  const std::string& owner() const { return owner_; }
  // From now on uploads and results (files of names, ID numbers, phones) are
  // stored sealed with `vault` (people/personal_data.h), which must outlive
  // this store; files stored before are still read. Without it they are
  // stored as base64 (tests of the job machinery).
  void SealFilesWith(const people::Vault* vault) { vault_ = vault; }
  std::chrono::system_clock::time_point now() const { return now_(); }
  std::chrono::seconds lease() const { return lease_; }
  // REQUIRES: no job is being claimed or run yet (set at start).
  void set_lease(std::chrono::seconds lease) { lease_ = lease; }

  // Inserts a queued job and its uploaded file in one transaction.
  // kInvalidArgument (field "file") when the file is over kMaxJobFileBytes.
  Result<Job> Create(const NewJob& job);
  // kNotFound when there is no job `id`.
  Result<Job> Get(std::int64_t id);
  // The user's jobs, newest first, at most `limit`.
  Result<std::vector<Job>> ListForUser(std::int64_t user_id, std::size_t limit);
  // The commit started from dry run `dry_run_id` that is queued, running or
  // succeeded, if any.
  Result<std::optional<Job>> LiveCommitOf(std::int64_t dry_run_id);

  // The oldest job that is queued, or running with an expired lease (its
  // server stopped), now running under this store's lease, attempts + 1;
  // nullopt when there is none. PostgreSQL: the row is locked FOR UPDATE SKIP
  // LOCKED; SQLite has one writer, and the UPDATE re-checks the state.
  Result<std::optional<Job>> ClaimNext();
  // Extends the lease of a job this store holds (the runner's heartbeat).
  // False when it no longer holds it (the lease expired and another server
  // took the job over, or the job ended).
  Result<bool> RenewLease(std::int64_t id);
  // Records progress (and renews the lease) while this store holds the lease.
  Status SetProgress(std::int64_t id, std::int64_t done, std::int64_t total);
  // Ends a running job this store holds the lease of: `status` succeeded or
  // failed, with what it produced. kFailedPrecondition when it lost the lease
  // (another server took the job over); nothing is stored then.
  struct Outcome {
    std::string status;
    std::optional<nlohmann::json> report = {};
    std::optional<Status> error = {};
    std::optional<std::string> result = {};  // an export's file
    std::string result_name = {}, result_type = {};
  };
  Status Finish(std::int64_t id, const Outcome& outcome);
  // Queued -> cancelled. False when the job is not queued (any more).
  Result<bool> Cancel(std::int64_t id);
  // Deletes the jobs that ended (succeeded, failed, cancelled) before
  // `before`, with their files; a dry run stays while a kept commit refers to
  // it. Returns how many jobs were deleted.
  Result<std::int64_t> PruneFinished(std::chrono::system_clock::time_point before);
  // How many jobs are queued and running now (GET /metrics).
  struct Counts {
    std::int64_t queued = 0;
    std::int64_t running = 0;
  };
  Result<Counts> CountLive();

  // The job's uploaded file (a commit: its dry run's), or its result file.
  Result<std::string> UploadOf(const Job& job);
  Result<std::string> ResultOf(const Job& job);

 private:
  Result<std::string> FileOf(std::int64_t job_id, std::string_view role);
  // A file's bytes as the content column stores them: sealed, or base64.
  std::string StoredFile(const std::string& bytes) const;
  std::string Now() const;
  std::string LeaseEnd() const;
  db::Database& db_;
  const people::Vault* vault_ = nullptr;
  NowFn now_;
  std::string owner_;
  std::chrono::seconds lease_;
};

// Base64 (RFC 4648, with padding).
std::string Base64Encode(std::string_view bytes);
// nullopt when `text` is not base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace jiceng::jobs
