#include "api/handlers/members_handler.h"

#include <charconv>

#include "api/handlers/account_handler.h"
#include "api/handlers/units_handler.h"
#include "common/clock.h"

namespace jiceng::api {

using members::Member;
using orgs::Organization;

namespace {

nlohmann::json Opt(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
nlohmann::json Opt(const std::optional<std::int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

std::string UnitName(const MembersDeps& d, std::uint64_t code) {
  auto u = d.access.tree().Find(code);
  return u ? u->name : "";
}

nlohmann::json OrgJson(const MembersDeps& d, const Organization& o) {
  nlohmann::json covered = nlohmann::json::array();
  for (std::uint64_t c : o.covered_units) covered.push_back(std::to_string(c));
  return {{"id", o.id},
          {"unit_code", std::to_string(o.unit_code)},
          {"unit_name", UnitName(d, o.unit_code)},
          {"parent_id", Opt(o.parent_id)},
          {"kind", o.kind},
          {"kind_zh", orgs::OrgKindZh(o.kind)},
          {"name", o.name},
          {"two_new_id", Opt(o.two_new_id)},
          {"temp_reason", Opt(o.temp_reason)},
          {"starts_on", Opt(o.starts_on)},
          {"ends_on", Opt(o.ends_on)},
          {"established_on", o.established_on},
          {"status", o.status},
          {"ended_on", Opt(o.ended_on)},
          {"successor_id", Opt(o.successor_id)},
          {"split_from_id", Opt(o.split_from_id)},
          {"version", o.version},
          {"member_count", o.member_count},
          {"covered_units", std::move(covered)}};
}

// Members in lists and details: the ID number masked, the phone masked in lists.
nlohmann::json MemberJson(const MembersDeps& d, const Member& m, bool full_phone) {
  nlohmann::json phone = nullptr;
  if (m.phone) phone = full_phone ? *m.phone : MaskPhone(*m.phone);
  const members::Stage* stage = d.members.rules().FindStage(m.stage);
  return {{"id", m.id},
          {"org_id", m.org_id},
          {"unit_code", std::to_string(m.unit_code)},
          {"unit_name", UnitName(d, m.unit_code)},
          {"name", m.name},
          {"gender", m.gender},
          {"birth_date", m.birth_date},
          {"phone", phone},
          {"id_number", m.id_number ? nlohmann::json(members::MaskIdNumber(*m.id_number)) : nlohmann::json(nullptr)},
          {"stage", m.stage},
          {"stage_zh", stage ? stage->name_zh : m.stage},
          {"stage_since", m.stage_since},
          {"situation", m.situation},
          {"status", m.status},
          {"version", m.version},
          {"created_at", m.created_at}};
}

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

struct ScopeFilter {
  bool nationwide = false;
  std::vector<std::string> prefixes;
};

// `under` when given (the server checked it is in scope), else the caller's scope.
ScopeFilter FilterFor(const ApiRequest& req, const MembersDeps& d, std::string_view permission) {
  ScopeFilter f;
  if (auto under = req.QueryText("under"); under && !under->empty()) {
    f.prefixes.push_back(*under);
    return f;
  }
  accounts::Scope scope = d.access.ScopeOf(*req.principal, permission);
  f.nationwide = scope.nationwide;
  for (std::uint64_t r : scope.roots) f.prefixes.push_back(std::to_string(r));
  return f;
}

}  // namespace

Result<members::MemberFilter> MemberFilterFrom(const ApiRequest& req, const MembersDeps& d) {
  ScopeFilter scope = FilterFor(req, d, "members.read");
  members::MemberFilter f;
  f.unit_prefixes = scope.prefixes;
  f.nationwide = scope.nationwide;
  if (auto org = req.QueryText("org_id"); org && !org->empty()) {
    JICENG_ASSIGN_OR_RETURN(auto id, req.QueryUint("org_id", 0, 1, static_cast<std::size_t>(INT64_MAX)));
    f.org_id = static_cast<std::int64_t>(id);
  }
  if (auto v = req.QueryText("stage"); v && !v->empty()) {
    JICENG_ASSIGN_OR_RETURN(auto stage, d.members.rules().RequireStage(*v, "stage"));
    f.stage = stage->id;
  }
  if (auto v = req.QueryText("situation"); v && !v->empty()) {
    if (!members::IsSituation(*v)) return Status::InvalidArgument("situation", "分类不对。", "Unknown situation.");
    f.situation = *v;
  }
  if (auto v = req.QueryText("status"); v && !v->empty()) {
    if (*v != "active" && *v != "in_transit" && *v != "left") {
      return Status::InvalidArgument("status", "状态应为 active、in_transit 或 left。", "status must be active, in_transit or left.");
    }
    f.status = *v;
  }
  f.name = req.QueryText("q").value_or("");
  return f;
}

Result<orgs::OrgFilter> OrgFilterFrom(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto include_ended, req.QueryBool("include_ended", false));
  ScopeFilter scope = FilterFor(req, d, "orgs.read");
  orgs::OrgFilter f{scope.prefixes, scope.nationwide, std::nullopt, include_ended, 0, 50};
  if (auto kind = req.QueryText("kind"); kind && !kind->empty()) {
    if (!orgs::IsOrgKind(*kind)) {
      return Status::InvalidArgument("kind", "组织类型不对。", "Unknown organization kind.");
    }
    f.kind = *kind;
  }
  return f;
}

namespace {

// ---- organizations ---------------------------------------------------------

Result<Reply> ListOrgs(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto offset, req.QueryUint("offset", 0, 0, 10'000'000));
  JICENG_ASSIGN_OR_RETURN(auto limit, req.QueryUint("limit", 50, 1, 200));
  JICENG_ASSIGN_OR_RETURN(orgs::OrgFilter f, OrgFilterFrom(req, d));
  f.offset = offset;
  f.limit = limit;
  JICENG_ASSIGN_OR_RETURN(auto page, d.orgs.List(f));
  nlohmann::json items = nlohmann::json::array();
  for (const Organization& o : page.first) items.push_back(OrgJson(d, o));
  return Reply{200, {{"items", std::move(items)}, {"total", page.second}, {"offset", offset}, {"limit", limit}}, {}};
}

Result<Reply> CreateOrg(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  orgs::OrgInput in;
  JICENG_ASSIGN_OR_RETURN(in.unit_code, body.RequiredString("unit_code"));
  JICENG_ASSIGN_OR_RETURN(in.parent_id, body.OptionalInt("parent_id"));
  JICENG_ASSIGN_OR_RETURN(in.kind, body.RequiredString("kind"));
  JICENG_ASSIGN_OR_RETURN(in.name, body.RequiredString("name"));
  JICENG_ASSIGN_OR_RETURN(in.two_new_id, body.OptionalInt("two_new_id"));
  JICENG_ASSIGN_OR_RETURN(in.temp_reason, body.OptionalString("temp_reason"));
  JICENG_ASSIGN_OR_RETURN(in.starts_on, body.OptionalString("starts_on"));
  JICENG_ASSIGN_OR_RETURN(in.ends_on, body.OptionalString("ends_on"));
  JICENG_ASSIGN_OR_RETURN(in.established_on, body.OptionalString("established_on"));
  JICENG_ASSIGN_OR_RETURN(in.covered_units, body.StringList("covered_units"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  // A joint branch may only cover units in the caller's scope.
  for (const std::string& code : in.covered_units) {
    JICENG_ASSIGN_OR_RETURN(auto c, hierarchy::ParseUnitCode(code, "covered_units"));
    if (!d.access.Allows(*req.principal, "orgs.write", c)) return accounts::PermissionDenied(d.access.roles(), "orgs.write");
  }
  JICENG_ASSIGN_OR_RETURN(auto org, d.orgs.Create(in));
  req.audit_target = "org:" + std::to_string(org.id);
  Reply reply{201, {{"org", OrgJson(d, org)}}, {}};
  reply.headers.emplace_back("Location", "/api/v1/orgs/" + std::to_string(org.id));
  return reply;
}

Result<Reply> GetOrg(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto org, d.orgs.Get(id));
  return Reply{200, {{"org", OrgJson(d, org)}}, {}};
}

Result<Reply> RenameOrg(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "org:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto name, body.RequiredString("name"));
  JICENG_ASSIGN_OR_RETURN(auto version, body.OptionalInt("version"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto org, d.orgs.Rename(id, name, version));
  return Reply{200, {{"org", OrgJson(d, org)}}, {}};
}

Result<Reply> DissolveOrg(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "org:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto on, body.RequiredString("on_date"));
  JICENG_ASSIGN_OR_RETURN(auto version, body.OptionalInt("version"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto org, d.orgs.Dissolve(id, on, version));
  return Reply{200, {{"org", OrgJson(d, org)}}, {}};
}

Result<Reply> MergeOrg(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "org:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto into, body.OptionalInt("into"));
  JICENG_ASSIGN_OR_RETURN(auto on, body.RequiredString("on_date"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  if (!into) return Status::InvalidArgument("into", "请指定合并到的组织编号 into。", "Give the organization to merge into (into).");
  // Both sides must be in the caller's scope.
  JICENG_ASSIGN_OR_RETURN(auto into_unit, d.orgs.UnitOf(*into));
  if (!d.access.Allows(*req.principal, "orgs.write", into_unit)) return accounts::PermissionDenied(d.access.roles(), "orgs.write");
  JICENG_ASSIGN_OR_RETURN(auto org, d.orgs.Merge(id, *into, on));
  return Reply{200, {{"org", OrgJson(d, org)}}, {}};
}

// Reads one part of a split; errors name "parts[i].field".
Result<orgs::SplitPart> SplitPartFrom(const nlohmann::json& item, std::size_t i) {
  const std::string at = "parts[" + std::to_string(i) + "].";
  orgs::SplitPart part;
  auto text = [&](const char* key, bool required) -> Result<std::optional<std::string>> {
    if (!item.contains(key) || item[key].is_null()) {
      if (!required) return std::optional<std::string>();
      return Status::InvalidArgument(at + key, "请填写新组织的名称。", "Give the new organization's name.");
    }
    if (!item[key].is_string()) {
      return Status::InvalidArgument(at + key, std::string(key) + " 应为文字。", std::string(key) + " must be a string.");
    }
    return std::optional<std::string>(item[key].get<std::string>());
  };
  auto ids = [&](const char* key) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> out;
    if (!item.contains(key) || item[key].is_null()) return out;
    if (!item[key].is_array() || item[key].size() > 5000) {
      return Status::InvalidArgument(at + key, std::string(key) + " 应为编号列表（最多 5000 个）。",
                                     std::string(key) + " must be a list of ids (at most 5,000).");
    }
    for (const auto& v : item[key]) {
      if (!v.is_number_integer()) {
        return Status::InvalidArgument(at + key, std::string(key) + " 应为整数编号列表。",
                                       std::string(key) + " must be a list of integer ids.");
      }
      out.push_back(v.get<std::int64_t>());
    }
    return out;
  };
  for (const auto& [key, value] : item.items()) {
    if (key != "name" && key != "kind" && key != "unit_code" && key != "member_ids" && key != "child_org_ids") {
      return Status::InvalidArgument(at + key, "不认识的字段：" + key + "。", "Unknown field: " + key + ".");
    }
  }
  JICENG_ASSIGN_OR_RETURN(auto name, text("name", true));
  part.name = *name;
  JICENG_ASSIGN_OR_RETURN(part.kind, text("kind", false));
  JICENG_ASSIGN_OR_RETURN(part.unit_code, text("unit_code", false));
  JICENG_ASSIGN_OR_RETURN(part.member_ids, ids("member_ids"));
  JICENG_ASSIGN_OR_RETURN(part.child_org_ids, ids("child_org_ids"));
  return part;
}

Result<Reply> SplitOrg(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "org:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto on, body.RequiredString("on_date"));
  JICENG_ASSIGN_OR_RETURN(auto version, body.OptionalInt("version"));
  JICENG_ASSIGN_OR_RETURN(auto list, body.ObjectList("parts", 20));
  JICENG_RETURN_IF_ERROR(body.Finish());
  std::vector<orgs::SplitPart> parts;
  for (std::size_t i = 0; i < list.size(); ++i) {
    JICENG_ASSIGN_OR_RETURN(auto part, SplitPartFrom(list[i], i));
    // A part placed at another unit must lie in the caller's scope too.
    if (part.unit_code) {
      JICENG_ASSIGN_OR_RETURN(auto code, hierarchy::ParseUnitCode(*part.unit_code, "parts[" + std::to_string(i) + "].unit_code"));
      if (!d.access.Allows(*req.principal, "orgs.write", code)) return accounts::PermissionDenied(d.access.roles(), "orgs.write");
    }
    parts.push_back(std::move(part));
  }
  JICENG_ASSIGN_OR_RETURN(auto result, d.orgs.Split(id, parts, on, version));
  nlohmann::json made = nlohmann::json::array();
  for (std::size_t i = 1; i < result.size(); ++i) made.push_back(OrgJson(d, result[i]));
  return Reply{200, {{"org", OrgJson(d, result.front())}, {"parts", std::move(made)}}, {}};
}

Result<Reply> RegisterTwoNew(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto unit, body.RequiredString("unit_code"));
  JICENG_ASSIGN_OR_RETURN(auto name, body.RequiredString("name"));
  JICENG_ASSIGN_OR_RETURN(auto kind, body.RequiredString("kind"));
  JICENG_ASSIGN_OR_RETURN(auto on, body.OptionalString("registered_on"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto t, d.orgs.RegisterTwoNew(unit, name, kind, on));
  req.audit_target = "two_new:" + std::to_string(t.id);
  return Reply{201,
               {{"two_new_org",
                 {{"id", t.id}, {"unit_code", std::to_string(t.unit_code)}, {"name", t.name}, {"kind", t.kind},
                  {"registered_on", t.registered_on}}}},
               {}};
}

Result<Reply> GetCoverage(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto code, hierarchy::ParseUnitCode(req.Param("code")));
  JICENG_ASSIGN_OR_RETURN(auto limit, req.QueryUint("limit", 50, 0, 1000));
  JICENG_ASSIGN_OR_RETURN(auto c, d.orgs.CoverageOf(code, limit));
  auto part = [&](const orgs::Coverage::Part& p, bool units) {
    nlohmann::json missing = nlohmann::json::array();
    for (std::uint64_t x : p.uncovered) {
      if (units) {
        missing.push_back({{"code", std::to_string(x)}, {"name", UnitName(d, x)}});
      } else {
        missing.push_back({{"id", x}});
      }
    }
    return nlohmann::json{{"total", p.total}, {"covered", p.covered}, {"uncovered", std::move(missing)}};
  };
  return Reply{200,
               {{"unit_code", std::to_string(code)},
                {"groups", part(c.groups, true)},
                {"villages", part(c.villages, true)},
                {"two_new", part(c.two_new, false)}},
               {}};
}

// ---- members ---------------------------------------------------------------

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

// ---- dues, cards, meetings --------------------------------------------------

Result<int> QueryYear(const ApiRequest& req, const MembersDeps& d) {
  const int this_year = static_cast<int>(std::chrono::year_month_day(d.clock.Today()).year());
  JICENG_ASSIGN_OR_RETURN(auto year, req.QueryUint("year", static_cast<std::size_t>(this_year), 2000,
                                                   static_cast<std::size_t>(this_year)));
  return static_cast<int>(year);
}

Result<Reply> SetDuesStandard(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto fen, body.OptionalInt("monthly_fen"));
  JICENG_ASSIGN_OR_RETURN(auto from, body.RequiredString("from_month"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  if (!fen) return Status::InvalidArgument("monthly_fen", "请填写月交纳标准（单位：分）。", "Give monthly_fen (in fen).");
  JICENG_RETURN_IF_ERROR(d.dues.SetStandard(id, *fen, from));
  return Reply{204, nullptr, {}};
}

nlohmann::json DuesMonthsJson(const std::vector<members::DuesMonth>& months) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : months) {
    out.push_back({{"month", m.month}, {"due_fen", m.due_fen}, {"paid_fen", m.paid_fen},
                   {"arrears_fen", m.arrears_fen()}, {"paid_on", Opt(m.paid_on)}});
  }
  return out;
}

Result<Reply> RecordDues(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto month, body.RequiredString("month"));
  JICENG_ASSIGN_OR_RETURN(auto fen, body.OptionalInt("amount_fen"));
  JICENG_ASSIGN_OR_RETURN(auto paid_on, body.OptionalString("paid_on"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  if (!fen) return Status::InvalidArgument("amount_fen", "请填写金额（单位：分）。", "Give amount_fen (in fen).");
  JICENG_RETURN_IF_ERROR(d.dues.RecordPayment(id, month, *fen, paid_on.value_or(FormatDate(d.clock.Today())), req.principal->user_id));
  return Reply{201, {{"member_id", id}, {"month", month}, {"amount_fen", *fen}}, {}};
}

Result<Reply> MemberDues(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto year, QueryYear(req, d));
  JICENG_ASSIGN_OR_RETURN(auto months, d.dues.MemberYear(id, year));
  std::int64_t due = 0, paid = 0, arrears = 0;
  for (const auto& m : months) {
    due += m.due_fen;
    paid += m.paid_fen;
    arrears += m.arrears_fen();
  }
  return Reply{200,
               {{"member_id", id}, {"year", year}, {"months", DuesMonthsJson(months)}, {"due_fen", due},
                {"paid_fen", paid}, {"arrears_fen", arrears}},
               {}};
}

Result<Reply> OrgDues(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "org:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto year, QueryYear(req, d));
  JICENG_ASSIGN_OR_RETURN(auto rows, d.dues.OrgYear(id, year));
  nlohmann::json items = nlohmann::json::array();
  std::int64_t due = 0, paid = 0, arrears = 0, in_arrears = 0;
  for (const auto& r : rows) {
    items.push_back({{"member_id", r.member_id}, {"member_name", r.member_name}, {"due_fen", r.due_fen},
                     {"paid_fen", r.paid_fen}, {"arrears_fen", r.arrears_fen}, {"months_in_arrears", r.months_in_arrears}});
    due += r.due_fen;
    paid += r.paid_fen;
    arrears += r.arrears_fen;
    if (r.arrears_fen > 0) ++in_arrears;
  }
  return Reply{200,
               {{"org_id", id}, {"year", year}, {"items", std::move(items)}, {"due_fen", due}, {"paid_fen", paid},
                {"arrears_fen", arrears}, {"members_in_arrears", in_arrears}},
               {}};
}

nlohmann::json CardJson(const members::Card& c) {
  return {{"id", c.id}, {"member_id", c.member_id}, {"number", c.number}, {"issued_on", c.issued_on}, {"status", c.status}};
}

Result<Reply> IssueCard(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto number, body.RequiredString("number"));
  JICENG_ASSIGN_OR_RETURN(auto issued, body.OptionalString("issued_on"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto card, d.dues.IssueCard(id, number, issued.value_or(FormatDate(d.clock.Today()))));
  return Reply{201, {{"card", CardJson(card)}}, {}};
}

Result<Reply> ReviewCard(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "card:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto year, body.OptionalInt("year"));
  JICENG_ASSIGN_OR_RETURN(auto result, body.RequiredString("result"));
  JICENG_ASSIGN_OR_RETURN(auto note, body.OptionalString("note"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  if (!year) return Status::InvalidArgument("year", "请填写审核年度。", "Give the review year.");
  JICENG_ASSIGN_OR_RETURN(auto card, d.dues.ReviewCard(id, static_cast<int>(*year), result, note.value_or("")));
  return Reply{200, {{"card", CardJson(card)}}, {}};
}

Result<Reply> CardFigures(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto code, hierarchy::ParseUnitCode(req.Param("code")));
  JICENG_ASSIGN_OR_RETURN(auto year, QueryYear(req, d));
  JICENG_ASSIGN_OR_RETURN(auto f, d.dues.CardFiguresOf(code, year));
  return Reply{200,
               {{"unit_code", std::to_string(code)}, {"year", year}, {"issued", f.issued}, {"valid", f.valid},
                {"reviewed", f.reviewed}, {"needs_correction", f.needs_correction}, {"withdrawn", f.withdrawn}},
               {}};
}

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
                   {"periods", std::move(cells)}});
  }
  return out;
}

Result<Reply> RecordMeeting(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto kind, body.RequiredString("kind"));
  JICENG_ASSIGN_OR_RETURN(auto held_on, body.RequiredString("held_on"));
  JICENG_ASSIGN_OR_RETURN(auto topic, body.RequiredString("topic"));
  JICENG_ASSIGN_OR_RETURN(auto list, body.ObjectList("attendance", 5000));
  JICENG_RETURN_IF_ERROR(body.Finish());
  std::vector<members::Attendance> attendance;
  for (const auto& item : list) {
    if (!item.contains("member_id") || !item["member_id"].is_number_integer() || !item.contains("status") ||
        !item["status"].is_string()) {
      return Status::InvalidArgument("attendance", "出席名单每项应为 {\"member_id\": 整数, \"status\": \"present\"}。",
                                     "Each attendance item is {\"member_id\": integer, \"status\": \"present\"}.");
    }
    attendance.push_back({item["member_id"].get<std::int64_t>(), item["status"].get<std::string>()});
  }
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
    int present = 0, absent = 0, leave = 0;
    for (const auto& a : m.attendance) {
      (a.status == "present" ? present : a.status == "absent" ? absent : leave)++;
    }
    items.push_back({{"id", m.id}, {"kind", m.kind}, {"held_on", m.held_on}, {"topic", m.topic},
                     {"present", present}, {"absent", absent}, {"leave", leave}});
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

}  // namespace

void AddMemberLifeRoutes(RouteTable& routes, const MembersDeps& deps) {
  const MembersDeps* d = &deps;
  auto member_unit = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto unit, d->members.UnitOf(id));
    return Target::Record(unit, members::MemberNotFound(id));
  };
  auto org_unit = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto unit, d->orgs.UnitOf(id));
    return Target::Record(unit, orgs::OrgNotFound(id));
  };
  auto card_unit = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto unit, d->dues.UnitOfCard(id));
    return Target::Record(unit, members::CardNotFound(id));
  };
  routes.push_back({"PUT", "/api/v1/members/:id/dues-standard", [d](const ApiRequest& r) { return SetDuesStandard(r, *d); },
                    "members.write", member_unit, "dues.standard.set"});
  routes.push_back({"POST", "/api/v1/members/:id/dues", [d](const ApiRequest& r) { return RecordDues(r, *d); },
                    "members.write", member_unit, "dues.pay"});
  routes.push_back({"GET", "/api/v1/members/:id/dues", [d](const ApiRequest& r) { return MemberDues(r, *d); },
                    "members.read", member_unit, "dues.member", /*audit_read=*/true});
  routes.push_back({"GET", "/api/v1/orgs/:id/dues", [d](const ApiRequest& r) { return OrgDues(r, *d); }, "members.read",
                    org_unit, "dues.org", /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/members/:id/cards", [d](const ApiRequest& r) { return IssueCard(r, *d); },
                    "members.write", member_unit, "cards.issue"});
  routes.push_back({"POST", "/api/v1/cards/:id/review", [d](const ApiRequest& r) { return ReviewCard(r, *d); },
                    "members.write", card_unit, "cards.review"});
  routes.push_back({"GET", "/api/v1/units/:code/cards", [d](const ApiRequest& r) { return CardFigures(r, *d); },
                    "members.read", UnitFromPath(), "cards.figures"});
  routes.push_back({"POST", "/api/v1/orgs/:id/meetings", [d](const ApiRequest& r) { return RecordMeeting(r, *d); },
                    "orgs.write", org_unit, "meetings.record"});
  routes.push_back({"GET", "/api/v1/orgs/:id/meetings", [d](const ApiRequest& r) { return ListMeetings(r, *d); },
                    "orgs.read", org_unit, "meetings.list"});
  routes.push_back({"GET", "/api/v1/orgs/:id/compliance", [d](const ApiRequest& r) { return OrgCompliance(r, *d); },
                    "orgs.read", org_unit, "meetings.compliance"});
  routes.push_back({"POST", "/api/v1/orgs/:id/review", [d](const ApiRequest& r) { return ReviewMeetings(r, *d); },
                    "orgs.write", org_unit, "meetings.review"});
  routes.push_back({"GET", "/api/v1/units/:code/meetings", [d](const ApiRequest& r) { return SubtreeMeetings(r, *d); },
                    "orgs.read", UnitFromPath(), "meetings.subtree"});
}

void AddOrgRoutes(RouteTable& routes, const MembersDeps& deps) {
  const MembersDeps* d = &deps;
  auto org_unit = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto unit, d->orgs.UnitOf(id));
    return Target::Record(unit, orgs::OrgNotFound(id));
  };
  routes.push_back({"GET", "/api/v1/orgs", [d](const ApiRequest& r) { return ListOrgs(r, *d); }, "orgs.read",
                    UnitFromQuery("under"), "orgs.list"});
  routes.push_back({"POST", "/api/v1/orgs", [d](const ApiRequest& r) { return CreateOrg(r, *d); }, "orgs.write",
                    UnitFromBody("unit_code"), "orgs.create"});
  routes.push_back({"GET", "/api/v1/orgs/:id", [d](const ApiRequest& r) { return GetOrg(r, *d); }, "orgs.read", org_unit,
                    "orgs.read"});
  routes.push_back({"PATCH", "/api/v1/orgs/:id", [d](const ApiRequest& r) { return RenameOrg(r, *d); }, "orgs.write",
                    org_unit, "orgs.rename"});
  routes.push_back({"POST", "/api/v1/orgs/:id/dissolve", [d](const ApiRequest& r) { return DissolveOrg(r, *d); },
                    "orgs.write", org_unit, "orgs.dissolve"});
  routes.push_back({"POST", "/api/v1/orgs/:id/merge", [d](const ApiRequest& r) { return MergeOrg(r, *d); }, "orgs.write",
                    org_unit, "orgs.merge"});
  routes.push_back({"POST", "/api/v1/orgs/:id/split", [d](const ApiRequest& r) { return SplitOrg(r, *d); }, "orgs.write",
                    org_unit, "orgs.split"});
  routes.push_back({"POST", "/api/v1/two-new-orgs", [d](const ApiRequest& r) { return RegisterTwoNew(r, *d); },
                    "orgs.write", UnitFromBody("unit_code"), "orgs.two_new.register"});
  routes.push_back({"GET", "/api/v1/units/:code/coverage", [d](const ApiRequest& r) { return GetCoverage(r, *d); },
                    "orgs.read", UnitFromPath(), "orgs.coverage"});
}

void AddMemberRoutes(RouteTable& routes, const MembersDeps& deps) {
  const MembersDeps* d = &deps;
  auto member_unit = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto unit, d->members.UnitOf(id));
    return Target::Record(unit, members::MemberNotFound(id));
  };
  auto org_in_body = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
    JICENG_ASSIGN_OR_RETURN(auto org, body.OptionalInt("org_id"));
    if (!org) return Status::InvalidArgument("org_id", "请指定所属组织 org_id。", "Give the organization (org_id).");
    JICENG_ASSIGN_OR_RETURN(auto unit, d->orgs.UnitOf(*org));
    return Target::Record(unit, orgs::OrgNotFound(*org));
  };
  auto member_in_body = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
    JICENG_ASSIGN_OR_RETURN(auto member, body.OptionalInt("member_id"));
    if (!member) return Status::InvalidArgument("member_id", "请指定党员 member_id。", "Give member_id.");
    JICENG_ASSIGN_OR_RETURN(auto unit, d->members.UnitOf(*member));
    return Target::Record(unit, members::MemberNotFound(*member));
  };
  // The receiving side confirms or rejects; the sending side cancels.
  auto transfer_side = [d](bool receiving) {
    return [d, receiving](const ApiRequest& req) -> Result<Target> {
      JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
      JICENG_ASSIGN_OR_RETURN(auto t, d->members.GetTransfer(id));
      Target target = Target::Record(receiving ? t.to_unit : t.from_unit, members::TransferNotFound(id));
      target.also_seen_at = {receiving ? t.from_unit : t.to_unit};
      return target;
    };
  };
  routes.push_back({"GET", "/api/v1/members", [d](const ApiRequest& r) { return ListMembers(r, *d); }, "members.read",
                    UnitFromQuery("under"), "members.list", /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/members", [d](const ApiRequest& r) { return CreateMember(r, *d); }, "members.write",
                    org_in_body, "members.create"});
  routes.push_back({"GET", "/api/v1/members/:id", [d](const ApiRequest& r) { return GetMember(r, *d); }, "members.read",
                    member_unit, "members.read", /*audit_read=*/true});
  routes.push_back({"PATCH", "/api/v1/members/:id", [d](const ApiRequest& r) { return PatchMember(r, *d); },
                    "members.write", member_unit, "members.update"});
  routes.push_back({"GET", "/api/v1/members/:id/id-number", [d](const ApiRequest& r) { return UnmaskIdNumber(r, *d); },
                    "members.unmask", member_unit, "members.id_number.unmask", /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/members/:id/advance", [d](const ApiRequest& r) { return AdvanceMember(r, *d); },
                    "members.write", member_unit, "members.advance"});
  routes.push_back({"GET", "/api/v1/units/:code/pipeline", [d](const ApiRequest& r) { return PipelineFigures(r, *d); },
                    "members.read", UnitFromPath(), "members.pipeline"});
  routes.push_back({"GET", "/api/v1/transfers", [d](const ApiRequest& r) { return ListTransfers(r, *d); },
                    "members.read", UnitFromQuery("under"), "transfers.list", /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/transfers", [d](const ApiRequest& r) { return RequestTransfer(r, *d); },
                    "members.write", member_in_body, "transfers.request"});
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
