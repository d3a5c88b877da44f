// HTTP endpoints of organizations (/api/v1/orgs, /two-new-orgs, the coverage
// report) and members (/api/v1/members, the development pipeline, transfers).
#pragma once

#include "accounts/access_control.h"
#include "api/route.h"
#include "common/clock.h"
#include "members/dues_service.h"
#include "members/meeting_service.h"
#include "members/member_service.h"
#include "members/task_team_service.h"
#include "orgs/org_service.h"

namespace jiceng::api {

struct MembersDeps {
  orgs::OrgService& orgs;
  members::MemberService& members;
  members::DuesService& dues;
  members::MeetingService& meetings;
  members::TaskTeamService& teams;  // a member's task teams, on the member record
  const accounts::AccessControl& access;
  const BusinessClock& clock;  // what "today" is (the business time zone)
};

void AddOrgRoutes(RouteTable& routes, const MembersDeps& deps);
// The filters of GET /api/v1/members (under, org_id, stage, situation,
// status, q) and GET /api/v1/orgs (under, kind, include_ended), in the
// caller's scope when `under` is absent; offset and limit are left default.
Result<members::MemberFilter> MemberFilterFrom(const ApiRequest& req, const MembersDeps& deps);
Result<orgs::OrgFilter> OrgFilterFrom(const ApiRequest& req, const MembersDeps& deps);
void AddMemberRoutes(RouteTable& routes, const MembersDeps& deps);
// Dues, membership cards and organizational life (meetings, compliance, reviews).
void AddMemberLifeRoutes(RouteTable& routes, const MembersDeps& deps);

}  // namespace jiceng::api
