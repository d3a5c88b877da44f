// Black-box tests of signing in and of who may do what where:
//
//  * the authorization matrix: every route the server has (read from
//    `jiceng routes`, the same table the server dispatches on) x every role
//    of definitions/roles.yaml x {inside the role's area, outside it,
//    anonymous}. A route without a rule in kRules' table FAILS the test, so a
//    new endpoint cannot ship without saying who may call it;
//  * lockout after failed sign-ins, idle and absolute session expiry, CSRF,
//    sign-out, ending other sessions, API tokens narrowed to a unit,
//    changing one's own password;
//  * the audit log: scoped reading, no personal data in it, and
//    `jiceng audit verify` finding an edited or deleted entry;
//  * security headers and no internals (SQL, stack traces) on errors.
//
// The area: 波密县 (Bomi county, 540424) and its town 扎木镇 (Zhamu,
// 540424100); "outside" is 泸定县 (Luding county, 513322).
#include "auth_matrix.h"

namespace jiceng::apitest {
namespace {

// ---------------------------------------------------------------------------
// The authorization matrix

TEST_F(AuthApi, EveryRouteEveryRoleInsideOutsideAndAnonymous) {
  const std::map<std::string, MatrixRule> rules = Rules();

  // The permission ids the roles file knows.
  std::set<std::string> known_permissions;
  for (const json& p : roles_.value("permissions", json::array())) {
    known_permissions.insert(p.value("id", ""));
  }
  ASSERT_FALSE(known_permissions.empty()) << roles_.dump();
  std::set<std::string> roles_listed;
  for (const json& r : roles_["items"]) roles_listed.insert(r.value("id", ""));
  std::set<std::string> roles_tested;
  for (const RoleUser& u : role_users_) roles_tested.insert(u.role);
  EXPECT_EQ(roles_listed, roles_tested)
      << "the matrix needs a user for every role of definitions/roles.yaml";

  std::set<std::string> served;
  int requests = 0;
  for (const json& route : routes_) {
    const std::string method = route.value("method", "");
    const std::string pattern = route.value("pattern", "");
    const std::string permission = route.value("permission", "");
    const bool scoped = route.value("scoped", false);
    const std::string key = method + " " + pattern;
    served.insert(key);
    SCOPED_TRACE(key + " (" + permission + (scoped ? ", scoped" : "") + ")");

    const bool is_public = permission == "public";
    const bool any_signed_in = permission == "signed_in";
    EXPECT_TRUE(is_public || any_signed_in || known_permissions.count(permission))
        << "route " << key << " needs the permission \"" << permission
        << "\", which no role of GET /api/v1/roles knows";

    auto rule_it = rules.find(key);
    if (rule_it == rules.end()) {
      ADD_FAILURE() << "route " << key << " has no rule in the authorization matrix test "
                    << "(tests/api/auth_api_test.cc, AuthApi::Rules): say how to call it "
                    << "inside and outside a user's area";
      continue;
    }
    const MatrixRule& rule = rule_it->second;
    if (scoped) {
      EXPECT_TRUE(static_cast<bool>(rule.outside))
          << "route " << key << " is scoped to a unit, so its rule must say how to point it "
          << "outside the user's area";
    }
    EXPECT_FALSE(scoped && (is_public || any_signed_in))
        << "a public or signed_in route cannot be scoped";

    // Anonymous, with the request the nationwide administrator would send.
    {
      SCOPED_TRACE("anonymous");
      const MatrixRequest m = rule.inside(User("system_admin"));
      HttpResponse r = Send(method, m, {});
      ++requests;
      Check(r, m, /*allowed=*/is_public, /*anonymous=*/true, /*nationwide=*/false);
    }

    for (const RoleUser& u : role_users_) {
      const bool holds = is_public || any_signed_in || u.permissions.count(permission) > 0;
      {
        SCOPED_TRACE(u.role + " inside (" + u.village + ")");
        const MatrixRequest m = rule.inside(u);
        HttpResponse r = Send(method, m, m.credentials.value_or(u.session.AuthHeaders()));
        ++requests;
        Check(r, m, holds, false, u.nationwide());
      }
      if (rule.outside) {
        SCOPED_TRACE(u.role + " outside (泸定县)");
        const MatrixRequest m = rule.outside(u);
        // Scoped: refused unless the user's area is the whole country.
        // Unscoped lists: answered, without what lies outside.
        const bool allowed = holds && (!scoped || u.nationwide());
        HttpResponse r = Send(method, m, m.credentials.value_or(u.session.AuthHeaders()));
        ++requests;
        Check(r, m, allowed, false, u.nationwide());
      }
    }
  }
  for (const auto& [key, rule] : rules) {
    EXPECT_TRUE(served.count(key))
        << "the matrix has a rule for " << key << ", which the server no longer serves "
        << "(`jiceng routes`): remove or rename the rule";
  }
  std::cout << "[ api_test ] authorization matrix: " << served.size() << " routes x "
            << role_users_.size() << " roles, " << requests << " requests\n";
}

// The route table the CLI prints is the one the server serves: every route
// answers something other than 404/405 for the administrator.
TEST_F(AuthApi, TheRouteTableIsWhatTheServerServes) {
  ASSERT_TRUE(routes_.is_array());
  std::map<std::string, std::set<std::string>> methods;  // pattern -> methods served
  for (const json& route : routes_) {
    methods[route.value("pattern", "")].insert(route.value("method", ""));
  }
  for (const json& route : routes_) {
    const std::string method = route.value("method", "");
    std::string target = route.value("pattern", "");
    // A method the path does not take: a path the server serves answers
    // 405 with an Allow header listing the route's method; one it does
    // not serve at all, 404.
    std::string other;
    for (const char* m : {"PUT", "PATCH", "DELETE", "POST", "GET"}) {
      if (!methods[route.value("pattern", "")].count(m)) {
        other = m;
        break;
      }
    }
    ASSERT_FALSE(other.empty());
    for (const char* param : {":code", ":grant_id", ":id"}) {
      for (std::size_t p = target.find(param); p != std::string::npos; p = target.find(param)) {
        target.replace(p, std::string(param).size(), std::string(param) == ":code" ? kBomi : "1");
      }
    }
    SCOPED_TRACE(method + " " + target);
    HttpResponse wrong = Anonymous().Request(other, target, std::nullopt, {});
    EXPECT_EQ(wrong.status, 405) << "the server does not serve this path" << wrong;
    EXPECT_NE(wrong.Header("Allow").value_or("").find(method), std::string::npos) << wrong;
  }
}

// Which side of a transfer may do what: the receiving side confirms or
// rejects, the sending side cancels — each only within its own area.
TEST_F(AuthApi, TransfersAreDecidedByTheReceivingSideAndCancelledByTheSendingSide) {
  Http org(port(), User("org_department").session.AuthHeaders());  // 波密县
  auto transfer = [&](Http& client, const std::string& member, const std::string& to) {
    return client.PostJson("/api/v1/transfers",
                           {{"member_id", std::stoll(member)}, {"to_org_id", std::stoll(to)}});
  };

  // Incoming, from Luding (requested by the administrator).
  const std::string incoming_member = ThrowawayMember(luding_org_);
  HttpResponse incoming = transfer(http(), incoming_member, org1_);
  ASSERT_EQ(incoming.status, 201) << incoming;
  const std::string in_id = IdOf(incoming.json["transfer"]);
  // Outgoing, to Luding: the sending side may ask for it.
  const std::string outgoing_member = ThrowawayMember(org1_);
  HttpResponse outgoing = transfer(org, outgoing_member, luding_org_);
  ASSERT_EQ(outgoing.status, 201) << outgoing;
  const std::string out_id = IdOf(outgoing.json["transfer"]);
  // ... but not for someone else's member, who answers as a missing one.
  ExpectError(transfer(org, ThrowawayMember(luding_org_), org1_), 404, "not_found", "id");

  // Both are listed for 波密县.
  HttpResponse list = org.Get("/api/v1/transfers?status=pending");
  ASSERT_EQ(list.status, 200) << list;
  EXPECT_NE(list.body.find("\"id\":" + in_id + ","), std::string::npos) << list;
  EXPECT_NE(list.body.find("\"id\":" + out_id + ","), std::string::npos) << list;

  const std::string base = "/api/v1/transfers/";
  // Incoming: not ours to cancel; ours to confirm.
  ExpectError(org.PostJson(base + in_id + "/cancel", json::object()), 403, "permission_denied", "");
  // Outgoing: not ours to confirm or reject; ours to cancel.
  ExpectError(org.PostJson(base + out_id + "/confirm", json::object()), 403, "permission_denied", "");
  ExpectError(org.PostJson(base + out_id + "/reject", {{"reason", "不收"}}), 403, "permission_denied",
              "");
  HttpResponse confirmed = org.PostJson(base + in_id + "/confirm", json::object());
  EXPECT_EQ(confirmed.status, 200) << confirmed;
  EXPECT_EQ(confirmed.json["transfer"].value("status", ""), "confirmed") << confirmed;
  HttpResponse cancelled = org.PostJson(base + out_id + "/cancel", json::object());
  EXPECT_EQ(cancelled.status, 200) << cancelled;
  EXPECT_EQ(cancelled.json["transfer"].value("status", ""), "cancelled") << cancelled;

  // The confirmed member now belongs to 波密县; the other one never left.
  EXPECT_EQ(org.Get("/api/v1/members/" + incoming_member).status, 200);
  EXPECT_EQ(org.Get("/api/v1/members/" + outgoing_member).status, 200);
}

// ---------------------------------------------------------------------------
// Nobody reaches further than their own grants: not by taking over a more
// powerful account, not by minting a wider token (both found by this suite
// and fixed in the server).

// A county's org_department must not reset the password of (or disable) an
// account homed in the county that holds a NATIONWIDE role: account writes
// need the acting user to hold every permission of the target's grants.
TEST_F(AuthApi, ACountyCannotTakeOverANationwideAccountHomedInIt) {
  std::string why;
  const std::string id = CreateUser(http(), Unique("nation.homed"), village1_, &why);
  ASSERT_TRUE(why.empty()) << why;
  HttpResponse grant = http().PostJson(UserPath(id) + "/roles", {{"role", "system_admin"}});
  ASSERT_EQ(grant.status, 201) << grant;
  Http org(port(), User("org_department").session.AuthHeaders());  // 波密县 only
  ExpectError(org.PostJson(UserPath(id) + "/password", {{"password", "Taken-Over-Passw0rd"}}), 403,
              "permission_denied", "");
  ExpectError(org.PatchJson(UserPath(id), {{"enabled", false}}), 403, "permission_denied", "");
}

// A token narrowed to a village must not create a token without that
// narrowing (which would reach the whole county of its user).
TEST_F(AuthApi, ANarrowedTokenCannotMintAWiderOne) {
  Http session(port(), User("org_department").session.AuthHeaders());
  HttpResponse narrow =
      session.PostJson("/api/v1/tokens", {{"name", "只限本村"}, {"unit_code", village1_}});
  ASSERT_EQ(narrow.status, 201) << narrow;
  Http bearer(port(), {{"Authorization", "Bearer " + narrow.json.value("secret", "")}});
  ExpectError(bearer.Get(UnitPath(kBomi)), 403, "permission_denied", "");
  for (const json& body : {json{{"name", "更宽的令牌"}}, json{{"name", "全县令牌"}, {"unit_code", kBomi}}}) {
    SCOPED_TRACE(body.dump());
    HttpResponse minted = bearer.PostJson("/api/v1/tokens", body);
    if (minted.status != 201) {
      EXPECT_EQ(minted.status, 403) << minted;
      continue;
    }
    Http wider(port(), {{"Authorization", "Bearer " + minted.json.value("secret", "")}});
    ExpectError(wider.Get(UnitPath(kBomi)), 403, "permission_denied", "");
  }
}

// ---------------------------------------------------------------------------
// Signing in: the answer, lockout

TEST_F(AuthApi, SignInSetsAStrictHttpOnlyCookieAndReturnsTheCsrfToken) {
  Http anonymous = Anonymous();
  HttpResponse r = anonymous.PostJson("/api/v1/session",
                                      {{"username", "r.township_staff"}, {"password", kPassword}});
  ASSERT_EQ(r.status, 200) << r;
  ExpectSecurityHeaders(r);
  const std::string cookie = r.Header("Set-Cookie").value_or("");
  EXPECT_TRUE(StartsWith(cookie, std::string(kSessionCookieName) + "=")) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
  ASSERT_TRUE(r.json.contains("user")) << r;
  EXPECT_EQ(r.json["user"].value("username", ""), "r.township_staff") << r;
  ASSERT_TRUE(r.json["user"].contains("permissions") && r.json["user"]["permissions"].is_array())
      << r;
  std::set<std::string> permissions;
  for (const json& p : r.json["user"]["permissions"]) permissions.insert(p.get<std::string>());
  EXPECT_EQ(permissions, User("township_staff").permissions) << r;
  EXPECT_FALSE(r.json.value("csrf_token", "").empty()) << r;
  EXPECT_TRUE(ParseIso(r.json.value("expires_at", "")).has_value()) << r;
  EXPECT_TRUE(r.json.contains("idle_timeout_seconds") &&
              r.json["idle_timeout_seconds"].is_number_integer())
      << r;
  // The cookie value is not in the body, and the password nowhere.
  const std::string token = SetCookieValue(r, kSessionCookieName).value_or("");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(r.body.find(token), std::string::npos) << r;
  EXPECT_EQ(r.body.find(kPassword), std::string::npos) << r;
  EXPECT_NE(r.json.value("csrf_token", ""), token);

  // Usernames are not case-sensitive.
  HttpResponse upper = anonymous.PostJson(
      "/api/v1/session", {{"username", "R.Township_Staff"}, {"password", kPassword}});
  EXPECT_EQ(upper.status, 200) << upper;
}

TEST_F(AuthApi, FiveFailuresLockTheAccountEvenForTheRightPassword) {
  Http anonymous = Anonymous();
  auto attempt = [&](const std::string& user, const std::string& password,
                     const std::string& lang) {
    return anonymous.PostJson("/api/v1/session", {{"username", user}, {"password", password}},
                              {{"Accept-Language", lang}});
  };
  // The messages of a wrong password, per language.
  std::map<std::string, std::string> wrong_password;
  for (int i = 0; i < 5; ++i) {
    const std::string lang = i % 2 == 0 ? "zh-CN" : "en";
    HttpResponse r = attempt("lock.user", "Wrong-Passw0rd-" + std::to_string(i), lang);
    ExpectUnauthenticated(r);
    ExpectSecurityHeaders(r);
    ExpectNoInternals(r);
    EXPECT_FALSE(r.Header("Set-Cookie").has_value()) << r;
    if (wrong_password.count(lang)) {
      EXPECT_EQ(r.ErrorMessage(), wrong_password[lang]) << r;
    }
    wrong_password[lang] = r.ErrorMessage();
  }
  EXPECT_TRUE(ContainsCjk(wrong_password["zh-CN"])) << wrong_password["zh-CN"];
  EXPECT_FALSE(ContainsCjk(wrong_password["en"])) << wrong_password["en"];

  // Locked: even the right password is refused, with a time to wait.
  HttpResponse locked = attempt("lock.user", kPassword, "en");
  ExpectError(locked, 429, "too_many_requests", "");
  ExpectSecurityHeaders(locked);
  ExpectNoInternals(locked);
  EXPECT_FALSE(locked.Header("Set-Cookie").has_value()) << locked;
  const std::string retry_after = locked.Header("Retry-After").value_or("");
  ASSERT_FALSE(retry_after.empty()) << "429 without Retry-After" << locked;
  ASSERT_TRUE(std::all_of(retry_after.begin(), retry_after.end(),
                          [](unsigned char c) { return std::isdigit(c); }))
      << "Retry-After should be seconds: " << retry_after;
  EXPECT_GE(std::stoll(retry_after), 1) << locked;
  EXPECT_LE(std::stoll(retry_after), 3600) << locked;
  // ... in Chinese too.
  HttpResponse locked_zh = attempt("lock.user", kPassword, "zh-CN");
  ExpectError(locked_zh, 429, "too_many_requests", "");
  EXPECT_TRUE(ContainsCjk(locked_zh.ErrorMessage())) << locked_zh;

  // An unknown username cannot be told from a wrong password: same status,
  // code and message in both languages, and it is locked the same way.
  for (int i = 0; i < 5; ++i) {
    const std::string lang = i % 2 == 0 ? "zh-CN" : "en";
    HttpResponse r = attempt("ghost.user", "Wrong-Passw0rd-" + std::to_string(i), lang);
    ExpectUnauthenticated(r);
    EXPECT_EQ(r.ErrorMessage(), wrong_password[lang])
        << "an unknown user must get the same message as a wrong password" << r;
    EXPECT_EQ(r.ErrorField(), "") << r;
  }
  HttpResponse ghost_locked = attempt("ghost.user", "Wrong-Passw0rd-5", "en");
  ExpectError(ghost_locked, 429, "too_many_requests", "");
  EXPECT_EQ(ghost_locked.ErrorMessage(), locked.ErrorMessage()) << ghost_locked;
  EXPECT_TRUE(ghost_locked.Header("Retry-After").has_value()) << ghost_locked;

  // The lock is per account: others still sign in from the same address.
  std::string why;
  EXPECT_TRUE(SignIn(port(), "r.auditor", kPassword, &why).has_value()) << why;
  // ... and a session the locked user already had is not the lock's business;
  // the lock does not hand out sessions either.
  HttpResponse still_locked = attempt("lock.user", kPassword, "en");
  EXPECT_EQ(still_locked.status, 429) << still_locked;
}

// ---------------------------------------------------------------------------
// Session expiry (servers of their own, with short timeouts)

// The server's time is set through its test clock (--clock-file), so the
// production timeouts (idle 2 h, absolute 12 h) are tested without waiting.
TEST_F(AuthApi, IdleSessionsEndAfterTheIdleTimeoutAndBusyOnesDoNot) {
  TestClock clock(TestDir() / "auth_idle.clock", "2026-12-02T01:00:00Z");
  std::string why;
  std::unique_ptr<TestServer> server = StartSuiteServer("auth_idle", &why, clock.ServeArgs());
  ASSERT_NE(server, nullptr) << why;
  const int port = server->port();
  std::optional<Session> idle = SignIn(port, AdminUsername(), AdminPassword(), &why);
  std::optional<Session> busy = SignIn(port, AdminUsername(), AdminPassword(), &why);
  std::optional<Session> edge = SignIn(port, AdminUsername(), AdminPassword(), &why);
  ASSERT_TRUE(idle && busy && edge) << why;
  EXPECT_EQ(idle->body.value("idle_timeout_seconds", -1), 2 * 3600) << idle->body.dump();
  EXPECT_EQ(idle->body.value("expires_at", ""), "2026-12-02T13:00:00Z") << idle->body.dump();
  EXPECT_EQ(Http(port, idle->AuthHeaders()).Get("/api/v1/session").status, 200);

  auto use = [&](const Session& session, const char* what) {
    HttpResponse r = Http(port, session.AuthHeaders()).Get("/api/v1/units/540424");
    EXPECT_EQ(r.status, 200) << what << " must still be open at " << clock.Now() << r;
  };
  // A session used every 20 minutes stays open.
  for (int i = 0; i < 5; ++i) {  // until 02:40
    clock.Advance(std::chrono::minutes(20));
    use(*busy, "a session in use");
  }
  // One second short of two idle hours a session is still open ...
  clock.Set("2026-12-02T02:59:59Z");
  use(*edge, "a session idle for 1:59:59");
  // ... and at two hours it has ended.
  clock.Set("2026-12-02T03:00:00Z");
  HttpResponse expired = Http(port, idle->AuthHeaders()).Get("/api/v1/units/540424");
  ExpectUnauthenticated(expired);
  ExpectSecurityHeaders(expired);
  // Ended for writes and for the session itself too, and it stays ended.
  ExpectUnauthenticated(Http(port, idle->AuthHeaders()).Get("/api/v1/session"));
  ExpectUnauthenticated(Http(port, idle->AuthHeaders()).PostJson("/api/v1/tokens", {{"name", "after idle"}}));
  use(*busy, "a session in use");
  for (int i = 0; i < 3; ++i) {  // until 04:00
    clock.Advance(std::chrono::minutes(20));
    use(*busy, "a session in use");
    ExpectUnauthenticated(Http(port, idle->AuthHeaders()).Get("/api/v1/session"));
  }
  // `edge`, used at 02:59:59, is open until 04:59:59.
  clock.Set("2026-12-02T04:59:58Z");
  use(*edge, "a session idle for 1:59:59");
  clock.Set("2026-12-02T07:00:00Z");
  ExpectUnauthenticated(Http(port, edge->AuthHeaders()).Get("/api/v1/session"));
  ExpectUnauthenticated(Http(port, busy->AuthHeaders()).Get("/api/v1/session"));
}

TEST_F(AuthApi, BusySessionsStillEndAtTheirAbsoluteExpiry) {
  TestClock clock(TestDir() / "auth_max.clock", "2026-12-02T01:00:00Z");
  std::string why;
  std::unique_ptr<TestServer> server = StartSuiteServer("auth_max", &why, clock.ServeArgs());
  ASSERT_NE(server, nullptr) << why;
  const int port = server->port();
  std::optional<Session> s = SignIn(port, AdminUsername(), AdminPassword(), &why);
  ASSERT_TRUE(s) << why;
  // Twelve hours after signing in, whatever the use.
  EXPECT_EQ(s->body.value("expires_at", ""), "2026-12-02T13:00:00Z") << s->body.dump();
  Http client(port, s->AuthHeaders());
  for (int i = 0; i < 23; ++i) {  // every half hour until 12:30
    clock.Advance(std::chrono::minutes(30));
    HttpResponse r = client.Get("/api/v1/session");
    EXPECT_EQ(r.status, 200) << "the session ended before its expires_at (at " << clock.Now() << ")" << r;
  }
  clock.Set("2026-12-02T12:59:59Z");
  EXPECT_EQ(client.Get("/api/v1/session").status, 200) << "one second before expires_at";
  clock.Set("2026-12-02T13:00:00Z");
  HttpResponse ended = client.Get("/api/v1/session");
  ExpectUnauthenticated(ended);
  ExpectSecurityHeaders(ended);
  // Kept on: still ended.
  clock.Advance(std::chrono::minutes(1));
  ExpectUnauthenticated(client.Get("/api/v1/units/540424"));
  // A new sign-in at the new time is open again.
  std::optional<Session> again = SignIn(port, AdminUsername(), AdminPassword(), &why);
  ASSERT_TRUE(again) << why;
  EXPECT_EQ(again->body.value("expires_at", ""), "2026-12-03T01:01:00Z") << again->body.dump();
  EXPECT_EQ(Http(port, again->AuthHeaders()).Get("/api/v1/session").status, 200);
}

// ---------------------------------------------------------------------------
// CSRF

TEST_F(AuthApi, CookieWritesNeedTheSessionsCsrfToken) {
  const std::string village = village1_;
  auto children_total = [&] {
    HttpResponse r = http().Get(UnitPath(village) + "/children?include_retired=true&limit=200");
    EXPECT_EQ(r.status, 200) << r;
    return r.json.value("total", -1LL);
  };
  auto group_name = [&] {
    return http().Get(UnitPath(group1_)).json["unit"].value("name", "");
  };
  const long long before = children_total();
  const std::string name_before = group_name();

  Http cookie_only(port(), session_.CookieOnly());
  // Reading needs no token.
  EXPECT_EQ(cookie_only.Get(UnitPath(village)).status, 200);

  // Another session's token is no good either.
  std::string why;
  std::optional<Session> other = SignIn(port(), AdminUsername(), AdminPassword(), &why);
  ASSERT_TRUE(other) << why;
  ASSERT_NE(other->csrf, session_.csrf);

  const std::vector<std::pair<std::string, Headers>> bad_tokens = {
      {"no X-CSRF-Token", {}},
      {"an empty X-CSRF-Token", {{"X-CSRF-Token", ""}}},
      {"a wrong X-CSRF-Token", {{"X-CSRF-Token", session_.csrf + "x"}}},
      {"a token of the same length", {{"X-CSRF-Token", std::string(session_.csrf.size(), 'A')}}},
      {"another session's token", {{"X-CSRF-Token", other->csrf}}},
  };
  for (const auto& [what, headers] : bad_tokens) {
    SCOPED_TRACE(what);
    HttpResponse add = cookie_only.PostJson(UnitPath(village) + "/groups",
                                            {{"name", "跨站小组"}}, headers);
    ExpectError(add, 403, "csrf_failed", "");
    ExpectSecurityHeaders(add);
    ExpectNoInternals(add);
    ExpectError(cookie_only.PatchJson(UnitPath(group1_), {{"name", "跨站改名"}}, headers), 403,
                "csrf_failed", "");
    ExpectError(cookie_only.Post(UnitPath(group1_) + "/retire", "", "", headers), 403,
                "csrf_failed", "");
    ExpectError(cookie_only.PostJson("/api/v1/tokens", {{"name", "跨站令牌"}}, headers), 403,
                "csrf_failed", "");
    ExpectError(cookie_only.Request("DELETE", "/api/v1/session", std::nullopt, headers), 403,
                "csrf_failed", "");
  }
  // Nothing was written, and the session was not signed out.
  EXPECT_EQ(children_total(), before);
  EXPECT_EQ(group_name(), name_before);
  EXPECT_EQ(http().Get(UnitPath(group1_)).json["unit"].value("retired", true), false);
  EXPECT_EQ(cookie_only.Get("/api/v1/session").status, 200);

  // With the right token the same write goes through.
  HttpResponse ok = cookie_only.PostJson(UnitPath(village) + "/groups", {{"name", Unique("有令牌小组")}},
                                         {{"X-CSRF-Token", session_.csrf}});
  EXPECT_EQ(ok.status, 201) << ok;
  EXPECT_EQ(children_total(), before + 1);
}

// ---------------------------------------------------------------------------
// Signing out, sessions

TEST_F(AuthApi, SignOutEndsTheSessionAndOtherSessionsCanBeEnded) {
  std::string why;
  std::optional<Session> first = SignIn(port(), "sess.user", kPassword, &why);
  std::optional<Session> second = SignIn(port(), "sess.user", kPassword, &why);
  ASSERT_TRUE(first && second) << why;
  Http one(port(), first->AuthHeaders());
  Http two(port(), second->AuthHeaders());

  // Both are listed; the asking one is current.
  HttpResponse list = one.Get("/api/v1/sessions");
  ASSERT_EQ(list.status, 200) << list;
  ASSERT_TRUE(list.json.contains("items") && list.json["items"].is_array()) << list;
  EXPECT_EQ(list.json["items"].size(), 2u) << list;
  int current = 0;
  std::string first_id;
  for (const json& s : list.json["items"]) {
    for (const char* key : {"created_at", "last_seen_at", "expires_at", "ip", "user_agent"}) {
      EXPECT_TRUE(s.contains(key)) << key << " missing in " << s.dump();
    }
    if (s.value("current", false)) {
      ++current;
      first_id = IdOf(s);
    }
  }
  EXPECT_EQ(current, 1) << list;
  // The list holds no cookie value or CSRF token.
  EXPECT_EQ(list.body.find(first->token), std::string::npos) << list;
  EXPECT_EQ(list.body.find(second->token), std::string::npos) << list;
  EXPECT_EQ(list.body.find(second->csrf), std::string::npos) << list;

  std::string second_id;
  HttpResponse seen_by_two = two.Get("/api/v1/sessions");
  for (const json& s : seen_by_two.json["items"]) {
    if (s.value("current", false)) second_id = IdOf(s);
  }
  ASSERT_FALSE(second_id.empty());
  ASSERT_NE(first_id, second_id);

  // Someone else's session cannot be ended (nor told apart from none).
  std::string admin_session_id;
  HttpResponse admins = http().Get("/api/v1/sessions");
  for (const json& s : admins.json["items"]) {
    if (s.value("current", false)) admin_session_id = IdOf(s);
  }
  ASSERT_FALSE(admin_session_id.empty());
  ExpectError(one.Delete("/api/v1/sessions/" + admin_session_id), 404, "not_found", "");
  EXPECT_EQ(http().Get("/api/v1/session").status, 200) << "the administrator was signed out";

  // Ending the other session: its cookie stops working, this one does not.
  HttpResponse ended = one.Delete("/api/v1/sessions/" + second_id);
  EXPECT_EQ(ended.status, 204) << ended;
  ExpectUnauthenticated(two.Get("/api/v1/session"));
  ExpectUnauthenticated(two.Get(UnitPath(village1_)));
  EXPECT_EQ(one.Get("/api/v1/session").status, 200);
  HttpResponse after = one.Get("/api/v1/sessions");
  EXPECT_EQ(after.json["items"].size(), 1u) << after;
  ExpectError(one.Delete("/api/v1/sessions/" + second_id), 404, "not_found", "");

  // Signing out: the cookie is cleared and the old value is dead.
  HttpResponse out = one.Delete("/api/v1/session");
  EXPECT_EQ(out.status, 204) << out;
  const std::string cleared = out.Header("Set-Cookie").value_or("");
  EXPECT_TRUE(StartsWith(cleared, std::string(kSessionCookieName) + "=;") ||
              cleared.find("Max-Age=0") != std::string::npos)
      << "sign-out should clear the cookie: " << cleared;
  ExpectUnauthenticated(one.Get("/api/v1/session"));
  ExpectUnauthenticated(one.Get(UnitPath(village1_)));
  ExpectUnauthenticated(one.Delete("/api/v1/session"));
}

// ---------------------------------------------------------------------------
// API tokens

TEST_F(AuthApi, ApiTokensAreShownOnceNeedNoCsrfAndAreNarrowedToTheirUnit) {
  const RoleUser& org = User("org_department");  // org_department on 波密县
  Http session(port(), org.session.AuthHeaders());

  // A token narrowed to one village.
  HttpResponse created =
      session.PostJson("/api/v1/tokens", {{"name", "同步脚本"}, {"unit_code", village1_}});
  ASSERT_EQ(created.status, 201) << created;
  const std::string secret = created.json.value("secret", "");
  ASSERT_TRUE(StartsWith(secret, "jct_")) << created;
  ASSERT_TRUE(created.json.contains("token")) << created;
  const json token = created.json["token"];
  const std::string id = IdOf(token);
  ASSERT_FALSE(id.empty()) << created;
  EXPECT_EQ(token.value("name", ""), "同步脚本");
  EXPECT_EQ(token.value("unit_code", ""), village1_);
  EXPECT_TRUE(StartsWith(secret, token.value("prefix", "?"))) << created;
  EXPECT_LT(token.value("prefix", "").size(), secret.size() / 2) << "the prefix gives away too much";
  EXPECT_TRUE(token["last_used_at"].is_null()) << created;

  // The secret is never shown again.
  auto listed = [&]() -> json {
    HttpResponse r = session.Get("/api/v1/tokens");
    EXPECT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.body.find(secret), std::string::npos) << "GET /api/v1/tokens shows the secret" << r;
    for (const json& t : r.json.value("items", json::array())) {
      EXPECT_FALSE(t.contains("secret")) << t.dump();
      if (IdOf(t) == id) return t;
    }
    return json();
  };
  ASSERT_TRUE(listed().is_object()) << "the new token is not listed";

  Http bearer(port(), {{"Authorization", "Bearer " + secret}});
  // Its own village, reading and writing, without any CSRF token.
  EXPECT_EQ(bearer.Get(UnitPath(village1_)).status, 200);
  HttpResponse added = bearer.PostJson(UnitPath(village1_) + "/groups", {{"name", Unique("令牌小组")}});
  EXPECT_EQ(added.status, 201) << added;
  // Not the sibling village, nor the town or county above — though the
  // token's user (org_department on all of 波密县) may.
  for (const std::string& code : {village2_, std::string(kZhamu), std::string(kBomi)}) {
    SCOPED_TRACE(code);
    ExpectError(bearer.Get(UnitPath(code)), 403, "permission_denied", "");
    EXPECT_EQ(session.Get(UnitPath(code)).status, 200);
  }
  ExpectError(bearer.PostJson(UnitPath(village2_) + "/groups", {{"name", Unique("越界小组")}}), 403,
              "permission_denied", "");
  // The user list shows only the token's village.
  HttpResponse users = bearer.Get("/api/v1/users?q=target.in");
  EXPECT_EQ(users.status, 200) << users;
  EXPECT_NE(users.body.find("\"target.in1\""), std::string::npos) << users;
  EXPECT_EQ(users.body.find("\"target.in2\""), std::string::npos) << users;

  // Used: last_used_at is set.
  const json after_use = listed();
  ASSERT_TRUE(after_use.is_object());
  EXPECT_TRUE(after_use["last_used_at"].is_string() &&
              ParseIso(after_use["last_used_at"].get<std::string>()).has_value())
      << after_use.dump();

  // A token cannot reach further than its user.
  ExpectError(session.PostJson("/api/v1/tokens", {{"name", "越界令牌"}, {"unit_code", luding_village_}}),
              403, "permission_denied", "unit_code");

  // Garbage and look-alike tokens are refused.
  for (const std::string& bad : {std::string("jct_nonsense"), secret + "x", std::string("not-a-token"),
                                 secret.substr(0, secret.size() - 1)}) {
    HttpResponse r = Http(port(), {{"Authorization", "Bearer " + bad}}).Get(UnitPath(village1_));
    ExpectUnauthenticated(r);
    ExpectNoInternals(r);
  }

  // Another user cannot revoke it.
  ExpectError(Http(port(), User("auditor").session.AuthHeaders()).Delete("/api/v1/tokens/" + id),
              404, "not_found", "");
  EXPECT_EQ(bearer.Get(UnitPath(village1_)).status, 200);

  // Revoked: the next use is refused, and it is no longer listed.
  HttpResponse revoked = session.Delete("/api/v1/tokens/" + id);
  EXPECT_EQ(revoked.status, 204) << revoked;
  ExpectUnauthenticated(bearer.Get(UnitPath(village1_)));
  ExpectUnauthenticated(bearer.PostJson(UnitPath(village1_) + "/groups", {{"name", Unique("撤销后")}}));
  EXPECT_TRUE(listed().is_null()) << "a revoked token is still listed";
}

TEST_F(AuthApi, AnUnnarrowedTokenActsAsItsUser) {
  std::string why;
  std::optional<Session> s = SignIn(port(), "token.free", kPassword, &why);
  ASSERT_TRUE(s) << why;
  HttpResponse created =
      Http(port(), s->AuthHeaders()).PostJson("/api/v1/tokens", {{"name", "整体令牌"}});
  ASSERT_EQ(created.status, 201) << created;
  EXPECT_TRUE(created.json["token"]["unit_code"].is_null()) << created;
  Http bearer(port(), {{"Authorization", "Bearer " + created.json.value("secret", "")}});
  HttpResponse me = bearer.Get("/api/v1/session");
  EXPECT_EQ(me.status, 200) << me;
  EXPECT_EQ(me.json["user"].value("username", ""), "token.free") << me;
  // token.free holds no role at all: a token adds nothing to its user.
  ExpectError(bearer.Get(UnitPath(village1_)), 403, "permission_denied", "");
}

// ---------------------------------------------------------------------------
// Changing one's own password

TEST_F(AuthApi, ChangingThePasswordEndsTheOtherSessionsOnly) {
  std::string why;
  std::optional<Session> here = SignIn(port(), "pw.user", kPassword, &why);
  std::optional<Session> elsewhere = SignIn(port(), "pw.user", kPassword, &why);
  ASSERT_TRUE(here && elsewhere) << why;
  Http client(port(), here->AuthHeaders());
  const std::string next = "Changed-Passw0rd!";

  HttpResponse wrong = client.PostJson(
      "/api/v1/me/password", {{"current_password", "Wrong-Passw0rd!"}, {"new_password", next}});
  ExpectError(wrong, 400, "invalid_argument", "current_password");
  ExpectNoInternals(wrong);
  // Nothing changed: both sessions work, the old password still signs in.
  EXPECT_EQ(Http(port(), elsewhere->AuthHeaders()).Get("/api/v1/session").status, 200);

  // Without the CSRF token, nothing either.
  ExpectError(Http(port(), here->CookieOnly())
                  .PostJson("/api/v1/me/password",
                            {{"current_password", kPassword}, {"new_password", next}}),
              403, "csrf_failed", "");

  HttpResponse changed = client.PostJson("/api/v1/me/password",
                                         {{"current_password", kPassword}, {"new_password", next}});
  EXPECT_EQ(changed.status, 204) << changed;
  EXPECT_EQ(client.Get("/api/v1/session").status, 200) << "the current session must go on";
  ExpectUnauthenticated(Http(port(), elsewhere->AuthHeaders()).Get("/api/v1/session"));

  ExpectUnauthenticated(Anonymous().PostJson("/api/v1/session",
                                             {{"username", "pw.user"}, {"password", kPassword}}));
  std::optional<Session> again = SignIn(port(), "pw.user", next, &why);
  EXPECT_TRUE(again.has_value()) << why;
}

// ---------------------------------------------------------------------------
// The audit log

TEST_F(AuthApi, AuditShowsWhoDidWhatWithinTheReadersArea) {
  Http auditor(port(), User("auditor").session.AuthHeaders());  // auditor on 波密县

  HttpResponse added = http().PostJson(UnitPath(village1_) + "/groups", {{"name", Unique("审计小组")}});
  ASSERT_EQ(added.status, 201) << added;
  const std::string code = added.json["unit"]["code"];

  HttpResponse log = auditor.Get("/api/v1/audit?action=units.groups.add&limit=200");
  ASSERT_EQ(log.status, 200) << log;
  json entry;
  for (const json& e : log.json["items"]) {
    if (e.value("target", "") == code) entry = e;
  }
  ASSERT_TRUE(entry.is_object()) << "no audit entry for the new group " << code << log;
  EXPECT_EQ(entry.value("action", ""), "units.groups.add") << entry.dump();
  EXPECT_EQ(entry.value("username", ""), AdminUsername()) << entry.dump();
  EXPECT_EQ(entry.value("status", 0), 201) << entry.dump();
  EXPECT_EQ(entry.value("method", ""), "POST") << entry.dump();
  EXPECT_EQ(entry.value("path", ""), UnitPath(village1_) + "/groups") << entry.dump();
  EXPECT_EQ(entry.value("result", ""), "ok") << entry.dump();
  EXPECT_TRUE(entry["unit_code"].is_string() &&
              StartsWith(entry["unit_code"].get<std::string>(), village1_))
      << entry.dump();
  EXPECT_TRUE(ParseIso(entry.value("at", "")).has_value()) << entry.dump();

  // The Luding group the fixture added is in the log, but not for an
  // auditor of 波密县.
  HttpResponse everything = http().Get("/api/v1/audit?action=units.groups.add&limit=200");
  ASSERT_EQ(everything.status, 200) << everything;
  EXPECT_NE(everything.body.find("\"" + luding_group_ + "\""), std::string::npos)
      << "the nationwide administrator should see the Luding entry" << everything;
  for (const std::string& query : {std::string("?limit=200"), std::string("?action=units.groups.add&limit=200"),
                                   "?under=" + std::string(kBomi) + "&limit=200"}) {
    HttpResponse mine = auditor.Get("/api/v1/audit" + query);
    ASSERT_EQ(mine.status, 200) << mine;
    EXPECT_GT(mine.json.value("total", 0), 0) << mine;
    for (const json& e : mine.json["items"]) {
      const std::string unit = e["unit_code"].is_string() ? e["unit_code"].get<std::string>() : "";
      EXPECT_TRUE(StartsWith(unit, kBomi)) << "an entry outside 波密县: " << e.dump();
      EXPECT_FALSE(StartsWith(e.value("target", ""), kLuding)) << e.dump();
      EXPECT_EQ(e.value("path", "").find(kLuding), std::string::npos) << e.dump();
    }
  }
  ExpectError(auditor.Get("/api/v1/audit?under=" + luding_village_), 403, "permission_denied", "");

  // Reading a person's record is audited like a write.
  HttpResponse read = auditor.Get(UserPath(phone_user_id_));
  ASSERT_EQ(read.status, 200) << read;
  EXPECT_EQ(read.json["user"].value("phone", ""), kPhone) << "the record itself shows the phone";
  HttpResponse reads = auditor.Get("/api/v1/audit?action=users.read&limit=200");
  ASSERT_EQ(reads.status, 200) << reads;
  bool found = false;
  for (const json& e : reads.json["items"]) {
    if (e.value("target", "") == "user:" + phone_user_id_ && e.value("username", "") == "r.auditor") {
      found = true;
      EXPECT_EQ(e.value("status", 0), 200) << e.dump();
      EXPECT_EQ(e.value("method", ""), "GET") << e.dump();
      EXPECT_EQ(e.value("path", ""), UserPath(phone_user_id_)) << e.dump();
    }
  }
  EXPECT_TRUE(found) << "no users.read entry for the read of user " << phone_user_id_ << reads;
  // A refused read is audited too, as refused (the guard refuses it before
  // the handler names a target: the path says whose record it was).
  // (An account outside the area answers as a missing one: ids cannot be probed.)
  ExpectError(auditor.Get(UserPath(outside_.first)), 404, "not_found", "id");
  HttpResponse refused = http().Get("/api/v1/audit?action=users.read&user=r.auditor&limit=200");
  bool refused_found = false;
  for (const json& e : refused.json["items"]) {
    if (e.value("path", "") == UserPath(outside_.first)) {
      refused_found = true;
      EXPECT_EQ(e.value("status", 0), 404) << e.dump();
      EXPECT_EQ(e.value("result", ""), "not_found") << e.dump();
    }
  }
  EXPECT_TRUE(refused_found) << refused;

  // No personal data in the log: not the phone number, not the name.
  HttpResponse listed = http().Get("/api/v1/users?q=phone.user");
  ASSERT_EQ(listed.status, 200) << listed;
  for (const std::string& query :
       {std::string("?limit=200"), "?user=" + std::string("r.auditor") + "&limit=200",
        "?under=" + village1_ + "&limit=200"}) {
    HttpResponse all = http().Get("/api/v1/audit" + query);
    ASSERT_EQ(all.status, 200) << all;
    for (const std::string& secret : {std::string(kPhone), std::string("12345678"),
                                      std::string(kPhoneUserName), kPassword}) {
      EXPECT_EQ(all.body.find(secret), std::string::npos)
          << "the audit log holds personal data (" << secret << ")" << all;
    }
  }
  HttpResponse creation = http().Get("/api/v1/audit?action=users.create&limit=200");
  EXPECT_NE(creation.body.find("\"user:" + phone_user_id_ + "\""), std::string::npos)
      << "the creation of the phone user should be in the log" << creation;
}

// A server of its own, stopped so that its database can be tampered with
// (with the engine's own shell: sqlite3 on the file, psql on PostgreSQL).
TEST_F(AuthApi, AuditVerifyFindsAnEditedOrDeletedEntry) {
  const bool pg = Engine() == "postgresql";
  const std::string shell = FindOnPath(pg ? "psql" : "sqlite3");
  ASSERT_FALSE(shell.empty()) << "this test needs the " << (pg ? "psql" : "sqlite3")
                              << " command-line shell on PATH";
  std::string why;
  std::unique_ptr<TestServer> server = StartSuiteServer("auth_audit_chain", &why);
  ASSERT_NE(server, nullptr) << why;
  std::optional<Session> s = SignIn(server->port(), AdminUsername(), AdminPassword(), &why);
  ASSERT_TRUE(s) << why;
  Http admin(server->port(), s->AuthHeaders());
  HttpResponse added = admin.PostJson(UnitPath("540424100201") + "/groups", {{"name", "链小组"}});
  ASSERT_EQ(added.status, 201) << added;
  HttpResponse audit = admin.Get("/api/v1/audit?limit=200");
  ASSERT_EQ(audit.status, 200) << audit;
  const long long total = audit.json.value("total", 0LL);
  ASSERT_GE(total, 4) << "at least: the CLI's two, the sign-in and the group" << audit;
  server->Stop();
  const std::string db = server->db();

  auto verify = [&](const std::string& url) { return RunJiceng({"audit", "verify", "--db", url}); };
  auto sql = [&](const std::string& url, const std::string& statements) {
    if (pg) return RunProgram({shell, "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", statements});
    return RunProgram({shell, url, statements});
  };
  auto drop_trigger = [&](const std::string& name) {
    return "DROP TRIGGER " + name + (pg ? " ON audit_log; " : "; ");
  };
  auto copy = [&](const std::string& name) {
    std::string copy_error;
    const std::string to = CopyDb(db, name, &copy_error);
    EXPECT_FALSE(to.empty()) << copy_error;
    return to;
  };

  // Untouched: intact, every entry counted.
  CommandResult intact = verify(db);
  EXPECT_EQ(intact.exit_code, 0) << intact;
  EXPECT_NE(intact.out.find("Audit log intact: " + std::to_string(total) + " entries"),
            std::string::npos)
      << intact;

  // The table itself refuses edits and deletions.
  CommandResult refused_update = sql(db, "UPDATE audit_log SET target='x' WHERE id=3");
  EXPECT_NE(refused_update.exit_code, 0) << refused_update;
  EXPECT_NE(refused_update.err.find("append-only"), std::string::npos) << refused_update;
  CommandResult refused_delete = sql(db, "DELETE FROM audit_log WHERE id=2");
  EXPECT_NE(refused_delete.exit_code, 0) << refused_delete;
  EXPECT_EQ(verify(db).exit_code, 0);

  // Edited behind the triggers' back: found, at that entry.
  const std::string edited = copy("auth_audit_edited");
  CommandResult edit = sql(edited, drop_trigger("audit_log_append_only_update") +
                                       "UPDATE audit_log SET target='x' WHERE id=3");
  ASSERT_EQ(edit.exit_code, 0) << edit;
  CommandResult after_edit = verify(edited);
  EXPECT_EQ(after_edit.exit_code, 1) << after_edit;
  EXPECT_NE(after_edit.out.find("Audit log verification FAILED at entry 3: the entry's fields do "
                                "not match its hash: it was edited."),
            std::string::npos)
      << after_edit;

  // Deleted: the gap is found at the entry after it, naming the missing one.
  const std::string deleted = copy("auth_audit_deleted");
  CommandResult del = sql(deleted, drop_trigger("audit_log_append_only_delete") +
                                      "DELETE FROM audit_log WHERE id=2");
  ASSERT_EQ(del.exit_code, 0) << del;
  CommandResult after_delete = verify(deleted);
  EXPECT_EQ(after_delete.exit_code, 1) << after_delete;
  EXPECT_NE(after_delete.out.find("Audit log verification FAILED at entry 3: entry 2 is missing "
                                  "(ids must be consecutive): an entry was deleted."),
            std::string::npos)
      << after_delete;

  // Deleting the newest entry leaves a chain that verifies, but with one
  // entry fewer and another head hash: why `audit verify` prints both.
  const std::string truncated = copy("auth_audit_truncated");
  CommandResult cut = sql(truncated, drop_trigger("audit_log_append_only_delete") +
                                        "DELETE FROM audit_log WHERE id=(SELECT MAX(id) FROM audit_log)");
  ASSERT_EQ(cut.exit_code, 0) << cut;
  CommandResult after_cut = verify(truncated);
  EXPECT_EQ(after_cut.exit_code, 0) << after_cut;
  EXPECT_NE(after_cut.out.find("Audit log intact: " + std::to_string(total - 1) + " entries"),
            std::string::npos)
      << after_cut;
  const auto head = [](const std::string& out) {
    const std::size_t at = out.rfind("head hash ");
    return at == std::string::npos ? std::string() : out.substr(at + 10, 64);
  };
  EXPECT_NE(head(after_cut.out), head(intact.out));
  EXPECT_EQ(head(intact.out).size(), 64u) << intact;
}

// ---------------------------------------------------------------------------
// Errors give nothing away

TEST_F(AuthApi, RefusalsCarryTheSecurityHeaders) {
  std::vector<HttpResponse> refusals = {
      Anonymous().Get("/api/v1/users"),
      Anonymous().Get("/api/v1/audit"),
      Http(port(), {{"Authorization", "Bearer jct_nope"}}).Get(UnitPath(kBomi)),
      Http(port(), User("auditor").session.AuthHeaders()).PostJson(UnitPath(village1_) + "/groups", {{"name", "x"}}),
      Http(port(), User("township_staff").session.AuthHeaders()).Get(UnitPath(kLuding)),
      Http(port(), session_.CookieOnly()).PostJson(UnitPath(village1_) + "/groups", {{"name", "x"}}),
  };
  // A 429 of its own (an unknown name, so nobody real is locked out).
  for (int i = 0; i < 6; ++i) {
    refusals.push_back(Anonymous().PostJson(
        "/api/v1/session", {{"username", "nobody.headers"}, {"password", "Wrong-Passw0rd!"}}));
  }
  std::set<long> statuses;
  for (const HttpResponse& r : refusals) {
    SCOPED_TRACE(r.request);
    statuses.insert(r.status);
    ExpectErrorShape(r);
    ExpectSecurityHeaders(r);
    ExpectNoInternals(r);
  }
  EXPECT_EQ(statuses, (std::set<long>{401, 403, 429}));
}

TEST_F(AuthApi, OddInputsGiveNoInternalsAway) {
  struct Case {
    std::string method, target;
    std::optional<json> body;
    long status;  // 0: any non-5xx
  };
  const std::string in = inside1_.first;
  const std::vector<Case> cases = {
      {"GET", "/api/v1/users?q=" + UrlEncode("' OR 1=1 --"), {}, 200},
      {"GET", "/api/v1/users?q=" + UrlEncode("%"), {}, 200},
      {"GET", "/api/v1/users?q=" + UrlEncode("\"; DROP TABLE users; --"), {}, 200},
      {"GET", "/api/v1/users/" + UrlEncode("1 OR 1=1"), {}, 400},
      {"GET", "/api/v1/users/99999999999999999999999", {}, 400},
      {"GET", "/api/v1/users/0", {}, 400},
      {"GET", "/api/v1/users/-1", {}, 400},
      {"GET", "/api/v1/users/424242", {}, 404},
      {"PATCH", "/api/v1/users/424242", json{{"display_name", "x"}}, 404},
      {"PATCH", "/api/v1/users/" + in, json{{"display_name", "x"}, {"version", "1"}}, 400},
      {"PATCH", "/api/v1/users/" + in, json{{"display_name", "x"}, {"version", 999}}, 409},
      {"PATCH", "/api/v1/users/" + in, json{{"phone", "12ab"}}, 400},
      {"PATCH", "/api/v1/users/" + in, json{{"nonsense", 1}}, 400},
      {"POST", "/api/v1/users", json{{"username", "x"}}, 400},
      {"POST", "/api/v1/users",
       json{{"username", "target.in1"}, {"display_name", "重名"}, {"unit_code", village1_},
            {"password", kPassword}},
       409},
      {"POST", "/api/v1/users",
       json{{"username", "odd.unit"}, {"display_name", "单位"}, {"unit_code", "abc"},
            {"password", kPassword}},
       400},
      {"POST", "/api/v1/users",
       json{{"username", "odd.unit2"}, {"display_name", "单位"}, {"unit_code", "540424100201999"},
            {"password", kPassword}},
       0},
      {"POST", "/api/v1/users/" + in + "/roles", json{{"role", "no_such_role"}}, 400},
      {"POST", "/api/v1/users/" + in + "/roles", json{{"role", "village_cadre"}, {"unit_code", kBomi}}, 400},
      {"POST", "/api/v1/users/" + in + "/roles", json{{"role", "org_department"}}, 400},
      {"DELETE", "/api/v1/users/" + in + "/roles/999999", {}, 404},
      {"DELETE", "/api/v1/users/" + in + "/roles/abc", {}, 400},
      {"DELETE", "/api/v1/sessions/abc", {}, 400},
      {"DELETE", "/api/v1/sessions/999999", {}, 404},
      {"DELETE", "/api/v1/tokens/999999", {}, 404},
      {"POST", "/api/v1/tokens", json{{"name", ""}}, 400},
      {"POST", "/api/v1/tokens", json{{"name", "x"}, {"expires_in_days", "abc"}}, 400},
      {"POST", "/api/v1/tokens", json{{"name", "x"}, {"expires_in_days", 0}}, 400},
      {"POST", "/api/v1/tokens", json{{"name", "x"}, {"unit_code", "99"}}, 0},
      {"POST", "/api/v1/me/password", json{{"current_password", 5}}, 400},
      {"GET", "/api/v1/audit?from=yesterday", {}, 400},
      {"GET", "/api/v1/audit?under=abc", {}, 400},
      {"GET", "/api/v1/audit?limit=100000", {}, 400},
      {"GET", "/api/v1/audit?user=" + UrlEncode("' OR '1'='1"), {}, 200},
      {"GET", "/api/v1/audit?action=" + UrlEncode("units.%' --"), {}, 200},
      {"GET", "/api/v1/units?q=" + UrlEncode("'; DROP TABLE units; --"), {}, 200},
      {"POST", "/api/v1/session", json{{"username", 5}, {"password", json::array()}}, 400},
      {"POST", "/api/v1/session", json{{"username", "admin' --"}, {"password", "x"}}, 401},
      {"POST", "/api/v1/session", json{{"username", std::string(5000, 'a')}, {"password", "x"}}, 401},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target + (c.body ? " " + c.body->dump() : ""));
    HttpResponse r = c.body ? http().Request(c.method, c.target, c.body->dump(),
                                             {{"Content-Type", "application/json"}})
                            : http().Request(c.method, c.target, std::nullopt, {});
    if (c.status != 0) {
      EXPECT_EQ(r.status, c.status) << r;
    }
    ExpectNoInternals(r);
    if (r.status >= 400) ExpectErrorShape(r);
    // Injected text finds nothing.
    if (c.status == 200 && c.target.find("?q=") != std::string::npos &&
        c.target.find("/users") != std::string::npos) {
      EXPECT_EQ(r.json.value("total", -1), 0) << r;
    }
    if (c.status == 200 && c.target.find("/audit?") != std::string::npos) {
      EXPECT_EQ(r.json.value("total", -1), 0) << r;
    }
  }
  EXPECT_EQ(http().Get("/readyz").status, 200);
}

}  // namespace
}  // namespace jiceng::apitest
