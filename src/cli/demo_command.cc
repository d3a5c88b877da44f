#include <cstdio>

#include "accounts/password.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::cli {
namespace {

// Villager groups under the villages of Zhamu town (扎木镇), Bomi county
// (波密县), Tibet — the county the domain brief's figures come from.
constexpr const char* kDemoTownship = "540424100";
constexpr const char* kDemoGroupNames[] = {"本东村民小组", "一组", "二组", "三组"};
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
  cmd->callback([db_path, &exit_code] {
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
    std::size_t added = 0;
    for (const auto& village : villages->items) {
      for (const char* name : kDemoGroupNames) {
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
    std::printf("演示数据：新增 %zu 个村民小组（扎木镇）。\nDemo data: %zu villager groups added (Zhamu town).\n",
                added, added);

    // Accounts, each with a generated password shown once.
    auto app = LoadApp(*db_path, accounts::SessionSettings{});
    if (!app.ok()) {
      PrintError(app.status());
      exit_code = 1;
      return;
    }
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
