#include "api/handlers/search_handler.h"

#include <map>

#include "api/handlers/units_handler.h"
#include "common/text.h"

namespace jiceng::api {
namespace {

constexpr std::size_t kDefaultLimit = 5;
constexpr std::size_t kMaxLimit = 20;

struct SearchDeps {
  hierarchy::HierarchyService& hierarchy;
  const MembersDeps& d;
};

Result<std::string> SearchText(const ApiRequest& req) {
  const std::string raw = req.QueryText("q").value_or("");
  if (!IsValidUtf8(raw) || HasControlChars(raw)) {
    return Status::InvalidArgument("q", "搜索内容含有无效字符，请重新输入。",
                                   "The search text (q) holds invalid characters; type it again.");
  }
  std::string text = ToSimplified(Trim(raw));
  if (text.empty()) {
    return Status::InvalidArgument("q", "请输入要搜索的内容（q）。", "Give the search text (q).");
  }
  if (Utf8Length(text) > kMaxQueryChars) {
    return Status::InvalidArgument("q", "搜索内容太长：最多 " + std::to_string(kMaxQueryChars) + " 个字。",
                                   "The search text (q) is too long: at most " + std::to_string(kMaxQueryChars) +
                                       " characters.");
  }
  return text;
}

std::vector<std::string> Prefixes(const accounts::Scope& scope) {
  std::vector<std::string> out;
  for (std::uint64_t r : scope.roots) out.push_back(std::to_string(r));
  return out;
}

Result<Reply> Search(const ApiRequest& req, const SearchDeps& s) {
  JICENG_ASSIGN_OR_RETURN(auto text, SearchText(req));
  JICENG_ASSIGN_OR_RETURN(auto limit, req.QueryUint("limit", kDefaultLimit, 1, kMaxLimit));
  const MembersDeps& d = s.d;
  const auto& who = *req.principal;
  const hierarchy::UnitTree& tree = s.hierarchy.tree();

  nlohmann::json units = nlohmann::json::array();
  if (d.access.HoldsAnywhere(who, "units.read")) {
    const accounts::Scope scope = d.access.ScopeOf(who, "units.read");
    hierarchy::UnitSearch search{text, std::nullopt, 0, limit, false, {}};
    if (!scope.nationwide) search.within = scope.roots;
    if (scope.nationwide || !scope.roots.empty()) {
      for (const hierarchy::UnitView& u : tree.Search(search).items) {
        nlohmann::json j = UnitJson(u, tree);
        nlohmann::json names = nlohmann::json::array();
        for (std::string& name : tree.PathNames(std::stoull(u.code))) names.push_back(std::move(name));
        j["path_names"] = std::move(names);
        units.push_back(std::move(j));
      }
    }
  }

  nlohmann::json orgs = nlohmann::json::array();
  std::map<std::int64_t, std::string> org_names;  // for the members' organization names
  if (d.access.HoldsAnywhere(who, "orgs.read")) {
    const accounts::Scope scope = d.access.ScopeOf(who, "orgs.read");
    orgs::OrgFilter f;
    f.nationwide = scope.nationwide;
    f.unit_prefixes = Prefixes(scope);
    f.name = text;
    f.limit = limit;
    JICENG_ASSIGN_OR_RETURN(auto page, d.orgs.List(f));
    for (const orgs::Organization& o : page.first) {
      org_names[o.id] = o.name;
      orgs.push_back({{"id", o.id},
                      {"name", o.name},
                      {"kind", o.kind},
                      {"kind_zh", orgs::OrgKindZh(o.kind)},
                      {"unit_code", std::to_string(o.unit_code)},
                      {"unit_name", party::UnitName(d, o.unit_code)}});
    }
  }

  nlohmann::json members = nlohmann::json::array();
  if (d.access.HoldsAnywhere(who, "members.read")) {
    const accounts::Scope scope = d.access.ScopeOf(who, "members.read");
    members::MemberFilter f;
    f.nationwide = scope.nationwide;
    f.unit_prefixes = Prefixes(scope);
    f.name = text;
    f.limit = limit;
    if (f.nationwide || !f.unit_prefixes.empty()) {
      JICENG_ASSIGN_OR_RETURN(auto page, d.members.List(f));
      for (const members::Member& m : page.first) {
        auto known = org_names.find(m.org_id);
        std::string org_name;
        if (known != org_names.end()) {
          org_name = known->second;
        } else if (auto o = d.orgs.Get(m.org_id); o.ok()) {
          org_name = o->name;
          org_names[m.org_id] = org_name;
        }
        // Only what identifies the person in a list: never the ID number or the phone.
        members.push_back({{"id", m.id},
                           {"name", m.name},
                           {"org_id", m.org_id},
                           {"org_name", org_name},
                           {"unit_code", std::to_string(m.unit_code)},
                           {"unit_name", party::UnitName(d, m.unit_code)}});
      }
    }
    req.audit_target = "members";
  }

  return Reply{200,
               {{"query", text}, {"units", std::move(units)}, {"orgs", std::move(orgs)}, {"members", std::move(members)}},
               {}};
}

}  // namespace

void AddSearchRoutes(RouteTable& routes, hierarchy::HierarchyService& hierarchy, const MembersDeps& deps) {
  auto s = std::make_shared<SearchDeps>(SearchDeps{hierarchy, deps});
  routes.push_back({"GET", "/api/v1/search", [s](const ApiRequest& r) { return Search(r, *s); }, kSignedIn, {},
                    "search", /*audit_read=*/true});
}

}  // namespace jiceng::api
