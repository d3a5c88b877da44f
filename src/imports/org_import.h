// Import of organizations (党组织导入) from .xlsx or CSV: 组织名称, 组织类型
// (党委, 党总支, 党支部, 联合党支部, 临时党支部), 所在单位代码, 上级组织 (a
// name, of a row above in the same file or of an existing organization) or
// 上级组织编号, 成立日期, and for temporary branches 成立原因, 开始日期,
// 结束日期. Checked with OrgService::CheckInput plus: the unit is in the
// caller's scope, no organization of the same name exists at the unit (in
// the file or the database), the parent exists, is active and sits at the
// unit or above it. Dry run and all-or-nothing commit as the member import.
#pragma once

#include <optional>
#include <string_view>

#include "db/database.h"
#include "imports/sheet.h"
#include "orgs/org_service.h"

namespace jiceng::imports {

class OrgImporter {
 public:
  // An .xlsx may unpack to no more than `xlsx_limits` allow.
  OrgImporter(db::Database& db, orgs::OrgService& orgs, const io::XlsxLimits& xlsx_limits = {})
      : db_(db), orgs_(orgs), xlsx_limits_(xlsx_limits) {}

  Result<ImportReport> Run(std::string_view bytes, std::string_view file_name, const ImportScope& scope, bool dry_run,
                           const ProgressFn& progress = {});

 private:
  db::Database& db_;
  orgs::OrgService& orgs_;
  const io::XlsxLimits xlsx_limits_;
};

}  // namespace jiceng::imports
