#include "api/handlers/party_handlers.h"

#include <chrono>

#include "api/handlers/account_handler.h"
#include "people/personal_data.h"

namespace jiceng::api {
namespace party {

nlohmann::json Opt(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
nlohmann::json Opt(const std::optional<std::int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

std::string UnitName(const MembersDeps& d, std::uint64_t code) {
  auto u = d.access.tree().Find(code);
  return u ? u->name : "";
}

nlohmann::json OrgJson(const MembersDeps& d, const orgs::Organization& o) {
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

nlohmann::json MemberJson(const MembersDeps& d, const members::Member& m, bool full_phone) {
  nlohmann::json phone = nullptr;
  if (m.phone) phone = full_phone ? *m.phone : people::MaskPhone(*m.phone);
  const members::Stage* stage = d.members.rules().FindStage(m.stage);
  return {{"id", m.id},
          {"org_id", m.org_id},
          {"unit_code", std::to_string(m.unit_code)},
          {"unit_name", UnitName(d, m.unit_code)},
          {"name", m.name},
          {"gender", m.gender},
          {"birth_date", m.birth_date},
          {"phone", phone},
          {"id_number", m.id_number ? nlohmann::json(people::MaskIdNumber(*m.id_number)) : nlohmann::json(nullptr)},
          {"stage", m.stage},
          {"stage_zh", stage ? stage->name_zh : m.stage},
          {"stage_since", m.stage_since},
          {"situation", m.situation},
          {"status", m.status},
          {"version", m.version},
          {"created_at", m.created_at}};
}


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

Result<int> QueryYear(const ApiRequest& req, const MembersDeps& d) {
  const int this_year = static_cast<int>(std::chrono::year_month_day(d.clock.Today()).year());
  JICENG_ASSIGN_OR_RETURN(auto year, req.QueryUint("year", static_cast<std::size_t>(this_year), 2000,
                                                   static_cast<std::size_t>(this_year)));
  return static_cast<int>(year);
}

}  // namespace party

using party::FilterFor;
using party::ScopeFilter;

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

TargetFn OrgFromPath(orgs::OrgService& orgs) {
  return [&orgs](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto unit, orgs.UnitOf(id));
    return Target::Record(unit, orgs::OrgNotFound(id));
  };
}

TargetFn MemberFromPath(members::MemberService& members) {
  return [&members](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto unit, members.UnitOf(id));
    return Target::Record(unit, members::MemberNotFound(id));
  };
}

TargetFn OrgInBody(orgs::OrgService& orgs, std::string field) {
  return [&orgs, field](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
    JICENG_ASSIGN_OR_RETURN(auto org, body.OptionalInt(field));
    if (!org) {
      return Status::InvalidArgument(field, "请指定所属组织 " + field + "。", "Give the organization (" + field + ").");
    }
    JICENG_ASSIGN_OR_RETURN(auto unit, orgs.UnitOf(*org));
    return Target::Record(unit, orgs::OrgNotFound(*org));
  };
}

TargetFn MemberInBody(members::MemberService& members, std::string field) {
  return [&members, field](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
    JICENG_ASSIGN_OR_RETURN(auto member, body.OptionalInt(field));
    if (!member) return Status::InvalidArgument(field, "请指定党员 " + field + "。", "Give " + field + ".");
    JICENG_ASSIGN_OR_RETURN(auto unit, members.UnitOf(*member));
    return Target::Record(unit, members::MemberNotFound(*member));
  };
}

}  // namespace jiceng::api
