// HTTP endpoints of the work organizations do with their members: officers
// with terms (/api/v1/orgs/:id/officers, /api/v1/officers/:id/end),
// pairings between organizations with their activities (/api/v1/pairings,
// /api/v1/orgs/:id/pairings) and task teams (/api/v1/orgs/:id/task-teams,
// /api/v1/task-teams/...).
//
// Scope: officer and team routes act on their organization's unit. A
// pairing has two sides: a route acts on whichever side lies in the
// caller's scope (writing needs orgs.write on one side, reading orgs.read
// on one side). A member named in a body (an officer, a team member) must
// also lie in the caller's scope (members.read); otherwise the answer is
// the same 404 as for a member who does not exist. The attendance of a
// pairing activity is the exception: it may list members of either side,
// which the pairing itself allows (PairingService::AddActivity checks it).
#pragma once

#include "accounts/access_control.h"
#include "api/route.h"
#include "members/member_service.h"
#include "members/task_team_service.h"
#include "orgs/officer_service.h"
#include "orgs/org_service.h"
#include "orgs/pairing_service.h"

namespace jiceng::api {

struct OrgWorkDeps {
  orgs::OrgService& orgs;
  orgs::OfficerService& officers;
  orgs::PairingService& pairings;
  members::MemberService& members;
  members::TaskTeamService& teams;
  const accounts::AccessControl& access;
};

void AddOfficerRoutes(RouteTable& routes, const OrgWorkDeps& deps);
void AddPairingRoutes(RouteTable& routes, const OrgWorkDeps& deps);
void AddTaskTeamRoutes(RouteTable& routes, const OrgWorkDeps& deps);

}  // namespace jiceng::api
