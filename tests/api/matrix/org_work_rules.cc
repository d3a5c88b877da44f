// The authorization matrix's rules for officers, pairings and task teams.
// How to build each route's request inside and outside a role's area: see auth_matrix.h.
#include "auth_matrix.h"

namespace jiceng::apitest {

void AuthApi::OrgWorkRules(MatrixRules& rules) {
  auto with = [](MatrixRequest m, const std::string& must_contain) {
    m.must_contain = must_contain;
    return m;
  };
  const std::string orgs = "/api/v1/orgs/";
  const std::string members = "/api/v1/members/";
  // -- officers, pairings, task teams ---------------------------------------
  rules["GET /api/v1/orgs/:id/officers"] = Both([orgs](const Where& w) {
    return MatrixRequest{orgs + w.org + "/officers", {}, {}, 200};
  });
  rules["POST /api/v1/orgs/:id/officers"] = Both([this, orgs](const Where& w) {
    MatrixRequest m{orgs + w.org + "/officers",
                    json{{"member_id", std::stoll(ThrowawayFullMember(w.org))},
                         {"position", "committee_member"},
                         {"term_start", "2024-01-01"},
                         {"term_end", "2028-12-31"}},
                    {}, 201};
    m.must_contain = "\"position\":\"committee_member\"";
    return m;
  });
  rules["POST /api/v1/officers/:id/end"] = Both([this](const Where& w) {
    MatrixRequest m{"/api/v1/officers/" + ThrowawayOfficer(w.org) + "/end", json{{"on_date", kPastDate}}, {}, 200};
    m.must_contain = "\"ended_on\":\"" + std::string(kPastDate) + "\"";
    return m;
  });
  rules["GET /api/v1/orgs/:id/pairings"] = Both([orgs](const Where& w) {
    return MatrixRequest{orgs + w.org + "/pairings", {}, {}, 200};
  });
  // Both sides in the user's village (or both in Luding); a pairing with
  // only one side in the area is tested in org_work_api_test.cc.
  rules["POST /api/v1/pairings"] = Both([this](const Where& w) {
    return MatrixRequest{"/api/v1/pairings",
                         json{{"org_id", std::stoll(ThrowawayOrg(w.village))},
                              {"partner_org_id", std::stoll(w.org)},
                              {"kind", "adjacent_area"},
                              {"starts_on", "2024-01-01"}},
                         {}, 201};
  });
  const std::string pairings = "/api/v1/pairings/";
  rules["POST /api/v1/pairings/:id/end"] = Both([this, pairings](const Where& w) {
    MatrixRequest m{pairings + ThrowawayPairing(w.village, w.org) + "/end", json{{"on_date", kPastDate}}, {}, 200};
    m.must_contain = "\"status\":\"ended\"";
    return m;
  });
  rules["GET /api/v1/pairings/:id/activities"] = Both([this, pairings](const Where& w) {
    return MatrixRequest{pairings + ThrowawayPairing(w.village, w.org) + "/activities", {}, {}, 200};
  });
  rules["POST /api/v1/pairings/:id/activities"] = Both([this, pairings](const Where& w) {
    return MatrixRequest{pairings + ThrowawayPairing(w.village, w.org) + "/activities",
                         json{{"held_on", kPastDate}, {"title", Unique("联合活动")}, {"participants", 12}}, {},
                         201};
  });
  rules["GET /api/v1/orgs/:id/task-teams"] = Both([orgs](const Where& w) {
    return MatrixRequest{orgs + w.org + "/task-teams", {}, {}, 200};
  });
  rules["POST /api/v1/orgs/:id/task-teams"] = Both([orgs](const Where& w) {
    return MatrixRequest{orgs + w.org + "/task-teams",
                         json{{"name", Unique("矩阵任务团")}, {"purpose", "政策宣讲"}, {"starts_on", "2024-01-01"}},
                         {}, 201};
  });
  const std::string teams = "/api/v1/task-teams/";
  rules["POST /api/v1/task-teams/:id/end"] = Both([this, teams](const Where& w) {
    return MatrixRequest{teams + ThrowawayTeam(w.org) + "/end", json{{"on_date", kPastDate}}, {}, 200};
  });
  rules["GET /api/v1/task-teams/:id/members"] = Both([this, teams, with](const Where& w) {
    return with(MatrixRequest{teams + ThrowawayTeam(w.org, w.member) + "/members", {}, {}, 200},
                "\"" + w.member_name + "\"");
  });
  rules["POST /api/v1/task-teams/:id/members"] = Both([this, teams](const Where& w) {
    return MatrixRequest{teams + ThrowawayTeam(w.org) + "/members",
                         json{{"member_id", std::stoll(w.member)}, {"joined_on", kPastDate}}, {}, 201};
  });
  rules["POST /api/v1/task-teams/:id/leave"] = Both([this, teams](const Where& w) {
    MatrixRequest m{teams + ThrowawayTeam(w.org, w.member) + "/leave",
                    json{{"member_id", std::stoll(w.member)}, {"left_on", kPastDate}}, {}, 200};
    m.must_contain = "\"left_on\":\"" + std::string(kPastDate) + "\"";
    return m;
  });
}

}  // namespace jiceng::apitest
