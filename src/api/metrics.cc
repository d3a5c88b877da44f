#include "api/metrics.h"

#include <fmt/format.h>

#include <cmath>

namespace jiceng::api {
namespace {

// Help texts escape backslash and newline; label values also the double quote.
std::string Escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers (counts) without a fraction; others in the shortest form
  // that reads back the same.
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{}", static_cast<std::int64_t>(value));
  return fmt::format("{}", value);
}

}  // namespace

void Exposition::Family(std::string_view name, std::string_view type, std::string_view help) {
  text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, Escape(help, false), name, type);
}

void Exposition::Sample(std::string_view name, const MetricLabels& labels, double value) {
  text_ += name;
  if (!labels.empty()) {
    text_ += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) text_ += ',';
      text_ += fmt::format("{}=\"{}\"", labels[i].first, Escape(labels[i].second, true));
    }
    text_ += '}';
  }
  text_ += ' ';
  text_ += FormatValue(value);
  text_ += '\n';
}

RequestMetrics::RequestMetrics()
    : started_at_(std::chrono::system_clock::now()), started_(std::chrono::steady_clock::now()) {}

void RequestMetrics::Observe(std::string_view method, std::string_view route, int status, double seconds) {
  const std::string status_class = status >= 100 && status <= 599 ? fmt::format("{}xx", status / 100) : "other";
  std::lock_guard lock(mutex_);
  auto it = series_.find(std::tie(method, route, status_class));
  if (it == series_.end()) {
    it = series_.emplace(Key{std::string(method), std::string(route), status_class}, Series{}).first;
  }
  Series& s = it->second;
  ++s.count;
  s.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++s.buckets[i];
      break;
    }
  }
}

void RequestMetrics::Write(Exposition& out) const {
  std::map<Key, Series, std::less<>> series;
  {
    std::lock_guard lock(mutex_);
    series = series_;
  }
  out.Family("jiceng_http_requests_total", "counter",
             "HTTP requests answered, by method, route pattern and status class.");
  for (const auto& [key, s] : series) {
    const auto& [method, route, status] = key;
    out.Sample("jiceng_http_requests_total", {{"method", method}, {"route", route}, {"status", status}},
               static_cast<double>(s.count));
  }
  out.Family("jiceng_http_request_duration_seconds", "histogram",
             "Time from receiving a request to handing its answer to the connection, in seconds.");
  for (const auto& [key, s] : series) {
    const auto& [method, route, status] = key;
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s.buckets[i];
      out.Sample("jiceng_http_request_duration_seconds_bucket",
                 {{"method", method}, {"route", route}, {"status", status}, {"le", FormatValue(kBuckets[i])}},
                 static_cast<double>(cumulative));
    }
    const MetricLabels labels = {{"method", method}, {"route", route}, {"status", status}};
    MetricLabels inf = labels;
    inf.emplace_back("le", "+Inf");
    out.Sample("jiceng_http_request_duration_seconds_bucket", inf, static_cast<double>(s.count));
    out.Sample("jiceng_http_request_duration_seconds_sum", labels, s.sum);
    out.Sample("jiceng_http_request_duration_seconds_count", labels, static_cast<double>(s.count));
  }
  out.Family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.");
  out.Sample("process_start_time_seconds", {},
             std::floor(std::chrono::duration<double>(started_at_.time_since_epoch()).count()));
  out.Family("jiceng_uptime_seconds", "gauge", "Seconds since the server started.");
  out.Sample("jiceng_uptime_seconds", {},
             std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
}

}  // namespace jiceng::api
