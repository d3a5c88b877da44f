// Metrics of a serving process in the Prometheus text exposition format
// (version 0.0.4), for GET /metrics (api/handlers/metrics_handler.h).
//
// RequestMetrics counts every HTTP request the server answers and the time it
// took, by method, route pattern ("/api/v1/units/:code", so that the number
// of series stays bounded whatever the paths) and status class ("2xx").
// Exposition writes families: one HELP and one TYPE line, then the samples.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace jiceng::api {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Builds an exposition text. Names must be valid metric and label names;
// label values and help texts are escaped here.
class Exposition {
 public:
  // Starts a metric family: "# HELP name help" and "# TYPE name type"
  // (type: counter, gauge, histogram).
  void Family(std::string_view name, std::string_view type, std::string_view help);
  // One sample line: name{labels} value.
  void Sample(std::string_view name, const MetricLabels& labels, double value);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// The route label of requests that match no route: files of the web UI, and
// paths nobody serves.
inline constexpr const char* kStaticRoute = "(static)";
inline constexpr const char* kUnmatchedRoute = "(unmatched)";

class RequestMetrics {
 public:
  // The upper bounds of the latency buckets, in seconds (Prometheus' defaults).
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

  RequestMetrics();

  // Counts one answered request. Thread-safe.
  void Observe(std::string_view method, std::string_view route, int status, double seconds);

  // Appends jiceng_http_requests_total, jiceng_http_request_duration_seconds,
  // process_start_time_seconds and jiceng_uptime_seconds.
  void Write(Exposition& out) const;

 private:
  struct Series {
    std::uint64_t count = 0;
    double sum = 0;
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative
  };
  // method, route, status class ("2xx").
  using Key = std::tuple<std::string, std::string, std::string>;

  const std::chrono::system_clock::time_point started_at_;
  const std::chrono::steady_clock::time_point started_;
  mutable std::mutex mutex_;
  std::map<Key, Series, std::less<>> series_;  // GUARDED_BY(mutex_)
};

}  // namespace jiceng::api
