// The authorization matrix's rules for members and transfers.
// How to build each route's request inside and outside a role's area: see auth_matrix.h.
#include "auth_matrix.h"

namespace jiceng::apitest {

void AuthApi::MemberRules(MatrixRules& rules) {
  auto with = [](MatrixRequest m, const std::string& must_contain) {
    m.must_contain = must_contain;
    return m;
  };
  const std::string members = "/api/v1/members/";
  // -- members and transfers ---------------------------------------------
  rules["GET /api/v1/members"] = Both([with](const Where& w) {
    return with(MatrixRequest{"/api/v1/members?limit=200&under=" + w.village, {}, {}, 200},
                "\"" + w.member_name + "\"");
  });
  rules["POST /api/v1/members"] = Both([](const Where& w) {
    return MatrixRequest{"/api/v1/members",
                         json{{"org_id", std::stoll(w.org)},
                              {"name", Unique("矩阵党员")},
                              {"gender", "male"},
                              {"birth_date", "1990-10-01"},
                              {"stage", "applicant"},
                              {"situation", "migrant"}},
                         {}, 201};
  });
  rules["GET /api/v1/members/:id"] = Both([with, members](const Where& w) {
    return with(MatrixRequest{members + w.member, {}, {}, 200}, "\"" + w.member_name + "\"");
  });
  rules["PATCH /api/v1/members/:id"] = Both([members](const Where& w) {
    return MatrixRequest{members + w.member, json{{"phone", "0891-5412345"}}, {}, 200};
  });
  rules["GET /api/v1/members/:id/id-number"] = Both([members](const Where& w) {
    return MatrixRequest{members + w.member + "/id-number", {}, {}, 200};
  });
  rules["POST /api/v1/members/:id/advance"] = Both([this, members](const Where& w) {
    MatrixRequest m{members + ThrowawayMember(w.org) + "/advance",
                    json{{"to_stage", "activist"}, {"on_date", "2021-01-01"}}, {}, 200};
    m.must_contain = "\"stage\":\"activist\"";
    return m;
  });
  rules["GET /api/v1/units/:code/pipeline"] = Both([](const Where& w) {
    return MatrixRequest{UnitPath(w.village) + "/pipeline", {}, {}, 200};
  });
  rules["GET /api/v1/transfers"] = Both([](const Where& w) {
    return MatrixRequest{"/api/v1/transfers?under=" + w.village, {}, {}, 200};
  });
  // Transfers between the two branches of one village: the sending and
  // the receiving side are both inside (or both outside); which side may
  // do what has its own test below.
  rules["POST /api/v1/transfers"] = Both([this](const Where& w) {
    return MatrixRequest{"/api/v1/transfers",
                         json{{"member_id", std::stoll(ThrowawayMember(w.org))},
                              {"to_org_id", std::stoll(w.org_b)}},
                         {}, 201};
  });
  const std::string transfers = "/api/v1/transfers/";
  rules["POST /api/v1/transfers/:id/confirm"] = Both([this, transfers](const Where& w) {
    MatrixRequest m{transfers + ThrowawayTransfer(w.org_b, w.org) + "/confirm", json::object(), {},
                    200};
    m.must_contain = "\"status\":\"confirmed\"";
    return m;
  });
  rules["POST /api/v1/transfers/:id/reject"] = Both([this, transfers](const Where& w) {
    MatrixRequest m{transfers + ThrowawayTransfer(w.org_b, w.org) + "/reject",
                    json{{"reason", "材料不全"}}, {}, 200};
    m.must_contain = "\"status\":\"rejected\"";
    return m;
  });
  rules["POST /api/v1/transfers/:id/cancel"] = Both([this, transfers](const Where& w) {
    MatrixRequest m{transfers + ThrowawayTransfer(w.org, w.org_b) + "/cancel", {}, {}, 200};
    m.must_contain = "\"status\":\"cancelled\"";
    return m;
  });
}

}  // namespace jiceng::apitest
