// `jiceng import-members FILE [--dry-run]` and `jiceng import-orgs FILE
// [--dry-run]`: the imports of the API for operators, nationwide, without a
// server. Every bad row is printed; a commit writes all rows or none.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "analytics/rollup_engine.h"
#include "audit/write_audit.h"
#include "cli/commands.h"
#include "cli/publishers.h"
#include "hierarchy/hierarchy_service.h"
#include "imports/member_import.h"
#include "imports/org_import.h"
#include "members/membership_rules.h"
#include "orgs/org_service.h"
#include "people/personal_data.h"

namespace jiceng::cli {
namespace {

void PrintIssues(const char* zh, const char* en, const std::vector<imports::RowIssue>& issues, FILE* out) {
  if (issues.empty()) return;
  std::fprintf(out, "%s / %s (%zu):\n", zh, en, issues.size());
  for (const auto& i : issues) {
    std::fprintf(out, "  第 %zu 行 row %zu [%s]: %s / %s\n", i.row, i.row, i.column.c_str(), i.message_zh.c_str(),
                 i.message_en.c_str());
  }
}

void AddOne(CLI::App& app, int& exit_code, const char* name, const char* help, bool members_file) {
  struct Options {
    std::string db = kDefaultDb;
    std::string file;
    bool dry_run = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("FILE", opts->file, ".xlsx 或 .csv 文件 / the .xlsx or .csv file")->required();
  cmd->add_option("--db", opts->db, kDbOptionHelp)->capture_default_str();
  cmd->add_flag("--dry-run", opts->dry_run, "只检查，不写入 / check every row, write nothing");
  cmd->callback([opts, &exit_code, members_file] {
    std::ifstream in(opts->file, std::ios::binary);
    if (!in) {
      PrintError(Status::IoError("无法读取文件 " + opts->file + "。", "Cannot read " + opts->file + "."));
      exit_code = 1;
      return;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string bytes = std::move(buf).str();
    const std::string file_name = std::filesystem::path(opts->file).filename().string();
    auto db = OpenDatabase(opts->db);
    if (!db.ok()) {
      PrintError(db.status());
      exit_code = 1;
      return;
    }
    auto clock = BusinessClockFromEnvironment();
    if (!clock.ok()) {
      PrintError(clock.status());
      exit_code = 2;
      return;
    }
    auto hierarchy = hierarchy::HierarchyService::Load(**db);
    if (!hierarchy.ok()) {
      PrintError(hierarchy.status());
      exit_code = 1;
      return;
    }
    // The imported rows go to change_log in the import's transaction, so a
    // running `jiceng serve` on this database counts them within a poll.
    auto indicators = analytics::LoadIndicators();
    if (!indicators.ok()) {
      PrintError(indicators.status());
      exit_code = 1;
      return;
    }
    if (Status st = ServicePublishers().CheckCovers(*indicators); !st.ok()) {
      PrintError(st);
      exit_code = 1;
      return;
    }
    auto engine = analytics::RollupEngine::Load(**db, std::move(indicators).value(), {},
                                                analytics::RollupEngine::Mode::kLogOnly,
                                                [c = clock->get()] { return FormatDate(c->Today()); });
    if (!engine.ok()) {
      PrintError(engine.status());
      exit_code = 1;
      return;
    }
    analytics::ChangeSink& changes = **engine;
    orgs::OrgService orgs(**db, **hierarchy, changes, **clock);
    const imports::ImportScope everywhere{true, {}};
    Result<imports::ImportReport> report = Status::Internal("no import ran");
    // The imported rows and their audit entry commit together (naming them:
    // "member:41-1040"), so `jiceng audit verify --against-data` accounts for them.
    audit::WriteAudit write_audit([&] {
      return CliAuditEntry(members_file ? "cli.imports.members" : "cli.imports.orgs",
                           members_file ? "jiceng import-members" : "jiceng import-orgs");
    });
    db::ScopedCommitHook in_transaction(write_audit);
    if (members_file) {
      auto rules = members::MembershipRules::LoadDefault();
      if (!rules.ok()) {
        PrintError(rules.status());
        exit_code = 1;
        return;
      }
      auto vault = people::AttachVault(**db, people::KeyFilePath());
      if (!vault.ok()) {
        PrintError(vault.status());
        exit_code = 1;
        return;
      }
      members::MemberService members(**db, **hierarchy, *rules, changes, *vault, **clock);
      report = imports::MemberImporter(**db, members).Run(bytes, file_name, everywhere, opts->dry_run, std::nullopt);
    } else {
      report = imports::OrgImporter(**db, orgs).Run(bytes, file_name, everywhere, opts->dry_run);
    }
    if (!report.ok()) {
      PrintError(report.status());
      exit_code = 1;
      return;
    }
    const auto& r = *report;
    PrintIssues("提示", "warnings", r.warnings, stderr);
    PrintIssues("错误", "errors", r.errors, stderr);
    if (!r.errors.empty()) {
      std::fprintf(stderr, "%zu 行中有 %zu 行有错误，未写入任何数据。\n%zu of %zu rows have errors; nothing was written.\n",
                   r.rows, r.rows - r.valid_rows, r.rows - r.valid_rows, r.rows);
      exit_code = 1;
    } else if (r.dry_run) {
      std::printf("检查通过：%zu 行都可以导入（未写入）。\nAll %zu rows are good (dry run: nothing written).\n", r.rows, r.rows);
    } else {
      std::printf("已导入 %zu 行。\nImported %zu rows.\n", r.inserted_ids.size(), r.inserted_ids.size());
    }
  });
}

}  // namespace

void AddImportMembersCommand(CLI::App& app, int& exit_code) {
  AddOne(app, exit_code, "import-members",
         "从 .xlsx / .csv 导入党员（先 --dry-run 检查）/ import members from .xlsx or CSV (check with --dry-run first)",
         true);
  AddOne(app, exit_code, "import-orgs",
         "从 .xlsx / .csv 导入党组织 / import organizations from .xlsx or CSV", false);
}

}  // namespace jiceng::cli
