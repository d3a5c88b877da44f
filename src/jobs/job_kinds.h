// The kinds of job (job.h) a server runs, registered by the domains that own
// them: imports/list_jobs.h registers the member and organization imports and
// exports; a new domain registers its own at start (cli/app.cc). JobRunner and
// the jobs routes look a job's kind up here; nothing switches over kinds.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "jobs/job.h"
#include "jobs/job_store.h"

namespace jiceng::jobs {

// (rows done, rows in all), called as a job goes; stored for its owner to see.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

// A job in hand, as a kind's `run` gets it.
struct JobRun {
  const Job& job;
  const std::string& upload;  // the uploaded file; empty for a kind without one
  const ProgressFn& progress;
};

struct JobKind {
  std::string id;  // stored in jobs.kind, e.g. "import_members"
  // Jobs of this kind read an uploaded file (the runner hands it over) and,
  // unless a dry run, write: their writes commit together with an audit entry
  // in the name of the job's owner (audit/write_audit.h). A dry run of such a
  // kind can be committed (POST /api/v1/jobs/:id/commit).
  bool upload = false;
  // What the job's owner must hold: its start route's permission, checked
  // again when a dry run is committed.
  std::string permission = {};
  // A job whose result is a file: the download's name stem in ASCII
  // ("members"), used with the Chinese name the job stores.
  std::string file_stem = {};
  // Runs the job: its outcome (status, report, result file), or the error it
  // failed with (stored with the job).
  std::function<Result<JobStore::Outcome>(const JobRun&)> run = {};
};

class JobKinds {
 public:
  // Registers `kind`. kInternal for an empty id, a kind without `run`, or an
  // id registered already (a programming error at start).
  Status Add(JobKind kind);
  // nullptr when no kind `id` is registered (e.g. a job left by a newer version).
  const JobKind* Find(std::string_view id) const;
  std::vector<std::string> Ids() const;

 private:
  std::map<std::string, JobKind, std::less<>> kinds_;
};

// The failure stored with a job whose kind this server does not know.
Status UnknownJobKind(std::string_view id);

}  // namespace jiceng::jobs
