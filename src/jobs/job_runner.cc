#include "jobs/job_runner.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "audit/write_audit.h"

namespace jiceng::jobs {

Result<audit::AuditEntry> JobRunner::JobAuditEntry(const Job& job) {
  audit::AuditEntry e;
  e.user_id = job.user_id;
  e.action = "jobs.run." + job.kind;
  e.method = "JOB";
  e.path = "/api/v1/jobs/" + std::to_string(job.id);
  e.ip = "server";
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto user, s.QueryOne("SELECT username FROM users WHERE id = ?", {db::Value(job.user_id)}));
    if (user) e.username = user->Text(0);
    if (!job.unit_code.empty()) {
      JICENG_ASSIGN_OR_RETURN(auto unit, s.QueryOne("SELECT id FROM units WHERE code = ?", {db::Value(job.unit_code)}));
      if (unit) e.unit_id = unit->Int(0);
    }
    return Status::Ok();
  }));
  return e;
}

Result<std::size_t> JobRunner::RunPending() {
  std::size_t ran = 0;
  while (!stop_.load()) {
    JICENG_ASSIGN_OR_RETURN(auto job, store_.ClaimNext());
    if (!job) break;
    if (job->attempts > 1) {
      spdlog::warn("任务 {}：上一台服务器的租约已过期，重新运行（第 {} 次）/ job {}: the previous server's lease expired; "
                   "running it again (attempt {})",
                   job->id, job->attempts, job->id, job->attempts);
    }
    running_job_ = job->id;
    Execute(*job);
    running_job_ = 0;
    ++ran;
  }
  return ran;
}

void JobRunner::Execute(const Job& job) {
  // Progress goes to the database in its own small transactions, between
  // the rows the job works through (never inside its write transaction).
  ProgressFn progress = [&](std::size_t done, std::size_t total) {
    if (Status st = store_.SetProgress(job.id, static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
        !st.ok()) {
      spdlog::warn("job {}: storing progress failed: {}", job.id, st.ToString());
    }
  };
  Result<JobStore::Outcome> outcome = Run(job, progress);
  JobStore::Outcome stored;
  if (outcome.ok()) {
    stored = std::move(outcome).value();
  } else {
    // Internal errors keep their detail in the log; the job shows the generic message.
    if (!outcome.status().detail().empty()) {
      spdlog::error("job {} ({}): {}", job.id, job.kind, outcome.status().detail());
    }
    stored.status = std::string(kFailed);
    stored.error = outcome.status();
  }
  if (Status st = store_.Finish(job.id, stored); !st.ok()) {
    spdlog::error("job {}: storing the outcome failed: {}", job.id, st.message_en());
  }
}

Result<JobStore::Outcome> JobRunner::Run(const Job& job, const ProgressFn& progress) {
  const JobKind* kind = kinds_.Find(job.kind);
  if (kind == nullptr) return UnknownJobKind(job.kind);
  std::string upload;
  if (kind->upload) {
    JICENG_ASSIGN_OR_RETURN(upload, store_.UploadOf(job));
  }
  if (!kind->upload || job.dry_run) return kind->run(JobRun{job, upload, progress});
  // A job's writes and their audit entry go in together (audit/write_audit.h),
  // as done by the job's owner; progress is bookkeeping, not audited.
  JICENG_ASSIGN_OR_RETURN(audit::AuditEntry entry, JobAuditEntry(job));
  audit::WriteAudit write_audit([entry] { return entry; });
  db::ScopedCommitHook in_transaction(write_audit);
  const ProgressFn quiet_progress = [&progress](std::size_t done, std::size_t total) {
    db::ScopedCommitHook none(nullptr);
    progress(done, total);
  };
  return kind->run(JobRun{job, upload, quiet_progress});
}

Result<std::int64_t> JobRunner::Prune(std::chrono::seconds retention) {
  return store_.PruneFinished(store_.now() - retention);
}

Status JobRunner::Start(Options options) {
  stop_ = false;
  thread_ = std::thread([this, options] {
    auto next_prune = std::chrono::steady_clock::now();
    while (!stop_.load()) {
      if (std::chrono::steady_clock::now() >= next_prune) {
        next_prune = std::chrono::steady_clock::now() + options.prune_every;
        if (auto n = Prune(options.retention); !n.ok()) {
          spdlog::warn("jobs: pruning failed: {}", n.status().ToString());
        } else if (*n > 0) {
          spdlog::info("任务：已清理 {} 个已结束的任务 / jobs: {} finished jobs pruned", *n, *n);
        }
      }
      if (auto ran = RunPending(); !ran.ok()) {
        spdlog::warn("jobs: {}", ran.status().ToString());
      }
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return woken_ || stop_.load(); });
      woken_ = false;
    }
  });
  // The heartbeat: the job in hand keeps its lease however long a step of it
  // takes (one import transaction can outlast the lease).
  heartbeat_ = std::thread([this] {
    const auto every = std::max<std::chrono::milliseconds>(store_.lease() / 3, std::chrono::milliseconds(100));
    while (!stop_.load()) {
      {
        std::unique_lock lock(mutex_);
        heartbeat_wake_.wait_for(lock, every, [this] { return stop_.load(); });
      }
      const std::int64_t id = running_job_.load();
      if (id == 0 || stop_.load()) continue;
      if (auto held = store_.RenewLease(id); !held.ok()) {
        spdlog::warn("job {}: renewing its lease failed: {}", id, held.status().ToString());
      } else if (!*held && running_job_.load() == id) {
        spdlog::error("任务 {} 的租约已被另一台服务器接手 / job {}: its lease was taken over by another server", id, id);
      }
    }
  });
  return Status::Ok();
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  heartbeat_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (heartbeat_.joinable()) heartbeat_.join();
}

void JobRunner::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

}  // namespace jiceng::jobs
