#include "jobs/job_runner.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "audit/write_audit.h"
#include "common/clock.h"
#include "exports/list_export.h"
#include "imports/member_import.h"
#include "imports/org_import.h"

namespace jiceng::jobs {
namespace {

std::optional<std::string> OptString(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
  return j[key].get<std::string>();
}

std::vector<std::string> Strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array()) {
    for (const auto& v : j[key]) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

}  // namespace

nlohmann::json ScopeParams(const imports::ImportScope& scope) {
  return {{"nationwide", scope.nationwide}, {"unit_prefixes", scope.unit_prefixes}};
}

imports::ImportScope ScopeFromParams(const nlohmann::json& p) {
  imports::ImportScope s;
  s.nationwide = p.value("nationwide", false);
  s.unit_prefixes = Strings(p, "unit_prefixes");
  return s;
}

nlohmann::json MemberFilterParams(const members::MemberFilter& f) {
  nlohmann::json j = {{"nationwide", f.nationwide}, {"unit_prefixes", f.unit_prefixes}, {"name", f.name}};
  if (f.org_id) j["org_id"] = *f.org_id;
  if (f.stage) j["stage"] = *f.stage;
  if (f.situation) j["situation"] = *f.situation;
  if (f.status) j["status"] = *f.status;
  return j;
}

members::MemberFilter MemberFilterFromParams(const nlohmann::json& p) {
  members::MemberFilter f;
  f.nationwide = p.value("nationwide", false);
  f.unit_prefixes = Strings(p, "unit_prefixes");
  f.name = p.value("name", "");
  if (p.contains("org_id") && p["org_id"].is_number_integer()) f.org_id = p["org_id"].get<std::int64_t>();
  f.stage = OptString(p, "stage");
  f.situation = OptString(p, "situation");
  f.status = OptString(p, "status");
  return f;
}

nlohmann::json OrgFilterParams(const orgs::OrgFilter& f) {
  nlohmann::json j = {{"nationwide", f.nationwide}, {"unit_prefixes", f.unit_prefixes},
                      {"include_ended", f.include_ended}};
  if (f.kind) j["kind"] = *f.kind;
  return j;
}

orgs::OrgFilter OrgFilterFromParams(const nlohmann::json& p) {
  orgs::OrgFilter f;
  f.nationwide = p.value("nationwide", false);
  f.unit_prefixes = Strings(p, "unit_prefixes");
  f.include_ended = p.value("include_ended", false);
  f.kind = OptString(p, "kind");
  return f;
}

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
  // the rows the importer checks (never inside its write transaction).
  imports::ProgressFn progress = [&](std::size_t done, std::size_t total) {
    if (Status st = store_.SetProgress(job.id, static_cast<std::int64_t>(done), static_cast<std::int64_t>(total));
        !st.ok()) {
      spdlog::warn("job {}: storing progress failed: {}", job.id, st.ToString());
    }
  };
  Result<JobStore::Outcome> outcome =
      IsImport(job.kind) ? Import(job, progress) : Export(job, progress);
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

Result<JobStore::Outcome> JobRunner::Import(const Job& job, const imports::ProgressFn& progress) {
  JICENG_ASSIGN_OR_RETURN(std::string bytes, store_.UploadOf(job));
  const imports::ImportScope scope = ScopeFromParams(job.params);
  imports::ImportReport report;
  // A commit's rows and their audit entry go in together (audit/write_audit.h),
  // as done by the job's owner; progress is bookkeeping, not audited.
  std::optional<audit::WriteAudit> write_audit;
  std::optional<db::ScopedCommitHook> in_transaction;
  imports::ProgressFn quiet_progress = progress;
  if (!job.dry_run) {
    JICENG_ASSIGN_OR_RETURN(audit::AuditEntry entry, JobAuditEntry(job));
    write_audit.emplace([entry] { return entry; });
    in_transaction.emplace(*write_audit);
    quiet_progress = [&progress](std::size_t done, std::size_t total) {
      db::ScopedCommitHook none(nullptr);
      progress(done, total);
    };
  }
  if (job.kind == kImportMembers) {
    imports::MemberImporter importer(db_, members_, xlsx_limits_);
    JICENG_ASSIGN_OR_RETURN(report, importer.Run(bytes, job.file_name, scope, job.dry_run, job.user_id, quiet_progress));
  } else {
    imports::OrgImporter importer(db_, orgs_, xlsx_limits_);
    JICENG_ASSIGN_OR_RETURN(report, importer.Run(bytes, job.file_name, scope, job.dry_run, quiet_progress));
  }
  JobStore::Outcome out;
  out.report = imports::ReportToJson(report);
  // A dry run succeeds whatever it finds; a commit refused for bad rows fails
  // with the same message as POST /api/v1/imports/...?dry_run=false.
  if (!job.dry_run && !report.committed) {
    const std::string bad = std::to_string(report.rows - report.valid_rows);
    out.status = std::string(kFailed);
    out.error = Status::InvalidArgument("file", "文件中有 " + bad + " 行有错误，未导入任何数据。请改正后重新导入。",
                                        bad + " rows have errors; nothing was imported. Fix them and import again.");
  } else {
    out.status = std::string(kSucceeded);
  }
  return out;
}

Result<JobStore::Outcome> JobRunner::Export(const Job& job, const imports::ProgressFn& progress) {
  io::Table table;
  std::string ascii, zh;
  if (job.kind == kExportMembers) {
    JICENG_ASSIGN_OR_RETURN(table, exports::MembersTable(members_, orgs_, tree_, MemberFilterFromParams(job.params),
                                                         progress));
    ascii = "members";
    zh = "党员名册";
  } else if (job.kind == kExportOrgs) {
    JICENG_ASSIGN_OR_RETURN(table, exports::OrgsTable(orgs_, tree_, OrgFilterFromParams(job.params), progress));
    ascii = "organizations";
    zh = "党组织";
  } else {
    return Status::Internal("unknown job kind " + job.kind);
  }
  JICENG_ASSIGN_OR_RETURN(auto file, exports::Render(table, job.format));
  JobStore::Outcome out;
  out.status = std::string(kSucceeded);
  out.result = std::move(file.bytes);
  out.result_type = file.content_type;
  out.result_name = zh + "-" + FormatDate(clock_.Today()) + file.extension;
  return out;
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
