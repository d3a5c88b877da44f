// HTTP endpoints of imports (导入) and exports (导出):
//   POST /api/v1/imports/members?dry_run=true|false   body: the .xlsx or CSV file itself
//   POST /api/v1/imports/orgs?dry_run=true|false
//   GET  /api/v1/exports/members?format=xlsx|csv&under=&org_id=&stage=&situation=&status=&q=
//   GET  /api/v1/exports/orgs?format=xlsx|csv&under=&kind=&include_ended=
//   GET  /api/v1/orgs/:id/dues/export?format=xlsx|csv&year=
// Imports are scoped row by row (a row outside the caller's area is a row
// error, not a refusal of the file); exports of people are audited as reads.
#pragma once

#include "api/handlers/members_handler.h"
#include "api/route.h"
#include "db/database.h"

namespace jiceng::api {

struct ImportsDeps {
  db::Database& db;
  const MembersDeps& members;
};

void AddImportExportRoutes(RouteTable& routes, const ImportsDeps& deps);

}  // namespace jiceng::api
