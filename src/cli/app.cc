#include "cli/app.h"

#include <spdlog/spdlog.h>

#include "accounts/password.h"
#include "api/handlers/calendar_handler.h"
#include "api/handlers/health_handler.h"
#include "api/handlers/search_handler.h"
#include "api/handlers/units_handler.h"
#include "cli/commands.h"
#include "cli/publishers.h"
#include "imports/list_jobs.h"

namespace jiceng::cli {

Result<std::unique_ptr<App>> LoadApp(const std::string& db_url, const accounts::SessionSettings& settings,
                                     bool with_figures, std::unique_ptr<BusinessClock> clock,
                                     const io::XlsxLimits& xlsx_limits) {
  accounts::InitCrypto();
  auto app = std::make_unique<App>();
  if (!clock) {
    JICENG_ASSIGN_OR_RETURN(clock, BusinessClockFromEnvironment());
  }
  app->clock = std::move(clock);
  // First of all: every table an indicator reads must have a service
  // publishing its changes, or its figures would never move.
  JICENG_ASSIGN_OR_RETURN(auto indicators, analytics::LoadIndicators());
  JICENG_RETURN_IF_ERROR(ServicePublishers().CheckCovers(indicators));
  const BusinessClock& business = *app->clock;
  JICENG_ASSIGN_OR_RETURN(app->db, OpenDatabase(db_url));
  // The personal-data key (outside the database): checked against the one the
  // database was sealed with, and what migration 15 left in clear sealed now.
  JICENG_ASSIGN_OR_RETURN(auto vault, people::AttachVault(*app->db, people::KeyFilePath()));
  app->vault = std::make_unique<people::Vault>(std::move(vault));
  JICENG_ASSIGN_OR_RETURN(auto roles_file, accounts::RoleRegistry::FindRolesFile());
  JICENG_ASSIGN_OR_RETURN(auto roles, accounts::RoleRegistry::LoadFile(roles_file));
  app->roles = std::make_unique<accounts::RoleRegistry>(std::move(roles));
  JICENG_ASSIGN_OR_RETURN(app->hierarchy, hierarchy::HierarchyService::Load(*app->db));
  app->access = std::make_unique<accounts::AccessControl>(*app->roles, app->hierarchy->tree());
  app->sessions = std::make_unique<accounts::SessionService>(*app->db, *app->hierarchy, settings, business);
  accounts::SessionService* sessions = app->sessions.get();
  app->users = std::make_unique<accounts::UserService>(*app->db, *app->hierarchy, *app->access, *app->vault,
                                                       [sessions] { sessions->InvalidateCache(); });
  app->account_deps = std::make_unique<api::AccountDeps>(
      api::AccountDeps{*app->sessions, *app->users, *app->access, *app->db, &business});
  JICENG_ASSIGN_OR_RETURN(auto rules, members::MembershipRules::LoadDefault());
  app->membership_rules = std::make_unique<members::MembershipRules>(std::move(rules));
  // Rebuilding every figure takes a while on a large database: say how far it got.
  auto progress = [](std::string_view indicator, std::int64_t records) {
    if (records > 0 && records % 1000000 == 0) {
      spdlog::info("汇总指标 {}：已读取 {} 条 / roll-up {}: {} records read", indicator, records, indicator, records);
    }
  };
  // Tools that only write log their changes for the running servers instead
  // of reading every figure first.
  const auto mode = with_figures ? analytics::RollupEngine::Mode::kFigures : analytics::RollupEngine::Mode::kLogOnly;
  JICENG_ASSIGN_OR_RETURN(app->engine,
                          analytics::RollupEngine::Load(*app->db, std::move(indicators), progress, mode,
                                                                [&business] { return FormatDate(business.Today()); }));
  analytics::ChangeSink& changes = *app->engine;
  app->hierarchy->PublishTo(&changes);
  hierarchy::HierarchyService* units = app->hierarchy.get();
  app->engine->FollowTable("units", [units](std::span<const std::int64_t> ids) { return units->Refresh(ids); });
  // What an organization's end or a member's departure closes: each domain registers its hook.
  app->org_endings = std::make_unique<orgs::OrgEndings>();
  orgs::RegisterOfficerEndings(*app->org_endings);
  orgs::RegisterPairingEndings(*app->org_endings);
  members::RegisterTaskTeamEndings(*app->org_endings);
  app->orgs = std::make_unique<orgs::OrgService>(*app->db, *app->hierarchy, changes, business, app->org_endings.get());
  app->members = std::make_unique<members::MemberService>(*app->db, *app->hierarchy, *app->membership_rules, changes,
                                                         *app->vault, business, app->org_endings.get());
  if (with_figures) {
    std::vector<std::string> stages;
    for (const auto& stage : app->membership_rules->stages()) stages.push_back(stage.id);
    app->roster_counts = std::make_unique<members::RosterCounts>(*app->engine, stages);
    if (app->roster_counts->usable()) {
      app->members->UseRosterCounts(app->roster_counts.get());
    } else {
      spdlog::warn("指标 members/pipeline 与发展阶段不对应，党员列表的总数改用 SQL 计数 / the members and pipeline "
                   "indicators do not split the stages; member-list totals are counted in SQL");
    }
  }
  app->dues = std::make_unique<members::DuesService>(*app->db, changes, business);
  app->meetings = std::make_unique<members::MeetingService>(*app->db, *app->membership_rules, changes, business);
  app->officers = std::make_unique<orgs::OfficerService>(*app->db, business);
  app->pairings = std::make_unique<orgs::PairingService>(*app->db, business);
  app->teams = std::make_unique<members::TaskTeamService>(*app->db, business);
  app->members_deps = std::make_unique<api::MembersDeps>(
      api::MembersDeps{*app->orgs, *app->members, *app->dues, *app->meetings, *app->teams, *app->access, business});
  app->org_work_deps = std::make_unique<api::OrgWorkDeps>(api::OrgWorkDeps{
      *app->orgs, *app->officers, *app->pairings, *app->members, *app->teams, *app->access});
  api::AddHealthRoutes(app->routes, *app->db, *app->hierarchy);
  api::AddUnitRoutes(app->routes, *app->hierarchy, *app->access);
  api::AddSessionRoutes(app->routes, *app->account_deps);
  api::AddUserRoutes(app->routes, *app->account_deps);
  api::AddAuditRoutes(app->routes, *app->account_deps);
  api::AddOrgRoutes(app->routes, *app->members_deps);
  api::AddMemberRoutes(app->routes, *app->members_deps);
  api::AddDuesRoutes(app->routes, *app->members_deps);
  api::AddMeetingRoutes(app->routes, *app->members_deps);
  api::AddSearchRoutes(app->routes, *app->hierarchy, *app->members_deps);
  app->figures_deps =
      std::make_unique<api::FiguresDeps>(api::FiguresDeps{*app->engine, *app->hierarchy, *app->access, business});
  api::AddFigureRoutes(app->routes, *app->figures_deps);
  api::AddOfficerRoutes(app->routes, *app->org_work_deps);
  api::AddPairingRoutes(app->routes, *app->org_work_deps);
  api::AddTaskTeamRoutes(app->routes, *app->org_work_deps);
  app->imports_deps = std::make_unique<api::ImportsDeps>(api::ImportsDeps{*app->db, *app->members_deps, xlsx_limits});
  api::AddImportExportRoutes(app->routes, *app->imports_deps);
  // Jobs: the runner's thread is started by `serve` only.
  // Leases and retention run on the business clock too, so that tests can move them.
  app->job_store = std::make_unique<jobs::JobStore>(*app->db, [&business] { return business.Now(); });
  app->job_store->SealFilesWith(app->vault.get());
  // The kinds of job, each registered by its domain.
  app->job_kinds = std::make_unique<jobs::JobKinds>();
  JICENG_RETURN_IF_ERROR(imports::RegisterListJobs(*app->job_kinds, *app->db, *app->members, *app->orgs,
                                                   app->hierarchy->tree(), business, xlsx_limits));
  app->job_runner = std::make_unique<jobs::JobRunner>(*app->db, *app->job_store, *app->job_kinds);
  app->jobs_deps = std::make_unique<api::JobsDeps>(
      api::JobsDeps{*app->job_store, *app->job_runner, *app->job_kinds, *app->members_deps});
  api::AddJobRoutes(app->routes, *app->jobs_deps);
  // The working-day calendar, checked at start like every definition file.
  JICENG_ASSIGN_OR_RETURN(auto calendar_years, calendar::LoadShippedCalendar());
  JICENG_ASSIGN_OR_RETURN(app->calendar, calendar::CalendarService::Load(*app->db, std::move(calendar_years), business));
  api::AddCalendarRoutes(app->routes, *app->calendar);
  app->request_metrics = std::make_unique<api::RequestMetrics>();
  app->metrics_deps = std::make_unique<api::MetricsDeps>(
      api::MetricsDeps{*app->request_metrics, *app->db, *app->engine, *app->job_store});
  JICENG_ASSIGN_OR_RETURN(app->metrics_deps->allow, api::AddressSet::Parse(api::kDefaultMetricsAllow, "metrics-allow"));
  api::AddMetricsRoutes(app->routes, *app->metrics_deps);
  return app;
}

}  // namespace jiceng::cli
