// HTTP endpoints of the administrative hierarchy (/api/v1/units...): read a
// unit with its ancestors, list children, search, and the villager-group
// changes. Thin: each parses the request, calls HierarchyService and shapes
// the JSON.
#pragma once

#include <nlohmann/json.hpp>

#include "accounts/access_control.h"
#include "api/route.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::api {

// The largest page a list endpoint returns.
inline constexpr std::size_t kMaxPageSize = 200;
// The longest search text accepted, in characters.
inline constexpr std::size_t kMaxQueryChars = 50;

void AddUnitRoutes(RouteTable& routes, hierarchy::HierarchyService& hierarchy,
                   const accounts::AccessControl& access);

// A route target read from the path parameter `code`.
TargetFn UnitFromPath(std::string_view param = "code");
// A route target read from an optional query parameter (e.g. `under`);
// without it, Target::None() and the handler filters by the caller's scope.
TargetFn UnitFromQuery(std::string_view param);
// A route target read from a JSON body field holding a unit code; without it
// (or empty), the whole country.
TargetFn UnitFromBody(std::string_view field);

// The name to show for a unit: the name itself, or for a placeholder prefecture the parent's
// name with it (北京市（市辖区）).
std::string DisplayName(const hierarchy::UnitView& unit, const hierarchy::UnitTree& tree);

// The JSON shape of a unit. `tree` supplies the parent's name for the
// display name of placeholder units (北京市（市辖区）).
nlohmann::json UnitJson(const hierarchy::UnitView& unit, const hierarchy::UnitTree& tree);

}  // namespace jiceng::api
