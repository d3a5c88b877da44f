#include <cstdio>
#include <cstdlib>
#include <optional>

#include "accounts/password.h"
#include "audit/write_audit.h"
#include "common/clock.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "cli/demo_data.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::cli {
namespace {

// The first villages of Zhamu town (扎木镇), Bomi county (波密县), Tibet — the
// county the domain brief's figures come from — give the village accounts
// their units.
constexpr const char* kDemoTownship = "540424100";
constexpr std::size_t kDemoVillages = 3;

// Demo accounts: one for each kind of user, scoped as in real life. The
// village accounts take the first two villages of Zhamu town.
struct DemoAccount {
  const char* username;
  const char* display_name;
  const char* role;
  const char* unit;  // "" nationwide; "village:N" the N-th village of Zhamu
};
constexpr DemoAccount kDemoAccounts[] = {
    {"admin", "系统管理员", "system_admin", ""},
    {"bomi.zzb", "波密县委组织部", "org_department", "540424"},
    {"zhamu", "扎木镇党委", "township_staff", "540424100"},
    {"village.sj", "村党支部书记", "village_cadre", "village:0"},
    {"work.team", "驻村工作队员", "work_team", "village:1"},
    {"bomi.audit", "波密县审计员", "auditor", "540424"},
};

}  // namespace

void AddDemoCommand(CLI::App& app, int& exit_code) {
  auto db_path = std::make_shared<std::string>(kDefaultDb);
  CLI::App* cmd = app.add_subcommand(
      "demo", "添加演示数据（需先导入区划）；可重复运行 / add demo data (after import-divisions); safe to rerun");
  cmd->add_option("--db", *db_path, kDbOptionHelp)->capture_default_str();
  auto clock_file = std::make_shared<std::string>();
  cmd->add_option("--clock-file", *clock_file,
                  "仅供测试：演示数据的“今天”取自该文件中的 UTC 时刻 / tests only: take \"today\" from the UTC instant "
                  "in FILE (as jiceng serve --clock-file)");
  cmd->callback([db_path, clock_file, &exit_code] {
    auto db = OpenDatabase(*db_path);
    if (!db.ok()) {
      PrintError(db.status());
      exit_code = 1;
      return;
    }
    auto service = hierarchy::HierarchyService::Load(**db);
    if (!service.ok()) {
      PrintError(service.status());
      exit_code = 1;
      return;
    }
    auto& h = **service;
    auto villages = h.tree().Children(std::stoull(kDemoTownship), 0, kDemoVillages, false);
    if (!villages || villages->items.empty()) {
      PrintError(Status::FailedPrecondition(
          "数据库中没有扎木镇（540424100）：请先运行 jiceng import-divisions。",
          "Zhamu town (540424100) is not in the database: run `jiceng import-divisions` first."));
      exit_code = 1;
      return;
    }
    // Each of the demo's writes commits with its audit entry (as done by the
    // command line), so that the demo data accounts for itself.
    audit::WriteAudit write_audit([] { return CliAuditEntry("cli.demo", "jiceng demo"); });
    std::optional<db::ScopedCommitHook> in_transaction(std::in_place, write_audit);
    // Villager groups under every village of Bomi that lacks them.
    std::size_t added = 0;
    auto townships = h.tree().Children(std::stoull(kDemoCounty), 0, 100, false);
    for (const auto& township : townships ? townships->items : std::vector<hierarchy::UnitView>{}) {
      auto in_township = h.tree().Children(std::stoull(township.code), 0, 1000, false);
      if (!in_township) continue;
      for (std::size_t v = 0; v < in_township->items.size(); ++v) {
        const hierarchy::UnitView& village = in_township->items[v];
        if (village.level != hierarchy::Level::kVillage) continue;
        for (const std::string& name : DemoGroupNames(township.code, v, village.code)) {
          if (h.tree().HasActiveChildNamed(std::stoull(village.code), name)) continue;
          auto group = h.AddGroup(village.code, name);
          if (!group.ok()) {
            PrintError(group.status());
            exit_code = 1;
            return;
          }
          ++added;
        }
      }
    }
    std::printf("演示数据：新增 %zu 个村民小组（波密县）。\nDemo data: %zu villager groups added (Bomi county).\n",
                added, added);

    // Accounts, each with a generated password shown once.
    in_transaction.reset();  // loading (and migrating) is not the demo's data
    // The business clock: every date of the demo counts back from its today.
    Result<std::unique_ptr<BusinessClock>> clock = BusinessClockFromEnvironment();
    if (!clock_file->empty()) {
      const char* zone = std::getenv(kTimeZoneEnv);
      auto file = FileClock::Create(*clock_file, zone && *zone ? zone : kDefaultTimeZone);
      clock = file.ok() ? Result<std::unique_ptr<BusinessClock>>(std::move(file).value())
                        : Result<std::unique_ptr<BusinessClock>>(file.status());
    }
    if (!clock.ok()) {
      PrintError(clock.status());
      exit_code = 1;
      return;
    }
    auto app = LoadApp(*db_path, accounts::SessionSettings{}, /*with_figures=*/false, std::move(clock).value());
    if (!app.ok()) {
      PrintError(app.status());
      exit_code = 1;
      return;
    }
    in_transaction.emplace(write_audit);
    bool header = false;
    for (const DemoAccount& a : kDemoAccounts) {
      if ((*app)->users->GetByName(a.username).ok()) continue;
      std::string unit = a.unit;
      if (unit.rfind("village:", 0) == 0) unit = villages->items.at(std::stoul(unit.substr(8))).code;
      accounts::NewUser input{a.username, a.display_name, std::nullopt,
                              unit.empty() ? std::nullopt : std::optional<std::string>(unit),
                              accounts::GeneratePassword()};
      auto user = (*app)->users->Create(nullptr, input);
      if (!user.ok()) {
        PrintError(user.status());
        exit_code = 1;
        return;
      }
      auto grant = (*app)->users->GrantRole(nullptr, user->id, a.role, input.unit_code);
      if (!grant.ok()) {
        PrintError(grant.status());
        exit_code = 1;
        return;
      }
      if (!header) {
        std::printf("\n演示账号（密码只显示这一次）/ demo accounts (passwords are shown only this once):\n");
        header = true;
      }
      std::printf("  %-12s %-20s %-16s %s\n", a.username, input.password.c_str(), a.role,
                  unit.empty() ? "全国 / nationwide" : unit.c_str());
    }
    if (!header) {
      std::printf("演示账号已存在；忘记密码可用 jiceng user passwd <用户名> 重设。\n"
                  "Demo accounts exist already; reset a forgotten password with `jiceng user passwd <name>`.\n");
    }
    auto party = AddDemoParty(**app);
    if (!party.ok()) {
      PrintError(party.status());
      exit_code = 1;
      return;
    }
    if (party->skipped) {
      std::printf("波密县已有党组织，未再添加演示党组织和党员。\n"
                  "Bomi has organizations already; no demo organizations or members were added.\n");
      return;
    }
    std::printf("演示数据：波密县 %d 个党组织、%d 名党员（含入党申请人、积极分子和发展对象），%d 笔党费、%d 本党员证、"
                "%d 次会议，任命 %d 人次，%d 个结对、%d 个任务团队。\n"
                "Demo data: Bomi county, %d organizations, %d members (applicants, activists and candidates "
                "included), %d dues payments, %d cards, %d meetings, %d appointments, %d pairings, %d task teams.\n",
                party->organizations, party->members, party->payments, party->cards, party->meetings,
                party->appointments, party->pairings, party->task_teams, party->organizations, party->members,
                party->payments, party->cards, party->meetings, party->appointments, party->pairings,
                party->task_teams);
  });
}

void AddVersionCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("version", "显示版本 / print the version");
  cmd->callback([&exit_code] {
    std::printf("jiceng %s\n", JICENG_VERSION);
    exit_code = 0;
  });
}

}  // namespace jiceng::cli
