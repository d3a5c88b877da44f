// jiceng: the single executable. Subcommands: serve, import-divisions, demo,
// user, audit, routes, migrate, backup, restore, version. Help texts are
// Chinese first, then English.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"基层 Jiceng —— 基层组织工作平台 / grassroots work platform"};
  app.require_subcommand(1);
  app.set_help_flag("-h,--help", "显示帮助 / show help");
  int exit_code = 0;
  jiceng::cli::AddServeCommand(app, exit_code);
  jiceng::cli::AddImportDivisionsCommand(app, exit_code);
  jiceng::cli::AddDemoCommand(app, exit_code);
  jiceng::cli::AddUserCommand(app, exit_code);
  jiceng::cli::AddAuditCommand(app, exit_code);
  jiceng::cli::AddRoutesCommand(app, exit_code);
  jiceng::cli::AddMigrateCommand(app, exit_code);
  jiceng::cli::AddBackupCommand(app, exit_code);
  jiceng::cli::AddRestoreCommand(app, exit_code);
  jiceng::cli::AddImportMembersCommand(app, exit_code);
  jiceng::cli::AddVersionCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
