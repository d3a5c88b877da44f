// The authorization matrix's rule for the one search box (GET /api/v1/search):
// any signed-in user; members found only inside the caller's area.
// How to build each route's request inside and outside a role's area: see auth_matrix.h.
#include "auth_matrix.h"

namespace jiceng::apitest {

void AuthApi::SearchRules(MatrixRules& rules) {
  const std::string outside_name = luding_member_.second;
  rules["GET /api/v1/search"] = {
      [](const RoleUser& u) {
        MatrixRequest m{"/api/v1/search?limit=20&q=" + UrlEncode(u.member_name), {}, {}, 200};
        m.must_contain = "\"name\":\"" + u.member_name + "\"";
        return m;
      },
      [outside_name](const RoleUser&) {
        MatrixRequest m{"/api/v1/search?limit=20&q=" + UrlEncode(outside_name), {}, {}, 200};
        m.must_not_contain = "\"name\":\"" + outside_name + "\"";
        return m;
      }};
}

}  // namespace jiceng::apitest
