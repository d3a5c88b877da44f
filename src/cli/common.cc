#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/commands.h"
#include "db/migrations/migrations.h"

namespace jiceng::cli {

Result<std::unique_ptr<BusinessClock>> BusinessClockFromEnvironment() {
  const char* zone = std::getenv(kTimeZoneEnv);
  JICENG_ASSIGN_OR_RETURN(auto clock, SystemBusinessClock::Create(zone && *zone ? zone : kDefaultTimeZone));
  return std::unique_ptr<BusinessClock>(std::move(clock));
}

Result<std::unique_ptr<db::Database>> OpenDatabase(const std::string& url) {
  const bool is_file = url.find("://") == std::string::npos;
  if (is_file) {
    std::filesystem::path path(url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url);
    if (path.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(path.parent_path(), ec);
    }
  }
  JICENG_ASSIGN_OR_RETURN(auto db, db::Database::Open(url));
  JICENG_ASSIGN_OR_RETURN(auto report, db::Migrate(*db));
  if (!report.applied.empty()) {
    std::fprintf(stderr, "数据库结构已升级 / schema migrated: %d -> %d\n", report.from_version,
                 report.to_version);
  }
  return db;
}

audit::AuditEntry CliAuditEntry(const std::string& action, const std::string& path, const std::string& target) {
  const char* user = std::getenv("USER");
  audit::AuditEntry e;
  e.username = std::string("cli:") + (user ? user : "operator");
  e.action = action;
  e.method = "CLI";
  e.path = path;
  e.target = target;
  e.ip = "local";
  return e;
}

void PrintError(const Status& status) {
  std::fprintf(stderr, "错误：%s\nError: %s\n", status.message_zh().c_str(), status.message_en().c_str());
  if (!status.detail().empty()) std::fprintf(stderr, "(%s)\n", status.detail().c_str());
}

double PeakRssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

}  // namespace jiceng::cli
