// Members: /api/v1/members (the register, the development pipeline, the
// unmasked ID number) and transfers between organizations. See party_handlers.h.
#include "api/handlers/party_handlers.h"

#include <charconv>

#include "api/handlers/units_handler.h"
#include "people/personal_data.h"

namespace jiceng::api {
namespace {

using party::Opt;
using party::MemberJson;
using party::FilterFor;
using party::ScopeFilter;
using members::Member;

nlohmann::json TransferJson(const members::Transfer& t) {
  return {{"id", t.id},
          {"member_id", t.member_id},
          {"member_name", t.member_name},
          {"from_org_id", t.from_org_id},
          {"to_org_id", t.to_org_id},
          {"from_unit_code", std::to_string(t.from_unit)},
          {"to_unit_code", std::to_string(t.to_unit)},
          {"status", t.status},
          {"requested_on", t.requested_on},
          {"decided_on", Opt(t.decided_on)},
          {"reason", Opt(t.reason)},
          {"overdue", t.overdue}};
}

Result<Reply> ListMembers(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto offset, req.QueryUint("offset", 0, 0, 10'000'000));
  JICENG_ASSIGN_OR_RETURN(auto limit, req.QueryUint("limit", 50, 1, 200));
  JICENG_ASSIGN_OR_RETURN(members::MemberFilter f, MemberFilterFrom(req, d));
  f.offset = offset;
  f.limit = limit;
  JICENG_ASSIGN_OR_RETURN(auto page, d.members.List(f));
  nlohmann::json items = nlohmann::json::array();
  for (const Member& m : page.first) items.push_back(MemberJson(d, m, false));
  req.audit_target = "members";
  return Reply{200, {{"items", std::move(items)}, {"total", page.second}, {"offset", offset}, {"limit", limit}}, {}};
}

Result<Reply> CreateMember(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  members::MemberInput in;
  JICENG_ASSIGN_OR_RETURN(auto org, body.OptionalInt("org_id"));
  if (!org) return Status::InvalidArgument("org_id", "请指定所属组织 org_id。", "Give the organization (org_id).");
  in.org_id = *org;
  JICENG_ASSIGN_OR_RETURN(in.name, body.RequiredString("name"));
  JICENG_ASSIGN_OR_RETURN(in.gender, body.RequiredString("gender"));
  JICENG_ASSIGN_OR_RETURN(in.birth_date, body.RequiredString("birth_date"));
  JICENG_ASSIGN_OR_RETURN(in.phone, body.OptionalString("phone"));
  JICENG_ASSIGN_OR_RETURN(in.id_number, body.OptionalString("id_number"));
  JICENG_ASSIGN_OR_RETURN(in.stage, body.RequiredString("stage"));
  JICENG_ASSIGN_OR_RETURN(in.stage_since, body.OptionalString("stage_since"));
  JICENG_ASSIGN_OR_RETURN(in.situation, body.RequiredString("situation"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto m, d.members.Create(in, req.principal->user_id));
  req.audit_target = "member:" + std::to_string(m.id);
  Reply reply{201, {{"member", MemberJson(d, m, true)}}, {}};
  reply.headers.emplace_back("Location", "/api/v1/members/" + std::to_string(m.id));
  return reply;
}

Result<Reply> GetMember(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto m, d.members.Get(id));
  JICENG_ASSIGN_OR_RETURN(auto timeline, d.members.Timeline(id));
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : timeline) {
    events.push_back({{"id", e.id}, {"from_stage", Opt(e.from_stage)}, {"to_stage", e.to_stage}, {"on_date", e.on_date},
                      {"approved_by", Opt(e.approved_by)}, {"note", e.note}});
  }
  JICENG_ASSIGN_OR_RETURN(auto stays, d.teams.TeamsOf(id));
  nlohmann::json teams = nlohmann::json::array();
  for (const auto& t : stays) {
    teams.push_back({{"team_id", t.team_id}, {"team_name", t.team_name}, {"joined_on", t.joined_on},
                     {"left_on", Opt(t.left_on)}, {"current", !t.left_on.has_value()}});
  }
  return Reply{200,
               {{"member", MemberJson(d, m, true)}, {"timeline", std::move(events)}, {"task_teams", std::move(teams)}},
               {}};
}

Result<Reply> UnmaskIdNumber(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id) + "/id_number";
  JICENG_ASSIGN_OR_RETURN(auto m, d.members.Get(id));
  return Reply{200, {{"id_number", m.id_number ? nlohmann::json(*m.id_number) : nlohmann::json(nullptr)}}, {}};
}

Result<Reply> PatchMember(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  members::MemberPatch p;
  JICENG_ASSIGN_OR_RETURN(p.name, body.OptionalString("name"));
  JICENG_ASSIGN_OR_RETURN(p.gender, body.OptionalString("gender"));
  JICENG_ASSIGN_OR_RETURN(p.birth_date, body.OptionalString("birth_date"));
  JICENG_ASSIGN_OR_RETURN(p.phone, body.NullableString("phone"));
  JICENG_ASSIGN_OR_RETURN(p.id_number, body.NullableString("id_number"));
  JICENG_ASSIGN_OR_RETURN(p.situation, body.OptionalString("situation"));
  JICENG_ASSIGN_OR_RETURN(auto version, body.OptionalInt("version"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto m, d.members.Update(id, p, version));
  return Reply{200, {{"member", MemberJson(d, m, true)}}, {}};
}

Result<Reply> AdvanceMember(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto to, body.RequiredString("to_stage"));
  JICENG_ASSIGN_OR_RETURN(auto on, body.RequiredString("on_date"));
  JICENG_ASSIGN_OR_RETURN(auto note, body.OptionalString("note"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto m, d.members.Advance(id, to, on, note.value_or(""), req.principal->user_id));
  return Reply{200, {{"member", MemberJson(d, m, true)}}, {}};
}

Result<Reply> PipelineFigures(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto code, hierarchy::ParseUnitCode(req.Param("code")));
  const std::chrono::year_month_day today(d.clock.Today());
  std::string from = std::to_string(static_cast<int>(today.year())) + "-01-01";
  std::string to = std::to_string(static_cast<int>(today.year()) + 1) + "-01-01";
  for (auto [name, target] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    if (auto v = req.QueryText(name); v && !v->empty()) {
      auto date = ParseDate(*v);
      if (!date) return Status::InvalidArgument(name, "日期格式应为 2026-01-01。", "Dates look like 2026-01-01.");
      *target = FormatDate(*date);
    }
  }
  JICENG_ASSIGN_OR_RETURN(auto f, d.members.Figures(code, from, to));
  nlohmann::json stages = nlohmann::json::array();
  for (const members::Stage& s : d.members.rules().stages()) {
    stages.push_back({{"stage", s.id},
                      {"name", req.lang == Lang::kZh ? s.name_zh : s.name_en},
                      {"count", f.by_stage[s.id]},
                      {"entered", f.entered[s.id]}});
  }
  return Reply{200, {{"unit_code", std::to_string(code)}, {"from", from}, {"to", to}, {"stages", std::move(stages)}}, {}};
}

Result<Reply> RequestTransfer(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto member, body.OptionalInt("member_id"));
  JICENG_ASSIGN_OR_RETURN(auto to, body.OptionalInt("to_org_id"));
  JICENG_ASSIGN_OR_RETURN(auto reason, body.OptionalString("reason"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  if (!member) return Status::InvalidArgument("member_id", "请指定党员 member_id。", "Give member_id.");
  if (!to) return Status::InvalidArgument("to_org_id", "请指定转入组织 to_org_id。", "Give the receiving organization (to_org_id).");
  JICENG_ASSIGN_OR_RETURN(auto t, d.members.RequestTransfer(*member, *to, reason.value_or(""), req.principal->user_id));
  req.audit_target = "transfer:" + std::to_string(t.id);
  return Reply{201, {{"transfer", TransferJson(t)}}, {}};
}

Result<Reply> ListTransfers(const ApiRequest& req, const MembersDeps& d) {
  ScopeFilter scope = FilterFor(req, d, "members.read");
  std::optional<std::string> status;
  if (auto v = req.QueryText("status"); v && !v->empty()) {
    if (*v != "pending" && *v != "confirmed" && *v != "rejected" && *v != "cancelled") {
      return Status::InvalidArgument("status", "状态应为 pending、confirmed、rejected 或 cancelled。",
                                     "status must be pending, confirmed, rejected or cancelled.");
    }
    status = *v;
  }
  JICENG_ASSIGN_OR_RETURN(auto list, d.members.ListTransfers(scope.prefixes, scope.nationwide, status));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& t : list) items.push_back(TransferJson(t));
  return Reply{200, {{"items", std::move(items)}}, {}};
}

Result<Reply> DecideTransfer(const ApiRequest& req, const MembersDeps& d, const std::string& decision) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "transfer:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req, /*allow_empty=*/true));
  JICENG_ASSIGN_OR_RETURN(auto reason, body.OptionalString("reason"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  Result<members::Transfer> t = decision == "cancel"
                                    ? d.members.CancelTransfer(id, req.principal->user_id)
                                    : d.members.DecideTransfer(id, decision == "confirm", reason.value_or(""),
                                                               req.principal->user_id);
  if (!t.ok()) return t.status();
  return Reply{200, {{"transfer", TransferJson(*t)}}, {}};
}

}  // namespace

void AddMemberRoutes(RouteTable& routes, const MembersDeps& deps) {
  const MembersDeps* d = &deps;
  // The receiving side confirms or rejects; the sending side cancels. Both
  // sides see the transfer (the other gets a 403, not the 404).
  auto transfer_side = [d](bool receiving) {
    return [d, receiving](const ApiRequest& req) -> Result<Target> {
      JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
      JICENG_ASSIGN_OR_RETURN(auto t, d->members.GetTransfer(id));
      return Target::AnyOf({receiving ? t.to_unit : t.from_unit}, members::TransferNotFound(id),
                           /*seen_only_at=*/{receiving ? t.from_unit : t.to_unit});
    };
  };
  routes.push_back({"GET", "/api/v1/members", [d](const ApiRequest& r) { return ListMembers(r, *d); }, "members.read",
                    UnitFromQuery("under"), "members.list", /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/members", [d](const ApiRequest& r) { return CreateMember(r, *d); }, "members.write",
                    OrgInBody(d->orgs), "members.create"});
  routes.push_back({"GET", "/api/v1/members/:id", [d](const ApiRequest& r) { return GetMember(r, *d); }, "members.read",
                    MemberFromPath(d->members), "members.read", /*audit_read=*/true});
  routes.push_back({"PATCH", "/api/v1/members/:id", [d](const ApiRequest& r) { return PatchMember(r, *d); },
                    "members.write", MemberFromPath(d->members), "members.update"});
  routes.push_back({"GET", "/api/v1/members/:id/id-number", [d](const ApiRequest& r) { return UnmaskIdNumber(r, *d); },
                    people::kUnmaskPermission, MemberFromPath(d->members), "members.id_number.unmask",
                    /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/members/:id/advance", [d](const ApiRequest& r) { return AdvanceMember(r, *d); },
                    "members.write", MemberFromPath(d->members), "members.advance"});
  routes.push_back({"GET", "/api/v1/units/:code/pipeline", [d](const ApiRequest& r) { return PipelineFigures(r, *d); },
                    "members.read", UnitFromPath(), "members.pipeline"});
  routes.push_back({"GET", "/api/v1/transfers", [d](const ApiRequest& r) { return ListTransfers(r, *d); },
                    "members.read", UnitFromQuery("under"), "transfers.list", /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/transfers", [d](const ApiRequest& r) { return RequestTransfer(r, *d); },
                    "members.write", MemberInBody(d->members), "transfers.request"});
  routes.push_back({"POST", "/api/v1/transfers/:id/confirm",
                    [d](const ApiRequest& r) { return DecideTransfer(r, *d, "confirm"); }, "members.write",
                    transfer_side(true), "transfers.confirm"});
  routes.push_back({"POST", "/api/v1/transfers/:id/reject",
                    [d](const ApiRequest& r) { return DecideTransfer(r, *d, "reject"); }, "members.write",
                    transfer_side(true), "transfers.reject"});
  routes.push_back({"POST", "/api/v1/transfers/:id/cancel",
                    [d](const ApiRequest& r) { return DecideTransfer(r, *d, "cancel"); }, "members.write",
                    transfer_side(false), "transfers.cancel"});
}

}  // namespace jiceng::api
