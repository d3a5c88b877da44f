// GET /metrics: the serving process in the Prometheus text exposition format
// (version 0.0.4) — requests and their latency by route pattern and status
// class (api/metrics.h), how far the roll-up engine lags behind change_log,
// the job queue, the database connection pool and the process's uptime.
//
// Who may read it: a public route in the route table (a scraper has no
// session), answered only to clients whose address is in --metrics-allow
// (default: loopback, 127.0.0.0/8 and ::1) — the client address as
// api/client_address.h resolves it, so a request forwarded by a trusted proxy
// is judged by the address of the client behind the proxy, and a request
// carrying forwarding headers from a peer that is not a trusted proxy (an
// unknown proxy on this host) is refused. Everyone else gets 403
// permission_denied. The shipped nginx config (deploy/nginx/jiceng.conf) does
// not pass /metrics on either.
#pragma once

#include "analytics/rollup_engine.h"
#include "api/client_address.h"
#include "api/metrics.h"
#include "api/route.h"
#include "db/database.h"
#include "jobs/job_store.h"

namespace jiceng::api {

struct MetricsDeps {
  RequestMetrics& requests;
  db::Database& db;
  const analytics::RollupEngine& engine;
  jobs::JobStore& jobs;
  // Clients that may read /metrics (--metrics-allow); set before serving.
  AddressSet allow = {};
};

// The default of --metrics-allow.
inline constexpr const char* kDefaultMetricsAllow = "127.0.0.0/8,::1";

void AddMetricsRoutes(RouteTable& routes, const MetricsDeps& deps);

}  // namespace jiceng::api
