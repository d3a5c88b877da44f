// One search box for units, organizations and people (issue #15, part 2):
//   GET /api/v1/search?q=...&limit=N   any signed-in user. The text is trimmed and
//       converted traditional -> simplified; each kind holds at most `limit` results
//       (default 5, at most 20), each kind only when the caller holds its read
//       permission and only inside the caller's scope for it:
//         units    (units.read)    the unit search of GET /api/v1/units (names, codes, pinyin)
//         orgs     (orgs.read)     active organizations whose name contains the text
//         members  (members.read)  members not "left" whose name contains the text:
//                                  id, name, organization and unit — never ID number or phone
//       {"query", "units":[...], "orgs":[...], "members":[...]}. The read of member
//       names is audited like the member list. Bad q (empty, too long, invalid
//       UTF-8 or control characters) -> 400 naming "q".
#pragma once

#include "api/handlers/party_handlers.h"
#include "api/route.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::api {

// The services must outlive the routes.
void AddSearchRoutes(RouteTable& routes, hierarchy::HierarchyService& hierarchy, const MembersDeps& deps);

}  // namespace jiceng::api
