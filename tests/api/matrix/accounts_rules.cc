// The authorization matrix's rules for signing in, oneself, accounts and roles.
// How to build each route's request inside and outside a role's area: see auth_matrix.h.
#include "auth_matrix.h"

namespace jiceng::apitest {

void AuthApi::AccountRules(MatrixRules& rules) {
  const std::string outside_village = luding_village_;
  const std::string outside_user = outside_.first;

  // -- public ----------------------------------------------------------
  rules["GET /healthz"] = {[](const RoleUser&) { return MatrixRequest{"/healthz", {}, {}, 200}; },
                           {}};
  rules["GET /readyz"] = {[](const RoleUser&) { return MatrixRequest{"/readyz", {}, {}, 200}; },
                          {}};
  // Public, but only to --metrics-allow addresses (loopback by default:
  // the matrix's requests come from there).
  rules["GET /metrics"] = {[](const RoleUser&) { return MatrixRequest{"/metrics", {}, {}, 200}; },
                           {}};
  // An empty body: the handler's own validation answers (400), which
  // shows the guard let the request through without creating sessions
  // or counting failed sign-ins.
  rules["POST /api/v1/session"] = {
      [](const RoleUser&) { return MatrixRequest{"/api/v1/session", json::object(), {}, 400}; },
      {}};

  // -- any signed-in user, about themselves ------------------------------
  rules["GET /api/v1/session"] = {
      [](const RoleUser& u) {
        MatrixRequest m{"/api/v1/session", {}, {}, 200};
        m.must_contain = "\"" + u.username + "\"";
        return m;
      },
      {}};
  rules["DELETE /api/v1/session"] = {[this](const RoleUser& u) {
                                       // Sign out a throwaway session, not the matrix's own.
                                       Session fresh = FreshSession(u);
                                       MatrixRequest m{"/api/v1/session", {}, fresh.AuthHeaders(),
                                                       204};
                                       m.after = [this, fresh](const HttpResponse&, bool allowed) {
                                         ExpectSessionAlive(fresh, !allowed);
                                       };
                                       return m;
                                     },
                                     {}};
  rules["GET /api/v1/sessions"] = {[](const RoleUser&) {
                                     MatrixRequest m{"/api/v1/sessions", {}, {}, 200};
                                     m.must_contain = "\"current\":true";
                                     return m;
                                   },
                                   {}};
  rules["DELETE /api/v1/sessions/:id"] = {
      [this](const RoleUser& u) {
        Session fresh = FreshSession(u);
        MatrixRequest m{"/api/v1/sessions/" + SessionId(fresh), {}, {}, 204};
        m.after = [this, fresh](const HttpResponse&, bool allowed) {
          ExpectSessionAlive(fresh, !allowed);
        };
        return m;
      },
      {}};
  rules["GET /api/v1/tokens"] = {
      [](const RoleUser&) { return MatrixRequest{"/api/v1/tokens", {}, {}, 200}; }, {}};
  rules["POST /api/v1/tokens"] = {[](const RoleUser&) {
                                    return MatrixRequest{"/api/v1/tokens",
                                                         json{{"name", Unique("矩阵令牌")}}, {},
                                                         201};
                                  },
                                  {}};
  rules["DELETE /api/v1/tokens/:id"] = {
      [this](const RoleUser& u) {
        HttpResponse t = Http(port(), u.session.AuthHeaders())
                             .PostJson("/api/v1/tokens", {{"name", Unique("一次性令牌")}});
        EXPECT_EQ(t.status, 201) << t;
        const std::string secret = t.json.value("secret", "");
        MatrixRequest m{"/api/v1/tokens/" + IdOf(t.json.value("token", json::object())), {}, {},
                        204};
        m.after = [this, secret](const HttpResponse&, bool allowed) {
          HttpResponse use =
              Http(port(), {{"Authorization", "Bearer " + secret}}).Get("/api/v1/session");
          if (allowed) {
            ExpectUnauthenticated(use);
          } else {
            EXPECT_EQ(use.status, 200) << "the token should still work" << use;
          }
        };
        return m;
      },
      {}};
  // A wrong current password: the handler's validation answers, and the
  // user's password stays what the matrix signs in with.
  rules["POST /api/v1/me/password"] = {
      [](const RoleUser&) {
        MatrixRequest m{"/api/v1/me/password",
                        json{{"current_password", "Not-The-Passw0rd"},
                             {"new_password", "Another-Passw0rd!"}},
                        {},
                        400};
        m.must_contain = "current_password";
        return m;
      },
      {}};
  rules["GET /api/v1/roles"] = {[](const RoleUser&) {
                                  MatrixRequest m{"/api/v1/roles", {}, {}, 200};
                                  m.must_contain = "system_admin";
                                  return m;
                                },
                                {}};

  // -- users -------------------------------------------------------------
  // The list is not scoped to one unit: it shows what lies in the
  // caller's area. Outside: looking for the Luding account finds nothing.
  rules["GET /api/v1/users"] = {
      [](const RoleUser& u) {
        MatrixRequest m{"/api/v1/users?q=" + u.target_username, {}, {}, 200};
        m.must_contain = "\"" + u.target_username + "\"";
        return m;
      },
      [this](const RoleUser&) {
        MatrixRequest m{"/api/v1/users?q=" + outside_.second, {}, {}, 200};
        m.must_not_contain = "\"" + outside_.second + "\"";
        return m;
      }};
  rules["POST /api/v1/users"] = {
      [](const RoleUser& u) {
        return MatrixRequest{"/api/v1/users",
                             json{{"username", Unique("new.in")},
                                  {"display_name", "矩阵新账号"},
                                  {"unit_code", u.village},
                                  {"password", kPassword}},
                             {},
                             201};
      },
      [outside_village](const RoleUser&) {
        return MatrixRequest{"/api/v1/users",
                             json{{"username", Unique("new.out")},
                                  {"display_name", "矩阵新账号"},
                                  {"unit_code", outside_village},
                                  {"password", kPassword}},
                             {},
                             201};
      }};
  rules["GET /api/v1/users/:id"] = {
      [](const RoleUser& u) {
        MatrixRequest m{UserPath(u.target_user_id), {}, {}, 200};
        m.must_contain = "\"" + u.target_username + "\"";
        return m;
      },
      [outside_user](const RoleUser&) {
        return MatrixRequest{UserPath(outside_user), {}, {}, 200};
      }};
  // A new display name: harmless to the target accounts, which exist only
  // to be acted on.
  rules["PATCH /api/v1/users/:id"] = {
      [](const RoleUser& u) {
        return MatrixRequest{UserPath(u.target_user_id), json{{"display_name", Unique("改名")}},
                             {}, 200};
      },
      [outside_user](const RoleUser&) {
        return MatrixRequest{UserPath(outside_user), json{{"display_name", Unique("改名")}}, {},
                             200};
      }};
  // The target accounts never sign in, so resetting their password (and
  // ending their sessions) disturbs nothing.
  rules["POST /api/v1/users/:id/password"] = {
      [](const RoleUser& u) {
        return MatrixRequest{UserPath(u.target_user_id) + "/password",
                             json{{"password", Unique("Reset-Passw0rd-")}}, {}, 204};
      },
      [outside_user](const RoleUser&) {
        return MatrixRequest{UserPath(outside_user) + "/password",
                             json{{"password", Unique("Reset-Passw0rd-")}}, {}, 204};
      }};
  // Granting "work_team" on the village; a grant made is taken back at once
  // so that the next user's grant is not a duplicate.
  auto grant_rule = [this](const std::string& user_id, const std::string& unit) {
    MatrixRequest m{UserPath(user_id) + "/roles", json{{"role", "work_team"}, {"unit_code", unit}},
                    {}, 201};
    m.after = [this, user_id](const HttpResponse& r, bool) {
      if (r.status == 201) RevokeAsAdmin(user_id, IdOf(r.json.value("role", json::object())));
    };
    return m;
  };
  rules["POST /api/v1/users/:id/roles"] = {
      [grant_rule](const RoleUser& u) { return grant_rule(u.target_user_id, u.village); },
      [grant_rule, outside_user, outside_village](const RoleUser&) {
        return grant_rule(outside_user, outside_village);
      }};
  // Revoking a grant the administrator made just for this request.
  auto revoke_rule = [this](const std::string& user_id, const std::string& unit) {
    const std::string grant = ThrowawayGrant(user_id, unit);
    MatrixRequest m{UserPath(user_id) + "/roles/" + grant, {}, {}, 204};
    m.after = [this, user_id, grant](const HttpResponse&, bool allowed) {
      if (!allowed) RevokeAsAdmin(user_id, grant);  // else it is gone already
    };
    return m;
  };
  rules["DELETE /api/v1/users/:id/roles/:grant_id"] = {
      [revoke_rule](const RoleUser& u) { return revoke_rule(u.target_user_id, u.village); },
      [revoke_rule, outside_user, outside_village](const RoleUser&) {
        return revoke_rule(outside_user, outside_village);
      }};
}

}  // namespace jiceng::apitest
