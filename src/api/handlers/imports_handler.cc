#include "api/handlers/imports_handler.h"

#include "api/errors.h"
#include "api/handlers/file_reply.h"
#include "api/handlers/units_handler.h"
#include "common/clock.h"
#include "exports/list_export.h"
#include "imports/member_import.h"
#include "imports/org_import.h"

namespace jiceng::api {

imports::ImportScope ImportScopeFor(const ApiRequest& req, const MembersDeps& d, std::string_view permission) {
  const accounts::Scope scope = d.access.ScopeOf(*req.principal, permission);
  imports::ImportScope out;
  out.nationwide = scope.nationwide;
  for (std::uint64_t r : scope.roots) out.unit_prefixes.push_back(std::to_string(r));
  return out;
}

nlohmann::json LocalizedReport(nlohmann::json report, Lang lang) {
  for (const char* list : {"errors", "warnings"}) {
    if (!report.contains(list) || !report[list].is_array()) continue;
    for (auto& issue : report[list]) issue["message"] = issue.value(lang == Lang::kZh ? "message_zh" : "message_en", "");
  }
  return report;
}

std::string UploadFileName(const ApiRequest& req, std::string_view fallback) {
  std::string name = req.QueryText("filename").value_or(std::string(fallback));
  if (name.empty() || name.size() > 200) name = std::string(fallback);
  return name;
}

namespace {

// 200 with the report for a dry run or a commit; a refused commit is 400 in
// the error shape, with the report beside the error.
Reply ImportReply(const ApiRequest& req, const imports::ImportReport& r, const std::string& what) {
  req.audit_target = what + ":" + std::to_string(r.inserted_ids.size());
  if (!r.dry_run && !r.committed) {
    const Status st = Status::InvalidArgument(
        "file", "文件中有 " + std::to_string(r.rows - r.valid_rows) + " 行有错误，未导入任何数据。请改正后重新导入。",
        std::to_string(r.rows - r.valid_rows) + " rows have errors; nothing was imported. Fix them and import again.");
    nlohmann::json body = ErrorBody(st, req.lang);
    body["report"] = LocalizedReport(imports::ReportToJson(r), req.lang);
    return Reply{400, std::move(body), {}};
  }
  return Reply{200, {{"report", LocalizedReport(imports::ReportToJson(r), req.lang)}}, {}};
}

Result<Reply> ImportMembers(const ApiRequest& req, const ImportsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto dry_run, req.QueryBool("dry_run", true));
  imports::MemberImporter importer(d.db, d.members.members, d.xlsx_limits);
  JICENG_ASSIGN_OR_RETURN(auto report, importer.Run(req.body, UploadFileName(req, "members"),
                                                    ImportScopeFor(req, d.members, "members.write"), dry_run,
                                                    req.principal->user_id));
  return ImportReply(req, report, "members");
}

Result<Reply> ImportOrgs(const ApiRequest& req, const ImportsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto dry_run, req.QueryBool("dry_run", true));
  imports::OrgImporter importer(d.db, d.members.orgs, d.xlsx_limits);
  JICENG_ASSIGN_OR_RETURN(auto report, importer.Run(req.body, UploadFileName(req, "orgs"),
                                                    ImportScopeFor(req, d.members, "orgs.write"), dry_run));
  return ImportReply(req, report, "orgs");
}

Result<Reply> ExportMembers(const ApiRequest& req, const ImportsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(members::MemberFilter f, MemberFilterFrom(req, d.members));
  JICENG_ASSIGN_OR_RETURN(auto table, exports::MembersTable(d.members.members, d.members.orgs, d.members.access.tree(), f));
  req.audit_target = "members:" + std::to_string(table.rows.size());
  return FileReply(req, table, "members", "党员名册", d.members.clock.Today());
}

Result<Reply> ExportOrgs(const ApiRequest& req, const ImportsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(orgs::OrgFilter f, OrgFilterFrom(req, d.members));
  JICENG_ASSIGN_OR_RETURN(auto table, exports::OrgsTable(d.members.orgs, d.members.access.tree(), f));
  return FileReply(req, table, "organizations", "党组织", d.members.clock.Today());
}

Result<Reply> ExportDues(const ApiRequest& req, const ImportsDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  const int this_year = static_cast<int>(std::chrono::year_month_day(d.members.clock.Today()).year());
  JICENG_ASSIGN_OR_RETURN(auto year, req.QueryUint("year", static_cast<std::size_t>(this_year), 2000,
                                                   static_cast<std::size_t>(this_year)));
  JICENG_ASSIGN_OR_RETURN(auto org, d.members.orgs.Get(id));
  JICENG_ASSIGN_OR_RETURN(auto table, exports::DuesTable(d.members.dues, org, static_cast<int>(year)));
  req.audit_target = "org:" + std::to_string(id);
  return FileReply(req, table, "dues-" + std::to_string(year), std::to_string(year) + "年党费", d.members.clock.Today());
}

}  // namespace

void AddImportExportRoutes(RouteTable& routes, const ImportsDeps& deps) {
  const ImportsDeps* d = &deps;
  // Imports: no single unit — each row is checked against the caller's scope.
  Route members{"POST", "/api/v1/imports/members", [d](const ApiRequest& r) { return ImportMembers(r, *d); },
                "members.write", {}, "imports.members"};
  members.upload = true;
  routes.push_back(std::move(members));
  Route orgs{"POST", "/api/v1/imports/orgs", [d](const ApiRequest& r) { return ImportOrgs(r, *d); }, "orgs.write", {},
             "imports.orgs"};
  orgs.upload = true;
  routes.push_back(std::move(orgs));
  routes.push_back({"GET", "/api/v1/exports/members", [d](const ApiRequest& r) { return ExportMembers(r, *d); },
                    "members.read", UnitFromQuery("under"), "members.export", /*audit_read=*/true});
  routes.push_back({"GET", "/api/v1/exports/orgs", [d](const ApiRequest& r) { return ExportOrgs(r, *d); }, "orgs.read",
                    UnitFromQuery("under"), "orgs.export"});
  routes.push_back({"GET", "/api/v1/orgs/:id/dues/export", [d](const ApiRequest& r) { return ExportDues(r, *d); },
                    "members.read", OrgFromPath(d->members.orgs), "dues.export", /*audit_read=*/true});
}

}  // namespace jiceng::api
