// What the party-work endpoints share. They live in one file per domain:
//   orgs_handler.cc      organizations (/api/v1/orgs, /two-new-orgs, the coverage report)
//   members_handler.cc   members (/api/v1/members, the development pipeline) and transfers
//   dues_handler.cc      dues and membership cards
//   meetings_handler.cc  organizational life: meetings, compliance, reviews
// and share their dependencies, the JSON of an organization and of a member,
// the scope of lists and the targets of routes that act on one organization
// or one member (server.cc checks the caller's scope on the target's unit).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

// The routes of each domain file.
void AddOrgRoutes(RouteTable& routes, const MembersDeps& deps);
void AddMemberRoutes(RouteTable& routes, const MembersDeps& deps);
void AddDuesRoutes(RouteTable& routes, const MembersDeps& deps);
void AddMeetingRoutes(RouteTable& routes, const MembersDeps& deps);

// The filters of GET /api/v1/members (under, org_id, stage, situation,
// status, q) and GET /api/v1/orgs (under, kind, include_ended), in the
// caller's scope when `under` is absent; offset and limit are left default.
Result<members::MemberFilter> MemberFilterFrom(const ApiRequest& req, const MembersDeps& deps);
Result<orgs::OrgFilter> OrgFilterFrom(const ApiRequest& req, const MembersDeps& deps);

// Targets of routes acting on one record: the unit of the organization or
// member named by the path's :id, or by the id in a body field. A record
// that does not exist, or lies outside the caller's reach, is its 404
// (Target::Record). The services must outlive the routes.
TargetFn OrgFromPath(orgs::OrgService& orgs);
TargetFn MemberFromPath(members::MemberService& members);
TargetFn OrgInBody(orgs::OrgService& orgs, std::string field = "org_id");
TargetFn MemberInBody(members::MemberService& members, std::string field = "member_id");

namespace party {

nlohmann::json Opt(const std::optional<std::string>& v);
nlohmann::json Opt(const std::optional<std::int64_t>& v);
// The name of unit `code` ("" when unknown).
std::string UnitName(const MembersDeps& d, std::uint64_t code);
nlohmann::json OrgJson(const MembersDeps& d, const orgs::Organization& o);
// Members in lists and details: the ID number masked, the phone masked in lists.
nlohmann::json MemberJson(const MembersDeps& d, const members::Member& m, bool full_phone);

struct ScopeFilter {
  bool nationwide = false;
  std::vector<std::string> prefixes;
};
// `under` when given (the server checked it is in scope), else the caller's scope.
ScopeFilter FilterFor(const ApiRequest& req, const MembersDeps& d, std::string_view permission);

// ?year=, this year by default, from 2000 to this year.
Result<int> QueryYear(const ApiRequest& req, const MembersDeps& d);

}  // namespace party
}  // namespace jiceng::api
