#include "api/metrics.h"

#include <gtest/gtest.h>

namespace jiceng::api {
namespace {

TEST(Exposition, WritesFamiliesAndEscapesLabelValues) {
  Exposition out;
  out.Family("jiceng_x_total", "counter", "Help with a \\ and a\nnewline.");
  out.Sample("jiceng_x_total", {{"route", "/a/\"b\"\\c\nd"}, {"status", "2xx"}}, 3);
  out.Sample("jiceng_x_total", {}, 0.25);
  EXPECT_EQ(out.text(),
            "# HELP jiceng_x_total Help with a \\\\ and a\\nnewline.\n"
            "# TYPE jiceng_x_total counter\n"
            "jiceng_x_total{route=\"/a/\\\"b\\\"\\\\c\\nd\",status=\"2xx\"} 3\n"
            "jiceng_x_total 0.25\n");
}

TEST(RequestMetrics, CountsByRouteAndStatusClassWithCumulativeBuckets) {
  RequestMetrics m;
  m.Observe("GET", "/api/v1/units/:code", 200, 0.003);
  m.Observe("GET", "/api/v1/units/:code", 204, 0.2);
  m.Observe("GET", "/api/v1/units/:code", 404, 0.004);
  m.Observe("POST", "/api/v1/session", 401, 30);  // past the last bucket
  Exposition out;
  m.Write(out);
  const std::string& t = out.text();
  auto has = [&](const std::string& line) {
    EXPECT_NE(t.find("\n" + line + "\n"), std::string::npos) << "missing: " << line << "\n" << t;
  };
  has(R"(jiceng_http_requests_total{method="GET",route="/api/v1/units/:code",status="2xx"} 2)");
  has(R"(jiceng_http_requests_total{method="GET",route="/api/v1/units/:code",status="4xx"} 1)");
  has(R"(jiceng_http_requests_total{method="POST",route="/api/v1/session",status="4xx"} 1)");
  has(R"(jiceng_http_request_duration_seconds_bucket{method="GET",route="/api/v1/units/:code",status="2xx",le="0.005"} 1)");
  has(R"(jiceng_http_request_duration_seconds_bucket{method="GET",route="/api/v1/units/:code",status="2xx",le="0.1"} 1)");
  has(R"(jiceng_http_request_duration_seconds_bucket{method="GET",route="/api/v1/units/:code",status="2xx",le="0.25"} 2)");
  has(R"(jiceng_http_request_duration_seconds_bucket{method="GET",route="/api/v1/units/:code",status="2xx",le="+Inf"} 2)");
  has(R"(jiceng_http_request_duration_seconds_sum{method="GET",route="/api/v1/units/:code",status="2xx"} 0.203)");
  has(R"(jiceng_http_request_duration_seconds_count{method="GET",route="/api/v1/units/:code",status="2xx"} 2)");
  has(R"(jiceng_http_request_duration_seconds_bucket{method="POST",route="/api/v1/session",status="4xx",le="10"} 0)");
  has(R"(jiceng_http_request_duration_seconds_bucket{method="POST",route="/api/v1/session",status="4xx",le="+Inf"} 1)");
  has("# TYPE jiceng_http_request_duration_seconds histogram");
  has("# TYPE process_start_time_seconds gauge");
  EXPECT_NE(t.find("\njiceng_uptime_seconds "), std::string::npos) << t;
}

}  // namespace
}  // namespace jiceng::api
