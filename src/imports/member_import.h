// Import of members (党员名册导入) from .xlsx or CSV with a header row in
// Chinese or English: 姓名, 性别, 出生日期, 手机号, 身份证号, 所属组织 (or
// 组织编号, optionally with 组织所在单位代码), 状态 (the pipeline stage:
// 正式党员, 预备党员 ...), 入党日期 (since when in that stage), 分类.
//
// A dry run checks every row and reports every problem: the member rules of
// MemberService::CheckInput (the same ones the API applies), plus what needs
// the database — the organization exists, is active, unique by name and in
// the caller's scope, and no ID number is used twice in the file or already
// in the database. A commit runs the same checks inside one write
// transaction and writes every row or, when any row is bad, none.
#pragma once

#include <optional>
#include <string_view>

#include "db/database.h"
#include "imports/sheet.h"
#include "members/member_service.h"

namespace jiceng::imports {

class MemberImporter {
 public:
  // An .xlsx may unpack to no more than `xlsx_limits` allow.
  MemberImporter(db::Database& db, members::MemberService& members, const io::XlsxLimits& xlsx_limits = {})
      : db_(db), members_(members), xlsx_limits_(xlsx_limits) {}

  // Reads `bytes` (an .xlsx or CSV named `file_name`) and checks it; with
  // `dry_run` false and no row errors, inserts every row in one transaction.
  // Errors in the file as a whole (unreadable, no header, a required column
  // missing) are a Status; row problems are in the report.
  // `progress` hears how many rows have been checked.
  Result<ImportReport> Run(std::string_view bytes, std::string_view file_name, const ImportScope& scope, bool dry_run,
                           std::optional<std::int64_t> by_user, const ProgressFn& progress = {});

 private:
  db::Database& db_;
  members::MemberService& members_;
  const io::XlsxLimits xlsx_limits_;
};

}  // namespace jiceng::imports
