// Export (导出) of lists as tables for .xlsx and CSV (io/table.h): members
// (the filters of GET /api/v1/members), organizations, and an
// organization's dues for a year. Headers in Chinese; ID numbers masked;
// dates as dates; money as yuan from integer fen. The member and
// organization tables read back through the imports (a round trip is a
// clean dry run; masked ID numbers are left out with a warning).
#pragma once

#include <cstddef>

#include "hierarchy/unit_tree.h"
#include "imports/sheet.h"
#include "io/table.h"
#include "members/dues_service.h"
#include "members/member_service.h"
#include "orgs/org_service.h"

namespace jiceng::exports {

// At most this many rows per export; more is kInvalidArgument (narrow the filter).
inline constexpr std::size_t kMaxExportRows = 200'000;

// `filter`'s offset and limit are ignored: every matching member, up to kMaxExportRows.
// `progress` hears how many rows have been written out (jobs).
Result<io::Table> MembersTable(members::MemberService& members, orgs::OrgService& orgs, const hierarchy::UnitTree& tree,
                               members::MemberFilter filter, const imports::ProgressFn& progress = {});
Result<io::Table> OrgsTable(orgs::OrgService& orgs, const hierarchy::UnitTree& tree, orgs::OrgFilter filter,
                            const imports::ProgressFn& progress = {});
// The members of an organization with what was due, paid and is in arrears in `year`.
Result<io::Table> DuesTable(members::DuesService& dues, const orgs::Organization& org, int year);

// A table as a file: .xlsx or CSV (UTF-8 with BOM).
struct RenderedFile {
  std::string bytes;
  std::string content_type;  // with charset for CSV
  std::string extension;     // ".xlsx" or ".csv"
};
// `format` "xlsx" or "csv"; anything else is kInvalidArgument naming "format".
Result<RenderedFile> Render(const io::Table& table, std::string_view format);
// kInvalidArgument naming "format" unless it is "xlsx" or "csv".
Status CheckFormat(std::string_view format);

}  // namespace jiceng::exports
