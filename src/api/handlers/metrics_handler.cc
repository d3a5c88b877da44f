#include "api/handlers/metrics_handler.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace jiceng::api {
namespace {

Result<Reply> Metrics(const ApiRequest& req, const MetricsDeps& d) {
  if (req.untrusted_forwarding || !d.allow.Contains(req.ip)) {
    return Status::Error(
        ErrorCode::kPermissionDenied,
        "/metrics 只对 --metrics-allow 中的地址开放（默认仅本机），且不经未受信任的代理转发；你的地址是 " + req.ip +
            "。请在服务器本机或允许的监控主机上抓取。",
        "/metrics is open only to the addresses in --metrics-allow (by default this host only), and not through "
        "an untrusted proxy; your address is " +
            req.ip + ". Scrape it from the server itself or from an allowed monitoring host.");
  }
  Exposition out;
  d.requests.Write(out);

  // Pool figures first: the queries below take a reader themselves.
  const db::Database::PoolStats pool = d.db.Pool();
  out.Family("jiceng_db_pool_in_use", "gauge", "Database connections running a transaction now (writer included).");
  out.Sample("jiceng_db_pool_in_use", {}, static_cast<double>(pool.in_use));
  out.Family("jiceng_db_pool_open", "gauge", "Database connections open, in use or idle (writer included).");
  out.Sample("jiceng_db_pool_open", {}, static_cast<double>(pool.open));
  out.Family("jiceng_db_pool_max_idle", "gauge", "Idle reader connections kept open at most.");
  out.Sample("jiceng_db_pool_max_idle", {}, static_cast<double>(pool.max_idle_readers));

  const analytics::RollupEngine::AsOf as_of = d.engine.as_of();
  Result<std::int64_t> latest = d.engine.LatestChange();
  Result<jobs::JobStore::Counts> jobs = d.jobs.CountLive();
  if (!latest.ok()) spdlog::warn("metrics: reading change_log failed: {}", latest.status().ToString());
  if (!jobs.ok()) spdlog::warn("metrics: counting jobs failed: {}", jobs.status().ToString());

  out.Family("jiceng_database_up", "gauge", "1 when the database answered this scrape's queries, else 0.");
  out.Sample("jiceng_database_up", {}, latest.ok() && jobs.ok() ? 1 : 0);
  out.Family("jiceng_rollup_change_applied", "gauge",
             "The last change_log id reflected in every figure of the roll-up engine.");
  out.Sample("jiceng_rollup_change_applied", {}, static_cast<double>(as_of.change));
  out.Family("jiceng_rollup_rebuilds_total", "counter", "Times the roll-up engine rebuilt figures in place.");
  out.Sample("jiceng_rollup_rebuilds_total", {}, static_cast<double>(d.engine.rebuilds()));
  if (latest.ok()) {
    out.Family("jiceng_rollup_change_latest", "gauge", "The highest change_log id in the database.");
    out.Sample("jiceng_rollup_change_latest", {}, static_cast<double>(*latest));
    out.Family("jiceng_rollup_lag_changes", "gauge",
               "Changes written to change_log that the roll-up engine has not applied yet (latest - applied).");
    out.Sample("jiceng_rollup_lag_changes", {}, static_cast<double>(std::max<std::int64_t>(0, *latest - as_of.change)));
  }
  if (jobs.ok()) {
    out.Family("jiceng_jobs", "gauge", "Jobs (imports and exports) queued and running.");
    out.Sample("jiceng_jobs", {{"status", "queued"}}, static_cast<double>(jobs->queued));
    out.Sample("jiceng_jobs", {{"status", "running"}}, static_cast<double>(jobs->running));
  }
  Reply reply;
  reply.raw_body = out.text();
  reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return reply;
}

}  // namespace

void AddMetricsRoutes(RouteTable& routes, const MetricsDeps& deps) {
  routes.push_back({"GET", "/metrics", [&deps](const ApiRequest& req) { return Metrics(req, deps); }, kPublic});
}

}  // namespace jiceng::api
