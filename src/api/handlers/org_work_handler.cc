#include "api/handlers/org_work_handler.h"

#include "api/handlers/attendance_json.h"
#include "api/handlers/party_handlers.h"
#include "api/handlers/units_handler.h"

namespace jiceng::api {

namespace {

using party::Opt;

// A required integer field of a body; the error names it.
Result<std::int64_t> RequiredId(JsonBody& body, std::string_view field, const char* zh_what, const char* en_what) {
  JICENG_ASSIGN_OR_RETURN(auto v, body.OptionalInt(field));
  if (!v) {
    return Status::InvalidArgument(std::string(field), std::string("请指定") + zh_what + " " + std::string(field) + "。",
                                   std::string("Give ") + en_what + " (" + std::string(field) + ").");
  }
  return *v;
}

// A member named in a body must exist and lie in the caller's scope; one
// outside it is answered like one that does not exist.
Status CheckMemberInScope(const ApiRequest& req, const OrgWorkDeps& d, std::int64_t member_id) {
  auto unit = d.members.UnitOf(member_id);
  if (!unit.ok() && unit.status().code() != ErrorCode::kNotFound) return unit.status();
  if (!unit.ok() || !d.access.Allows(*req.principal, "members.read", *unit)) {
    return Status::NotFound("没有编号为 " + std::to_string(member_id) + " 的党员，或该党员不在您的管辖范围内。",
                            "No member with id " + std::to_string(member_id) + " in your area.", "member_id");
  }
  return Status::Ok();
}

// ---- officers ----------------------------------------------------------------

nlohmann::json OfficerJson(const orgs::Officer& o) {
  return {{"id", o.id},
          {"org_id", o.org_id},
          {"member_id", o.member_id},
          {"member_name", o.member_name},
          {"position", orgs::PositionId(o.position)},
          {"position_zh", orgs::PositionZh(o.position)},
          {"term_start", o.term_start},
          {"term_end", o.term_end},
          {"ended_on", Opt(o.ended_on)},
          {"end_reason", Opt(o.end_reason)},
          {"current", o.current()}};
}

Result<Reply> ListOfficers(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "org:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto list, d.officers.ListForOrg(id));
  nlohmann::json current = nlohmann::json::array(), past = nlohmann::json::array();
  for (const orgs::Officer& o : list) (o.current() ? current : past).push_back(OfficerJson(o));
  return Reply{200, {{"org_id", id}, {"current", std::move(current)}, {"past", std::move(past)}}, {}};
}

Result<Reply> AppointOfficer(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  orgs::Appointment a;
  a.org_id = id;
  JICENG_ASSIGN_OR_RETURN(a.member_id, RequiredId(body, "member_id", "党员", "the member"));
  JICENG_ASSIGN_OR_RETURN(a.position, body.RequiredString("position"));
  JICENG_ASSIGN_OR_RETURN(a.term_start, body.RequiredString("term_start"));
  JICENG_ASSIGN_OR_RETURN(a.term_end, body.RequiredString("term_end"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_RETURN_IF_ERROR(CheckMemberInScope(req, d, a.member_id));
  JICENG_ASSIGN_OR_RETURN(auto o, d.officers.Appoint(a, req.principal->user_id));
  req.audit_target = "officer:" + std::to_string(o.id);
  return Reply{201, {{"officer", OfficerJson(o)}}, {}};
}

Result<Reply> EndOfficerTerm(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "officer:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto on, body.RequiredString("on_date"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto o, d.officers.EndTerm(id, on));
  return Reply{200, {{"officer", OfficerJson(o)}}, {}};
}

// ---- pairings ----------------------------------------------------------------

nlohmann::json SideJson(const OrgWorkDeps& d, const orgs::PairingSide& s) {
  auto unit = d.access.tree().Find(s.unit_code);
  return {{"org_id", s.org_id},
          {"name", s.name},
          {"unit_code", std::to_string(s.unit_code)},
          {"unit_name", unit ? unit->name : ""},
          {"status", s.status}};
}

nlohmann::json PairingJson(const OrgWorkDeps& d, const orgs::Pairing& p) {
  return {{"id", p.id},
          {"kind", p.kind},
          {"kind_zh", orgs::PairingKindZh(p.kind)},
          {"sides", nlohmann::json::array({SideJson(d, p.a), SideJson(d, p.b)})},
          {"starts_on", p.starts_on},
          {"ends_on", Opt(p.ends_on)},
          {"ended_on", Opt(p.ended_on)},
          {"status", p.active() ? "active" : "ended"},
          {"note", p.note},
          {"activity_count", p.activity_count}};
}

// An activity; when names were taken, its attendance and the counts of it.
nlohmann::json ActivityJson(const orgs::PairingActivity& a) {
  const events::AttendanceCounts c = events::CountAttendance(a.attendance);
  return {{"id", a.id},
          {"pairing_id", a.pairing_id},
          {"held_on", a.held_on},
          {"title", a.title},
          {"summary", a.summary},
          {"participants", a.participants},
          {"attendance", AttendanceJson(a.attendance)},
          {"present", c.present},
          {"absent", c.absent},
          {"leave", c.leave}};
}

Result<Reply> ListPairings(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto include_ended, req.QueryBool("include_ended", false));
  JICENG_ASSIGN_OR_RETURN(auto list, d.pairings.ListForOrg(id, include_ended));
  nlohmann::json items = nlohmann::json::array();
  for (const orgs::Pairing& p : list) {
    nlohmann::json j = PairingJson(d, p);
    // The other side, as seen from this organization.
    j["partner"] = SideJson(d, p.a.org_id == id ? p.b : p.a);
    items.push_back(std::move(j));
  }
  return Reply{200, {{"org_id", id}, {"items", std::move(items)}}, {}};
}

Result<Reply> CreatePairing(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  orgs::PairingInput in;
  JICENG_ASSIGN_OR_RETURN(in.org_id, RequiredId(body, "org_id", "本方组织", "the organization"));
  JICENG_ASSIGN_OR_RETURN(in.partner_org_id, RequiredId(body, "partner_org_id", "结对组织", "the partner organization"));
  JICENG_ASSIGN_OR_RETURN(in.kind, body.RequiredString("kind"));
  JICENG_ASSIGN_OR_RETURN(in.starts_on, body.RequiredString("starts_on"));
  JICENG_ASSIGN_OR_RETURN(in.ends_on, body.OptionalString("ends_on"));
  JICENG_ASSIGN_OR_RETURN(auto note, body.OptionalString("note"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  in.note = note.value_or("");
  JICENG_ASSIGN_OR_RETURN(auto p, d.pairings.Create(in, req.principal->user_id));
  req.audit_target = "pairing:" + std::to_string(p.id);
  Reply reply{201, {{"pairing", PairingJson(d, p)}}, {}};
  return reply;
}

Result<Reply> EndPairing(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "pairing:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto on, body.RequiredString("on_date"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto p, d.pairings.End(id, on));
  return Reply{200, {{"pairing", PairingJson(d, p)}}, {}};
}

Result<Reply> ListActivities(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto list, d.pairings.Activities(id));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& a : list) items.push_back(ActivityJson(a));
  return Reply{200, {{"pairing_id", id}, {"items", std::move(items)}}, {}};
}

Result<Reply> AddActivity(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  orgs::ActivityInput in;
  JICENG_ASSIGN_OR_RETURN(in.held_on, body.RequiredString("held_on"));
  JICENG_ASSIGN_OR_RETURN(in.title, body.RequiredString("title"));
  JICENG_ASSIGN_OR_RETURN(auto summary, body.OptionalString("summary"));
  JICENG_ASSIGN_OR_RETURN(in.participants, body.OptionalInt("participants"));
  JICENG_ASSIGN_OR_RETURN(in.attendance, AttendanceFromBody(body));
  JICENG_RETURN_IF_ERROR(body.Finish());
  in.summary = summary.value_or("");
  JICENG_ASSIGN_OR_RETURN(auto a, d.pairings.AddActivity(id, in, req.principal->user_id));
  req.audit_target = "pairing:" + std::to_string(id);
  return Reply{201, {{"activity", ActivityJson(a)}}, {}};
}

// ---- task teams --------------------------------------------------------------

nlohmann::json TeamJson(const members::TaskTeam& t) {
  return {{"id", t.id},
          {"org_id", t.org_id},
          {"unit_code", std::to_string(t.unit_code)},
          {"name", t.name},
          {"purpose", t.purpose},
          {"starts_on", t.starts_on},
          {"ends_on", Opt(t.ends_on)},
          {"member_count", t.member_count}};
}

nlohmann::json MembershipJson(const members::TeamMembership& m) {
  return {{"id", m.id},
          {"team_id", m.team_id},
          {"team_name", m.team_name},
          {"member_id", m.member_id},
          {"member_name", m.member_name},
          {"joined_on", m.joined_on},
          {"left_on", Opt(m.left_on)},
          {"current", !m.left_on.has_value()}};
}

Result<Reply> ListTeams(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto include_ended, req.QueryBool("include_ended", false));
  JICENG_ASSIGN_OR_RETURN(auto list, d.teams.ListForOrg(id, include_ended));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& t : list) items.push_back(TeamJson(t));
  return Reply{200, {{"org_id", id}, {"items", std::move(items)}}, {}};
}

Result<Reply> CreateTeam(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  members::TaskTeamInput in;
  in.org_id = id;
  JICENG_ASSIGN_OR_RETURN(in.name, body.RequiredString("name"));
  JICENG_ASSIGN_OR_RETURN(in.purpose, body.RequiredString("purpose"));
  JICENG_ASSIGN_OR_RETURN(in.starts_on, body.RequiredString("starts_on"));
  JICENG_ASSIGN_OR_RETURN(in.ends_on, body.OptionalString("ends_on"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto t, d.teams.Create(in, req.principal->user_id));
  req.audit_target = "task_team:" + std::to_string(t.id);
  return Reply{201, {{"task_team", TeamJson(t)}}, {}};
}

Result<Reply> EndTeam(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "task_team:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto on, body.RequiredString("on_date"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto t, d.teams.End(id, on));
  return Reply{200, {{"task_team", TeamJson(t)}}, {}};
}

Result<Reply> ListTeamMembers(const ApiRequest& req, const OrgWorkDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "task_team:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto include_past, req.QueryBool("include_past", false));
  JICENG_ASSIGN_OR_RETURN(auto list, d.teams.Members(id, include_past));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& m : list) items.push_back(MembershipJson(m));
  return Reply{200, {{"team_id", id}, {"items", std::move(items)}}, {}};
}

// Join (`leave` false) or leave a team; the body names the member and the day.
Result<Reply> JoinOrLeaveTeam(const ApiRequest& req, const OrgWorkDeps& d, bool leave) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "task_team:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto member, RequiredId(body, "member_id", "党员", "the member"));
  JICENG_ASSIGN_OR_RETURN(auto on, body.RequiredString(leave ? "left_on" : "joined_on"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_RETURN_IF_ERROR(CheckMemberInScope(req, d, member));
  JICENG_ASSIGN_OR_RETURN(auto m, leave ? d.teams.Leave(id, member, on) : d.teams.Join(id, member, on));
  return Reply{leave ? 200 : 201, {{"membership", MembershipJson(m)}}, {}};
}

}  // namespace

void AddOfficerRoutes(RouteTable& routes, const OrgWorkDeps& deps) {
  const OrgWorkDeps* d = &deps;
  auto officer_unit = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto unit, d->officers.UnitOf(id));
    return Target::Record(unit, orgs::OfficerNotFound(id));
  };
  // The list names people: audited like other reads of members.
  routes.push_back({"GET", "/api/v1/orgs/:id/officers", [d](const ApiRequest& r) { return ListOfficers(r, *d); },
                    "orgs.read", OrgFromPath(d->orgs), "orgs.officers.list", /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/orgs/:id/officers", [d](const ApiRequest& r) { return AppointOfficer(r, *d); },
                    "orgs.write", OrgFromPath(d->orgs), "orgs.officers.appoint"});
  routes.push_back({"POST", "/api/v1/officers/:id/end", [d](const ApiRequest& r) { return EndOfficerTerm(r, *d); },
                    "orgs.write", officer_unit, "orgs.officers.end"});
}

void AddPairingRoutes(RouteTable& routes, const OrgWorkDeps& deps) {
  const OrgWorkDeps* d = &deps;
  // A pairing belongs to both its sides: the route's permission at either
  // side's unit will do, and a caller who sees neither gets its 404.
  auto pairing_sides = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto units, d->pairings.UnitsOf(id));
    return Target::AnyOf({units.first, units.second}, orgs::PairingNotFound(id));
  };
  // A new pairing: the two organizations named in the body.
  auto body_sides = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
    JICENG_ASSIGN_OR_RETURN(auto org, RequiredId(body, "org_id", "本方组织", "the organization"));
    JICENG_ASSIGN_OR_RETURN(auto partner, RequiredId(body, "partner_org_id", "结对组织", "the partner organization"));
    // An unknown organization: the error names the field that holds it.
    auto unit_of = [d](std::int64_t org, const char* field) -> Result<std::uint64_t> {
      auto unit = d->orgs.UnitOf(org);
      if (unit.ok() || unit.status().code() != ErrorCode::kNotFound) return unit;
      const Status& st = unit.status();
      return Status::NotFound(st.message_zh(), st.message_en(), field);
    };
    JICENG_ASSIGN_OR_RETURN(auto first, unit_of(org, "org_id"));
    JICENG_ASSIGN_OR_RETURN(auto second, unit_of(partner, "partner_org_id"));
    return Target::AnyOf({first, second});
  };
  routes.push_back({"GET", "/api/v1/orgs/:id/pairings", [d](const ApiRequest& r) { return ListPairings(r, *d); },
                    "orgs.read", OrgFromPath(d->orgs), "orgs.pairings.list"});
  routes.push_back({"POST", "/api/v1/pairings", [d](const ApiRequest& r) { return CreatePairing(r, *d); }, "orgs.write",
                    body_sides, "orgs.pairings.create"});
  routes.push_back({"POST", "/api/v1/pairings/:id/end", [d](const ApiRequest& r) { return EndPairing(r, *d); },
                    "orgs.write", pairing_sides, "orgs.pairings.end"});
  routes.push_back({"GET", "/api/v1/pairings/:id/activities", [d](const ApiRequest& r) { return ListActivities(r, *d); },
                    "orgs.read", pairing_sides, "orgs.pairings.activities.list"});
  routes.push_back({"POST", "/api/v1/pairings/:id/activities", [d](const ApiRequest& r) { return AddActivity(r, *d); },
                    "orgs.write", pairing_sides, "orgs.pairings.activities.add"});
}

void AddTaskTeamRoutes(RouteTable& routes, const OrgWorkDeps& deps) {
  const OrgWorkDeps* d = &deps;
  auto team_unit = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto unit, d->teams.UnitOf(id));
    return Target::Record(unit, members::TeamNotFound(id));
  };
  routes.push_back({"GET", "/api/v1/orgs/:id/task-teams", [d](const ApiRequest& r) { return ListTeams(r, *d); },
                    "orgs.read", OrgFromPath(d->orgs), "teams.list"});
  routes.push_back({"POST", "/api/v1/orgs/:id/task-teams", [d](const ApiRequest& r) { return CreateTeam(r, *d); },
                    "orgs.write", OrgFromPath(d->orgs), "teams.create"});
  routes.push_back({"POST", "/api/v1/task-teams/:id/end", [d](const ApiRequest& r) { return EndTeam(r, *d); },
                    "orgs.write", team_unit, "teams.end"});
  routes.push_back({"GET", "/api/v1/task-teams/:id/members", [d](const ApiRequest& r) { return ListTeamMembers(r, *d); },
                    "members.read", team_unit, "teams.members.list", /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/task-teams/:id/members",
                    [d](const ApiRequest& r) { return JoinOrLeaveTeam(r, *d, /*leave=*/false); }, "members.write",
                    team_unit, "teams.members.join"});
  routes.push_back({"POST", "/api/v1/task-teams/:id/leave",
                    [d](const ApiRequest& r) { return JoinOrLeaveTeam(r, *d, /*leave=*/true); }, "members.write",
                    team_unit, "teams.members.leave"});
}

}  // namespace jiceng::api
