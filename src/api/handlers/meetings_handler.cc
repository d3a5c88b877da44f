// Organizational life (组织生活): meetings recorded by an organization, its
// compliance with the required kinds and periods, the yearly review, and
// the compliance of a subtree. See party_handlers.h.
#include "api/handlers/party_handlers.h"

#include "api/handlers/attendance_json.h"
#include "api/handlers/units_handler.h"

namespace jiceng::api {
namespace {

using party::QueryYear;

nlohmann::json ComplianceJson(const std::vector<members::ComplianceRow>& rows, const MembersDeps& d, Lang lang) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : rows) {
    std::string name = row.kind;
    for (const auto& k : d.members.rules().meetings()) {
      if (k.id == row.kind) name = lang == Lang::kZh ? k.name_zh : k.name_en;
    }
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : row.cells) cells.push_back({{"period", c.period}, {"held", c.held}, {"state", c.state}});
    out.push_back({{"kind", row.kind}, {"name", name}, {"due", row.due}, {"held", row.held}, {"missed", row.missed},
                   {"bound", row.bound}, {"periods", std::move(cells)}});
  }
  return out;
}

Result<Reply> RecordMeeting(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto kind, body.RequiredString("kind"));
  JICENG_ASSIGN_OR_RETURN(auto held_on, body.RequiredString("held_on"));
  JICENG_ASSIGN_OR_RETURN(auto topic, body.RequiredString("topic"));
  JICENG_ASSIGN_OR_RETURN(auto attendance, AttendanceFromBody(body));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto m, d.meetings.Record(id, kind, held_on, topic, attendance, req.principal->user_id));
  req.audit_target = "meeting:" + std::to_string(m.id);
  return Reply{201, {{"meeting", {{"id", m.id}, {"org_id", m.org_id}, {"kind", m.kind}, {"held_on", m.held_on},
                                  {"topic", m.topic}, {"attendance_count", m.attendance.size()}}}}, {}};
}

Result<Reply> ListMeetings(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto year, QueryYear(req, d));
  JICENG_ASSIGN_OR_RETURN(auto list, d.meetings.ListForOrg(id, year));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& m : list) {
    const events::AttendanceCounts c = events::CountAttendance(m.attendance);
    items.push_back({{"id", m.id}, {"kind", m.kind}, {"held_on", m.held_on}, {"topic", m.topic},
                     {"present", c.present}, {"absent", c.absent}, {"leave", c.leave}});
  }
  return Reply{200, {{"org_id", id}, {"year", year}, {"items", std::move(items)}}, {}};
}

Result<Reply> OrgCompliance(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto year, QueryYear(req, d));
  JICENG_ASSIGN_OR_RETURN(auto rows, d.meetings.Compliance(id, year));
  JICENG_ASSIGN_OR_RETURN(auto review, d.meetings.ReviewOf(id, year));
  nlohmann::json r = nullptr;
  if (review) r = {{"result", review->result}, {"note", review->note}, {"reviewed_on", review->reviewed_on}};
  return Reply{200, {{"org_id", id}, {"year", year}, {"kinds", ComplianceJson(rows, d, req.lang)}, {"review", r}}, {}};
}

Result<Reply> ReviewMeetings(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "org:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto year, body.OptionalInt("year"));
  JICENG_ASSIGN_OR_RETURN(auto result, body.RequiredString("result"));
  JICENG_ASSIGN_OR_RETURN(auto note, body.OptionalString("note"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  if (!year) return Status::InvalidArgument("year", "请填写审核年度。", "Give the review year.");
  JICENG_ASSIGN_OR_RETURN(auto r, d.meetings.Review(id, static_cast<int>(*year), result, note.value_or(""),
                                                    req.principal->user_id));
  return Reply{201, {{"review", {{"org_id", r.org_id}, {"year", r.year}, {"result", r.result}, {"note", r.note},
                                 {"reviewed_on", r.reviewed_on}}}}, {}};
}

Result<Reply> SubtreeMeetings(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto code, hierarchy::ParseUnitCode(req.Param("code")));
  JICENG_ASSIGN_OR_RETURN(auto year, QueryYear(req, d));
  std::int64_t orgs = 0;
  JICENG_ASSIGN_OR_RETURN(auto rows, d.meetings.SubtreeCompliance(code, year, &orgs));
  return Reply{200,
               {{"unit_code", std::to_string(code)}, {"year", year}, {"organizations", orgs},
                {"kinds", ComplianceJson(rows, d, req.lang)}},
               {}};
}

// The organization a meeting is recorded for. Recording needs meetings.write;
// a caller who may see the organization (orgs.read) but not record for it is
// answered 403, not as if it were missing.
TargetFn RecordedOrgFromPath(orgs::OrgService& orgs) {
  TargetFn org = OrgFromPath(orgs);
  return [org](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto target, org(req));
    target.read_permission = "orgs.read";
    return target;
  };
}

}  // namespace

void AddMeetingRoutes(RouteTable& routes, const MembersDeps& deps) {
  const MembersDeps* d = &deps;
  routes.push_back({"POST", "/api/v1/orgs/:id/meetings", [d](const ApiRequest& r) { return RecordMeeting(r, *d); },
                    "meetings.write", RecordedOrgFromPath(d->orgs), "meetings.record"});
  routes.push_back({"GET", "/api/v1/orgs/:id/meetings", [d](const ApiRequest& r) { return ListMeetings(r, *d); },
                    "orgs.read", OrgFromPath(d->orgs), "meetings.list"});
  routes.push_back({"GET", "/api/v1/orgs/:id/compliance", [d](const ApiRequest& r) { return OrgCompliance(r, *d); },
                    "orgs.read", OrgFromPath(d->orgs), "meetings.compliance"});
  routes.push_back({"POST", "/api/v1/orgs/:id/review", [d](const ApiRequest& r) { return ReviewMeetings(r, *d); },
                    "orgs.write", OrgFromPath(d->orgs), "meetings.review"});
  routes.push_back({"GET", "/api/v1/units/:code/meetings", [d](const ApiRequest& r) { return SubtreeMeetings(r, *d); },
                    "orgs.read", UnitFromPath(), "meetings.subtree"});
}

}  // namespace jiceng::api
