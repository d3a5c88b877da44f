#include <spdlog/spdlog.h>

#include <thread>

#include "api/handlers/health_handler.h"
#include "api/handlers/units_handler.h"
#include "api/server.h"
#include "cli/commands.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::cli {

void AddServeCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string db = kDefaultDb;
    std::string listen = "127.0.0.1:8080";
    std::string web;
    std::size_t threads = std::max(2u, std::thread::hardware_concurrency());
    std::string access_log = "-";
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("serve", "启动 HTTP 服务 / serve the API and web UI over HTTP");
  cmd->add_option("--db", opts->db, "数据库（SQLite 文件）/ database (SQLite file)")->capture_default_str();
  cmd->add_option("--listen", opts->listen, "监听地址 / address:port to listen on")->capture_default_str();
  cmd->add_option("--web", opts->web, "前端构建目录 / folder of the built web UI (web/dist)");
  cmd->add_option("--threads", opts->threads, "工作线程数 / worker threads")
      ->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--access-log", opts->access_log,
                  "访问日志：- 为标准输出，off 关闭，或文件路径 / access log: - stdout, off, or a file")
      ->capture_default_str();
  cmd->callback([opts, &exit_code] {
    api::ServerOptions server;
    server.threads = opts->threads;
    server.web_dir = opts->web;
    server.access_log = opts->access_log;
    if (Status st = api::ParseListen(opts->listen, server); !st.ok()) {
      PrintError(st);
      exit_code = 2;
      return;
    }
    auto db = OpenDatabase(opts->db);
    if (!db.ok()) {
      PrintError(db.status());
      exit_code = 1;
      return;
    }
    spdlog::info("载入区划 / loading the hierarchy from {}", (*db)->location());
    auto hierarchy = hierarchy::HierarchyService::Load(**db);
    if (!hierarchy.ok()) {
      PrintError(hierarchy.status());
      exit_code = 1;
      return;
    }
    const std::size_t units = (*hierarchy)->tree().size();
    spdlog::info("已载入 {} 个单位 / {} units loaded", units, units);
    if (units == 0) {
      spdlog::warn("数据库中还没有区划：请先运行 jiceng import-divisions / no units yet: run "
                   "`jiceng import-divisions` first");
    }
    api::RouteTable routes;
    api::AddHealthRoutes(routes, **db, **hierarchy);
    api::AddUnitRoutes(routes, **hierarchy);
    if (Status st = api::RunServer(server, std::move(routes)); !st.ok()) {
      PrintError(st);
      exit_code = 1;
    }
  });
}

}  // namespace jiceng::cli
