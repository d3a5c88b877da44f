// Persistence of jobs (jobs, job_files; migration 9). Files are stored as
// base64 text — the database layer binds text, and PostgreSQL text cannot
// hold the bytes of an .xlsx — and read back decoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/database.h"
#include "jobs/job.h"

namespace jiceng::jobs {

class JobStore {
 public:
  explicit JobStore(db::Database& db) : db_(db) {}

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

  // The oldest queued job, now marked running; nullopt when none is queued.
  Result<std::optional<Job>> ClaimNext();
  Status SetProgress(std::int64_t id, std::int64_t done, std::int64_t total);
  // Ends a running job: `status` succeeded or failed, with what it produced.
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
  // Jobs left running by a process that stopped go back to the queue (a
  // commit is one transaction, so running it again is safe). Returns how many.
  Result<std::int64_t> RequeueRunning();
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
  db::Database& db_;
};

// Base64 (RFC 4648, with padding).
std::string Base64Encode(std::string_view bytes);
// nullopt when `text` is not base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace jiceng::jobs
