#include "api/handlers/jobs_handler.h"

#include "api/handlers/file_reply.h"
#include "api/handlers/units_handler.h"
#include "exports/list_export.h"
#include "imports/list_jobs.h"

namespace jiceng::api {
namespace {

using jobs::Job;

constexpr std::size_t kListLimit = 50;

bool IsSystemAdmin(const accounts::Principal& p) {
  if (p.token_unit) return false;
  for (const auto& g : p.grants) {
    if (g.role == "system_admin" && !g.unit_code) return true;
  }
  return false;
}

Status NoSuchJob() { return Status::NotFound("没有这个任务。", "No such job.", "id"); }

// The job, if the caller may see it; otherwise the 404 of an unknown job
// (whether someone else's job exists is not the caller's business).
Result<Job> OwnJob(const ApiRequest& req, const JobsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  auto job = d.store.Get(id);
  if (!job.ok()) {
    if (job.status().code() == ErrorCode::kNotFound) return NoSuchJob();
    return job.status();
  }
  if (job->user_id != req.principal->user_id && !IsSystemAdmin(*req.principal)) return NoSuchJob();
  return std::move(job).value();
}

// The ASCII name stem of a job's download ("file" for a kind without one).
std::string AsciiStem(const JobsDeps& d, std::string_view kind) {
  const jobs::JobKind* k = d.kinds.Find(kind);
  return k != nullptr && !k->file_stem.empty() ? k->file_stem : "file";
}

// The registered kind `id`; a start route names only kinds registered at start.
Result<const jobs::JobKind*> KindOf(const JobsDeps& d, std::string_view id) {
  const jobs::JobKind* k = d.kinds.Find(id);
  if (k == nullptr) return jobs::UnknownJobKind(id);
  return k;
}

nlohmann::json JobJson(const Job& j, Lang lang) {
  nlohmann::json out = {{"id", j.id},
                        {"kind", j.kind},
                        {"status", j.status},
                        {"file_name", j.file_name},
                        {"format", j.format},
                        {"dry_run", j.dry_run},
                        {"unit_code", j.unit_code},
                        {"progress", {{"done", j.progress_done}, {"total", j.progress_total}}},
                        {"created_at", j.created_at},
                        {"started_at", j.started_at ? nlohmann::json(*j.started_at) : nlohmann::json()},
                        {"finished_at", j.finished_at ? nlohmann::json(*j.finished_at) : nlohmann::json()},
                        {"attempts", j.attempts},
                        {"source_job_id", j.source_job_id ? nlohmann::json(*j.source_job_id) : nlohmann::json()}};
  out["report"] = j.report ? LocalizedReport(*j.report, lang) : nlohmann::json();
  if (j.error_zh) {
    out["error"] = {{"field", j.error_field.value_or("")},
                    {"message", lang == Lang::kZh ? *j.error_zh : j.error_en.value_or("")},
                    {"message_zh", *j.error_zh},
                    {"message_en", j.error_en.value_or("")}};
  } else {
    out["error"] = nullptr;
  }
  if (j.result_name) {
    out["result"] = {{"file_name", *j.result_name},
                     {"content_type", j.result_type.value_or("")},
                     {"url", "/api/v1/jobs/" + std::to_string(j.id) + "/file"}};
  } else {
    out["result"] = nullptr;
  }
  return out;
}

Reply Started(const ApiRequest& req, const JobsDeps& d, const Job& job) {
  d.runner.Wake();
  req.audit_target = "job:" + std::to_string(job.id);
  Reply reply{202, {{"job", JobJson(job, req.lang)}}, {}};
  reply.headers.emplace_back("Location", "/api/v1/jobs/" + std::to_string(job.id));
  return reply;
}

Result<Reply> StartImport(const ApiRequest& req, const JobsDeps& d, std::string_view kind) {
  JICENG_ASSIGN_OR_RETURN(auto dry_run, req.QueryBool("dry_run", true));
  JICENG_ASSIGN_OR_RETURN(const jobs::JobKind* k, KindOf(d, kind));
  jobs::NewJob n;
  n.kind = std::string(kind);
  n.user_id = req.principal->user_id;
  n.params = imports::ScopeParams(ImportScopeFor(req, d.members, k->permission));
  // The default name of the upload: the permission's domain ("members.write" -> "members").
  n.file_name = UploadFileName(req, k->permission.substr(0, k->permission.find('.')));
  n.dry_run = dry_run;
  n.upload = req.body;
  // The unit page the import was started from, for the way back to it: a code or nothing.
  if (auto unit = req.QueryText("unit"); unit && unit->size() <= 15 &&
                                         unit->find_first_not_of("0123456789") == std::string::npos) {
    n.unit_code = *unit;
  }
  JICENG_ASSIGN_OR_RETURN(auto job, d.store.Create(n));
  return Started(req, d, job);
}

// What an export job is started for: its list's filter as Job::params.
using ExportParamsFn = std::function<Result<nlohmann::json>(const ApiRequest&, const JobsDeps&)>;

Result<nlohmann::json> MemberExportParams(const ApiRequest& req, const JobsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(members::MemberFilter f, MemberFilterFrom(req, d.members));
  return imports::MemberFilterParams(f);
}

Result<nlohmann::json> OrgExportParams(const ApiRequest& req, const JobsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(orgs::OrgFilter f, OrgFilterFrom(req, d.members));
  return imports::OrgFilterParams(f);
}

Result<Reply> StartExport(const ApiRequest& req, const JobsDeps& d, std::string_view kind,
                          const ExportParamsFn& params) {
  JICENG_RETURN_IF_ERROR(KindOf(d, kind).status());
  jobs::NewJob n;
  n.kind = std::string(kind);
  n.user_id = req.principal->user_id;
  n.format = req.QueryText("format").value_or("xlsx");
  JICENG_RETURN_IF_ERROR(exports::CheckFormat(n.format));
  n.unit_code = req.QueryText("under").value_or("");
  JICENG_ASSIGN_OR_RETURN(n.params, params(req, d));
  JICENG_ASSIGN_OR_RETURN(auto job, d.store.Create(n));
  return Started(req, d, job);
}

Result<Reply> ListJobs(const ApiRequest& req, const JobsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto list, d.store.ListForUser(req.principal->user_id, kListLimit));
  nlohmann::json items = nlohmann::json::array();
  for (Job& j : list) {
    j.report.reset();  // the list stays small: GET /api/v1/jobs/:id has the report
    items.push_back(JobJson(j, req.lang));
  }
  return Reply{200, {{"items", std::move(items)}}, {}};
}

Result<Reply> GetJob(const ApiRequest& req, const JobsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto job, OwnJob(req, d));
  return Reply{200, {{"job", JobJson(job, req.lang)}}, {}};
}

// A new job that imports the dry run's file for real. The scope is the
// caller's now, not the one the dry run was started with.
Result<Reply> CommitJob(const ApiRequest& req, const JobsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto dry, OwnJob(req, d));
  req.audit_target = "job:" + std::to_string(dry.id);
  const jobs::JobKind* kind = d.kinds.Find(dry.kind);
  if (kind == nullptr || !kind->upload || !dry.dry_run) {
    return Status::FailedPrecondition("只有导入的预检任务可以确认导入。", "Only an import's dry run can be committed.");
  }
  if (dry.status != jobs::kSucceeded) {
    return Status::FailedPrecondition("预检还没有完成，请等预检完成后再导入。",
                                      "The dry run has not finished; import once it has.");
  }
  if (!dry.report || dry.report->value("error_count", 0) != 0) {
    return Status::FailedPrecondition("预检发现了有错误的行：请改正文件后重新上传。",
                                      "The dry run found bad rows: fix the file and upload it again.");
  }
  JICENG_ASSIGN_OR_RETURN(auto live, d.store.LiveCommitOf(dry.id));
  if (live) {
    return Status::Conflict("这个文件已经在导入或已导入（任务 " + std::to_string(live->id) + "）。",
                            "This file is being or has been imported (job " + std::to_string(live->id) + ").");
  }
  const std::string& permission = kind->permission;
  if (!d.members.access.HoldsAnywhere(*req.principal, permission)) {
    return accounts::PermissionDenied(d.members.access.roles(), permission);
  }
  jobs::NewJob n;
  n.kind = dry.kind;
  n.user_id = req.principal->user_id;
  n.params = imports::ScopeParams(ImportScopeFor(req, d.members, permission));
  n.file_name = dry.file_name;
  n.unit_code = dry.unit_code;
  n.dry_run = false;
  n.source_job_id = dry.id;
  JICENG_ASSIGN_OR_RETURN(auto job, d.store.Create(n));
  return Started(req, d, job);
}

Result<Reply> CancelJob(const ApiRequest& req, const JobsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto job, OwnJob(req, d));
  req.audit_target = "job:" + std::to_string(job.id);
  JICENG_ASSIGN_OR_RETURN(auto cancelled, d.store.Cancel(job.id));
  if (!cancelled) {
    return Status::FailedPrecondition("只能取消还在排队的任务：这个任务已经开始或已结束。",
                                      "Only a queued job can be cancelled: this one has started or ended.");
  }
  JICENG_ASSIGN_OR_RETURN(job, d.store.Get(job.id));
  return Reply{200, {{"job", JobJson(job, req.lang)}}, {}};
}

Result<Reply> JobFile(const ApiRequest& req, const JobsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto job, OwnJob(req, d));
  req.audit_target = "job:" + std::to_string(job.id);
  if (job.status != jobs::kSucceeded || !job.result_name) {
    return Status::FailedPrecondition("这个任务没有可下载的文件：导出完成后才能下载。",
                                      "This job has no file to download: an export's file is ready once it finishes.");
  }
  JICENG_ASSIGN_OR_RETURN(auto bytes, d.store.ResultOf(job));
  Reply reply;
  reply.raw_body = std::move(bytes);
  reply.content_type = job.result_type.value_or("application/octet-stream");
  const std::string& name = *job.result_name;
  const std::size_t dash = name.find('-');
  const std::string ascii = AsciiStem(d, job.kind) + (dash == std::string::npos ? "" : name.substr(dash));
  reply.headers.emplace_back("Content-Disposition", AttachmentDisposition(ascii, name));
  return reply;
}

}  // namespace

void AddJobRoutes(RouteTable& routes, const JobsDeps& deps) {
  const JobsDeps* d = &deps;
  // Imports name no unit: each row is checked against the caller's scope
  // when the job runs, as for POST /api/v1/imports/...
  Route members{"POST", "/api/v1/jobs/imports/members",
                [d](const ApiRequest& r) { return StartImport(r, *d, imports::kImportMembersJob); }, "members.write", {},
                "jobs.imports.members"};
  members.upload = true;
  routes.push_back(std::move(members));
  Route orgs{"POST", "/api/v1/jobs/imports/orgs",
             [d](const ApiRequest& r) { return StartImport(r, *d, imports::kImportOrgsJob); }, "orgs.write", {},
             "jobs.imports.orgs"};
  orgs.upload = true;
  routes.push_back(std::move(orgs));
  routes.push_back({"POST", "/api/v1/jobs/exports/members",
                    [d](const ApiRequest& r) { return StartExport(r, *d, imports::kExportMembersJob, MemberExportParams); }, "members.read",
                    UnitFromQuery("under"), "jobs.exports.members"});
  routes.push_back({"POST", "/api/v1/jobs/exports/orgs",
                    [d](const ApiRequest& r) { return StartExport(r, *d, imports::kExportOrgsJob, OrgExportParams); }, "orgs.read",
                    UnitFromQuery("under"), "jobs.exports.orgs"});
  routes.push_back({"GET", "/api/v1/jobs", [d](const ApiRequest& r) { return ListJobs(r, *d); }, kSignedIn, {},
                    "jobs.list"});
  routes.push_back({"GET", "/api/v1/jobs/:id", [d](const ApiRequest& r) { return GetJob(r, *d); }, kSignedIn, {},
                    "jobs.read"});
  routes.push_back({"POST", "/api/v1/jobs/:id/commit", [d](const ApiRequest& r) { return CommitJob(r, *d); },
                    kSignedIn, {}, "jobs.commit"});
  routes.push_back({"POST", "/api/v1/jobs/:id/cancel", [d](const ApiRequest& r) { return CancelJob(r, *d); },
                    kSignedIn, {}, "jobs.cancel"});
  // An export of people is a read of their records: audited.
  routes.push_back({"GET", "/api/v1/jobs/:id/file", [d](const ApiRequest& r) { return JobFile(r, *d); }, kSignedIn,
                    {}, "jobs.file", /*audit_read=*/true});
}

}  // namespace jiceng::api
