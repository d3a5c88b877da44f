// HTTP endpoints of accounts: signing in and out (/api/v1/session), one's
// own sessions, API tokens and password (/api/v1/sessions, /tokens,
// /me/password), account and role administration (/api/v1/users, /roles),
// and reading the audit log (/api/v1/audit).
#pragma once

#include <nlohmann/json.hpp>

#include "accounts/access_control.h"
#include "accounts/session_service.h"
#include "accounts/user_service.h"
#include "api/route.h"
#include "common/clock.h"
#include "db/database.h"

namespace jiceng::api {

struct AccountDeps {
  accounts::SessionService& sessions;
  accounts::UserService& users;
  const accounts::AccessControl& access;
  db::Database& db;
  // The business clock: the session reply names its time zone and today's
  // date there, for the web client's dates (none when null).
  const BusinessClock* clock = nullptr;
};

void AddSessionRoutes(RouteTable& routes, const AccountDeps& deps);
void AddUserRoutes(RouteTable& routes, const AccountDeps& deps);
void AddAuditRoutes(RouteTable& routes, const AccountDeps& deps);

}  // namespace jiceng::api
