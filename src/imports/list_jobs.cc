#include "imports/list_jobs.h"

#include <optional>

#include "exports/list_export.h"
#include "imports/member_import.h"
#include "imports/org_import.h"

namespace jiceng::imports {
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

nlohmann::json ScopeParams(const ImportScope& scope) {
  return {{"nationwide", scope.nationwide}, {"unit_prefixes", scope.unit_prefixes}};
}

ImportScope ScopeFromParams(const nlohmann::json& p) {
  ImportScope s;
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

namespace {

// An import's outcome: a dry run succeeds whatever it finds; a commit refused
// for bad rows fails with the same message as POST /api/v1/imports/...?dry_run=false.
jobs::JobStore::Outcome ImportOutcome(const jobs::Job& job, const ImportReport& report) {
  jobs::JobStore::Outcome out;
  out.report = ReportToJson(report);
  if (!job.dry_run && !report.committed) {
    const std::string bad = std::to_string(report.rows - report.valid_rows);
    out.status = std::string(jobs::kFailed);
    out.error = Status::InvalidArgument("file", "文件中有 " + bad + " 行有错误，未导入任何数据。请改正后重新导入。",
                                        bad + " rows have errors; nothing was imported. Fix them and import again.");
  } else {
    out.status = std::string(jobs::kSucceeded);
  }
  return out;
}

// An export's outcome: the table rendered in the job's format, named
// "<zh>-<today>.<ext>".
Result<jobs::JobStore::Outcome> ExportOutcome(const jobs::Job& job, const io::Table& table, const std::string& zh,
                                              const BusinessClock& clock) {
  JICENG_ASSIGN_OR_RETURN(auto file, exports::Render(table, job.format));
  jobs::JobStore::Outcome out;
  out.status = std::string(jobs::kSucceeded);
  out.result = std::move(file.bytes);
  out.result_type = file.content_type;
  out.result_name = zh + "-" + FormatDate(clock.Today()) + file.extension;
  return out;
}

}  // namespace

Status RegisterListJobs(jobs::JobKinds& kinds, db::Database& db, members::MemberService& members,
                        orgs::OrgService& orgs, const hierarchy::UnitTree& tree, const BusinessClock& clock,
                        const io::XlsxLimits& xlsx_limits) {
  JICENG_RETURN_IF_ERROR(kinds.Add(
      {std::string(kImportMembersJob), true, "members.write", "",
       [&db, &members, xlsx_limits](const jobs::JobRun& r) -> Result<jobs::JobStore::Outcome> {
         MemberImporter importer(db, members, xlsx_limits);
         JICENG_ASSIGN_OR_RETURN(auto report, importer.Run(r.upload, r.job.file_name, ScopeFromParams(r.job.params),
                                                           r.job.dry_run, r.job.user_id, r.progress));
         return ImportOutcome(r.job, report);
       }}));
  JICENG_RETURN_IF_ERROR(kinds.Add(
      {std::string(kImportOrgsJob), true, "orgs.write", "",
       [&db, &orgs, xlsx_limits](const jobs::JobRun& r) -> Result<jobs::JobStore::Outcome> {
         OrgImporter importer(db, orgs, xlsx_limits);
         JICENG_ASSIGN_OR_RETURN(auto report, importer.Run(r.upload, r.job.file_name, ScopeFromParams(r.job.params),
                                                           r.job.dry_run, r.progress));
         return ImportOutcome(r.job, report);
       }}));
  JICENG_RETURN_IF_ERROR(kinds.Add(
      {std::string(kExportMembersJob), false, "members.read", "members",
       [&members, &orgs, &tree, &clock](const jobs::JobRun& r) -> Result<jobs::JobStore::Outcome> {
         JICENG_ASSIGN_OR_RETURN(auto table, exports::MembersTable(members, orgs, tree,
                                                                   MemberFilterFromParams(r.job.params), r.progress));
         return ExportOutcome(r.job, table, "党员名册", clock);
       }}));
  return kinds.Add({std::string(kExportOrgsJob), false, "orgs.read", "organizations",
                    [&orgs, &tree, &clock](const jobs::JobRun& r) -> Result<jobs::JobStore::Outcome> {
                      JICENG_ASSIGN_OR_RETURN(auto table,
                                              exports::OrgsTable(orgs, tree, OrgFilterFromParams(r.job.params), r.progress));
                      return ExportOutcome(r.job, table, "党组织", clock);
                    }});
}

}  // namespace jiceng::imports
