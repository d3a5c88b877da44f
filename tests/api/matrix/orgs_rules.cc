// The authorization matrix's rules for party organizations.
// How to build each route's request inside and outside a role's area: see auth_matrix.h.
#include "auth_matrix.h"

namespace jiceng::apitest {

void AuthApi::OrgRules(MatrixRules& rules) {
  // -- party organizations ------------------------------------------------
  auto with = [](MatrixRequest m, const std::string& must_contain) {
    m.must_contain = must_contain;
    return m;
  };
  const std::string orgs = "/api/v1/orgs/";
  const std::string members = "/api/v1/members/";
  rules["GET /api/v1/orgs"] = Both([with](const Where& w) {
    return with(MatrixRequest{"/api/v1/orgs?limit=200&under=" + w.village, {}, {}, 200},
                "\"id\":" + w.org + ",");
  });
  rules["POST /api/v1/orgs"] = Both([](const Where& w) {
    return MatrixRequest{"/api/v1/orgs",
                         json{{"unit_code", w.village}, {"kind", "branch"},
                              {"name", Unique("中共矩阵党支部")}},
                         {}, 201};
  });
  rules["GET /api/v1/orgs/:id"] = Both([orgs](const Where& w) {
    return MatrixRequest{orgs + w.org, {}, {}, 200};
  });
  rules["PATCH /api/v1/orgs/:id"] = Both([orgs](const Where& w) {
    return MatrixRequest{orgs + w.org, json{{"name", Unique("中共改名党支部")}}, {}, 200};
  });
  rules["POST /api/v1/orgs/:id/dissolve"] = Both([this, orgs](const Where& w) {
    MatrixRequest m{orgs + ThrowawayOrg(w.village) + "/dissolve", json{{"on_date", kPastDate}}, {},
                    200};
    m.must_contain = "\"status\":\"dissolved\"";
    return m;
  });
  rules["POST /api/v1/orgs/:id/merge"] = Both([this, orgs](const Where& w) {
    MatrixRequest m{orgs + ThrowawayOrg(w.village) + "/merge",
                    json{{"into", std::stoll(w.org_b)}, {"on_date", kPastDate}}, {}, 200};
    m.must_contain = "\"status\":\"merged\"";
    return m;
  });
  rules["POST /api/v1/orgs/:id/split"] = Both([this, orgs](const Where& w) {
    const std::string org = ThrowawayOrg(w.village);
    const std::string member = ThrowawayMember(org);
    MatrixRequest m{orgs + org + "/split",
                    json{{"on_date", kPastDate},
                         {"parts", json::array({json{{"name", Unique("中共拆分党支部")},
                                                     {"member_ids", json::array({std::stoll(member)})}}})}},
                    {}, 200};
    m.must_contain = "\"split_from_id\":" + org;
    return m;
  });
  rules["POST /api/v1/two-new-orgs"] = Both([](const Where& w) {
    return MatrixRequest{"/api/v1/two-new-orgs",
                         json{{"unit_code", w.village}, {"name", Unique("矩阵种养合作社")},
                              {"kind", "enterprise"}},
                         {}, 201};
  });
  rules["GET /api/v1/units/:code/coverage"] = Both([](const Where& w) {
    return MatrixRequest{UnitPath(w.village) + "/coverage", {}, {}, 200};
  });
}

}  // namespace jiceng::apitest
