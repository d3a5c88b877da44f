// Export (导出) of lists as tables for .xlsx and CSV (io/table.h): members
// (the filters of GET /api/v1/members), organizations, and an
// organization's dues for a year. Headers in Chinese; ID numbers masked;
// dates as dates; money as yuan from integer fen. The member and
// organization tables read back through the imports (a round trip is a
// clean dry run; masked ID numbers are left out with a warning).
#pragma once

#include <cstddef>

#include "hierarchy/unit_tree.h"
#include "io/table.h"
#include "members/dues_service.h"
#include "members/member_service.h"
#include "orgs/org_service.h"

namespace jiceng::exports {

// At most this many rows per export; more is kInvalidArgument (narrow the filter).
inline constexpr std::size_t kMaxExportRows = 200'000;

// `filter`'s offset and limit are ignored: every matching member, up to kMaxExportRows.
Result<io::Table> MembersTable(members::MemberService& members, orgs::OrgService& orgs, const hierarchy::UnitTree& tree,
                               members::MemberFilter filter);
Result<io::Table> OrgsTable(orgs::OrgService& orgs, const hierarchy::UnitTree& tree, orgs::OrgFilter filter);
// The members of an organization with what was due, paid and is in arrears in `year`.
Result<io::Table> DuesTable(members::DuesService& dues, const orgs::Organization& org, int year);

}  // namespace jiceng::exports
