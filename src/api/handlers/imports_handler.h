// HTTP endpoints of imports (导入) and exports (导出):
//   POST /api/v1/imports/members?dry_run=true|false   body: the .xlsx or CSV file itself
//   POST /api/v1/imports/orgs?dry_run=true|false
//   GET  /api/v1/exports/members?format=xlsx|csv&under=&org_id=&stage=&situation=&status=&q=
//   GET  /api/v1/exports/orgs?format=xlsx|csv&under=&kind=&include_ended=
//   GET  /api/v1/orgs/:id/dues/export?format=xlsx|csv&year=
// Imports are scoped row by row (a row outside the caller's area is a row
// error, not a refusal of the file); exports of people are audited as reads.
#pragma once

#include "api/handlers/party_handlers.h"
#include "api/route.h"
#include "db/database.h"
#include "imports/sheet.h"

namespace jiceng::api {

struct ImportsDeps {
  db::Database& db;
  const MembersDeps& members;
  io::XlsxLimits xlsx_limits = {};  // how far an uploaded .xlsx may unpack
};

void AddImportExportRoutes(RouteTable& routes, const ImportsDeps& deps);

// Shared with the jobs (jobs_handler.cc):
// where the caller may import rows: their scope for `permission`.
imports::ImportScope ImportScopeFor(const ApiRequest& req, const MembersDeps& d, std::string_view permission);
// The uploaded file's name from ?filename= (at most 200 bytes), else `fallback`.
std::string UploadFileName(const ApiRequest& req, std::string_view fallback);
// A stored report (imports::ReportToJson) with each issue's "message" in `lang`.
nlohmann::json LocalizedReport(nlohmann::json report, Lang lang);

}  // namespace jiceng::api
