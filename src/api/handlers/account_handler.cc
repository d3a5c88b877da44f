#include "api/handlers/account_handler.h"

#include <charconv>
#include <set>

#include "api/errors.h"
#include "api/handlers/units_handler.h"
#include "api/server.h"
#include "audit/audit_log.h"
#include "common/clock.h"
#include "people/personal_data.h"

namespace jiceng::api {

using accounts::Grant;
using accounts::Principal;
using accounts::User;

namespace {

std::string Localized(const ApiRequest& req, const std::string& zh, const std::string& en) {
  return req.lang == Lang::kZh ? zh : en;
}

nlohmann::json UnitName(const AccountDeps& d, std::optional<std::uint64_t> code) {
  if (!code) return nullptr;
  auto unit = d.access.tree().Find(*code);
  return unit ? nlohmann::json(unit->name) : nlohmann::json(nullptr);
}

nlohmann::json GrantJson(const ApiRequest& req, const AccountDeps& d, const Grant& g) {
  const accounts::Role* role = d.access.roles().FindRole(g.role);
  return {{"id", g.id},
          {"role", g.role},
          {"role_name", role ? Localized(req, role->name_zh, role->name_en) : g.role},
          {"unit_code", g.unit_code ? nlohmann::json(std::to_string(*g.unit_code)) : nlohmann::json(nullptr)},
          {"unit_name", g.unit_code ? UnitName(d, g.unit_code) : nlohmann::json(Localized(req, "全国", "Nationwide"))}};
}

nlohmann::json UserJson(const ApiRequest& req, const AccountDeps& d, const User& u, bool mask_phone) {
  nlohmann::json roles = nlohmann::json::array();
  for (const Grant& g : u.grants) roles.push_back(GrantJson(req, d, g));
  nlohmann::json phone = nullptr;
  if (u.phone) phone = mask_phone ? people::MaskPhone(*u.phone) : *u.phone;
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"phone", phone},
          {"unit_code", u.unit_code ? nlohmann::json(std::to_string(*u.unit_code)) : nlohmann::json(nullptr)},
          {"unit_name", UnitName(d, u.unit_code)},
          {"enabled", u.enabled},
          {"version", u.version},
          {"created_at", u.created_at},
          {"roles", std::move(roles)}};
}

// The union of the permissions of a principal's grants.
nlohmann::json PermissionsOf(const AccountDeps& d, const std::vector<Grant>& grants) {
  std::set<std::string> perms;
  for (const Grant& g : grants) {
    if (const accounts::Role* r = d.access.roles().FindRole(g.role)) perms.insert(r->permissions.begin(), r->permissions.end());
  }
  return perms;
}

Reply NoContent() { return Reply{204, nullptr, {}}; }

// Secure when the browser came over HTTPS (ApiRequest::https), so that it
// never sends the cookie over plain HTTP.
std::string SessionCookie(const ApiRequest& req, const std::string& token, std::int64_t max_age_seconds) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" +
         (req.https ? "; Secure" : "") + "; Max-Age=" + std::to_string(max_age_seconds);
}

nlohmann::json SessionBody(const ApiRequest& req, const AccountDeps& d, const User& user, const std::string& csrf,
                           const std::string& expires_at) {
  nlohmann::json u = UserJson(req, d, user, /*mask_phone=*/false);
  u["permissions"] = PermissionsOf(d, user.grants);
  nlohmann::json body = {{"user", std::move(u)},
                         {"csrf_token", csrf},
                         {"expires_at", expires_at},
                         {"idle_timeout_seconds", d.sessions.settings().idle_timeout.count()}};
  if (d.clock != nullptr) {
    body["time_zone"] = d.clock->time_zone();
    body["today"] = FormatDate(d.clock->Today());
  }
  return body;
}

// ---- session ---------------------------------------------------------------

Result<Reply> Login(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto username, body.RequiredString("username"));
  JICENG_ASSIGN_OR_RETURN(auto password, body.RequiredString("password"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  req.audit_target = "user:" + username.substr(0, 64);
  // Who signs in, for the entry written with the sign-in's own transaction
  // (before the account's id is known).
  req.audit_username = username.substr(0, 64);
  std::int64_t retry_after = 0;
  auto result = d.sessions.Login(username, password, req.ip, req.user_agent, &retry_after);
  if (!result.ok()) {
    if (result.status().code() == ErrorCode::kTooManyRequests) {
      return Reply{429, ErrorBody(result.status(), req.lang), {{"Retry-After", std::to_string(retry_after)}}};
    }
    return result.status();
  }
  req.audit_user_id = result->user.id;
  req.audit_username = result->user.username;
  Reply reply{200, SessionBody(req, d, result->user, result->session.csrf_token, result->session.expires_at), {}};
  reply.headers.emplace_back("Set-Cookie", SessionCookie(req, result->token, d.sessions.settings().absolute_timeout.count()));
  return reply;
}

Result<Reply> CurrentSession(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto user, d.users.Get(nullptr, req.principal->user_id));
  std::string expires;
  if (req.principal->session_id) {
    JICENG_ASSIGN_OR_RETURN(auto sessions, d.sessions.ListSessions(req.principal->user_id));
    for (const auto& s : sessions) {
      if (s.id == *req.principal->session_id) expires = s.expires_at;
    }
  }
  return Reply{200, SessionBody(req, d, user, req.principal->csrf_token, expires), {}};
}

Result<Reply> Logout(const ApiRequest& req, const AccountDeps& d) {
  JICENG_RETURN_IF_ERROR(d.sessions.Logout(*req.principal));
  Reply reply = NoContent();
  reply.headers.emplace_back("Set-Cookie", SessionCookie(req, "", 0));
  return reply;
}

Result<Reply> ListSessions(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto sessions, d.sessions.ListSessions(req.principal->user_id));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : sessions) {
    items.push_back({{"id", s.id},
                     {"created_at", s.created_at},
                     {"last_seen_at", s.last_seen_at},
                     {"expires_at", s.expires_at},
                     {"ip", s.ip},
                     {"user_agent", s.user_agent},
                     {"current", req.principal->session_id == s.id}});
  }
  return Reply{200, {{"items", std::move(items)}}, {}};
}

Result<Reply> RevokeSession(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId("id"));
  req.audit_target = "session:" + std::to_string(id);
  JICENG_RETURN_IF_ERROR(d.sessions.RevokeSession(req.principal->user_id, id));
  return NoContent();
}

nlohmann::json TokenJson(const accounts::TokenRecord& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"prefix", t.prefix},
          {"unit_code", t.unit_code ? nlohmann::json(std::to_string(*t.unit_code)) : nlohmann::json(nullptr)},
          {"created_at", t.created_at},
          {"last_used_at", t.last_used_at ? nlohmann::json(*t.last_used_at) : nlohmann::json(nullptr)},
          {"expires_at", t.expires_at ? nlohmann::json(*t.expires_at) : nlohmann::json(nullptr)}};
}

Result<Reply> ListTokens(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto tokens, d.sessions.ListTokens(req.principal->user_id));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& t : tokens) items.push_back(TokenJson(t));
  return Reply{200, {{"items", std::move(items)}}, {}};
}

Result<Reply> CreateToken(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto name, body.RequiredString("name"));
  JICENG_ASSIGN_OR_RETURN(auto unit_text, body.OptionalString("unit_code"));
  JICENG_ASSIGN_OR_RETURN(auto days, body.OptionalInt("expires_in_days"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  std::optional<std::uint64_t> unit;
  if (unit_text && !unit_text->empty()) {
    JICENG_ASSIGN_OR_RETURN(unit, hierarchy::ParseUnitCode(*unit_text, "unit_code"));
  } else {
    // A token made with a narrowed token is narrowed the same way.
    unit = req.principal->token_unit;
  }
  if (unit) {
    // A token is never wider than what creates it: the unit must lie within
    // a grant of the user, and within the calling token's unit if any.
    bool reachable = false;
    for (const Grant& g : req.principal->grants) {
      accounts::Principal one = *req.principal;
      one.grants = {g};
      const accounts::Role* role = d.access.roles().FindRole(g.role);
      if (role && !role->permissions.empty() && d.access.Allows(one, *role->permissions.begin(), unit)) reachable = true;
    }
    if (!reachable) {
      return Status::Error(ErrorCode::kPermissionDenied, "令牌的单位必须在您的管辖范围内。",
                           "The token's unit must lie within your own area.", "unit_code");
    }
  }
  std::optional<int> expires;
  if (days) expires = static_cast<int>(std::clamp<std::int64_t>(*days, -1, 100000));
  JICENG_ASSIGN_OR_RETURN(auto created, d.sessions.CreateToken(*req.principal, name, unit, expires));
  req.audit_target = "token:" + std::to_string(created.token.id);
  return Reply{201, {{"token", TokenJson(created.token)}, {"secret", created.secret}}, {}};
}

Result<Reply> RevokeToken(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId("id"));
  req.audit_target = "token:" + std::to_string(id);
  JICENG_RETURN_IF_ERROR(d.sessions.RevokeToken(req.principal->user_id, id));
  return NoContent();
}

Result<Reply> ChangeOwnPassword(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto current, body.RequiredString("current_password"));
  JICENG_ASSIGN_OR_RETURN(auto next, body.RequiredString("new_password"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  req.audit_target = "user:" + std::to_string(req.principal->user_id);
  JICENG_RETURN_IF_ERROR(d.users.ChangeOwnPassword(*req.principal, current, next));
  return NoContent();
}

// ---- users -----------------------------------------------------------------

TargetFn UserHomeUnit(const AccountDeps& d) {
  return [&d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId("id"));
    JICENG_ASSIGN_OR_RETURN(auto unit, d.users.HomeUnitOf(id));
    Target target = Target::Record(unit, accounts::UserNotFound());
    target.read_permission = "users.read";
    return target;
  };
}

Result<Reply> ListUsers(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto offset, req.QueryUint("offset", 0, 0, 10'000'000));
  JICENG_ASSIGN_OR_RETURN(auto limit, req.QueryUint("limit", 50, 1, 200));
  JICENG_ASSIGN_OR_RETURN(auto page, d.users.List(req.principal, req.QueryText("q").value_or(""), offset, limit));
  nlohmann::json items = nlohmann::json::array();
  for (const User& u : page.first) items.push_back(UserJson(req, d, u, /*mask_phone=*/true));
  req.audit_target = "users";
  return Reply{200, {{"items", std::move(items)}, {"total", page.second}, {"offset", offset}, {"limit", limit}}, {}};
}

Result<Reply> GetUser(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId("id"));
  req.audit_target = "user:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto user, d.users.Get(req.principal, id));
  return Reply{200, {{"user", UserJson(req, d, user, /*mask_phone=*/false)}}, {}};
}

Result<Reply> CreateUser(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  accounts::NewUser input;
  JICENG_ASSIGN_OR_RETURN(input.username, body.RequiredString("username"));
  JICENG_ASSIGN_OR_RETURN(input.display_name, body.RequiredString("display_name"));
  JICENG_ASSIGN_OR_RETURN(input.phone, body.OptionalString("phone"));
  JICENG_ASSIGN_OR_RETURN(input.unit_code, body.OptionalString("unit_code"));
  JICENG_ASSIGN_OR_RETURN(input.password, body.RequiredString("password"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto user, d.users.Create(req.principal, input));
  req.audit_target = "user:" + std::to_string(user.id);
  Reply reply{201, {{"user", UserJson(req, d, user, false)}}, {}};
  reply.headers.emplace_back("Location", "/api/v1/users/" + std::to_string(user.id));
  return reply;
}

Result<Reply> PatchUser(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId("id"));
  req.audit_target = "user:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  accounts::UserPatch patch;
  JICENG_ASSIGN_OR_RETURN(patch.display_name, body.OptionalString("display_name"));
  JICENG_ASSIGN_OR_RETURN(patch.phone, body.NullableString("phone"));
  JICENG_ASSIGN_OR_RETURN(patch.enabled, body.OptionalBool("enabled"));
  JICENG_ASSIGN_OR_RETURN(auto version, body.OptionalInt("version"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto user, d.users.Update(req.principal, id, patch, version));
  return Reply{200, {{"user", UserJson(req, d, user, false)}}, {}};
}

Result<Reply> ResetPassword(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId("id"));
  req.audit_target = "user:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto password, body.RequiredString("password"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_RETURN_IF_ERROR(d.users.SetPassword(req.principal, id, password));
  return NoContent();
}

Result<Reply> GrantRole(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId("id"));
  req.audit_target = "user:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto role, body.RequiredString("role"));
  JICENG_ASSIGN_OR_RETURN(auto unit, body.OptionalString("unit_code"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto grant, d.users.GrantRole(req.principal, id, role, unit));
  return Reply{201, {{"role", GrantJson(req, d, grant)}}, {}};
}

Result<Reply> RevokeRole(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId("id"));
  JICENG_ASSIGN_OR_RETURN(auto grant_id, req.ParamId("grant_id"));
  req.audit_target = "user:" + std::to_string(id) + "/grant:" + std::to_string(grant_id);
  JICENG_RETURN_IF_ERROR(d.users.RevokeRole(req.principal, id, grant_id));
  return NoContent();
}

Result<Reply> ListRoles(const ApiRequest& req, const AccountDeps& d) {
  nlohmann::json items = nlohmann::json::array();
  for (const accounts::Role& r : d.access.roles().roles()) {
    nlohmann::json levels = nlohmann::json::array();
    if (r.grantable_nationwide) levels.push_back("nation");
    for (auto l : r.grantable_levels) levels.push_back(hierarchy::LevelName(l));
    items.push_back({{"id", r.id},
                     {"name", Localized(req, r.name_zh, r.name_en)},
                     {"permissions", r.permissions},
                     {"levels", std::move(levels)}});
  }
  nlohmann::json permissions = nlohmann::json::array();
  for (const accounts::Permission& p : d.access.roles().permissions()) {
    permissions.push_back({{"id", p.id}, {"name", Localized(req, p.name_zh, p.name_en)}});
  }
  return Reply{200, {{"items", std::move(items)}, {"permissions", std::move(permissions)}}, {}};
}

// ---- audit -----------------------------------------------------------------

Result<std::optional<std::string>> QueryTime(const ApiRequest& req, std::string_view name) {
  auto text = req.QueryText(name);
  if (!text || text->empty()) return std::optional<std::string>();
  auto t = ParseUtcIso(*text);
  if (!t) {
    return Status::InvalidArgument(std::string(name), "时间格式应为 2026-11-23 或 2026-11-23T08:00:00Z。",
                                   "Times look like 2026-11-23 or 2026-11-23T08:00:00Z.");
  }
  return std::optional<std::string>(UtcIso(*t));
}

Result<Reply> ListAudit(const ApiRequest& req, const AccountDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto offset, req.QueryUint("offset", 0, 0, 10'000'000));
  JICENG_ASSIGN_OR_RETURN(auto limit, req.QueryUint("limit", 50, 1, 200));
  audit::AuditFilter f;
  f.offset = offset;
  f.limit = limit;
  if (auto u = req.QueryText("user"); u && !u->empty()) f.username = *u;
  if (auto a = req.QueryText("action"); a && !a->empty()) f.action = *a;
  JICENG_ASSIGN_OR_RETURN(f.from, QueryTime(req, "from"));
  JICENG_ASSIGN_OR_RETURN(f.to, QueryTime(req, "to"));
  if (auto under = req.QueryText("under"); under && !under->empty()) {
    f.unit_prefixes.push_back(*under);  // the server checked it lies in scope
  } else {
    const accounts::Scope scope = d.access.ScopeOf(*req.principal, "audit.read");
    f.nationwide = scope.nationwide;
    for (std::uint64_t r : scope.roots) f.unit_prefixes.push_back(std::to_string(r));
  }
  JICENG_ASSIGN_OR_RETURN(auto page, audit::AuditLog::Query(d.db, f));
  nlohmann::json items = nlohmann::json::array();
  for (const audit::AuditEntry& e : page.first) {
    items.push_back({{"id", e.id},
                     {"at", e.at},
                     {"username", e.username},
                     {"action", e.action},
                     {"method", e.method},
                     {"path", e.path},
                     {"target", e.target},
                     {"unit_code", e.unit_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.unit_code)},
                     {"ip", e.ip},
                     {"status", e.status},
                     {"result", e.result}});
  }
  return Reply{200, {{"items", std::move(items)}, {"total", page.second}, {"offset", offset}, {"limit", limit}}, {}};
}

}  // namespace

void AddSessionRoutes(RouteTable& routes, const AccountDeps& deps) {
  const AccountDeps* d = &deps;
  routes.push_back({"POST", "/api/v1/session", [d](const ApiRequest& r) { return Login(r, *d); }, kPublic, {},
                    "session.login"});
  routes.push_back({"GET", "/api/v1/session", [d](const ApiRequest& r) { return CurrentSession(r, *d); }, kSignedIn,
                    {}, "session.read"});
  routes.push_back({"DELETE", "/api/v1/session", [d](const ApiRequest& r) { return Logout(r, *d); }, kSignedIn, {},
                    "session.logout"});
  routes.push_back({"GET", "/api/v1/sessions", [d](const ApiRequest& r) { return ListSessions(r, *d); }, kSignedIn,
                    {}, "sessions.list"});
  routes.push_back({"DELETE", "/api/v1/sessions/:id", [d](const ApiRequest& r) { return RevokeSession(r, *d); },
                    kSignedIn, {}, "sessions.revoke"});
  routes.push_back({"GET", "/api/v1/tokens", [d](const ApiRequest& r) { return ListTokens(r, *d); }, kSignedIn, {},
                    "tokens.list"});
  routes.push_back({"POST", "/api/v1/tokens", [d](const ApiRequest& r) { return CreateToken(r, *d); }, kSignedIn, {},
                    "tokens.create"});
  routes.push_back({"DELETE", "/api/v1/tokens/:id", [d](const ApiRequest& r) { return RevokeToken(r, *d); },
                    kSignedIn, {}, "tokens.revoke"});
  routes.push_back({"POST", "/api/v1/me/password", [d](const ApiRequest& r) { return ChangeOwnPassword(r, *d); },
                    kSignedIn, {}, "me.password"});
}

void AddUserRoutes(RouteTable& routes, const AccountDeps& deps) {
  const AccountDeps* d = &deps;
  routes.push_back({"GET", "/api/v1/users", [d](const ApiRequest& r) { return ListUsers(r, *d); }, "users.read", {},
                    "users.list", /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/users", [d](const ApiRequest& r) { return CreateUser(r, *d); }, "users.write",
                    UnitFromBody("unit_code"), "users.create"});
  routes.push_back({"GET", "/api/v1/users/:id", [d](const ApiRequest& r) { return GetUser(r, *d); }, "users.read",
                    UserHomeUnit(deps), "users.read", /*audit_read=*/true});
  routes.push_back({"PATCH", "/api/v1/users/:id", [d](const ApiRequest& r) { return PatchUser(r, *d); }, "users.write",
                    UserHomeUnit(deps), "users.update"});
  routes.push_back({"POST", "/api/v1/users/:id/password", [d](const ApiRequest& r) { return ResetPassword(r, *d); },
                    "users.write", UserHomeUnit(deps), "users.password"});
  routes.push_back({"POST", "/api/v1/users/:id/roles", [d](const ApiRequest& r) { return GrantRole(r, *d); },
                    "roles.grant", UserHomeUnit(deps), "users.roles.grant"});
  routes.push_back({"DELETE", "/api/v1/users/:id/roles/:grant_id",
                    [d](const ApiRequest& r) { return RevokeRole(r, *d); }, "roles.grant", UserHomeUnit(deps),
                    "users.roles.revoke"});
  routes.push_back({"GET", "/api/v1/roles", [d](const ApiRequest& r) { return ListRoles(r, *d); }, kSignedIn, {},
                    "roles.list"});
}

void AddAuditRoutes(RouteTable& routes, const AccountDeps& deps) {
  const AccountDeps* d = &deps;
  routes.push_back({"GET", "/api/v1/audit", [d](const ApiRequest& r) { return ListAudit(r, *d); }, "audit.read",
                    UnitFromQuery("under"), "audit.list"});
}

}  // namespace jiceng::api
