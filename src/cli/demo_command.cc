#include <cstdio>
#include <optional>

#include "accounts/password.h"
#include "audit/write_audit.h"
#include "common/clock.h"
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

// Organizations and members in Bomi: the county committee, Zhamu town's
// committee, a branch in each demo village with members at every stage of
// the pipeline, dues, cards and this year's meetings. Skipped when Bomi
// already has organizations (the demo is safe to rerun).
Status AddDemoOrganizations(App& app, const std::vector<hierarchy::UnitView>& villages) {
  orgs::OrgFilter existing{{"540424"}, false, std::nullopt, true, 0, 1};
  JICENG_ASSIGN_OR_RETURN(auto found, app.orgs->List(existing));
  if (found.second > 0) return Status::Ok();
  JICENG_ASSIGN_OR_RETURN(auto county, app.orgs->Create({"540424", std::nullopt, "committee", "中共波密县委员会"}));
  JICENG_ASSIGN_OR_RETURN(auto town, app.orgs->Create({kDemoTownship, county.id, "committee", "中共扎木镇委员会"}));
  orgs::OrgInput seasonal{kDemoTownship, town.id, "temporary_branch", "扎木镇虫草采挖临时党支部"};
  seasonal.temp_reason = "虫草采挖季";
  seasonal.starts_on = "2026-05-01";
  seasonal.ends_on = "2026-07-15";
  JICENG_RETURN_IF_ERROR(app.orgs->Create(seasonal).status());
  static constexpr const char* kNames[] = {"次仁", "扎西", "卓玛", "格桑", "央金", "旦增", "拉姆", "多吉", "德吉", "平措"};
  static constexpr const char* kStages[] = {"full", "full", "full", "probationary", "candidate", "activist", "activist",
                                            "applicant", "full", "full"};
  static constexpr const char* kSince[] = {"2010-07-01", "2015-06-20", "2019-07-01", "2026-06-28", "2026-03-15",
                                           "2025-05-04", "2026-04-01", "2026-09-10", "2001-07-01", "2008-12-12"};
  static constexpr const char* kSituations[] = {"rural_labour", "in_service", "rural_labour", "rural_labour", "migrant",
                                                "rural_labour", "in_service", "rural_labour", "elderly_infirm",
                                                "elderly_infirm"};
  const std::string year = FormatDate(app.clock->Today()).substr(0, 4);
  int person = 0;
  for (std::size_t v = 0; v < villages.size(); ++v) {
    JICENG_ASSIGN_OR_RETURN(auto branch,
                            app.orgs->Create({villages[v].code, town.id, "branch", villages[v].name + "党支部"}));
    std::vector<members::Attendance> attendance;
    for (int i = 0; i < 10; ++i, ++person) {
      members::MemberInput in;
      in.org_id = branch.id;
      in.name = std::string(kNames[i]) + (v == 0 ? "" : std::to_string(v + 1));
      in.gender = i % 2 == 0 ? "male" : "female";
      in.birth_date = std::to_string(1960 + (person * 7) % 40) + "-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 9);
      in.stage = kStages[i];
      in.stage_since = kSince[i];
      in.situation = kSituations[i];
      JICENG_ASSIGN_OR_RETURN(auto m, app.members->Create(in, std::nullopt));
      if (in.stage == "full" || in.stage == "probationary") {
        JICENG_RETURN_IF_ERROR(app.dues->SetStandard(m.id, 200 + 50 * (i % 3), year + "-01"));
        for (int month = 1; month <= 9 - (i % 4); ++month) {
          const std::string mm = year + "-0" + std::to_string(month);
          JICENG_RETURN_IF_ERROR(app.dues->RecordPayment(m.id, mm, 200 + 50 * (i % 3), mm + "-10", std::nullopt));
        }
        const std::string number = "5404" + std::to_string(100000 + person);
        JICENG_RETURN_IF_ERROR(app.dues->IssueCard(m.id, number, "2025-07-01").status());
        attendance.push_back({m.id, i % 5 == 0 ? "leave" : "present"});
      }
    }
    for (int month = 1; month <= 9; month += 1 + static_cast<int>(v)) {
      const std::string day = year + "-0" + std::to_string(month) + "-15";
      JICENG_RETURN_IF_ERROR(app.meetings->Record(branch.id, "committee", day, "支委会：研究本月工作", attendance,
                                                  std::nullopt).status());
    }
    JICENG_RETURN_IF_ERROR(app.meetings->Record(branch.id, "lecture", year + "-03-20", "党课：学习党章", attendance,
                                                std::nullopt).status());
  }
  std::printf("演示数据：已建立波密县、扎木镇及 %zu 个村的党组织和 %d 名党员。\n"
              "Demo data: organizations for Bomi, Zhamu town and %zu villages, with %d members.\n",
              villages.size(), person, villages.size(), person);
  return Status::Ok();
}

// Officers, a pairing and a task team for the Bomi branches: in each
// village branch a secretary, a deputy secretary and a committee member
// (in the first, the secretary elected in 2023 was succeeded by the deputy
// in 2025, so the history shows); the first two branches paired as adjacent
// areas with one shared activity; and a task team (一事一团) of the first
// branch, one of whose members has left it. Skipped when the first branch
// already has officers (safe to rerun, also on a database whose demo
// organizations were made before officers existed).
Status AddDemoOrgWork(App& app) {
  orgs::OrgFilter filter{{kDemoTownship}, false, std::string("branch"), false, 0, 3};
  JICENG_ASSIGN_OR_RETURN(auto found, app.orgs->List(filter));
  const std::vector<orgs::Organization>& branches = found.first;
  if (branches.empty()) return Status::Ok();
  JICENG_ASSIGN_OR_RETURN(auto existing, app.officers->ListForOrg(branches[0].id));
  if (!existing.empty()) return Status::Ok();
  // Full members of each branch, in the order the demo registered them.
  auto full_members = [&](std::int64_t org) -> Result<std::vector<members::Member>> {
    members::MemberFilter f;
    f.unit_prefixes = {kDemoTownship};
    f.org_id = org;
    f.stage = "full";
    f.limit = 20;
    JICENG_ASSIGN_OR_RETURN(auto page, app.members->List(f));
    return page.first;
  };
  int appointed = 0;
  std::vector<std::int64_t> first_branch_people;
  for (std::size_t b = 0; b < branches.size(); ++b) {
    JICENG_ASSIGN_OR_RETURN(auto people, full_members(branches[b].id));
    if (people.size() < 4) continue;
    const std::int64_t org = branches[b].id;
    auto appoint = [&](std::size_t who, const char* position, const char* start) -> Status {
      ++appointed;
      return app.officers->Appoint({org, people[who].id, position, start, "2028-01-09"}, std::nullopt).status();
    };
    JICENG_RETURN_IF_ERROR(appoint(0, "secretary", "2023-01-10"));
    JICENG_RETURN_IF_ERROR(appoint(1, "deputy_secretary", "2023-01-10"));
    JICENG_RETURN_IF_ERROR(appoint(2, "committee_member", "2023-01-10"));
    if (b == 0) {
      // The deputy is elected secretary: the old secretary's term and the
      // deputy's own end that day; another member becomes deputy.
      JICENG_RETURN_IF_ERROR(appoint(1, "secretary", "2025-04-01"));
      JICENG_RETURN_IF_ERROR(appoint(3, "deputy_secretary", "2025-04-01"));
      for (const auto& p : people) first_branch_people.push_back(p.id);
    }
  }
  if (branches.size() >= 2) {
    JICENG_ASSIGN_OR_RETURN(auto pairing, app.pairings->Create({branches[0].id, branches[1].id, "adjacent_area",
                                                                "2025-03-01", std::nullopt, "相邻两村党支部结对共建"},
                                                               std::nullopt));
    JICENG_RETURN_IF_ERROR(app.pairings
                               ->AddActivity(pairing.id,
                                             {"2025-07-01", "七一联合主题党日",
                                              "两村党员共同重温入党誓词，交流茶叶种植和民宿经营经验。", 26},
                                             std::nullopt)
                               .status());
  }
  JICENG_ASSIGN_OR_RETURN(auto team, app.teams->Create({branches[0].id, "茶产业发展服务团",
                                                        "茶叶种植技术帮扶与合作社运营", "2025-03-01", std::nullopt},
                                                       std::nullopt));
  for (std::size_t i = 0; i < first_branch_people.size() && i < 4; ++i) {
    JICENG_RETURN_IF_ERROR(app.teams->Join(team.id, first_branch_people[i], "2025-03-01").status());
  }
  if (first_branch_people.size() >= 4) {
    JICENG_RETURN_IF_ERROR(app.teams->Leave(team.id, first_branch_people[3], "2025-10-31").status());
  }
  std::printf("演示数据：已为 %zu 个村党支部任命 %d 人次书记、副书记和委员，建立 1 个结对和 1 个任务团队。\n"
              "Demo data: %d appointments in %zu village branches, 1 pairing and 1 task team.\n",
              branches.size(), appointed, appointed, branches.size());
  return Status::Ok();
}

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
    // Each of the demo's writes commits with its audit entry (as done by the
    // command line), so that the demo data accounts for itself.
    audit::WriteAudit write_audit([] { return CliAuditEntry("cli.demo", "jiceng demo"); });
    std::optional<db::ScopedCommitHook> in_transaction(std::in_place, write_audit);
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
    in_transaction.reset();  // loading (and migrating) is not the demo's data
    auto app = LoadApp(*db_path, accounts::SessionSettings{}, /*with_figures=*/false);
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
    if (Status st = AddDemoOrganizations(**app, villages->items); !st.ok()) {
      PrintError(st);
      exit_code = 1;
      return;
    }
    if (Status st = AddDemoOrgWork(**app); !st.ok()) {
      PrintError(st);
      exit_code = 1;
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
