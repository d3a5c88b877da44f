#include "jobs/job_runner.h"

#include <spdlog/spdlog.h>

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

Result<std::size_t> JobRunner::RunPending() {
  std::size_t ran = 0;
  while (!stop_.load()) {
    JICENG_ASSIGN_OR_RETURN(auto job, store_.ClaimNext());
    if (!job) break;
    Execute(*job);
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
    spdlog::error("job {}: storing the outcome failed: {}", job.id, st.ToString());
  }
}

Result<JobStore::Outcome> JobRunner::Import(const Job& job, const imports::ProgressFn& progress) {
  JICENG_ASSIGN_OR_RETURN(std::string bytes, store_.UploadOf(job));
  const imports::ImportScope scope = ScopeFromParams(job.params);
  imports::ImportReport report;
  if (job.kind == kImportMembers) {
    imports::MemberImporter importer(db_, members_, xlsx_limits_);
    JICENG_ASSIGN_OR_RETURN(report, importer.Run(bytes, job.file_name, scope, job.dry_run, job.user_id, progress));
  } else {
    imports::OrgImporter importer(db_, orgs_, xlsx_limits_);
    JICENG_ASSIGN_OR_RETURN(report, importer.Run(bytes, job.file_name, scope, job.dry_run, progress));
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
  out.result_name = zh + "-" + FormatDate(Today()) + file.extension;
  return out;
}

Status JobRunner::Start() {
  JICENG_ASSIGN_OR_RETURN(auto requeued, store_.RequeueRunning());
  if (requeued > 0) spdlog::info("任务：{} 个未完成的任务重新排队 / jobs: {} unfinished jobs queued again", requeued, requeued);
  stop_ = false;
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      if (auto ran = RunPending(); !ran.ok()) {
        spdlog::warn("jobs: {}", ran.status().ToString());
      }
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return woken_ || stop_.load(); });
      woken_ = false;
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
  if (thread_.joinable()) thread_.join();
}

void JobRunner::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

}  // namespace jiceng::jobs
