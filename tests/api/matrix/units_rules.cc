// The authorization matrix's rules for the hierarchy: units and villager groups.
// How to build each route's request inside and outside a role's area: see auth_matrix.h.
#include "auth_matrix.h"

namespace jiceng::apitest {

void AuthApi::UnitRules(MatrixRules& rules) {
  const std::string outside_village = luding_village_;
  const std::string outside_group = luding_group_;

  // -- units -------------------------------------------------------------
  rules["GET /api/v1/units"] = {
      [](const RoleUser& u) {
        MatrixRequest m{"/api/v1/units?limit=200&under=" + u.village, {}, {}, 200};
        m.must_contain = u.group;
        return m;
      },
      [outside_village](const RoleUser&) {
        return MatrixRequest{"/api/v1/units?under=" + outside_village, {}, {}, 200};
      }};
  rules["GET /api/v1/units/:code"] = {
      [](const RoleUser& u) {
        MatrixRequest m{UnitPath(u.village), {}, {}, 200};
        m.must_contain = u.village;
        return m;
      },
      [outside_village](const RoleUser&) {
        return MatrixRequest{UnitPath(outside_village), {}, {}, 200};
      }};
  rules["GET /api/v1/units/:code/children"] = {
      [](const RoleUser& u) {
        MatrixRequest m{UnitPath(u.village) + "/children?limit=200", {}, {}, 200};
        m.must_contain = u.group;
        return m;
      },
      [outside_village](const RoleUser&) {
        return MatrixRequest{UnitPath(outside_village) + "/children", {}, {}, 200};
      }};
  rules["PATCH /api/v1/units/:code"] = {
      [](const RoleUser& u) {
        return MatrixRequest{UnitPath(u.group), json{{"name", Unique("改名小组")}}, {}, 200};
      },
      [outside_group](const RoleUser&) {
        return MatrixRequest{UnitPath(outside_group), json{{"name", Unique("改名小组")}}, {},
                             200};
      }};
  rules["POST /api/v1/units/:code/groups"] = {
      [](const RoleUser& u) {
        return MatrixRequest{UnitPath(u.village) + "/groups", json{{"name", Unique("矩阵小组")}},
                             {}, 201};
      },
      [outside_village](const RoleUser&) {
        return MatrixRequest{UnitPath(outside_village) + "/groups",
                             json{{"name", Unique("矩阵小组")}}, {}, 201};
      }};
  auto retire_rule = [this](bool retire) {
    auto build = [this, retire](const std::string& village) {
      const std::string code = ThrowawayGroup(village, /*retired=*/!retire);
      MatrixRequest m{UnitPath(code) + (retire ? "/retire" : "/reinstate"), {}, {}, 200};
      m.after = [this, code, retire](const HttpResponse&, bool allowed) {
        HttpResponse now = http().Get(UnitPath(code));
        EXPECT_EQ(now.json["unit"].value("retired", !retire), allowed ? retire : !retire)
            << now;
      };
      return m;
    };
    const std::string outside_village = luding_village_;
    return MatrixRule{[build](const RoleUser& u) { return build(u.village); },
                      [build, outside_village](const RoleUser&) { return build(outside_village); }};
  };
  rules["POST /api/v1/units/:code/retire"] = retire_rule(true);
  rules["POST /api/v1/units/:code/reinstate"] = retire_rule(false);
}

}  // namespace jiceng::apitest
