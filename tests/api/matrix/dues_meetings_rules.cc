// The authorization matrix's rules for dues, membership cards and meetings.
// How to build each route's request inside and outside a role's area: see auth_matrix.h.
#include "auth_matrix.h"

namespace jiceng::apitest {

void AuthApi::DuesAndMeetingRules(MatrixRules& rules) {
  const std::string orgs = "/api/v1/orgs/";
  const std::string members = "/api/v1/members/";
  // -- dues, cards, meetings ---------------------------------------------
  rules["PUT /api/v1/members/:id/dues-standard"] = Both([members](const Where& w) {
    return MatrixRequest{members + w.member + "/dues-standard",
                         json{{"monthly_fen", 200}, {"from_month", "2024-01"}}, {}, 204};
  });
  rules["POST /api/v1/members/:id/dues"] = Both([members](const Where& w) {
    return MatrixRequest{members + w.member + "/dues",
                         json{{"month", FreshMonth()}, {"amount_fen", 200}}, {}, 201};
  });
  rules["GET /api/v1/members/:id/dues"] = Both([members](const Where& w) {
    return MatrixRequest{members + w.member + "/dues", {}, {}, 200};
  });
  rules["GET /api/v1/orgs/:id/dues"] = Both([orgs](const Where& w) {
    return MatrixRequest{orgs + w.org + "/dues", {}, {}, 200};
  });
  rules["POST /api/v1/members/:id/cards"] = Both([this, members](const Where& w) {
    return MatrixRequest{members + ThrowawayMember(w.org) + "/cards",
                         json{{"number", Unique("JC-")}}, {}, 201};
  });
  rules["POST /api/v1/cards/:id/review"] = Both([this](const Where& w) {
    return MatrixRequest{"/api/v1/cards/" + ThrowawayCard(w.org) + "/review",
                         json{{"year", kPastYear}, {"result", "valid"}}, {}, 200};
  });
  rules["GET /api/v1/units/:code/cards"] = Both([](const Where& w) {
    return MatrixRequest{UnitPath(w.village) + "/cards", {}, {}, 200};
  });
  // Recording a meeting needs meetings.write (issue #15): every role holding
  // orgs.write and village_cadre, so a village secretary records its own
  // branch's meetings (201) and not another village's (404: not in its area);
  // work_team and auditor see the branch (orgs.read) and are refused 403.
  rules["POST /api/v1/orgs/:id/meetings"] = Both([orgs](const Where& w) {
    return MatrixRequest{
        orgs + w.org + "/meetings",
        json{{"kind", "theme_day"},
             {"held_on", kPastDate},
             {"topic", Unique("主题党日")},
             {"attendance", json::array({json{{"member_id", std::stoll(w.member)}, {"status", "present"}}})}},
        {}, 201};
  });
  rules["GET /api/v1/orgs/:id/meetings"] = Both([orgs](const Where& w) {
    return MatrixRequest{orgs + w.org + "/meetings", {}, {}, 200};
  });
  rules["GET /api/v1/orgs/:id/compliance"] = Both([orgs](const Where& w) {
    return MatrixRequest{orgs + w.org + "/compliance", {}, {}, 200};
  });
  // The yearly review stays with orgs.write (the county and township), not village_cadre.
  rules["POST /api/v1/orgs/:id/review"] = Both([this, orgs](const Where& w) {
    return MatrixRequest{orgs + ThrowawayOrg(w.village) + "/review",
                         json{{"year", kPastYear}, {"result", "compliant"}}, {}, 201};
  });
  rules["GET /api/v1/units/:code/meetings"] = Both([](const Where& w) {
    return MatrixRequest{UnitPath(w.village) + "/meetings", {}, {}, 200};
  });
}

}  // namespace jiceng::apitest
