// The authorization matrix's rules for figures (aggregates) and the audit log.
// How to build each route's request inside and outside a role's area: see auth_matrix.h.
#include "auth_matrix.h"

namespace jiceng::apitest {

void AuthApi::FigureAndAuditRules(MatrixRules& rules) {
  // -- audit -------------------------------------------------------------
  // -- figures (aggregates): inside the area everything; outside it the
  //    county and the levels above stay visible (figures_handler.h).
  rules["GET /api/v1/indicators"] = {[](const RoleUser&) {
                                       MatrixRequest m{"/api/v1/indicators", {}, {}, 200};
                                       m.must_contain = "coverage.groups";
                                       return m;
                                     },
                                     {}};
  rules["GET /api/v1/figures"] = {
      [](const RoleUser& u) { return MatrixRequest{"/api/v1/figures?indicator=members&unit=" + u.village, {}, {}, 200}; },
      [](const RoleUser&) {
        return MatrixRequest{"/api/v1/figures?indicator=members&unit=" + std::string(kLuding), {}, {}, 200};
      }};
  rules["GET /api/v1/figures/breakdown"] = {
      [](const RoleUser& u) {
        return MatrixRequest{"/api/v1/figures/breakdown?indicator=orgs&unit=" + u.village, {}, {}, 200};
      },
      [](const RoleUser&) {
        return MatrixRequest{"/api/v1/figures/breakdown?indicator=orgs&unit=" + std::string(kLuding), {}, {}, 200};
      }};
  rules["GET /api/v1/figures/trend"] = {
      [](const RoleUser& u) {
        return MatrixRequest{"/api/v1/figures/trend?indicator=meetings.held&from=2025-01&to=2025-12&unit=" + u.village,
                             {}, {}, 200};
      },
      [](const RoleUser&) {
        return MatrixRequest{"/api/v1/figures/trend?indicator=meetings.held&from=2025-01&to=2025-12&unit=" +
                                 std::string(kLuding),
                             {}, {}, 200};
      }};
  rules["GET /api/v1/audit"] = {
      [](const RoleUser& u) {
        return MatrixRequest{"/api/v1/audit?under=" + u.village, {}, {}, 200};
      },
      [](const RoleUser&) {
        return MatrixRequest{"/api/v1/audit?under=" + std::string(kLuding), {}, {}, 200};
      }};
}

}  // namespace jiceng::apitest
