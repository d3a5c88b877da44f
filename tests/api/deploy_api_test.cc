// Deployment behind a TLS-terminating reverse proxy, and monitoring
// (docs/deploy.md):
//
//  * GET /metrics is a valid Prometheus text exposition (HELP and TYPE before
//    every family, cumulative histograms) whose counters move with the
//    requests made; it is refused to a request forwarded by a proxy the server
//    does not trust, and to a client outside --metrics-allow;
//  * without --trusted-proxy, X-Forwarded-For and X-Forwarded-Proto are
//    ignored: a client forging them gets no Secure cookie, is recorded under
//    its real address and cannot dodge the per-address sign-in lockout;
//    --secure-cookies makes the cookie Secure whatever the headers say;
//  * nginx with the shipped deploy/nginx/jiceng.conf (ports, paths and the
//    certificate replaced; a self-signed certificate made here), running
//    unprivileged from a folder of its own: signing in over HTTPS through it
//    sets a Secure cookie, the audit log, the session list and the lockout
//    use the client address nginx forwarded, and a direct request forging
//    the same headers is not believed.
//
// Clients bind their own loopback source addresses (127.0.0.2, .3, .4: all
// of 127.0.0.0/8 is local on Linux) so that the server can tell them from
// nginx, which reaches it from 127.0.0.1.
#include <curl/curl.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api_suite.h"
#include "test_server.h"

namespace jiceng::apitest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// ---------------------------------------------------------------------------
// The Prometheus text exposition format (0.0.4), checked strictly: every
// sample belongs to a family announced by HELP and TYPE lines before it,
// families are not interleaved, no series appears twice, and histograms are
// cumulative, end in le="+Inf" and agree with their _count.

struct Scrape {
  std::map<std::string, double> samples;      // series (labels sorted) -> value
  std::map<std::string, std::string> types;   // family -> type
  std::vector<std::string> errors;

  // The value of `series` (name{a="b",c="d"}, labels sorted), or nullopt.
  std::optional<double> Value(const std::string& series) const {
    auto it = samples.find(series);
    if (it == samples.end()) return std::nullopt;
    return it->second;
  }
  double Or(const std::string& series, double fallback) const { return Value(series).value_or(fallback); }
};

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool ValidName(const std::string& s, bool label) {
  if (s.empty() || !IsNameStart(s[0]) || (label && s[0] == ':')) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return IsNameChar(c) && !(label && c == ':'); });
}

std::optional<double> ParseNumber(const std::string& s) {
  if (s == "+Inf") return INFINITY;
  if (s == "-Inf") return -INFINITY;
  if (s == "NaN") return NAN;
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

Scrape ParseExposition(const std::string& text) {
  Scrape out;
  auto error = [&](int line_no, const std::string& what, const std::string& line) {
    out.errors.push_back("line " + std::to_string(line_no) + ": " + what + ": " + line);
  };
  if (text.empty() || text.back() != '\n') out.errors.push_back("the text does not end with a newline");
  std::set<std::string> helped, finished;
  std::string current;  // the family whose lines come now
  // Histograms: base + labels without le -> (le, cumulative count) in order.
  std::map<std::string, std::vector<std::pair<double, double>>> buckets;
  std::map<std::string, double> counts;
  std::set<std::string> sums;
  auto enter = [&](const std::string& family, int line_no, const std::string& line) {
    if (family == current) return;
    if (finished.count(family)) error(line_no, "family " + family + " continues after another family", line);
    if (!current.empty()) finished.insert(current);
    current = family;
  };
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream words(line);
      std::string hash, kind, name;
      words >> hash >> kind >> name;
      if (kind != "HELP" && kind != "TYPE") continue;  // a plain comment
      if (!ValidName(name, false)) {
        error(line_no, "invalid metric name", line);
        continue;
      }
      enter(name, line_no, line);
      if (kind == "HELP") {
        if (!helped.insert(name).second) error(line_no, "second HELP for " + name, line);
        std::string help;
        std::getline(words, help);
        if (help.size() < 2) error(line_no, "empty HELP", line);
      } else {
        std::string type, rest;
        words >> type >> rest;
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary", "untyped"};
        if (!kTypes.count(type) || !rest.empty()) error(line_no, "bad TYPE", line);
        if (out.types.count(name)) error(line_no, "second TYPE for " + name, line);
        out.types[name] = type;
      }
      continue;
    }
    // name{label="value",...} value [timestamp]
    std::size_t pos = 0;
    while (pos < line.size() && IsNameChar(line[pos])) ++pos;
    const std::string name = line.substr(0, pos);
    if (!ValidName(name, false)) {
      error(line_no, "invalid metric name", line);
      continue;
    }
    std::map<std::string, std::string> labels;
    bool ok = true;
    if (pos < line.size() && line[pos] == '{') {
      ++pos;
      while (ok && pos < line.size() && line[pos] != '}') {
        std::size_t eq = line.find('=', pos);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
          ok = false;
          break;
        }
        const std::string label = line.substr(pos, eq - pos);
        std::string value;
        std::size_t i = eq + 2;
        for (; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\') {
            if (i + 1 >= line.size()) break;
            const char e = line[++i];
            if (e == 'n') {
              value += '\n';
            } else if (e == '\\' || e == '"') {
              value += e;
            } else {
              ok = false;
            }
          } else {
            value += line[i];
          }
        }
        if (i >= line.size() || !ValidName(label, true) || labels.count(label)) {
          ok = false;
          break;
        }
        labels[label] = value;
        pos = i + 1;
        if (pos < line.size() && line[pos] == ',') ++pos;
      }
      if (pos >= line.size() || line[pos] != '}') ok = false;
      ++pos;
    }
    if (!ok || pos >= line.size() || line[pos] != ' ') {
      error(line_no, "malformed labels", line);
      continue;
    }
    std::istringstream rest(line.substr(pos + 1));
    std::string value_text, timestamp, extra;
    rest >> value_text >> timestamp >> extra;
    const std::optional<double> value = ParseNumber(value_text);
    if (!value || !extra.empty()) {
      error(line_no, "malformed value", line);
      continue;
    }
    // The family: a histogram's _bucket/_sum/_count belong to its base name.
    std::string family = name, suffix;
    for (const char* s : {"_bucket", "_sum", "_count"}) {
      const std::string sfx = s;
      if (name.size() > sfx.size() && name.compare(name.size() - sfx.size(), sfx.size(), sfx) == 0) {
        const std::string base = name.substr(0, name.size() - sfx.size());
        if (out.types.count(base) && out.types[base] == "histogram") {
          family = base;
          suffix = sfx;
        }
      }
    }
    if (!out.types.count(family)) error(line_no, "sample without a TYPE line before it", line);
    if (!helped.count(family)) error(line_no, "sample without a HELP line before it", line);
    enter(family, line_no, line);
    if (out.types.count(family) && out.types[family] == "counter" && !(*value >= 0)) {
      error(line_no, "negative counter", line);
    }
    std::string key = name + "{";
    std::string group = family + "{";
    bool first = true, first_group = true;
    for (const auto& [k, v] : labels) {
      key += (first ? "" : ",") + k + "=\"" + v + "\"";
      first = false;
      if (k != "le") {
        group += (first_group ? "" : ",") + k + "=\"" + v + "\"";
        first_group = false;
      }
    }
    key += "}";
    group += "}";
    if (labels.empty()) key = name;
    if (!out.samples.emplace(key, *value).second) error(line_no, "series repeated", line);
    if (suffix == "_bucket") {
      auto le = labels.count("le") ? ParseNumber(labels["le"]) : std::nullopt;
      if (!le) {
        error(line_no, "bucket without a numeric le", line);
      } else {
        buckets[group].emplace_back(*le, *value);
      }
    } else if (suffix == "_count") {
      counts[group] = *value;
    } else if (suffix == "_sum") {
      sums.insert(group);
    } else if (out.types.count(family) && out.types[family] == "histogram") {
      error(line_no, "a histogram sample that is not _bucket, _sum or _count", line);
    }
  }
  for (const auto& [group, list] : buckets) {
    for (std::size_t i = 1; i < list.size(); ++i) {
      if (!(list[i].first > list[i - 1].first)) out.errors.push_back(group + ": le not increasing");
      if (list[i].second < list[i - 1].second) out.errors.push_back(group + ": buckets not cumulative");
    }
    if (list.empty() || !std::isinf(list.back().first)) out.errors.push_back(group + ": no le=\"+Inf\" bucket");
    if (!counts.count(group)) {
      out.errors.push_back(group + ": no _count");
    } else if (!list.empty() && list.back().second != counts[group]) {
      out.errors.push_back(group + ": the +Inf bucket differs from _count");
    }
    if (!sums.count(group)) out.errors.push_back(group + ": no _sum");
  }
  return out;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "\n  " + l;
  return out;
}

// ---------------------------------------------------------------------------
// HTTP(S) from a chosen loopback source address, through libcurl (the
// suite's Http client speaks plain HTTP from the default address only).

struct Endpoint {
  int port = 0;
  bool https = false;
  std::string source;   // the local address to connect from ("" = any)
  std::string ca_file;  // the certificate to trust (https)
};

std::size_t CollectBody(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

std::size_t CollectHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();
    return size * n;
  }
  const std::size_t colon = line.find(':');
  if (colon != std::string::npos) {
    auto trim = [](std::string s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
      return s;
    };
    headers->emplace_back(Lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
  return size * n;
}

HttpResponse Fetch(const Endpoint& to, const std::string& method, const std::string& target,
                   const std::optional<json>& body = std::nullopt, const Headers& headers = {}) {
  HttpResponse r;
  r.request = method + " " + (to.https ? "https" : "http") + "://127.0.0.1:" + std::to_string(to.port) + target +
              (to.source.empty() ? "" : " from " + to.source);
  CURL* h = curl_easy_init();
  if (h == nullptr) {
    r.curl_error = "curl_easy_init failed";
    return r;
  }
  char errbuf[CURL_ERROR_SIZE] = {0};
  const std::string url =
      std::string(to.https ? "https" : "http") + "://127.0.0.1:" + std::to_string(to.port) + target;
  const std::string payload = body ? body->dump() : "";
  const std::string interface = "host!" + to.source;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CollectBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CollectHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &r.headers);
  if (!to.source.empty()) curl_easy_setopt(h, CURLOPT_INTERFACE, interface.c_str());
  if (to.https) {
    // The test's own certificate, checked (its subjectAltName is IP:127.0.0.1).
    curl_easy_setopt(h, CURLOPT_CAINFO, to.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  }
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  if (body) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    list = curl_slist_append(list, "Content-Type: application/json");
  }
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  const CURLcode rc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  if (rc != CURLE_OK) r.curl_error = std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : "");
  curl_slist_free_all(list);
  curl_easy_cleanup(h);
  r.json = json::parse(r.body, nullptr, false);
  return r;
}

HttpResponse Login(const Endpoint& to, const std::string& username, const std::string& password,
                   const Headers& headers = {}) {
  return Fetch(to, "POST", "/api/v1/session", json{{"username", username}, {"password", password}}, headers);
}

// The Set-Cookie of the session cookie, or "".
std::string SessionSetCookie(const HttpResponse& r) {
  for (const auto& [k, v] : r.headers) {
    if (k == "set-cookie" && v.rfind(std::string(kSessionCookieName) + "=", 0) == 0) return v;
  }
  return "";
}

bool HasAttribute(const std::string& set_cookie, const std::string& attribute) {
  std::istringstream in(set_cookie);
  std::string part;
  while (std::getline(in, part, ';')) {
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    if (Lower(part) == Lower(attribute)) return true;
  }
  return false;
}

// The newest audit entries of `action` for target `target`, as the
// administrator session `admin` reads them on the server at `port`.
std::vector<json> AuditEntries(Http& admin, const std::string& action, const std::string& target) {
  HttpResponse r = admin.Get("/api/v1/audit?limit=200&action=" + UrlEncode(action));
  EXPECT_EQ(r.status, 200) << r;
  std::vector<json> out;
  for (const json& e : r.json.value("items", json::array())) {
    if (e.value("target", "") == target) out.push_back(e);
  }
  return out;
}

// The ip of the caller's current session, as GET /api/v1/sessions lists it.
std::string CurrentSessionIp(int port, const Session& s) {
  HttpResponse r = Http(port, s.AuthHeaders()).Get("/api/v1/sessions");
  EXPECT_EQ(r.status, 200) << r;
  for (const json& item : r.json.value("items", json::array())) {
    if (item.value("current", false)) return item.value("ip", "");
  }
  return "";
}

// Polls `scrape` until `done` holds for its result or `timeout` passes; the
// last scrape either way. (A request's figures are counted just after its
// answer is handed over, so the next scrape may come a moment before them.)
Scrape ScrapeUntil(const std::function<HttpResponse()>& scrape, const std::function<bool(const Scrape&)>& done,
                   std::chrono::seconds timeout = std::chrono::seconds(10)) {
  Scrape s;
  Eventually(
      [&] {
        HttpResponse r = scrape();
        EXPECT_EQ(r.status, 200) << r;
        s = ParseExposition(r.body);
        return done(s);
      },
      timeout);
  return s;
}

// Runs `attempt(1..n)` on three threads (sign-ins spend most of their time
// hashing, two at a time on the server), EXPECTing each to answer `status`.
void FailedSignIns(int n, long status, const std::function<HttpResponse(int)>& attempt) {
  std::vector<std::thread> threads;
  std::vector<HttpResponse> answers(static_cast<std::size_t>(n));
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 1 + t; i <= n; i += 3) answers[static_cast<std::size_t>(i - 1)] = attempt(i);
    });
  }
  for (auto& th : threads) th.join();
  for (const HttpResponse& r : answers) EXPECT_EQ(r.status, status) << r;
}

// ---------------------------------------------------------------------------
// The suite's own server: default options (no trusted proxy).

class DeployApi : public ApiSuite<DeployApi> {
 public:
  static constexpr const char* kSuiteName = "deploy_api";
};

TEST_F(DeployApi, MetricsAreAValidExpositionWhoseCountersMove) {
  Http anonymous = Anonymous();
  HttpResponse first = anonymous.Get("/metrics");
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_EQ(first.Header("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8") << first;
  Scrape before = ParseExposition(first.body);
  ASSERT_TRUE(before.errors.empty()) << "not a valid exposition:" << Joined(before.errors) << "\n" << first.body;

  const std::map<std::string, std::string> expected_types = {
      {"jiceng_http_requests_total", "counter"},
      {"jiceng_http_request_duration_seconds", "histogram"},
      {"jiceng_rollup_change_applied", "gauge"},
      {"jiceng_rollup_change_latest", "gauge"},
      {"jiceng_rollup_lag_changes", "gauge"},
      {"jiceng_rollup_rebuilds_total", "counter"},
      {"jiceng_jobs", "gauge"},
      {"jiceng_db_pool_in_use", "gauge"},
      {"jiceng_db_pool_open", "gauge"},
      {"jiceng_db_pool_max_idle", "gauge"},
      {"jiceng_database_up", "gauge"},
      {"process_start_time_seconds", "gauge"},
      {"jiceng_uptime_seconds", "gauge"},
  };
  for (const auto& [family, type] : expected_types) {
    EXPECT_EQ(before.types[family], type) << family << "\n" << first.body;
  }
  EXPECT_EQ(before.Or("jiceng_database_up", -1), 1) << first.body;
  EXPECT_GE(before.Or("jiceng_jobs{status=\"queued\"}", -1), 0) << first.body;
  EXPECT_GE(before.Or("jiceng_jobs{status=\"running\"}", -1), 0) << first.body;
  EXPECT_GE(before.Or("jiceng_db_pool_open", -1), 1) << first.body;
  EXPECT_GE(before.Or("jiceng_db_pool_open", -1), before.Or("jiceng_db_pool_in_use", 1e9)) << first.body;
  EXPECT_GT(before.Or("jiceng_db_pool_max_idle", -1), 0) << first.body;
  EXPECT_GT(before.Or("jiceng_uptime_seconds", -1), 0) << first.body;
  EXPECT_GT(before.Or("process_start_time_seconds", -1), 1.7e9) << first.body;
  EXPECT_EQ(before.Or("jiceng_rollup_lag_changes", -1),
            std::max(0.0, before.Or("jiceng_rollup_change_latest", -1) - before.Or("jiceng_rollup_change_applied", -1)))
      << first.body;

  // Requests: three reads of a unit, two paths nobody serves, one write
  // (a villager group: a change the roll-up engine applies).
  const std::string kUnitsOk = R"(jiceng_http_requests_total{method="GET",route="/api/v1/units/:code",status="2xx"})";
  const std::string kUnitsCount =
      R"(jiceng_http_request_duration_seconds_count{method="GET",route="/api/v1/units/:code",status="2xx"})";
  const std::string kUnmatched = R"m(jiceng_http_requests_total{method="GET",route="(unmatched)",status="4xx"})m";
  const std::string kGroupAdded =
      R"(jiceng_http_requests_total{method="POST",route="/api/v1/units/:code/groups",status="2xx"})";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(http().Get("/api/v1/units/540424").status, 200);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(anonymous.Get("/no/such/path").status, 404);
  HttpResponse villages = http().Get("/api/v1/units/540424100/children?limit=5");
  ASSERT_EQ(villages.status, 200) << villages;
  ASSERT_FALSE(villages.json["items"].empty()) << villages;
  const std::string village = villages.json["items"][0].value("code", "");
  HttpResponse group = http().PostJson("/api/v1/units/" + village + "/groups", {{"name", "监控测试小组"}});
  ASSERT_EQ(group.status, 201) << group;

  auto moved = [&](const Scrape& s) {
    return s.Or(kUnitsOk, 0) - before.Or(kUnitsOk, 0) >= 3 && s.Or(kUnmatched, 0) - before.Or(kUnmatched, 0) >= 2 &&
           s.Or(kGroupAdded, 0) - before.Or(kGroupAdded, 0) >= 1;
  };
  Scrape after = ScrapeUntil([&] { return anonymous.Get("/metrics"); }, moved);
  ASSERT_TRUE(after.errors.empty()) << Joined(after.errors);
  EXPECT_EQ(after.Or(kUnitsOk, 0) - before.Or(kUnitsOk, 0), 3);
  EXPECT_EQ(after.Or(kUnitsCount, 0) - before.Or(kUnitsCount, 0), 3);
  EXPECT_EQ(after.Or(kUnmatched, 0) - before.Or(kUnmatched, 0), 2);
  EXPECT_EQ(after.Or(kGroupAdded, 0) - before.Or(kGroupAdded, 0), 1);
  // The scrape itself is counted under its route.
  EXPECT_GE(after.Or(R"(jiceng_http_requests_total{method="GET",route="/metrics",status="2xx"})", 0), 1);
  EXPECT_GT(after.Or("jiceng_uptime_seconds", 0), before.Or("jiceng_uptime_seconds", 0));
  // The write went through change_log, and this server applied it at commit.
  EXPECT_GT(after.Or("jiceng_rollup_change_latest", 0), before.Or("jiceng_rollup_change_latest", 0));
  EXPECT_EQ(after.Or("jiceng_rollup_change_applied", -1), after.Or("jiceng_rollup_change_latest", -2));
  EXPECT_EQ(after.Or("jiceng_rollup_lag_changes", -1), 0);
}

TEST_F(DeployApi, MetricsAreRefusedThroughAProxyTheServerDoesNotTrust) {
  // From loopback, but carrying forwarding headers: some proxy on this host
  // passed it on, and the server was not told to trust it.
  for (const auto& [header, value] : std::vector<std::pair<std::string, std::string>>{
           {"X-Forwarded-For", "127.0.0.1"}, {"X-Real-IP", "127.0.0.1"}, {"Forwarded", "for=127.0.0.1"}}) {
    HttpResponse r = Anonymous().Get("/metrics", {{header, value}, {"Accept-Language", "en"}});
    ExpectError(r, 403, "permission_denied", "");
    EXPECT_NE(r.ErrorMessage().find("--metrics-allow"), std::string::npos) << r;
    EXPECT_FALSE(ContainsCjk(r.ErrorMessage())) << r;
    HttpResponse zh = Anonymous().Get("/metrics", {{header, value}});
    ExpectError(zh, 403, "permission_denied", "");
    EXPECT_TRUE(ContainsCjk(zh.ErrorMessage())) << zh;
    EXPECT_EQ(zh.body.find("jiceng_http_requests_total"), std::string::npos) << zh;
  }
  EXPECT_EQ(Anonymous().Get("/metrics").status, 200);
}

TEST_F(DeployApi, ForgedForwardingHeadersAreIgnoredWithoutATrustedProxy) {
  Http anonymous = Anonymous();
  HttpResponse r = anonymous.PostJson("/api/v1/session", {{"username", AdminUsername()}, {"password", AdminPassword()}},
                                      {{"X-Forwarded-For", "198.51.100.7"}, {"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(r.status, 200) << r;
  const std::string cookie = SessionSetCookie(r);
  ASSERT_FALSE(cookie.empty()) << r;
  EXPECT_FALSE(HasAttribute(cookie, "Secure")) << "a forged X-Forwarded-Proto made the cookie Secure: " << cookie;
  EXPECT_TRUE(HasAttribute(cookie, "HttpOnly")) << cookie;
  Session s;
  s.token = SetCookieValue(r, kSessionCookieName).value_or("");
  s.csrf = r.json.value("csrf_token", "");
  EXPECT_EQ(CurrentSessionIp(port(), s), "127.0.0.1");
  const std::vector<json> logins = AuditEntries(http(), "session.login", "user:" + AdminUsername());
  ASSERT_FALSE(logins.empty());
  EXPECT_EQ(logins.front().value("ip", ""), "127.0.0.1") << logins.front().dump();
}

// A server of its own: the address lockout would lock the suite's server.
TEST(DeployLockout, AForgedForwardedForCannotDodgeTheAddressLockout) {
  std::string why;
  std::unique_ptr<TestServer> server = StartSuiteServer("deploy_lockout", &why, {"--secure-cookies"});
  ASSERT_NE(server, nullptr) << why;
  const Endpoint direct{server->port(), false, "", ""};

  // --secure-cookies: Secure even over plain HTTP and without any header.
  HttpResponse admin_login = Login(direct, AdminUsername(), AdminPassword());
  ASSERT_EQ(admin_login.status, 200) << admin_login;
  EXPECT_TRUE(HasAttribute(SessionSetCookie(admin_login), "Secure")) << SessionSetCookie(admin_login);
  Session admin;
  admin.token = SetCookieValue(admin_login, kSessionCookieName).value_or("");
  admin.csrf = admin_login.json.value("csrf_token", "");
  Http admin_http(server->port(), admin.AuthHeaders());

  // 30 failures from one address lock it for 15 minutes, whatever the
  // usernames. Each attempt claims another client address.
  FailedSignIns(30, 401, [&](int i) {
    return Login(direct, "forger." + std::to_string(i), "Wrong-Passw0rd",
                 {{"X-Forwarded-For", "203.0.113." + std::to_string(i)}, {"X-Real-IP", "203.0.113." + std::to_string(i)}});
  });
  ASSERT_FALSE(HasFailure());
  HttpResponse locked = Login(direct, AdminUsername(), AdminPassword(), {{"X-Forwarded-For", "203.0.113.99"}});
  ExpectError(locked, 429, "too_many_requests", "");
  EXPECT_TRUE(locked.Header("Retry-After").has_value()) << locked;
  EXPECT_TRUE(SessionSetCookie(locked).empty()) << locked;

  // The audit log recorded the real address, never a claimed one.
  for (int i : {1, 30}) {
    const std::vector<json> entries = AuditEntries(admin_http, "session.login", "user:forger." + std::to_string(i));
    ASSERT_EQ(entries.size(), 1u) << "forger." << i;
    EXPECT_EQ(entries[0].value("ip", ""), "127.0.0.1") << entries[0].dump();
    EXPECT_EQ(entries[0].value("status", 0), 401) << entries[0].dump();
  }
  EXPECT_EQ(CurrentSessionIp(server->port(), admin), "127.0.0.1");
  EXPECT_TRUE(server->Running()) << server->LogTail();
}

// ---------------------------------------------------------------------------
// nginx in front, with the shipped configuration.

// An nginx serving deploy/nginx/jiceng.conf from a temporary folder: high
// ports on 127.0.0.1, its pid, logs and temporary files in the folder, a
// self-signed certificate for 127.0.0.1. When the test runs as root, nginx
// runs as `nobody` (it never needs privileges here). Stopped (SIGTERM, then
// SIGKILL) by Stop() or the destructor, and killed if the test dies.
class Nginx {
 public:
  ~Nginx() {
    Stop();
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  // Returns "" once nginx answers on its HTTPS port, otherwise why not.
  std::string Start(int upstream_port) {
    binary_ = FindOnPath("nginx");
    if (binary_.empty() && fs::exists("/usr/sbin/nginx")) binary_ = "/usr/sbin/nginx";
    if (binary_.empty()) return "nginx is not installed: install the Debian package nginx (scripts/setup.sh does)";
    const std::string openssl = FindOnPath("openssl");
    if (openssl.empty()) return "openssl is not installed";
    std::string pattern = (fs::temp_directory_path() / "jiceng-nginx-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return std::string("mkdtemp: ") + std::strerror(errno);
    dir_ = pattern;
    fs::create_directories(dir_ / "logs");
    fs::create_directories(dir_ / "tmp");
    cert_ = dir_ / "cert.pem";
    const fs::path key = dir_ / "key.pem";
    CommandResult made = RunProgram({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                     "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.string(), "-out",
                                     cert_.string(), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                                     "subjectAltName=IP:127.0.0.1"});
    if (!made.finished || made.exit_code != 0) {
      std::ostringstream out;
      out << "making the certificate failed" << made;
      return out.str();
    }
    http_port_ = FindFreePort();
    https_port_ = FindFreePort();

    // The shipped site, with only its ports and paths replaced. Each
    // replaced text must be there as often as said: when the file changes,
    // this test is changed with it.
    const fs::path shipped = fs::path(JICENG_SOURCE_DIR) / "deploy" / "nginx" / "jiceng.conf";
    std::string site = ReadFile(shipped);
    if (site.empty()) return "cannot read " + shipped.string();
    const std::string logs = (dir_ / "logs").string() + "/";
    const std::vector<std::tuple<std::string, std::string, int>> replacements = {
        {"listen 80;", "listen 127.0.0.1:" + std::to_string(http_port_) + ";", 1},
        {"listen 443 ssl http2;", "listen 127.0.0.1:" + std::to_string(https_port_) + " ssl http2;", 1},
        {"server 127.0.0.1:8080;", "server 127.0.0.1:" + std::to_string(upstream_port) + ";", 1},
        {"/etc/ssl/jiceng/fullchain.pem", cert_.string(), 1},
        {"/etc/ssl/jiceng/privkey.pem", key.string(), 1},
        {"/var/log/nginx/", logs, 2},
    };
    for (const auto& [from, to, times] : replacements) {
      int found = 0;
      for (std::size_t pos = site.find(from); pos != std::string::npos; pos = site.find(from, pos + to.size())) {
        site.replace(pos, from.size(), to);
        ++found;
      }
      if (found != times) {
        return shipped.string() + ": expected \"" + from + "\" " + std::to_string(times) + " time(s), found " +
               std::to_string(found) + " (update the replacements in this test with the file)";
      }
    }
    {
      std::istringstream lines(site);
      for (std::string line; std::getline(lines, line);) {
        const std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;  // comments may name system paths
        if (line.find("/etc/") != std::string::npos || line.find("/var/") != std::string::npos) {
          return shipped.string() + " names a system path the test does not replace: " + line;
        }
      }
    }
    std::ofstream(dir_ / "jiceng.conf") << site;
    // The main file: what /etc/nginx/nginx.conf is for a package install,
    // reduced to what a test in a folder needs.
    const std::string d = dir_.string();
    std::ofstream(dir_ / "nginx.conf")
        << "worker_processes 1;\n"
        << "daemon off;\n"
        << "pid " << d << "/nginx.pid;\n"
        << "error_log " << d << "/logs/error.log info;\n"
        << "events { worker_connections 128; }\n"
        << "http {\n"
        << "  access_log " << d << "/logs/access.log;\n"
        << "  client_body_temp_path " << d << "/tmp/body;\n"
        << "  proxy_temp_path " << d << "/tmp/proxy;\n"
        << "  fastcgi_temp_path " << d << "/tmp/fastcgi;\n"
        << "  uwsgi_temp_path " << d << "/tmp/uwsgi;\n"
        << "  scgi_temp_path " << d << "/tmp/scgi;\n"
        << "  include " << d << "/jiceng.conf;\n"
        << "}\n";

    // Unprivileged: as root, hand the folder to nobody and become nobody.
    uid_t uid = 0;
    gid_t gid = 0;
    const bool drop = ::geteuid() == 0;
    if (drop) {
      const passwd* pw = ::getpwnam("nobody");
      if (pw == nullptr) return "no user nobody to run nginx as";
      uid = pw->pw_uid;
      gid = pw->pw_gid;
      ::chmod(d.c_str(), 0755);
      for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
        if (::chown(entry.path().c_str(), uid, gid) != 0) return "chown " + entry.path().string() + " failed";
      }
      if (::chown(d.c_str(), uid, gid) != 0) return "chown " + d + " failed";
    }
    const std::string stderr_log = (dir_ / "logs" / "stderr.log").string();
    const std::vector<std::string> args = {binary_, "-p", d + "/", "-c", d + "/nginx.conf", "-e",
                                           d + "/logs/error.log"};
    pid_ = ::fork();
    if (pid_ < 0) return std::string("fork: ") + std::strerror(errno);
    if (pid_ == 0) {
      const int fd = ::open(stderr_log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      if (drop && (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)) ::_exit(126);
      // After the change of user, which clears it: die with the test.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      std::vector<char*> argv;
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    // Ready when the HTTPS port answers a health check through to jiceng.
    int status = 0;
    bool exited = false;
    const bool up = Eventually(
        [&] {
          if (::waitpid(pid_, &status, WNOHANG) == pid_) return exited = true;
          return Fetch(Https("127.0.0.1"), "GET", "/healthz").status == 200;
        },
        std::chrono::seconds(30), std::chrono::milliseconds(50));
    if (exited) {
      pid_ = -1;
      return "nginx exited at start (status " + std::to_string(status) + "):\n" + Logs();
    }
    if (up) return "";
    return "nginx did not answer on its HTTPS port within 30 s:\n" + Logs();
  }

  // Stops nginx (SIGTERM: its fast shutdown; SIGKILL after 10 s); true when
  // it exited by itself.
  bool Stop() {
    if (pid_ <= 0) return true;
    ::kill(pid_, SIGTERM);
    int status = 0;
    if (Eventually([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(10))) {
      pid_ = -1;
      return true;
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return false;
  }

  Endpoint Https(const std::string& source) const { return {https_port_, true, source, cert_.string()}; }
  Endpoint PlainHttp(const std::string& source) const { return {http_port_, false, source, ""}; }
  std::string Logs() const {
    return "error.log:\n" + TailOfFile(dir_ / "logs" / "error.log", 4000) + "\nstderr:\n" +
           TailOfFile(dir_ / "logs" / "stderr.log", 2000);
  }
  pid_t pid() const { return pid_; }
  const fs::path& dir() const { return dir_; }

 private:
  std::string binary_;
  fs::path dir_;
  fs::path cert_;
  int http_port_ = 0;
  int https_port_ = 0;
  pid_t pid_ = -1;
};

TEST(DeployNginx, SignInOverHttpsThroughNginxIsSecureAndRecordsTheForwardedAddress) {
  std::string why;
  std::unique_ptr<TestServer> server =
      StartSuiteServer("deploy_nginx", &why, {"--trusted-proxy", "127.0.0.1", "--metrics-allow", "127.0.0.1"});
  ASSERT_NE(server, nullptr) << why;
  Nginx nginx;
  const std::string failed = nginx.Start(server->port());
  ASSERT_TRUE(failed.empty()) << failed;
  const pid_t nginx_pid = nginx.pid();

  // The administrator, directly (from 127.0.0.1, the trusted proxy's address,
  // without forwarding headers: the proxy's own address).
  std::optional<Session> admin = SignIn(server->port(), AdminUsername(), AdminPassword(), &why);
  ASSERT_TRUE(admin.has_value()) << why;
  Http admin_http(server->port(), admin->AuthHeaders());
  EXPECT_EQ(CurrentSessionIp(server->port(), *admin), "127.0.0.1");

  // Through nginx over HTTPS from 127.0.0.3, claiming another address: the
  // cookie is Secure and the server records 127.0.0.3, the address nginx
  // appended, not the claimed one.
  const Endpoint via_nginx = nginx.Https("127.0.0.3");
  HttpResponse login = Login(via_nginx, AdminUsername(), AdminPassword(), {{"X-Forwarded-For", "198.51.100.77"}});
  ASSERT_EQ(login.status, 200) << login << nginx.Logs();
  const std::string cookie = SessionSetCookie(login);
  EXPECT_TRUE(HasAttribute(cookie, "Secure")) << cookie;
  EXPECT_TRUE(HasAttribute(cookie, "HttpOnly")) << cookie;
  EXPECT_TRUE(HasAttribute(cookie, "SameSite=Strict")) << cookie;
  // jiceng's security headers pass through, and nginx adds HSTS.
  EXPECT_EQ(login.Header("X-Content-Type-Options").value_or(""), "nosniff") << login;
  EXPECT_NE(login.Header("Strict-Transport-Security").value_or("").find("max-age="), std::string::npos) << login;
  Session via;
  via.token = SetCookieValue(login, kSessionCookieName).value_or("");
  via.csrf = login.json.value("csrf_token", "");
  EXPECT_EQ(CurrentSessionIp(server->port(), via), "127.0.0.3");
  std::vector<json> logins = AuditEntries(admin_http, "session.login", "user:" + AdminUsername());
  ASSERT_FALSE(logins.empty());
  EXPECT_EQ(logins.front().value("ip", ""), "127.0.0.3") << logins.front().dump();
  // Signing out over HTTPS clears the cookie with the same attributes.
  HttpResponse logout = Fetch(via_nginx, "DELETE", "/api/v1/session", std::nullopt,
                              {{"Cookie", std::string(kSessionCookieName) + "=" + via.token}, {"X-CSRF-Token", via.csrf}});
  EXPECT_EQ(logout.status, 204) << logout;
  EXPECT_TRUE(HasAttribute(SessionSetCookie(logout), "Secure")) << SessionSetCookie(logout);

  // Directly from 127.0.0.2, which is not a trusted proxy, forging both
  // headers: not believed.
  const Endpoint forger{server->port(), false, "127.0.0.2", ""};
  HttpResponse forged = Login(forger, AdminUsername(), AdminPassword(),
                              {{"X-Forwarded-For", "198.51.100.88"}, {"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(forged.status, 200) << forged;
  EXPECT_FALSE(HasAttribute(SessionSetCookie(forged), "Secure")) << SessionSetCookie(forged);
  logins = AuditEntries(admin_http, "session.login", "user:" + AdminUsername());
  ASSERT_FALSE(logins.empty());
  EXPECT_EQ(logins.front().value("ip", ""), "127.0.0.2") << logins.front().dump();

  // Plain HTTP through nginx only redirects to HTTPS.
  HttpResponse plain = Fetch(nginx.PlainHttp("127.0.0.3"), "GET", "/api/v1/units/540424");
  EXPECT_EQ(plain.status, 301) << plain;
  EXPECT_EQ(plain.Header("Location").value_or("").rfind("https://", 0), 0u) << plain;

  // /metrics: never through nginx; directly to the trusted proxy's address
  // only when it speaks for itself, not for a client behind it.
  EXPECT_EQ(Fetch(via_nginx, "GET", "/metrics").status, 404);
  const Endpoint local{server->port(), false, "127.0.0.1", ""};
  HttpResponse scrape = Fetch(local, "GET", "/metrics");
  EXPECT_EQ(scrape.status, 200) << scrape;
  EXPECT_TRUE(ParseExposition(scrape.body).errors.empty()) << scrape.body;
  ExpectError(Fetch(local, "GET", "/metrics", std::nullopt, {{"X-Forwarded-For", "203.0.113.5"}}), 403,
              "permission_denied", "");
  // 127.0.0.2 is loopback, but not in this server's --metrics-allow.
  ExpectError(Fetch(forger, "GET", "/metrics"), 403, "permission_denied", "");

  // The lockout counts the forwarded address: 30 failures through nginx from
  // 127.0.0.4 lock 127.0.0.4, not nginx's address and not 127.0.0.3.
  const Endpoint attacker = nginx.Https("127.0.0.4");
  FailedSignIns(30, 401, [&](int i) { return Login(attacker, "guess." + std::to_string(i), "Wrong-Passw0rd"); });
  ASSERT_FALSE(HasFailure());
  HttpResponse locked = Login(attacker, AdminUsername(), AdminPassword());
  ExpectError(locked, 429, "too_many_requests", "");
  HttpResponse other = Login(via_nginx, AdminUsername(), AdminPassword());
  EXPECT_EQ(other.status, 200) << other;
  EXPECT_TRUE(SignIn(server->port(), AdminUsername(), AdminPassword(), &why).has_value()) << why;
  const std::vector<json> guesses = AuditEntries(admin_http, "session.login", "user:guess.30");
  ASSERT_EQ(guesses.size(), 1u);
  EXPECT_EQ(guesses[0].value("ip", ""), "127.0.0.4") << guesses[0].dump();

  // nginx stops by itself, and is gone.
  EXPECT_TRUE(nginx.Stop()) << "nginx had to be killed" << nginx.Logs();
  EXPECT_NE(::kill(nginx_pid, 0), 0) << "nginx is still running";
  EXPECT_FALSE(fs::exists(nginx.dir() / "nginx.pid")) << "nginx did not remove its pid file";
  EXPECT_TRUE(server->Running()) << server->LogTail();
}

}  // namespace
}  // namespace jiceng::apitest
