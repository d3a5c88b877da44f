// Organizations: /api/v1/orgs (create, rename, dissolve, merge, split),
// /api/v1/two-new-orgs and the coverage report. See party_handlers.h.
#include "api/handlers/party_handlers.h"

#include "api/handlers/units_handler.h"

namespace jiceng::api {
namespace {

using party::UnitName;
using party::OrgJson;
using orgs::Organization;

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

}  // namespace

void AddOrgRoutes(RouteTable& routes, const MembersDeps& deps) {
  const MembersDeps* d = &deps;
  routes.push_back({"GET", "/api/v1/orgs", [d](const ApiRequest& r) { return ListOrgs(r, *d); }, "orgs.read",
                    UnitFromQuery("under"), "orgs.list"});
  routes.push_back({"POST", "/api/v1/orgs", [d](const ApiRequest& r) { return CreateOrg(r, *d); }, "orgs.write",
                    UnitFromBody("unit_code"), "orgs.create"});
  routes.push_back({"GET", "/api/v1/orgs/:id", [d](const ApiRequest& r) { return GetOrg(r, *d); }, "orgs.read", OrgFromPath(d->orgs),
                    "orgs.read"});
  routes.push_back({"PATCH", "/api/v1/orgs/:id", [d](const ApiRequest& r) { return RenameOrg(r, *d); }, "orgs.write",
                    OrgFromPath(d->orgs), "orgs.rename"});
  routes.push_back({"POST", "/api/v1/orgs/:id/dissolve", [d](const ApiRequest& r) { return DissolveOrg(r, *d); },
                    "orgs.write", OrgFromPath(d->orgs), "orgs.dissolve"});
  routes.push_back({"POST", "/api/v1/orgs/:id/merge", [d](const ApiRequest& r) { return MergeOrg(r, *d); }, "orgs.write",
                    OrgFromPath(d->orgs), "orgs.merge"});
  routes.push_back({"POST", "/api/v1/orgs/:id/split", [d](const ApiRequest& r) { return SplitOrg(r, *d); }, "orgs.write",
                    OrgFromPath(d->orgs), "orgs.split"});
  routes.push_back({"POST", "/api/v1/two-new-orgs", [d](const ApiRequest& r) { return RegisterTwoNew(r, *d); },
                    "orgs.write", UnitFromBody("unit_code"), "orgs.two_new.register"});
  routes.push_back({"GET", "/api/v1/units/:code/coverage", [d](const ApiRequest& r) { return GetCoverage(r, *d); },
                    "orgs.read", UnitFromPath(), "orgs.coverage"});
}

}  // namespace jiceng::api
