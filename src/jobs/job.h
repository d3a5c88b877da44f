// A long operation (长时间操作) run by the server rather than in a request, of a
// kind a domain registered (job_kinds.h): an import of members or
// organizations (dry run or commit), an export of a list, ... Its owner can leave and come back: status, progress and result are
// stored with the job (table `jobs`, migration 9). Several servers may share
// one database: a server claims a job with a lease it renews while the job
// runs, and a job whose lease expired is claimed again (migration 13).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace jiceng::jobs {

// Job::status values: queued -> running -> succeeded | failed; queued -> cancelled.
inline constexpr std::string_view kQueued = "queued";
inline constexpr std::string_view kRunning = "running";
inline constexpr std::string_view kSucceeded = "succeeded";
inline constexpr std::string_view kFailed = "failed";
inline constexpr std::string_view kCancelled = "cancelled";

// An uploaded file larger than this is refused (the upload route stops at
// the same size, api::kMaxUploadBytes).
inline constexpr std::size_t kMaxJobFileBytes = 20 * 1024 * 1024;

struct Job {
  std::int64_t id = 0;
  std::string kind = {};              // a registered JobKind::id
  std::int64_t user_id = 0;           // who started it: the only one who sees it (and system admins)
  std::string unit_code = {};         // the unit it was started for ("" : the caller's whole scope)
  nlohmann::json params = {};         // import: {"nationwide", "unit_prefixes"}; export: the list filter
  std::string file_name = {};         // the uploaded file's name (imports)
  std::string format = {};            // exports: "xlsx" or "csv"
  bool dry_run = false;
  std::optional<std::int64_t> source_job_id = {};  // a commit: the dry run whose file it imports
  std::string status = {};
  std::int64_t progress_done = 0;
  std::int64_t progress_total = 0;
  std::optional<nlohmann::json> report = {};  // imports: the report (imports::ReportToJson)
  std::optional<std::string> error_field = {}, error_zh = {}, error_en = {};  // failed: why
  std::optional<std::string> result_name = {}, result_type = {};  // exports: the file to download
  std::string created_at = {};
  std::optional<std::string> started_at = {}, finished_at = {};
  std::optional<std::string> lease_owner = {};       // the server process running it (JobStore::owner())
  std::optional<std::string> lease_expires_at = {};  // when another server may take it over (UTC ISO-8601)
  std::int64_t attempts = 0;                         // how many times it was claimed
};

// What starting a job needs; `upload` is the file of an import.
struct NewJob {
  std::string kind;
  std::int64_t user_id = 0;
  std::string unit_code = {};
  nlohmann::json params = nlohmann::json::object();
  std::string file_name = {};
  std::string format = {};
  bool dry_run = false;
  std::optional<std::int64_t> source_job_id = {};
  std::optional<std::string> upload = {};
};

}  // namespace jiceng::jobs
