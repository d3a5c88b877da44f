// `jiceng user ...`: accounts from the command line, for the operator of
// the machine (who can already read the database file, so may do anything).
// Every change is written to the audit log as done by "cli".
#include <unistd.h>

#include <iostream>

#include "accounts/password.h"
#include "audit/audit_log.h"
#include "audit/audited_tables.h"
#include "audit/write_audit.h"
#include "cli/app.h"
#include "cli/commands.h"

namespace jiceng::cli {
namespace {

struct UserOptions {
  std::string db = kDefaultDb;
  std::string username;
  std::string display_name;
  std::string phone;
  std::string unit;
  std::string role;
  std::int64_t grant_id = 0;
  bool admin = false;
  bool password_stdin = false;
};

// Runs `write` with its audit entry appended inside each of its write
// transactions (audit/write_audit.h): the change and its entry commit
// together. `target` names the account when the write creates none.
template <typename Fn>
auto Audited(const std::string& action, const std::string& target, Fn&& write) {
  audit::WriteAudit write_audit([&] { return CliAuditEntry(action, "jiceng user", target); });
  db::ScopedCommitHook scope(write_audit);
  return write();
}

// Reads the password from stdin (--password-stdin) or makes one up and says
// so; in both cases the password is never echoed back.
std::string ObtainPassword(bool from_stdin, bool& generated) {
  if (from_stdin) {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    generated = false;
    return line;
  }
  generated = true;
  return accounts::GeneratePassword();
}

int Fail(const Status& st) {
  PrintError(st);
  return 1;
}

}  // namespace

void AddUserCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<UserOptions>();
  CLI::App* user = app.add_subcommand("user", "管理账号 / manage accounts");
  user->require_subcommand(1);
  auto with_db = [&](CLI::App* c) {
    c->add_option("--db", o->db, kDbOptionHelp)->capture_default_str();
  };
  auto run = [o, &exit_code](const std::function<int(App&)>& body) {
    auto loaded = LoadApp(o->db, accounts::SessionSettings{}, /*with_figures=*/false);
    if (!loaded.ok()) {
      exit_code = Fail(loaded.status());
      return;
    }
    exit_code = body(**loaded);
  };

  CLI::App* add = user->add_subcommand("add", "新建账号 / create an account");
  with_db(add);
  add->add_option("username", o->username, "用户名 / username")->required();
  add->add_option("--display-name", o->display_name, "姓名或称呼 / display name");
  add->add_option("--phone", o->phone, "电话（可选）/ phone (optional)");
  add->add_option("--unit", o->unit, "所属单位代码（空为全国）/ home unit code (none: national)");
  add->add_flag("--admin", o->admin, "授予全国系统管理员角色 / grant the nationwide system administrator role");
  add->add_flag("--password-stdin", o->password_stdin,
                "从标准输入读密码，否则自动生成并显示一次 / read the password from stdin; else one is generated and shown once");
  add->callback([o, run] {
    run([o](App& app) {
      bool generated = false;
      accounts::NewUser input;
      input.username = o->username;
      input.display_name = o->display_name.empty() ? o->username : o->display_name;
      if (!o->phone.empty()) input.phone = o->phone;
      if (!o->unit.empty()) input.unit_code = o->unit;
      input.password = ObtainPassword(o->password_stdin, generated);
      auto created = Audited("cli.users.create", "", [&] { return app.users->Create(nullptr, input); });
      if (!created.ok()) return Fail(created.status());
      if (o->admin) {
        const std::string target = "user:" + std::to_string(created->id);
        auto grant = Audited("cli.users.roles.grant", target, [&] {
          return app.users->GrantRole(nullptr, created->id, "system_admin", std::nullopt);
        });
        if (!grant.ok()) return Fail(grant.status());
      }
      std::printf("已创建账号 / account created: %s%s\n", created->username.c_str(),
                  o->admin ? "（系统管理员 / system administrator）" : "");
      if (generated) {
        std::printf("初始密码（只显示这一次）/ initial password (shown only this once): %s\n", input.password.c_str());
      }
      return 0;
    });
  });

  CLI::App* passwd = user->add_subcommand("passwd", "重设密码 / set a new password");
  with_db(passwd);
  passwd->add_option("username", o->username, "用户名 / username")->required();
  passwd->add_flag("--password-stdin", o->password_stdin, "从标准输入读密码 / read the password from stdin");
  passwd->callback([o, run] {
    run([o](App& app) {
      auto user = app.users->GetByName(o->username);
      if (!user.ok()) return Fail(user.status());
      bool generated = false;
      const std::string password = ObtainPassword(o->password_stdin, generated);
      Status st = Audited("cli.users.password", "user:" + std::to_string(user->id),
                          [&] { return app.users->SetPassword(nullptr, user->id, password); });
      if (!st.ok()) return Fail(st);
      std::printf("密码已更新，该账号的所有会话已结束 / password set; all of the account's sessions ended\n");
      if (generated) std::printf("新密码（只显示这一次）/ new password (shown only this once): %s\n", password.c_str());
      return 0;
    });
  });

  for (bool enable : {false, true}) {
    CLI::App* c = user->add_subcommand(enable ? "enable" : "disable",
                                       enable ? "启用账号 / enable an account" : "停用账号 / disable an account");
    with_db(c);
    c->add_option("username", o->username, "用户名 / username")->required();
    c->callback([o, run, enable] {
      run([o, enable](App& app) {
        auto user = app.users->GetByName(o->username);
        if (!user.ok()) return Fail(user.status());
        accounts::UserPatch patch;
        patch.enabled = enable;
        auto updated = Audited(enable ? "cli.users.enable" : "cli.users.disable", "user:" + std::to_string(user->id),
                               [&] { return app.users->Update(nullptr, user->id, patch, std::nullopt); });
        if (!updated.ok()) return Fail(updated.status());
        std::printf("%s: %s\n", enable ? "已启用 / enabled" : "已停用 / disabled", user->username.c_str());
        return 0;
      });
    });
  }

  CLI::App* list = user->add_subcommand("list", "列出账号 / list accounts");
  with_db(list);
  list->callback([o, run] {
    run([](App& app) {
      auto page = app.users->List(nullptr, "", 0, 100000);
      if (!page.ok()) return Fail(page.status());
      for (const auto& u : page->first) {
        std::string roles;
        for (const auto& g : u.grants) {
          roles += (roles.empty() ? "" : ", ") + g.role + "@" +
                   (g.unit_code ? std::to_string(*g.unit_code) : std::string("全国/nation")) + " #" + std::to_string(g.id);
        }
        std::printf("%-20s %-12s %-8s %s\n", u.username.c_str(), u.display_name.c_str(),
                    u.enabled ? "enabled" : "DISABLED", roles.c_str());
      }
      return 0;
    });
  });

  CLI::App* grant = user->add_subcommand("grant", "授予角色 / grant a role on a unit");
  with_db(grant);
  grant->add_option("username", o->username, "用户名 / username")->required();
  grant->add_option("role", o->role, "角色 / role (system_admin, org_department, township_staff, village_cadre, "
                                     "work_team, auditor, public)")->required();
  grant->add_option("unit", o->unit, "单位代码（空为全国）/ unit code (none: nationwide)");
  grant->callback([o, run] {
    run([o](App& app) {
      auto user = app.users->GetByName(o->username);
      if (!user.ok()) return Fail(user.status());
      auto g = Audited("cli.users.roles.grant", "user:" + std::to_string(user->id), [&] {
        return app.users->GrantRole(nullptr, user->id, o->role,
                                    o->unit.empty() ? std::nullopt : std::optional<std::string>(o->unit));
      });
      if (!g.ok()) return Fail(g.status());
      std::printf("已授予 / granted: %s %s %s (#%lld)\n", user->username.c_str(), o->role.c_str(),
                  o->unit.empty() ? "全国/nation" : o->unit.c_str(), static_cast<long long>(g->id));
      return 0;
    });
  });

  CLI::App* revoke = user->add_subcommand("revoke", "收回角色 / revoke a role grant");
  with_db(revoke);
  revoke->add_option("username", o->username, "用户名 / username")->required();
  revoke->add_option("grant_id", o->grant_id, "授予编号（见 user list）/ grant number (see user list)")->required();
  revoke->callback([o, run] {
    run([o](App& app) {
      auto user = app.users->GetByName(o->username);
      if (!user.ok()) return Fail(user.status());
      Status st = Audited("cli.users.roles.revoke", "user:" + std::to_string(user->id),
                          [&] { return app.users->RevokeRole(nullptr, user->id, o->grant_id); });
      if (!st.ok()) return Fail(st);
      std::printf("已收回 / revoked #%lld\n", static_cast<long long>(o->grant_id));
      return 0;
    });
  });
}

void AddAuditCommand(CLI::App& app, int& exit_code) {
  auto db_path = std::make_shared<std::string>(kDefaultDb);
  auto against_data = std::make_shared<bool>(false);
  CLI::App* audit_cmd = app.add_subcommand("audit", "审计日志 / the audit log");
  audit_cmd->require_subcommand(1);
  CLI::App* verify = audit_cmd->add_subcommand(
      "verify", "校验审计日志的哈希链 / verify the audit log's hash chain");
  verify->add_option("--db", *db_path, kDbOptionHelp)->capture_default_str();
  verify->add_flag("--against-data", *against_data,
                   "并查找没有审计记录的数据行（村民小组、党组织、党员……）/ also find rows of audited tables "
                   "(villager groups, organizations, members, ...) that no audit entry names");
  verify->callback([db_path, against_data, &exit_code] {
    auto db = OpenDatabase(*db_path);
    if (!db.ok()) {
      exit_code = Fail(db.status());
      return;
    }
    auto report = audit::AuditLog::Verify(**db);
    if (!report.ok()) {
      exit_code = Fail(report.status());
      return;
    }
    if (!report->ok()) {
      std::printf("审计日志校验失败：第 %lld 条记录被改动或删除。\nAudit log verification FAILED at entry %lld: %s.\n",
                  static_cast<long long>(*report->first_broken), static_cast<long long>(*report->first_broken),
                  report->reason.c_str());
      exit_code = 1;
      return;
    }
    std::printf("审计日志完好：%lld 条，链尾哈希 %s\nAudit log intact: %lld entries, head hash %s\n",
                static_cast<long long>(report->entries), report->head_hash.c_str(),
                static_cast<long long>(report->entries), report->head_hash.c_str());
    if (!*against_data) return;
    auto missing = audit::FindRowsWithoutEntry(**db);
    if (!missing.ok()) {
      exit_code = Fail(missing.status());
      return;
    }
    if (missing->empty()) {
      std::printf("数据与审计日志一致：每一行受审计的数据都有审计记录。\n"
                  "Data matches the audit log: every row of the audited tables has its audit entry.\n");
      return;
    }
    std::int64_t total = 0;
    for (const audit::RowsWithoutEntry& m : *missing) total += m.count;
    std::printf("发现 %lld 行数据没有审计记录（写入已提交，但没有记下谁做的）：\n"
                "Found %lld rows with no audit entry (committed without a record of who made them):\n",
                static_cast<long long>(total), static_cast<long long>(total));
    for (const audit::RowsWithoutEntry& m : *missing) {
      std::string examples;
      for (const std::string& e : m.examples) examples += (examples.empty() ? "" : ", ") + e;
      std::printf("  %s: %lld (%s%s)\n", m.table.c_str(), static_cast<long long>(m.count), examples.c_str(),
                  m.count > static_cast<std::int64_t>(m.examples.size()) ? ", ..." : "");
    }
    exit_code = 1;
  });
}

void AddRoutesCommand(CLI::App& app, int& exit_code) {
  auto db_path = std::make_shared<std::string>(kDefaultDb);
  CLI::App* cmd = app.add_subcommand("routes", "列出所有 API 路由及其权限（JSON）/ print every API route and its permission as JSON");
  cmd->add_option("--db", *db_path, kDbOptionHelp)->capture_default_str();
  cmd->callback([db_path, &exit_code] {
    auto loaded = LoadApp(*db_path, accounts::SessionSettings{}, /*with_figures=*/false);
    if (!loaded.ok()) {
      exit_code = Fail(loaded.status());
      return;
    }
    nlohmann::json out = nlohmann::json::array();
    for (const api::Route& r : (*loaded)->routes) {
      out.push_back({{"method", r.method},
                     {"pattern", r.pattern},
                     {"permission", r.permission},
                     {"scoped", static_cast<bool>(r.target)},
                     {"action", r.action}});
    }
    std::printf("%s\n", out.dump(2).c_str());
  });
}

}  // namespace jiceng::cli
