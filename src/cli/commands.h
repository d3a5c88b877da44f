// The subcommands of the `jiceng` executable. Each Add*Command registers its
// options and its callback with the CLI11 app; the callback returns the
// process exit code through `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "audit/audit_log.h"
#include "common/clock.h"
#include "common/result.h"
#include "db/database.h"

namespace jiceng::cli {

inline constexpr const char* kDefaultDb = "data/jiceng.db";
// The help text of every --db option.
inline constexpr const char* kDbOptionHelp =
    "数据库：SQLite 文件路径，或 postgresql://用户@主机:端口/库名 / database: a SQLite file, or "
    "postgresql://user@host:port/dbname";

void AddServeCommand(CLI::App& app, int& exit_code);
void AddImportDivisionsCommand(CLI::App& app, int& exit_code);
void AddDemoCommand(CLI::App& app, int& exit_code);
void AddVersionCommand(CLI::App& app, int& exit_code);
void AddUserCommand(CLI::App& app, int& exit_code);
void AddAuditCommand(CLI::App& app, int& exit_code);
void AddRoutesCommand(CLI::App& app, int& exit_code);
void AddMigrateCommand(CLI::App& app, int& exit_code);
void AddBackupCommand(CLI::App& app, int& exit_code);
void AddRestoreCommand(CLI::App& app, int& exit_code);
// import-members and import-orgs.
void AddImportMembersCommand(CLI::App& app, int& exit_code);

// Opens the database named by `url` (creating the parent folder of a new
// SQLite file) and applies pending migrations.
Result<std::unique_ptr<db::Database>> OpenDatabase(const std::string& url);

// The audit entry of a command-line tool's writes, done by "cli:$USER" from
// "local" (method "CLI"); for audit::WriteAudit, which appends it inside each
// write transaction.
audit::AuditEntry CliAuditEntry(const std::string& action, const std::string& path, const std::string& target = "");
// The business time zone of this deployment: JICENG_TIME_ZONE when set,
// else Asia/Shanghai. `jiceng serve --time-zone` overrides it.
inline constexpr const char* kTimeZoneEnv = "JICENG_TIME_ZONE";
// Real time in that zone; kInvalidArgument when the zone is unknown.
Result<std::unique_ptr<BusinessClock>> BusinessClockFromEnvironment();

// Prints a Status for a person at a terminal, Chinese then English, to stderr.
void PrintError(const Status& status);

// Peak resident memory of this process in MiB (VmHWM), 0 if unknown.
double PeakRssMiB();

}  // namespace jiceng::cli
