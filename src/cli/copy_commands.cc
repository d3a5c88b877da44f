// `jiceng migrate`, `jiceng backup` and `jiceng restore`: whole-database
// copies (db/copy/database_copy.h), plus the audit log's hash chain checked
// on both sides of every copy.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "audit/audit_log.h"
#include "cli/commands.h"
#include "db/copy/database_copy.h"
#include "db/migrations/migrations.h"

namespace jiceng::cli {
namespace {

namespace fs = std::filesystem;

bool IsFileUrl(const std::string& url) { return url.find("://") == std::string::npos; }
std::string FilePath(const std::string& url) { return url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url; }

// Opens and migrates a database that must exist already (a SQLite file is
// never created here: a typo must not become an empty source).
Result<std::unique_ptr<db::Database>> OpenExisting(const std::string& url, const std::string& field) {
  if (IsFileUrl(url) && !fs::exists(FilePath(url))) {
    return Status::NotFound("找不到数据库文件 " + FilePath(url) + "。", "No database file " + FilePath(url) + ".",
                            field);
  }
  return OpenDatabase(url);
}

db::CopyOptions WithProgress(db::CopyOptions options) {
  if (isatty(STDERR_FILENO) == 0) return options;
  options.progress = [](std::string_view table, std::int64_t done, std::int64_t total) {
    std::fprintf(stderr, "\r  %-20.*s %10lld / %lld   ", static_cast<int>(table.size()), table.data(),
                 static_cast<long long>(done), static_cast<long long>(total));
    if (done == total) std::fputc('\n', stderr);
    std::fflush(stderr);
  };
  return options;
}

void PrintCounts(const db::CopyReport& report) {
  for (const db::TableCount& t : report.tables) {
    std::printf("  %-22s %10lld\n", t.table.c_str(), static_cast<long long>(t.rows));
  }
  std::printf("  %-22s %10lld\n", "合计 / total", static_cast<long long>(report.total_rows()));
}

// Compares the audit log's hash chain in `copy` with the one in `original`:
// a faithful copy verifies exactly as its original does (same number of
// entries, same head hash, same first broken entry if any). Prints the
// result; returns 0 when they agree and the chain is intact, 1 otherwise.
int CheckAuditChains(db::Database& original, db::Database& copy) {
  auto a = audit::AuditLog::Verify(original);
  auto b = audit::AuditLog::Verify(copy);
  if (!a.ok() || !b.ok()) {
    PrintError(!a.ok() ? a.status() : b.status());
    return 1;
  }
  const bool same = a->entries == b->entries && a->head_hash == b->head_hash &&
                    a->first_broken == b->first_broken;
  if (!same) {
    std::printf("审计日志哈希链与来源不一致（来源 %lld 条，副本 %lld 条）：副本不可信，请不要使用。\n"
                "The audit log's hash chain differs from the source's (%lld entries there, %lld here): "
                "do not trust this copy.\n",
                static_cast<long long>(a->entries), static_cast<long long>(b->entries),
                static_cast<long long>(a->entries), static_cast<long long>(b->entries));
    return 1;
  }
  if (!b->ok()) {
    std::printf("警告：来源的审计日志在第 %lld 条已被改动，副本如实保留了这一点。\n"
                "Warning: the source's audit log was already altered at entry %lld (%s); the copy "
                "keeps it as it is.\n",
                static_cast<long long>(*b->first_broken), static_cast<long long>(*b->first_broken),
                b->reason.c_str());
    return 1;
  }
  std::printf("审计日志哈希链完好：%lld 条，链尾 %s\nAudit log hash chain intact: %lld entries, head %s\n",
              static_cast<long long>(b->entries), b->head_hash.c_str(), static_cast<long long>(b->entries),
              b->head_hash.c_str());
  return 0;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void AddMigrateCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string from;
    std::string to;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "migrate",
      "把整个数据库复制到另一个数据库（如 SQLite → PostgreSQL），保留编号并逐表核对行数 / copy a whole "
      "database into another (e.g. SQLite -> PostgreSQL), keeping ids and checking every table's row count");
  cmd->add_option("--from", o->from, "来源数据库 / source database (sqlite:FILE, FILE or postgresql://...)")
      ->required();
  cmd->add_option("--to", o->to, "目标数据库（应为空）/ target database (should be empty)")->required();
  cmd->add_flag("--force,--into-nonempty", o->force,
                "目标有数据时用来源替换其全部数据 / replace all data of a non-empty target");
  cmd->callback([o, &exit_code] {
    const auto start = std::chrono::steady_clock::now();
    auto from = OpenExisting(o->from, "from");
    if (!from.ok()) {
      exit_code = (PrintError(from.status()), 1);
      return;
    }
    auto to = OpenDatabase(o->to);
    if (!to.ok()) {
      exit_code = (PrintError(to.status()), 1);
      return;
    }
    std::fprintf(stderr, "复制 / copying %s -> %s\n", (*from)->location().c_str(), (*to)->location().c_str());
    auto report = db::CopyDatabase(**from, **to, WithProgress({.replace = o->force}));
    if (!report.ok()) {
      exit_code = (PrintError(report.status()), 1);
      return;
    }
    std::printf("已复制，各表行数与来源一致 / copied; every table's row count matches the source:\n");
    PrintCounts(*report);
    exit_code = CheckAuditChains(**from, **to);
    std::printf("用时 %.1f 秒 / took %.1f s\n", SecondsSince(start), SecondsSince(start));
  });
}

void AddBackupCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string db = kDefaultDb;
    std::string to;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "backup",
      "把数据库的一致快照写入新的 SQLite 文件（服务运行时也可）/ write a consistent snapshot of the "
      "database into a new SQLite file (safe while serving)");
  cmd->add_option("--db", o->db, kDbOptionHelp)->capture_default_str();
  cmd->add_option("--to", o->to, "备份文件（不能已存在）/ backup file (must not exist)")->required();
  cmd->callback([o, &exit_code] {
    const auto start = std::chrono::steady_clock::now();
    auto db = OpenExisting(o->db, "db");
    if (!db.ok()) {
      exit_code = (PrintError(db.status()), 1);
      return;
    }
    if (fs::path(o->to).has_parent_path()) {
      std::error_code ec;
      fs::create_directories(fs::path(o->to).parent_path(), ec);
    }
    auto report = db::BackupToSqliteFile(**db, o->to);
    if (!report.ok()) {
      exit_code = (PrintError(report.status()), 1);
      return;
    }
    std::printf("已备份 %s 到 %s / backed up %s to %s:\n", (*db)->location().c_str(), o->to.c_str(),
                (*db)->location().c_str(), o->to.c_str());
    PrintCounts(*report);
    // The snapshot's own chain must verify (the live log may have grown since).
    auto backup = db::Database::Open(o->to);
    if (!backup.ok()) {
      exit_code = (PrintError(backup.status()), 1);
      return;
    }
    exit_code = CheckAuditChains(**backup, **backup);
    std::printf("用时 %.1f 秒 / took %.1f s\n", SecondsSince(start), SecondsSince(start));
  });
}

void AddRestoreCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string from;
    std::string db = kDefaultDb;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "restore",
      "把 jiceng backup 的备份恢复到数据库（目标应为空；先停止服务）/ restore a `jiceng backup` file into a "
      "database (the target should be empty; stop the server first)");
  cmd->add_option("--from", o->from, "备份文件 / backup file")->required();
  cmd->add_option("--db", o->db, kDbOptionHelp)->capture_default_str();
  cmd->add_flag("--force", o->force, "目标有数据时用备份替换其全部数据 / replace all data of a non-empty target");
  cmd->callback([o, &exit_code] {
    const auto start = std::chrono::steady_clock::now();
    if (!fs::is_regular_file(o->from)) {
      exit_code = (PrintError(Status::NotFound("找不到备份文件 " + o->from + "。", "No backup file " + o->from + ".",
                                               "from")),
                   1);
      return;
    }
    // Work on a private copy: opening a SQLite file may write to it (WAL,
    // schema upgrade of an older backup), and a backup must stay as it was.
    std::string pattern = (fs::temp_directory_path() / "jiceng-restore-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      exit_code = (PrintError(Status::IoError("无法创建临时目录。", "Cannot create a temporary directory.")), 1);
      return;
    }
    const fs::path work(pattern);
    const fs::path copy = work / "backup.db";
    std::error_code ec;
    fs::copy_file(o->from, copy, ec);
    int rc = 1;
    if (ec) {
      PrintError(Status::IoError("无法读取备份文件 " + o->from + "：" + ec.message(),
                                 "Cannot read the backup file " + o->from + ": " + ec.message()));
    } else {
      rc = [&]() -> int {
        auto backup = db::Database::Open(copy.string());
        if (!backup.ok()) return (PrintError(backup.status()), 1);
        auto version = db::CurrentSchemaVersion(**backup);
        if (!version.ok()) return (PrintError(version.status()), 1);
        if (*version == 0) {
          return (PrintError(Status::InvalidArgument("from", o->from + " 不是 jiceng 的备份文件。",
                                                     o->from + " is not a jiceng backup.")),
                  1);
        }
        auto upgraded = db::Migrate(**backup);  // an older backup: upgrade the copy
        if (!upgraded.ok()) return (PrintError(upgraded.status()), 1);
        auto target = OpenDatabase(o->db);
        if (!target.ok()) return (PrintError(target.status()), 1);
        auto report = db::CopyDatabase(**backup, **target, WithProgress({.replace = o->force}));
        if (!report.ok()) return (PrintError(report.status()), 1);
        std::printf("已从 %s 恢复到 %s，各表行数与备份一致 / restored %s into %s; every table's row count "
                    "matches the backup:\n",
                    o->from.c_str(), (*target)->location().c_str(), o->from.c_str(),
                    (*target)->location().c_str());
        PrintCounts(*report);
        return CheckAuditChains(**backup, **target);
      }();
    }
    fs::remove_all(work, ec);
    exit_code = rc;
    std::printf("用时 %.1f 秒 / took %.1f s\n", SecondsSince(start), SecondsSince(start));
  });
}

}  // namespace jiceng::cli
