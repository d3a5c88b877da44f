#include "cli/app.h"

#include "accounts/password.h"
#include "api/handlers/health_handler.h"
#include "api/handlers/units_handler.h"
#include "cli/commands.h"

namespace jiceng::cli {

Result<std::unique_ptr<App>> LoadApp(const std::string& db_url, const accounts::SessionSettings& settings) {
  accounts::InitCrypto();
  auto app = std::make_unique<App>();
  JICENG_ASSIGN_OR_RETURN(app->db, OpenDatabase(db_url));
  JICENG_ASSIGN_OR_RETURN(auto roles_file, accounts::RoleRegistry::FindRolesFile());
  JICENG_ASSIGN_OR_RETURN(auto roles, accounts::RoleRegistry::LoadFile(roles_file));
  app->roles = std::make_unique<accounts::RoleRegistry>(std::move(roles));
  JICENG_ASSIGN_OR_RETURN(app->hierarchy, hierarchy::HierarchyService::Load(*app->db));
  app->access = std::make_unique<accounts::AccessControl>(*app->roles, app->hierarchy->tree());
  app->sessions = std::make_unique<accounts::SessionService>(*app->db, *app->hierarchy, settings);
  accounts::SessionService* sessions = app->sessions.get();
  app->users = std::make_unique<accounts::UserService>(*app->db, *app->hierarchy, *app->access,
                                                       [sessions] { sessions->InvalidateCache(); });
  app->account_deps = std::make_unique<api::AccountDeps>(
      api::AccountDeps{*app->sessions, *app->users, *app->access, *app->db});
  JICENG_ASSIGN_OR_RETURN(auto rules, members::MembershipRules::LoadDefault());
  app->membership_rules = std::make_unique<members::MembershipRules>(std::move(rules));
  app->orgs = std::make_unique<orgs::OrgService>(*app->db, *app->hierarchy);
  app->members = std::make_unique<members::MemberService>(*app->db, *app->hierarchy, *app->membership_rules);
  app->dues = std::make_unique<members::DuesService>(*app->db);
  app->meetings = std::make_unique<members::MeetingService>(*app->db, *app->membership_rules);
  app->members_deps = std::make_unique<api::MembersDeps>(
      api::MembersDeps{*app->orgs, *app->members, *app->dues, *app->meetings, *app->access});
  api::AddHealthRoutes(app->routes, *app->db, *app->hierarchy);
  api::AddUnitRoutes(app->routes, *app->hierarchy, *app->access);
  api::AddSessionRoutes(app->routes, *app->account_deps);
  api::AddUserRoutes(app->routes, *app->account_deps);
  api::AddAuditRoutes(app->routes, *app->account_deps);
  api::AddOrgRoutes(app->routes, *app->members_deps);
  api::AddMemberRoutes(app->routes, *app->members_deps);
  api::AddMemberLifeRoutes(app->routes, *app->members_deps);
  app->imports_deps = std::make_unique<api::ImportsDeps>(api::ImportsDeps{*app->db, *app->members_deps});
  api::AddImportExportRoutes(app->routes, *app->imports_deps);
  return app;
}

}  // namespace jiceng::cli
