#include "api/handlers/units_handler.h"

#include "common/text.h"

namespace jiceng::api {

using hierarchy::HierarchyService;
using hierarchy::UnitTree;
using hierarchy::UnitView;

std::string DisplayName(const UnitView& unit, const UnitTree& tree) {
  if (unit.placeholder && !unit.parent_code.empty()) {
    if (auto parent = tree.Find(std::stoull(unit.parent_code))) {
      return parent->name + "（" + unit.name + "）";
    }
  }
  return unit.name;
}

nlohmann::json UnitJson(const UnitView& unit, const UnitTree& tree) {
  std::string display = DisplayName(unit, tree);
  nlohmann::json j = {
      {"code", unit.code},
      {"name", unit.name},
      {"display_name", std::move(display)},
      {"level", hierarchy::LevelName(unit.level)},
      {"level_zh", hierarchy::LevelNameZh(unit.level)},
      {"parent_code", unit.parent_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(unit.parent_code)},
      {"retired", unit.retired},
      {"user_defined", unit.user_defined},
      {"placeholder", unit.placeholder},
      {"version", unit.version},
      {"child_count", unit.child_count},
  };
  return j;
}

namespace {

nlohmann::json PathJson(const std::vector<UnitView>& path, const UnitTree& tree) {
  nlohmann::json out = nlohmann::json::array();
  for (const UnitView& u : path) out.push_back(UnitJson(u, tree));
  return out;
}

struct Paging {
  std::size_t offset;
  std::size_t limit;
  bool include_retired;
};

Result<Paging> ReadPaging(const ApiRequest& req, std::size_t default_limit) {
  JICENG_ASSIGN_OR_RETURN(auto offset, req.QueryUint("offset", 0, 0, 10'000'000));
  JICENG_ASSIGN_OR_RETURN(auto limit, req.QueryUint("limit", default_limit, 1, kMaxPageSize));
  JICENG_ASSIGN_OR_RETURN(auto include_retired, req.QueryBool("include_retired", false));
  return Paging{offset, limit, include_retired};
}

nlohmann::json PageJson(const hierarchy::UnitPage& page, const Paging& paging,
                        const UnitTree& tree, bool with_path_names) {
  nlohmann::json items = nlohmann::json::array();
  for (const UnitView& u : page.items) {
    nlohmann::json j = UnitJson(u, tree);
    if (with_path_names) {
      nlohmann::json names = nlohmann::json::array();
      for (std::string& name : tree.PathNames(std::stoull(u.code))) names.push_back(std::move(name));
      j["path_names"] = std::move(names);
    }
    items.push_back(std::move(j));
  }
  return {{"items", std::move(items)},
          {"total", page.total},
          {"offset", paging.offset},
          {"limit", paging.limit}};
}

Result<Reply> GetUnit(const ApiRequest& req, HierarchyService& h) {
  JICENG_ASSIGN_OR_RETURN(auto unit, h.Get(req.Param("code")));
  const auto path = h.tree().Path(std::stoull(unit.code));
  return Reply{200, {{"unit", UnitJson(unit, h.tree())}, {"path", PathJson(path, h.tree())}}, {}};
}

Result<Reply> ListChildren(const ApiRequest& req, HierarchyService& h) {
  JICENG_ASSIGN_OR_RETURN(auto unit, h.Get(req.Param("code")));
  JICENG_ASSIGN_OR_RETURN(auto paging, ReadPaging(req, 50));
  auto page = h.tree().Children(std::stoull(unit.code), paging.offset, paging.limit,
                                paging.include_retired);
  if (!page) return Status::NotFound("单位不存在。", "No such unit.", "code");
  return Reply{200, PageJson(*page, paging, h.tree(), false), {}};
}

Result<Reply> SearchUnits(const ApiRequest& req, HierarchyService& h, const accounts::AccessControl& access) {
  JICENG_ASSIGN_OR_RETURN(auto paging, ReadPaging(req, 20));
  const std::string raw = req.QueryText("q").value_or("");
  if (!IsValidUtf8(raw) || HasControlChars(raw)) {
    return Status::InvalidArgument("q", "搜索内容含有无效字符。", "The search text holds invalid characters.");
  }
  const std::string text = ToSimplified(Trim(raw));
  if (Utf8Length(text) > kMaxQueryChars) {
    return Status::InvalidArgument("q", "搜索内容太长：最多 " + std::to_string(kMaxQueryChars) + " 个字。",
                                   "The search text is too long: at most " +
                                       std::to_string(kMaxQueryChars) + " characters.");
  }
  std::optional<std::uint64_t> under;
  if (auto u = req.QueryText("under"); u && !u->empty()) {
    JICENG_ASSIGN_OR_RETURN(auto unit, h.Get(*u));
    under = std::stoull(unit.code);
  }
  // Only units in the caller's scope are found (the server checked `under`).
  const accounts::Scope scope = access.ScopeOf(*req.principal, "units.read");
  if (text.empty()) {
    // No search text: the children of `under`, else the top of the caller's
    // scope — the provinces for nationwide users.
    if (under || scope.nationwide) {
      auto page = h.tree().Children(under.value_or(0), paging.offset, paging.limit, paging.include_retired);
      nlohmann::json body = PageJson(*page, paging, h.tree(), true);
      body["query"] = "";
      return Reply{200, std::move(body), {}};
    }
    hierarchy::UnitPage page;
    for (std::uint64_t root : scope.roots) {
      if (page.total >= paging.offset && page.items.size() < paging.limit) {
        if (auto u = h.tree().Find(root)) page.items.push_back(*u);
      }
      ++page.total;
    }
    nlohmann::json body = PageJson(page, paging, h.tree(), true);
    body["query"] = "";
    return Reply{200, std::move(body), {}};
  }
  hierarchy::UnitSearch search{text, under, paging.offset, paging.limit, paging.include_retired, {}};
  if (!under && !scope.nationwide) search.within = scope.roots;
  nlohmann::json body = PageJson(h.tree().Search(search), paging, h.tree(), true);
  body["query"] = text;
  return Reply{200, std::move(body), {}};
}

Result<Reply> UnitReply(int status, const UnitView& unit, const HierarchyService& h) {
  Reply reply{status, {{"unit", UnitJson(unit, h.tree())}}, {}};
  if (status == 201) reply.headers.emplace_back("Location", "/api/v1/units/" + unit.code);
  return reply;
}

Result<Reply> AddGroup(const ApiRequest& req, HierarchyService& h) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto name, body.RequiredString("name"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto unit, h.AddGroup(req.Param("code"), name));
  req.audit_target = unit.code;
  return UnitReply(201, unit, h);
}

Result<Reply> PatchGroup(const ApiRequest& req, HierarchyService& h) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto name, body.RequiredString("name"));
  JICENG_ASSIGN_OR_RETURN(auto version, body.OptionalInt("version"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto unit, h.RenameGroup(req.Param("code"), name, version));
  return UnitReply(200, unit, h);
}

Result<Reply> SetGroupRetired(const ApiRequest& req, HierarchyService& h, bool retire) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req, /*allow_empty=*/true));
  JICENG_ASSIGN_OR_RETURN(auto version, body.OptionalInt("version"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto unit, retire ? h.RetireGroup(req.Param("code"), version)
                                            : h.ReinstateGroup(req.Param("code"), version));
  return UnitReply(200, unit, h);
}

}  // namespace

TargetFn UnitFromPath(std::string_view param) {
  return [name = std::string(param)](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto code, hierarchy::ParseUnitCode(req.Param(name), name));
    return Target::Unit(code);
  };
}

TargetFn UnitFromQuery(std::string_view param) {
  return [name = std::string(param)](const ApiRequest& req) -> Result<Target> {
    auto text = req.QueryText(name);
    if (!text || text->empty()) return Target::None();
    JICENG_ASSIGN_OR_RETURN(auto code, hierarchy::ParseUnitCode(*text, name));
    return Target::Unit(code);
  };
}

TargetFn UnitFromBody(std::string_view field) {
  return [name = std::string(field)](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
    JICENG_ASSIGN_OR_RETURN(auto text, body.OptionalString(name));
    if (!text || text->empty()) return Target::Nation();
    JICENG_ASSIGN_OR_RETURN(auto code, hierarchy::ParseUnitCode(*text, name));
    return Target::Unit(code);
  };
}

void AddUnitRoutes(RouteTable& routes, HierarchyService& h, const accounts::AccessControl& access) {
  routes.push_back({"GET", "/api/v1/units", [&h, &access](const ApiRequest& r) { return SearchUnits(r, h, access); },
                    "units.read", UnitFromQuery("under"), "units.search"});
  routes.push_back({"GET", "/api/v1/units/:code", [&h](const ApiRequest& r) { return GetUnit(r, h); },
                    "units.read", UnitFromPath(), "units.read"});
  routes.push_back({"PATCH", "/api/v1/units/:code", [&h](const ApiRequest& r) { return PatchGroup(r, h); },
                    "units.groups.write", UnitFromPath(), "units.groups.rename"});
  routes.push_back({"GET", "/api/v1/units/:code/children", [&h](const ApiRequest& r) { return ListChildren(r, h); },
                    "units.read", UnitFromPath(), "units.children"});
  routes.push_back({"POST", "/api/v1/units/:code/groups", [&h](const ApiRequest& r) { return AddGroup(r, h); },
                    "units.groups.write", UnitFromPath(), "units.groups.add"});
  routes.push_back({"POST", "/api/v1/units/:code/retire",
                    [&h](const ApiRequest& r) { return SetGroupRetired(r, h, true); }, "units.groups.write",
                    UnitFromPath(), "units.groups.retire"});
  routes.push_back({"POST", "/api/v1/units/:code/reinstate",
                    [&h](const ApiRequest& r) { return SetGroupRetired(r, h, false); }, "units.groups.write",
                    UnitFromPath(), "units.groups.reinstate"});
}

}  // namespace jiceng::api
