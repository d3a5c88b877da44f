// Everything `jiceng serve` runs, wired together: the database, the
// hierarchy in memory, roles, accounts and the route table. Also used by
// `jiceng routes`, so that it prints exactly the table the server serves.
#pragma once

#include <memory>

#include "accounts/access_control.h"
#include "accounts/role_registry.h"
#include "accounts/session_service.h"
#include "accounts/user_service.h"
#include "analytics/rollup_engine.h"
#include "api/handlers/account_handler.h"
#include "calendar/calendar_service.h"
#include "api/handlers/figures_handler.h"
#include "api/handlers/imports_handler.h"
#include "api/handlers/jobs_handler.h"
#include "api/handlers/metrics_handler.h"
#include "api/handlers/party_handlers.h"
#include "api/handlers/org_work_handler.h"
#include "members/member_service.h"
#include "members/membership_rules.h"
#include "members/roster_counts.h"
#include "members/task_team_service.h"
#include "orgs/officer_service.h"
#include "orgs/org_service.h"
#include "orgs/pairing_service.h"
#include "people/personal_data.h"
#include "api/route.h"
#include "common/clock.h"
#include "common/result.h"
#include "db/database.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::cli {

struct App {
  // The one business clock (time zone, today) every service is given.
  std::unique_ptr<BusinessClock> clock = {};
  std::unique_ptr<db::Database> db = {};
  // Seals and opens ID numbers and phones (people/personal_data.h).
  std::unique_ptr<people::Vault> vault = {};
  std::unique_ptr<hierarchy::HierarchyService> hierarchy = {};
  std::unique_ptr<accounts::RoleRegistry> roles = {};
  std::unique_ptr<accounts::AccessControl> access = {};
  std::unique_ptr<accounts::SessionService> sessions = {};
  std::unique_ptr<accounts::UserService> users = {};
  std::unique_ptr<api::AccountDeps> account_deps = {};
  std::unique_ptr<analytics::RollupEngine> engine = {};
  std::unique_ptr<members::MembershipRules> membership_rules = {};
  std::unique_ptr<orgs::OrgEndings> org_endings = {};
  std::unique_ptr<orgs::OrgService> orgs = {};
  std::unique_ptr<members::RosterCounts> roster_counts = {};
  std::unique_ptr<members::MemberService> members = {};
  std::unique_ptr<members::DuesService> dues = {};
  std::unique_ptr<members::MeetingService> meetings = {};
  std::unique_ptr<orgs::OfficerService> officers = {};
  std::unique_ptr<orgs::PairingService> pairings = {};
  std::unique_ptr<members::TaskTeamService> teams = {};
  std::unique_ptr<api::MembersDeps> members_deps = {};
  std::unique_ptr<api::FiguresDeps> figures_deps = {};
  std::unique_ptr<api::OrgWorkDeps> org_work_deps = {};
  std::unique_ptr<api::ImportsDeps> imports_deps = {};
  // Declared after the services it uses, so it is destroyed (its thread
  // stopped) before them.
  std::unique_ptr<jobs::JobStore> job_store = {};
  std::unique_ptr<jobs::JobKinds> job_kinds = {};
  std::unique_ptr<jobs::JobRunner> job_runner = {};
  std::unique_ptr<api::JobsDeps> jobs_deps = {};
  // The working-day calendar: shipped files with corrections over them.
  std::unique_ptr<calendar::CalendarService> calendar = {};
  // GET /metrics: the server counts requests into `request_metrics`; `serve`
  // sets metrics_deps->allow from --metrics-allow.
  std::unique_ptr<api::RequestMetrics> request_metrics = {};
  std::unique_ptr<api::MetricsDeps> metrics_deps = {};
  api::RouteTable routes = {};
};

// Opens and migrates the database, loads the hierarchy, the role and
// indicator definitions and every figure (the roll-up engine), and builds
// the route table. `clock` is the business clock every service and the
// roll-up engine share; null: real time in the
// environment's zone (BusinessClockFromEnvironment).
// `with_figures` false (tools that only write or list): the roll-up engine
// starts in its log-only mode: it reads no figure, and every write it is told
// of goes to change_log, where running servers pick it up within a poll.
// `xlsx_limits`: how far an uploaded .xlsx may unpack (imports, import jobs).
Result<std::unique_ptr<App>> LoadApp(const std::string& db_url, const accounts::SessionSettings& settings,
                                     bool with_figures = true, std::unique_ptr<BusinessClock> clock = nullptr,
                                     const io::XlsxLimits& xlsx_limits = {});

}  // namespace jiceng::cli
