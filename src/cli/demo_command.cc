#include <cstdio>

#include "cli/commands.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::cli {
namespace {

// Villager groups under the villages of Zhamu town (扎木镇), Bomi county
// (波密县), Tibet — the county the domain brief's figures come from.
constexpr const char* kDemoTownship = "540424100";
constexpr const char* kDemoGroupNames[] = {"本东村民小组", "一组", "二组", "三组"};
constexpr std::size_t kDemoVillages = 3;

}  // namespace

void AddDemoCommand(CLI::App& app, int& exit_code) {
  auto db_path = std::make_shared<std::string>(kDefaultDb);
  CLI::App* cmd = app.add_subcommand(
      "demo", "添加演示数据（需先导入区划）；可重复运行 / add demo data (after import-divisions); safe to rerun");
  cmd->add_option("--db", *db_path, "数据库（SQLite 文件）/ database (SQLite file)")->capture_default_str();
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
