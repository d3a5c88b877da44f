#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

#include "api/server.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "common/clock.h"

namespace jiceng::cli {

void AddServeCommand(CLI::App& app, int& exit_code) {
  struct Options {
    std::string db = kDefaultDb;
    std::string listen = "127.0.0.1:8080";
    std::string web;
    // More threads than cores: a sign-in blocks its thread for ~65 ms of argon2id.
    std::size_t threads = std::max(4u, 2 * std::thread::hardware_concurrency());
    std::string access_log = "-";
    std::int64_t idle_seconds = 2 * 60 * 60;
    std::int64_t max_seconds = 12 * 60 * 60;
    std::int64_t change_log_retention_seconds = 7 * 24 * 60 * 60;
    std::int64_t change_log_prune_seconds = 60 * 60;
    std::int64_t job_retention_days = 30;
    std::int64_t job_lease_seconds = 60;
    std::string time_zone = kDefaultTimeZone;
    std::string clock_file;
    std::uint64_t xlsx_max_unpacked_mib = io::XlsxLimits{}.max_unpacked_bytes / (1024 * 1024);
    std::uint64_t xlsx_max_ratio = io::XlsxLimits{}.max_ratio;
    std::string trusted_proxies;
    bool secure_cookies = false;
    std::string metrics_allow = api::kDefaultMetricsAllow;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("serve", "启动 HTTP 服务 / serve the API and web UI over HTTP");
  cmd->add_option("--db", opts->db, kDbOptionHelp)->capture_default_str();
  cmd->add_option("--listen", opts->listen, "监听地址 / address:port to listen on")->capture_default_str();
  cmd->add_option("--web", opts->web, "前端构建目录 / folder of the built web UI (web/dist)");
  cmd->add_option("--threads", opts->threads, "工作线程数 / worker threads")
      ->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--access-log", opts->access_log,
                  "访问日志：- 为标准输出，off 关闭，或文件路径 / access log: - stdout, off, or a file")
      ->capture_default_str();
  cmd->add_option("--session-idle-seconds", opts->idle_seconds,
                  "无操作多久后会话失效（秒）/ seconds without a request before a session ends")
      ->check(CLI::Range(1, 7 * 24 * 3600))->capture_default_str();
  cmd->add_option("--session-max-seconds", opts->max_seconds,
                  "会话最长有效期（秒）/ the longest a session lasts, in seconds")
      ->check(CLI::Range(1, 30 * 24 * 3600))->capture_default_str();
  cmd->add_option("--change-log-retention-seconds", opts->change_log_retention_seconds,
                  "变更日志保留多久（秒）；停止跟随超过这么久的进程会重建汇总 / how long change_log entries are kept, "
                  "in seconds; a process that stopped following for longer rebuilds its figures")
      ->check(CLI::Range(1, 365 * 24 * 3600))->capture_default_str();
  cmd->add_option("--change-log-prune-seconds", opts->change_log_prune_seconds,
                  "多久清理一次变更日志（秒）/ seconds between prunings of change_log")
      ->check(CLI::Range(1, 24 * 3600))->capture_default_str();
  cmd->add_option("--job-retention-days", opts->job_retention_days,
                  "已结束的任务（及其文件）保留多少天 / days a finished job and its files are kept")
      ->check(CLI::Range(1, 3650))->capture_default_str();
  cmd->add_option("--job-lease-seconds", opts->job_lease_seconds,
                  "任务租约时长（秒）：运行中的服务器每隔三分之一续约，过期后由其他服务器接手 / seconds a job's lease "
                  "lasts; renewed every third of it while the job runs, taken over by another server once expired")
      ->check(CLI::Range(3, 24 * 3600))->capture_default_str();
  cmd->add_option("--time-zone", opts->time_zone,
                  "业务时区（IANA 名称），决定“今天”是哪一天 / the business time zone (IANA name): which date "
                  "\"today\" is for every rule and figure")
      ->envname(kTimeZoneEnv)
      ->capture_default_str();
  // Test-only: black-box tests set and move the server's time through a file
  // (common/clock.h FileClock). Hidden from --help; the server warns at start.
  cmd->add_option("--clock-file", opts->clock_file,
                  "")
      ->group("");
  cmd->add_option("--xlsx-max-unpacked-mib", opts->xlsx_max_unpacked_mib,
                  "导入的 .xlsx 解压后最多多少 MiB（防“压缩炸弹”）/ the most an imported .xlsx may unpack to, in MiB "
                  "(zip bombs)")
      ->check(CLI::Range(1, 64 * 1024))->capture_default_str();
  cmd->add_option("--xlsx-max-ratio", opts->xlsx_max_ratio,
                  "导入的 .xlsx 中每个部件的最大压缩比（超过 1 MiB 后检查）/ the highest compression ratio of a part of "
                  "an imported .xlsx (checked past its first MiB)")
      ->check(CLI::Range(1, 1'000'000))->capture_default_str();
  cmd->add_option("--trusted-proxy", opts->trusted_proxies,
                  "受信任的反向代理地址或网段，逗号分隔；只有来自它们的请求可用 X-Forwarded-For/-Proto 说明客户端地址和 "
                  "HTTPS / reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For and "
                  "X-Forwarded-Proto are believed, e.g. 127.0.0.1");
  cmd->add_flag("--secure-cookies", opts->secure_cookies,
                "会话 Cookie 总是带 Secure（浏览器只经 HTTPS 访问时）/ always mark the session cookie Secure (when "
                "browsers reach the server over HTTPS only)");
  cmd->add_option("--metrics-allow", opts->metrics_allow,
                  "可读取 /metrics 的客户端地址或网段，逗号分隔 / clients (addresses or networks, comma-separated) "
                  "that may read /metrics")
      ->capture_default_str();
  cmd->callback([opts, &exit_code] {
    api::ServerOptions server;
    auto trusted = api::AddressSet::Parse(opts->trusted_proxies, "trusted-proxy");
    auto metrics_allow = api::AddressSet::Parse(opts->metrics_allow, "metrics-allow");
    for (const Status& st : {trusted.status(), metrics_allow.status()}) {
      if (!st.ok()) {
        PrintError(st);
        exit_code = 2;
        return;
      }
    }
    server.trusted_proxies = *trusted;
    server.secure_cookies = opts->secure_cookies;
    server.threads = opts->threads;
    server.web_dir = opts->web;
    server.access_log = opts->access_log;
    if (Status st = api::ParseListen(opts->listen, server); !st.ok()) {
      PrintError(st);
      exit_code = 2;
      return;
    }
    accounts::SessionSettings settings;
    settings.idle_timeout = std::chrono::seconds(opts->idle_seconds);
    settings.absolute_timeout = std::chrono::seconds(opts->max_seconds);
    io::XlsxLimits xlsx_limits;
    xlsx_limits.max_unpacked_bytes = opts->xlsx_max_unpacked_mib * 1024 * 1024;
    xlsx_limits.max_ratio = opts->xlsx_max_ratio;
    Result<std::unique_ptr<BusinessClock>> clock = Status::Internal("no clock");
    if (opts->clock_file.empty()) {
      auto real = SystemBusinessClock::Create(opts->time_zone);
      clock = real.ok() ? Result<std::unique_ptr<BusinessClock>>(std::move(real).value())
                        : Result<std::unique_ptr<BusinessClock>>(real.status());
    } else {
      spdlog::warn("测试时钟：时间取自 {}，切勿用于生产 / TEST CLOCK: the time is read from {}; never use this in "
                   "production", opts->clock_file, opts->clock_file);
      auto file = FileClock::Create(opts->clock_file, opts->time_zone);
      clock = file.ok() ? Result<std::unique_ptr<BusinessClock>>(std::move(file).value())
                        : Result<std::unique_ptr<BusinessClock>>(file.status());
    }
    if (!clock.ok()) {
      PrintError(clock.status());
      exit_code = 2;
      return;
    }
    spdlog::info("业务时区 {}，今天是 {} / business time zone {}, today is {}", (*clock)->time_zone(),
                 FormatDate((*clock)->Today()), (*clock)->time_zone(), FormatDate((*clock)->Today()));
    auto app = LoadApp(opts->db, settings, /*with_figures=*/true, std::move(clock).value(), xlsx_limits);
    if (!app.ok()) {
      PrintError(app.status());
      exit_code = 1;
      return;
    }
    App& a = **app;
    a.metrics_deps->allow = *metrics_allow;
    server.metrics = a.request_metrics.get();
    if (!server.trusted_proxies.empty()) {
      spdlog::info("受信任的代理 / trusted proxies: {}", server.trusted_proxies.ToString());
    }
    for (const auto& use : a.engine->MemoryUsage()) {
      spdlog::info("指标 {}: {} 条记录, {} 个序列, {:.1f} MiB / indicator {}: {} records, {} series", use.indicator,
                   use.records, use.series, use.bytes / 1048576.0, use.indicator, use.records, use.series);
    }
    const std::size_t units = a.hierarchy->tree().size();
    spdlog::info("已载入 {} 个单位 / {} units loaded", units, units);
    if (units == 0) {
      spdlog::warn("数据库中还没有区划：请先运行 jiceng import-divisions / no units yet: run "
                   "`jiceng import-divisions` first");
    }
    // Other processes on the same database (PostgreSQL deployments with
    // several servers) write too: follow their changes a few times a second.
    // The same thread prunes change_log now and then (the first time at start).
    std::atomic<bool> stop{false};
    const auto retention = std::chrono::seconds(opts->change_log_retention_seconds);
    const auto prune_every = std::chrono::seconds(opts->change_log_prune_seconds);
    std::thread follower([&] {
      auto next_prune = std::chrono::steady_clock::now();
      while (!stop.load()) {
        if (auto n = a.engine->FollowChangeLog(); !n.ok()) {
          spdlog::warn("roll-up: following the change log failed: {}", n.status().ToString());
        }
        // Calendar indicators (arrears, meetings due) move when the date does.
        if (auto moved = a.engine->FollowCalendar(); !moved.ok()) {
          spdlog::warn("roll-up: recomputing the calendar indicators failed: {}", moved.status().ToString());
        }
        if (std::chrono::steady_clock::now() >= next_prune) {
          next_prune = std::chrono::steady_clock::now() + prune_every;
          const std::string before = UtcIso(std::chrono::system_clock::now() - retention);
          if (auto n = a.engine->PruneChangeLog(before); !n.ok()) {
            spdlog::warn("roll-up: pruning the change log failed: {}", n.status().ToString());
          } else if (*n > 0) {
            spdlog::info("变更日志：已清理 {} 条（{} 之前）/ change_log: {} entries before {} pruned", *n, before, *n,
                         before);
          }
        }
        for (int i = 0; i < 5 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(40));
      }
    });
    // Imports and exports started as jobs run on their own thread, one at a
    // time, each claimed with a lease (several servers may share the database);
    // a job whose server stopped is taken over once its lease expires.
    a.job_store->set_lease(std::chrono::seconds(opts->job_lease_seconds));
    jobs::JobRunner::Options job_options;
    job_options.retention = std::chrono::hours(24 * opts->job_retention_days);
    if (Status st = a.job_runner->Start(job_options); !st.ok()) {
      PrintError(st);
      exit_code = 1;
      stop = true;
      follower.join();
      return;
    }
    api::Security security{*a.sessions, *a.access, *a.db};
    if (Status st = api::RunServer(server, std::move(a.routes), security); !st.ok()) {
      PrintError(st);
      exit_code = 1;
    }
    a.job_runner->Stop();
    stop = true;
    follower.join();
  });
}

}  // namespace jiceng::cli
