#include "api/server.h"

#include <restinio/all.hpp>
#include <restinio/transforms/zlib.hpp>
#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <sodium.h>
#include <strings.h>

#include <charconv>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include "api/errors.h"
#include "api/first_paint.h"
#include "api/http_gate.h"
#include "audit/audit_log.h"
#include "audit/write_audit.h"
#include "common/text.h"

namespace jiceng::api {
namespace {

using router_t = restinio::router::express_router_t<>;

// Every connection reads through the gate (http_gate.h), which answers what
// RESTinio's parser would refuse without a word.
struct Traits : public restinio::default_traits_t {
  using request_handler_t = router_t;
  using stream_socket_t = GateSocket;
};

// RESTinio's own hard limits: past them it closes the connection without an
// answer, so they sit above the gate's (GateLimits), which answer first: 414,
// 431, and 413 for a Content-Length over kMaxUploadBytes. JSON bodies have a
// smaller limit (413) in BuildRequest(). Only a chunked body can reach the
// hard body limit, as the gate checks Content-Length alone.
constexpr std::size_t kHardBodyLimit = kMaxUploadBytes + 1024 * 1024;

const std::pair<const char*, const char*> kSecurityHeaders[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
     "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"},
};

class AccessLog {
 public:
  explicit AccessLog(const std::string& target) {
    if (target == "off") return;
    spdlog::init_thread_pool(8192, 1);
    spdlog::sink_ptr sink;
    if (target == "-") {
      sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    } else {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(target);
    }
    logger_ = std::make_shared<spdlog::async_logger>("access", sink, spdlog::thread_pool(),
                                                     spdlog::async_overflow_policy::overrun_oldest);
    logger_->set_pattern("%v");
    // Flushed once a second, not per line, to keep the hot path cheap.
    spdlog::register_logger(logger_);
    spdlog::flush_every(std::chrono::seconds(1));
  }
  ~AccessLog() {
    if (logger_) {
      logger_->flush();
      spdlog::drop("access");
    }
  }
  void Log(std::string_view method, std::string_view path, int status, double ms,
           std::string_view remote) {
    if (!logger_) return;
    logger_->info(R"({{"ts":"{}","method":"{}","path":{},"status":{},"ms":{:.3f},"remote":"{}"}})",
                  Timestamp(), method, nlohmann::json(std::string(path)).dump(
                      -1, ' ', false, nlohmann::json::error_handler_t::replace),
                  status, ms, remote);
  }

 private:
  static std::string Timestamp() {
    auto now = std::chrono::system_clock::now();
    auto t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
    return buf;
  }
  std::shared_ptr<spdlog::logger> logger_;
};

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

restinio::http_status_line_t StatusLine(int status) {
  return restinio::http_status_line_t{
      restinio::http_status_code_t{static_cast<std::uint16_t>(status)}, ReasonPhrase(status)};
}

using Headers = std::vector<std::pair<std::string, std::string>>;
using QueryMap = std::map<std::string, std::string, std::less<>>;

// Parses a query string as browsers and curl send it: everything RFC 3986
// allows unescaped in a query (unreserved, sub-delims, ":", "@", "/", "?",
// as in where=stage:full or from=2026-01-01T00:00:00Z), raw UTF-8, "+" as a space,
// pairs split at "&". A bad % escape, or a value that is not UTF-8 once
// decoded, is a 400 naming the query or the parameter.
struct QueryTraits : restinio::parse_query_traits::relaxed {
  // Raw UTF-8 as curl sends what was typed (checked as UTF-8 below).
  static bool ordinary_char(char c) noexcept {
    return static_cast<unsigned char>(c) >= 0x80 || restinio::utils::relaxed_unescape_traits::ordinary_char(c);
  }
};

Result<QueryMap> ParseQuery(std::string_view text) {
  auto parsed = restinio::try_parse_query<QueryTraits>(text);
  if (!parsed) {
    if (parsed.error().description().find("UTF-8") != std::string::npos) {
      return Status::InvalidArgument("query", "查询参数中有 % 转义后不是有效 UTF-8 文本的部分。",
                                     "The query string holds %-escapes that do not decode to valid UTF-8 text.");
    }
    return Status::InvalidArgument("query",
                                   "查询参数格式不正确：% 后应跟两位十六进制数（如 %20），字面的 % 请写成 %25。",
                                   "The query string is malformed: % must be followed by two hex digits "
                                   "(e.g. %20); write a literal % as %25.");
  }
  QueryMap out;
  for (const auto& [name, value] : *parsed) {
    std::string key(name);
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
      const std::string shown = IsValidUtf8(key) ? key : "query";
      return Status::InvalidArgument(shown, "查询参数 " + shown + " 不是有效的 UTF-8 文本。",
                                     "Query parameter " + shown + " is not valid UTF-8 text.");
    }
    out.emplace(std::move(key), std::string(value));
  }
  return out;
}

void SendJson(const restinio::request_handle_t& req, int status, const nlohmann::json& body,
              const Headers& headers = {}, std::optional<std::string> raw_body = std::nullopt,
              const std::string& raw_type = {}) {
  auto response = req->create_response(StatusLine(status));
  for (const auto& [name, value] : kSecurityHeaders) response.append_header(name, value);
  response.append_header(restinio::http_field::cache_control, "no-store");
  for (const auto& [name, value] : headers) response.append_header(name, value);
  if (raw_body) {
    // A file (an export): sent as it is, with the handler's Content-Type.
    response.append_header(restinio::http_field::content_type, raw_type);
    response.set_body(std::move(*raw_body));
  } else if (!body.is_null()) {
    response.append_header(restinio::http_field::content_type, "application/json; charset=utf-8");
    // Replace rather than throw on invalid UTF-8: a response must always go out.
    response.set_body(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  response.done();
}

// The forwarding headers a proxy may have added (api/client_address.h).
ForwardingHeaders ForwardingHeadersOf(const restinio::request_t& req) {
  ForwardingHeaders fwd;
  req.header().for_each_field([&](const restinio::http_header_field_t& f) {
    const char* name = f.name().c_str();
    std::string* into = strcasecmp(name, "X-Forwarded-For") == 0     ? &fwd.forwarded_for
                        : strcasecmp(name, "X-Forwarded-Proto") == 0 ? &fwd.forwarded_proto
                                                                      : nullptr;
    if (into != nullptr) *into += (into->empty() ? "" : ",") + f.value();
    if (into != nullptr || strcasecmp(name, "X-Real-IP") == 0 || strcasecmp(name, "Forwarded") == 0) fwd.any = true;
  });
  return fwd;
}

const char* ContentTypeFor(const std::filesystem::path& file) {
  static const std::map<std::string, const char*> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"}, {".svg", "image/svg+xml"},
      {".png", "image/png"}, {".jpg", "image/jpeg"}, {".ico", "image/x-icon"},
      {".woff2", "font/woff2"}, {".woff", "font/woff"}, {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"}};
  auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

class Server {
 public:
  Server(const ServerOptions& options, RouteTable routes, const Security& security)
      : options_(options), routes_(std::move(routes)), security_(security), access_log_(options.access_log) {
    if (!options_.web_dir.empty()) {
      std::error_code ec;
      web_root_ = std::filesystem::weakly_canonical(options_.web_dir, ec);
    }
  }

  std::unique_ptr<router_t> MakeRouter() {
    auto router = std::make_unique<router_t>();
    // Group methods by pattern so that a known path with an unknown method
    // answers 405 with an Allow header instead of 404.
    std::map<std::string, std::vector<std::string>> methods_by_pattern;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
      const Route& route = routes_[i];
      methods_by_pattern[route.pattern].push_back(route.method);
      router->add_handler(MethodId(route.method), route.pattern,
                          [this, i](auto req, auto params) { return Dispatch(req, params, routes_[i]); });
    }
    for (const auto& [pattern, methods] : methods_by_pattern) {
      restinio::router::dynamic_none_of_methods_matcher_t others;
      std::string allow;
      for (const std::string& m : methods) {
        others.add(MethodId(m));
        allow += (allow.empty() ? "" : ", ") + m;
      }
      router->add_handler(std::move(others), pattern, [this, allow, route_pattern = pattern](auto req, auto) {
        const auto start = std::chrono::steady_clock::now();
        const Lang lang = LangFromRequest(*req);
        Status st = Status::Error(ErrorCode::kMethodNotAllowed,
                                  "此地址不支持 " + std::string(req->header().method().c_str()) +
                                      " 方法；可用：" + allow + "。",
                                  "Method " + std::string(req->header().method().c_str()) +
                                      " is not allowed here; use " + allow + ".");
        Finish(req, route_pattern, start, 405, ErrorBody(st, lang), {{"Allow", allow}});
        return restinio::request_accepted();
      });
    }
    router->non_matched_request_handler([this](auto req) { return NotMatched(req); });
    return router;
  }

  Status Run() {
    // A browser that drops a connection while a static file is sent makes sendfile(2) raise
    // SIGPIPE, whose default action ends the whole process; ignored, it is a write error that
    // closes that one connection.
    std::signal(SIGPIPE, SIG_IGN);
    GateLimits gate;
    gate.max_body_bytes = kMaxUploadBytes;
    SetGateLimits(gate);
    using server_t = restinio::http_server_t<Traits>;
    server_t server{
        restinio::own_io_context(),
        [&](auto& settings) {
          settings.address(options_.address)
              .port(options_.port)
              .request_handler(MakeRouter())
              .read_next_http_message_timelimit(std::chrono::seconds(30))
              .write_http_response_timelimit(std::chrono::seconds(30))
              .handle_request_timeout(std::chrono::seconds(30))
              .max_pipelined_requests(16)
              .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                            .max_url_size(16 * 1024)
                                            .max_field_name_size(2 * 1024)
                                            .max_field_value_size(16 * 1024)
                                            .max_field_count(200)
                                            .max_body_size(kHardBodyLimit));
        }};
    std::exception_ptr failure;
    asio::signal_set signals(server.io_context(), SIGINT, SIGTERM);
    signals.async_wait([&](const asio::error_code& ec, int) {
      if (ec) return;
      spdlog::info("正在停止 / stopping");
      server.close_async([&] { server.io_context().stop(); },
                         [&](std::exception_ptr ex) {
                           failure = ex;
                           server.io_context().stop();
                         });
    });
    bool opened = false;
    server.open_async(
        [&] {
          opened = true;
          spdlog::info("Jiceng 正在服务 / serving at http://{}:{}/", options_.address, options_.port);
        },
        [&](std::exception_ptr ex) {
          failure = ex;
          server.io_context().stop();
        });
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.threads); ++i) {
      pool.emplace_back([&] { server.io_context().run(); });
    }
    for (auto& t : pool) t.join();
    if (failure) {
      std::string what = "unknown";
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        what = e.what();
      }
      const std::string where = options_.address + ":" + std::to_string(options_.port);
      if (!opened) {
        return Status::Unavailable("无法在 " + where + " 上监听（" + what + "）。端口可能已被占用，请用 --listen 换一个。",
                                   "Cannot listen on " + where + " (" + what +
                                       "). The port may be taken; choose another with --listen.");
      }
      return Status::Internal(what);
    }
    return Status::Ok();
  }

 private:
  static restinio::http_method_id_t MethodId(const std::string& m) {
    if (m == "GET") return restinio::http_method_get();
    if (m == "POST") return restinio::http_method_post();
    if (m == "PATCH") return restinio::http_method_patch();
    if (m == "PUT") return restinio::http_method_put();
    if (m == "DELETE") return restinio::http_method_delete();
    return restinio::http_method_head();
  }

  // The permission to see a record that `permission` acts on: the ".read" of
  // its domain (members.write -> members.read), or itself if there is none.
  static std::string ReadPermissionFor(const std::string& permission, const accounts::RoleRegistry& roles) {
    const std::string read = permission.substr(0, permission.find('.')) + ".read";
    return roles.FindPermission(read) != nullptr ? read : permission;
  }

  static Lang LangFromRequest(const restinio::request_t& req) {
    return LangFromAcceptLanguage(
        req.header().get_field_or(restinio::http_field::accept_language, ""));
  }

  // Who sent `req`: forwarding headers are believed from trusted proxies only.
  ClientOrigin Origin(const restinio::request_t& req) const {
    return ResolveClient(req.remote_endpoint().address().to_string(), ForwardingHeadersOf(req),
                         options_.trusted_proxies);
  }

  // The access-log line and the metrics (`route`: the pattern) of an answered request.
  void Record(const restinio::request_handle_t& req, std::string_view route, int status,
              std::chrono::steady_clock::time_point start) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    access_log_.Log(req->header().method().c_str(), req->header().path(), status, ms, Origin(*req).address);
    if (options_.metrics != nullptr) {
      options_.metrics->Observe(req->header().method().c_str(), route, status, ms / 1000);
    }
  }

  void Finish(const restinio::request_handle_t& req, std::string_view route,
              std::chrono::steady_clock::time_point start, int status, const nlohmann::json& body,
              const Headers& headers = {}, std::optional<std::string> raw_body = std::nullopt,
              const std::string& raw_type = {}) {
    SendJson(req, status, body, headers, std::move(raw_body), raw_type);
    Record(req, route, status, start);
  }

  restinio::request_handling_status_t Dispatch(const restinio::request_handle_t& req,
                                               const restinio::router::route_params_t& params,
                                               const Route& route) {
    const auto start = std::chrono::steady_clock::now();
    ApiRequest api;
    api.lang = LangFromRequest(*req);
    const ClientOrigin origin = Origin(*req);
    api.ip = origin.address;
    api.https = options_.secure_cookies || origin.https;
    api.untrusted_forwarding = origin.untrusted_forwarding;
    api.user_agent = req->header().get_field_or(restinio::http_field::user_agent, "");
    accounts::Principal principal;
    std::optional<std::uint64_t> target_unit;
    const bool audited = (route.method != "GET" && route.method != "HEAD") || route.audit_read;
    // Every write transaction the handler commits carries its own audit entry
    // (audit/write_audit.h); the entry after the fact below is for requests
    // that committed none, and for failures after a commit.
    std::optional<std::int64_t> audit_unit;
    audit::WriteAudit write_audit([&] { return AuditEntryOf(route, api, audit_unit); });
    // Whatever throws on the way (a handler, a target resolver, a JSON
    // accessor) still gets a response, an access-log line and an audit
    // entry: RESTinio would otherwise drop the connection without a word.
    Result<Reply> reply = Reply{};
    try {
      reply = BuildRequest(*req, params, route, api);
      if (reply.ok()) reply = Guard(*req, route, api, principal, target_unit);
      if (reply.ok()) {
        // The unit is looked up now: not from inside a write transaction.
        audit_unit = AuditUnitOf(target_unit);
        std::optional<db::ScopedCommitHook> in_transaction;
        if (audited) in_transaction.emplace(write_audit);
        reply = route.handler(api);
      }
    } catch (const nlohmann::json::exception& e) {
      // Reading user JSON the wrong way (a type or range error): the request's fault.
      spdlog::warn("{} {}: JSON error: {}", route.method, api.path, e.what());
      reply = Status::Error(ErrorCode::kMalformedRequest, "请求体中有字段的类型或取值不对，请检查后重试。",
                            "A field of the request body has the wrong type or value; check it and retry.",
                            "body");
    } catch (const std::exception& e) {
      reply = Status::Internal(std::string("handler threw: ") + e.what());
    } catch (...) {
      reply = Status::Internal("handler threw a non-standard exception");
    }
    int status;
    nlohmann::json body;
    Headers headers;
    std::optional<std::string> raw_body;
    std::string raw_type;
    if (!reply.ok()) {
      const Status& st = reply.status();
      if (st.code() == ErrorCode::kInternal || st.code() == ErrorCode::kIoError) {
        spdlog::error("{} {}: {}", route.method, api.path, st.ToString());
      }
      status = HttpStatusFor(st.code());
      body = ErrorBody(st, api.lang);
    } else {
      status = reply->status;
      body = std::move(reply->body);
      headers = std::move(reply->headers);
      raw_body = std::move(reply->raw_body);
      raw_type = std::move(reply->content_type);
    }
    if (audited && (write_audit.committed_entries() == 0 || status >= 400)) {
      Audit(route, api, target_unit, status, body);
    }
    Finish(req, route.pattern, start, status, body, headers, std::move(raw_body), raw_type);
    return restinio::request_accepted();
  }

  // Authenticates the caller and checks the route's permission in the
  // caller's scope. Fills `principal` and points `api.principal` at it.
  Result<Reply> Guard(const restinio::request_t& req, const Route& route, ApiRequest& api,
                      accounts::Principal& principal, std::optional<std::uint64_t>& target_unit) {
    const bool is_public = route.permission == kPublic;
    const std::string authorization(req.header().get_field_or(restinio::http_field::authorization, ""));
    const std::string cookie = CookieValue(req.header().get_field_or(restinio::http_field::cookie, ""), kSessionCookie);
    bool signed_in = false;
    bool via_session = false;
    if (authorization.rfind("Bearer ", 0) == 0) {
      auto p = security_.sessions.AuthenticateToken(authorization.substr(7));
      if (p.ok()) {
        principal = std::move(p).value();
        signed_in = true;
      } else if (!is_public) {
        return p.status();
      }
    } else if (!cookie.empty()) {
      auto p = security_.sessions.AuthenticateSession(cookie);
      if (p.ok()) {
        principal = std::move(p).value();
        signed_in = via_session = true;
      } else if (!is_public) {
        return p.status();
      }
    }
    if (signed_in) api.principal = &principal;
    if (is_public) return Reply{};
    if (!signed_in) {
      return Status::Error(ErrorCode::kUnauthenticated, "请先登录。", "Please sign in first.");
    }
    // A cookie is sent by the browser on its own; a state-changing request
    // must also prove it comes from our page by echoing the CSRF token.
    const bool safe_method = route.method == "GET" || route.method == "HEAD";
    if (via_session && !safe_method) {
      const std::string sent(req.header().get_field_or("X-CSRF-Token", ""));
      if (sent.size() != principal.csrf_token.size() ||
          sodium_memcmp(sent.data(), principal.csrf_token.data(), sent.size()) != 0) {
        return Status::Error(ErrorCode::kCsrfFailed, "请求缺少有效的 CSRF 令牌，请刷新页面后重试。",
                             "The request lacks a valid CSRF token; reload the page and retry.");
      }
    }
    if (route.permission == kSignedIn) return Reply{};
    Target target;
    if (route.target) {
      JICENG_ASSIGN_OR_RETURN(target, route.target(api));
    }
    const accounts::AccessControl& access = security_.access;
    bool allowed = false;
    switch (target.kind) {
      case Target::Kind::kNone:
        allowed = access.HoldsAnywhere(principal, route.permission);
        break;
      case Target::Kind::kNation:
        allowed = access.Allows(principal, route.permission, std::nullopt);
        break;
      case Target::Kind::kUnit:
        target_unit = target.unit;
        allowed = access.Allows(principal, route.permission, target.unit);
        break;
      case Target::Kind::kAnyOf:
        // The first unit where the caller holds the permission is the one
        // acted at (and audited); none: the first, for the refusal's entry.
        for (std::uint64_t unit : target.units) {
          if (access.Allows(principal, route.permission, unit)) {
            target_unit = unit;
            allowed = true;
            break;
          }
        }
        if (!allowed && !target.units.empty()) target_unit = target.units.front();
        break;
    }
    if (!allowed) {
      // A record the caller cannot read at all answers exactly as a missing one.
      if (target.miss) {
        const std::string read = target.read_permission.empty()
                                     ? ReadPermissionFor(route.permission, access.roles())
                                     : target.read_permission;
        bool seen = target.kind != Target::Kind::kAnyOf &&
                    access.Allows(principal, read,
                                  target.kind == Target::Kind::kUnit ? std::optional(target.unit) : std::nullopt);
        for (std::uint64_t unit : target.units) seen = seen || access.Allows(principal, read, unit);
        for (std::uint64_t unit : target.also_seen_at) seen = seen || access.Allows(principal, read, unit);
        if (!seen) return *target.miss;
      }
      return accounts::PermissionDenied(access.roles(), route.permission);
    }
    return Reply{};
  }

  // Appends the audit entry of a request: who, what, where, from where, result.
  void Audit(const Route& route, const ApiRequest& api, std::optional<std::uint64_t> target_unit, int status,
             const nlohmann::json& body) {
    audit::AuditEntry entry = AuditEntryOf(route, api, AuditUnitOf(target_unit));
    entry.status = status;
    entry.result = status < 400 ? "ok" : body.value("/error/code"_json_pointer, std::string("error"));
    Status st = audit::AuditLog::Append(security_.db, std::move(entry));
    if (!st.ok()) spdlog::error("audit log append failed: {}", st.ToString());
  }

  // A request's audit entry as far as it is known: who, what, where, from
  // where (not yet the status and result).
  audit::AuditEntry AuditEntryOf(const Route& route, const ApiRequest& api,
                                 std::optional<std::int64_t> unit_id) const {
    audit::AuditEntry entry;
    if (api.principal != nullptr) {
      entry.user_id = api.principal->user_id;
      entry.username = api.principal->username;
    } else {
      entry.user_id = api.audit_user_id;
      entry.username = api.audit_username;
    }
    entry.action = route.action.empty() ? route.method + " " + route.pattern : route.action;
    entry.method = route.method;
    entry.path = api.path;
    entry.target = api.audit_target;
    if (entry.target.empty()) {
      auto code = api.path_params.find("code");
      if (code != api.path_params.end()) entry.target = code->second;
    }
    entry.unit_id = unit_id;
    entry.ip = api.ip;
    return entry;
  }

  // The id of the unit the request acts on, for its audit entry.
  std::optional<std::int64_t> AuditUnitOf(std::optional<std::uint64_t> target_unit) const {
    if (!target_unit) return std::nullopt;
    auto unit = security_.access.tree().Find(*target_unit);
    return unit ? std::optional<std::int64_t>(unit->id) : std::nullopt;
  }

  // Fills `api` from the raw request; an error reply when the request is
  // unusable before any handler runs (body too large, not JSON, bad query).
  static Result<Reply> BuildRequest(const restinio::request_t& req,
                                    const restinio::router::route_params_t& params,
                                    const Route& route, ApiRequest& api) {
    const std::string& pattern = route.pattern;
    api.method = req.header().method().c_str();
    api.path = std::string(req.header().path());
    // RESTinio does not list the named parameters; take the names from the
    // route's pattern (":code" segments).
    for (std::size_t pos = pattern.find(':'); pos != std::string::npos; pos = pattern.find(':', pos + 1)) {
      std::size_t end = pattern.find('/', pos);
      const std::string name = pattern.substr(pos + 1, end == std::string::npos ? end : end - pos - 1);
      if (params.has(name)) api.path_params.emplace(name, std::string(params[name]));
    }
    JICENG_ASSIGN_OR_RETURN(api.query, ParseQuery(req.header().query()));
    api.body = req.body();
    api.content_type = req.header().get_field_or(restinio::http_field::content_type, "");
    if (route.upload) {
      // A file as the whole body, as fetch(url, {method: 'POST', body: file})
      // sends it: any Content-Type but JSON and multipart (the handler looks
      // at the bytes to tell .xlsx from CSV).
      if (api.body.size() > kMaxUploadBytes) {
        return Status::Error(ErrorCode::kPayloadTooLarge,
                             "文件太大：最多 " + std::to_string(kMaxUploadBytes / (1024 * 1024)) + " MB。请分成几个文件。",
                             "The file is too large: at most " + std::to_string(kMaxUploadBytes / (1024 * 1024)) +
                                 " MB. Split it into several files.");
      }
      if (api.content_type.find("multipart/") != std::string::npos ||
          api.content_type.find("application/json") != std::string::npos) {
        return Status::Error(ErrorCode::kUnsupportedMediaType,
                             "请直接把文件作为请求体发送（.xlsx 或 .csv），不要用表单或 JSON。",
                             "Send the file itself as the request body (.xlsx or .csv), not a form or JSON.");
      }
      return Reply{};
    }
    if (api.body.size() > kMaxJsonBodyBytes) {
      return Status::Error(ErrorCode::kPayloadTooLarge,
                           "请求体太大：最多 " + std::to_string(kMaxJsonBodyBytes / 1024) + " KB。",
                           "The request body is too large: at most " +
                               std::to_string(kMaxJsonBodyBytes / 1024) + " KB.");
    }
    const bool has_body = api.body.find_first_not_of(" \t\r\n") != std::string::npos;
    if (has_body && api.content_type.find("application/json") == std::string::npos) {
      return Status::Error(ErrorCode::kUnsupportedMediaType,
                           "请求体必须是 JSON，并带有 Content-Type: application/json。",
                           "The request body must be JSON, sent with Content-Type: application/json.");
    }
    return Reply{};
  }

  restinio::request_handling_status_t NotMatched(const restinio::request_handle_t& req) {
    const auto start = std::chrono::steady_clock::now();
    const std::string path(req->header().path());
    if (path.starts_with(GateRejectPath())) return GateRefusal(req, path.substr(GateRejectPath().size()), start);
    const bool is_get = req->header().method() == restinio::http_method_get() ||
                        req->header().method() == restinio::http_method_head();
    // Hidden files and folders (.vite/manifest.json ...) are never served.
    const bool hidden = path.find("/.") != std::string::npos;
    if (!web_root_.empty() && is_get && !hidden && !path.starts_with("/api/")) {
      if (ServeStatic(req, path, start)) return restinio::request_accepted();
    }
    Status st = Status::NotFound("没有这个地址：" + path + "。API 都在 /api/v1 之下。",
                                 "No such path: " + path + ". The API lives under /api/v1.");
    Finish(req, kUnmatchedRoute, start, 404, ErrorBody(st, LangFromRequest(*req)));
    return restinio::request_accepted();
  }

  // Answers a request the gate refused (http_gate.h): the stand-in names the
  // status; the request itself never reached RESTinio. Connection: close.
  restinio::request_handling_status_t GateRefusal(const restinio::request_handle_t& req, const std::string& code,
                                                  std::chrono::steady_clock::time_point start) {
    Status st = Status::Error(ErrorCode::kMalformedRequest,
                              "请求不是有效的 HTTP 请求（请求行、请求头或 Content-Length 有误）。",
                              "The request is not valid HTTP (its request line, a header or Content-Length is wrong).");
    if (code == "405") {
      st = Status::Error(ErrorCode::kMethodNotAllowed, "不支持这个 HTTP 方法；请用 GET、POST、PUT、PATCH 或 DELETE。",
                         "This HTTP method is not supported; use GET, POST, PUT, PATCH or DELETE.");
    } else if (code == "413") {
      const std::string mb = std::to_string(kMaxUploadBytes / (1024 * 1024));
      const std::string kb = std::to_string(kMaxJsonBodyBytes / 1024);
      st = Status::Error(ErrorCode::kPayloadTooLarge,
                         "请求体太大：上传的文件最多 " + mb + " MB，JSON 请求最多 " + kb + " KB。请把文件分成几个。",
                         "The request body is too large: a file upload may be at most " + mb + " MB, JSON at most " +
                             kb + " KB. Split the file into several files.");
    } else if (code == "414") {
      st = Status::Error(ErrorCode::kUriTooLong, "地址太长：最多 8 KB。请缩短查询参数。",
                         "The URL is too long: at most 8 KB. Shorten the query.");
    } else if (code == "431") {
      st = Status::Error(ErrorCode::kHeadersTooLarge,
                         "请求头太大：最多 100 个字段，每个字段最多 8 KB，合计最多 64 KB。",
                         "The request headers are too large: at most 100 fields, 8 KB each, 64 KB in all.");
    }
    const int status = HttpStatusFor(st.code());
    auto response = req->create_response(StatusLine(status));
    for (const auto& [name, value] : kSecurityHeaders) response.append_header(name, value);
    response.append_header(restinio::http_field::cache_control, "no-store");
    response.append_header(restinio::http_field::content_type, "application/json; charset=utf-8");
    response.connection_close();
    response.set_body(ErrorBody(st, LangFromRequest(*req)).dump());
    response.done();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    access_log_.Log("-", "(refused before parsing)", status, ms, req->remote_endpoint().address().to_string());
    if (options_.metrics != nullptr) options_.metrics->Observe("-", "(refused before parsing)", status, ms / 1000);
    return restinio::request_accepted();
  }

  // Serves a file of the built UI, or index.html for client-side routes.
  // The path is resolved and must stay inside the web root.
  bool ServeStatic(const restinio::request_handle_t& req, const std::string& path,
                   std::chrono::steady_clock::time_point start) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path candidate = fs::weakly_canonical(web_root_ / fs::path(path).relative_path(), ec);
    // Inside the root itself, not merely sharing its prefix (web/dist2).
    const std::string root = web_root_.string() + "/";
    const bool inside = !ec && candidate.string().compare(0, root.size(), root) == 0;
    if (!inside || !fs::is_regular_file(candidate, ec)) {
      // Client-side route (no extension) -> the SPA shell; a missing asset -> 404.
      if (fs::path(path).has_extension()) return false;
      candidate = web_root_ / "index.html";
      if (!fs::is_regular_file(candidate, ec)) return false;
    }
    // The hierarchy pages of a signed-in user come with their first screen
    // rendered in (first_paint.h), usable before the app's code arrives.
    if (IsFirstPaintPath(path) && candidate == web_root_ / "index.html") {
      if (auto html = FirstPaint(*req, path, candidate)) {
        auto response = req->create_response(StatusLine(200));
        for (const auto& [name, value] : kSecurityHeaders) response.append_header(name, value);
        response.append_header(restinio::http_field::content_type, "text/html; charset=utf-8");
        // Personal to the session (and its language): never cached, never shared.
        response.append_header(restinio::http_field::cache_control, "no-store");
        response.append_header(restinio::http_field::vary, "Cookie, Accept-Language, Accept-Encoding");
        // Compressed per request (the page is ~15 KB, ~3 KB gzipped; well under a millisecond).
        const std::string accept(req->header().get_field_or(restinio::http_field::accept_encoding, ""));
        if (accept.find("gzip") != std::string::npos) {
          response.append_header(restinio::http_field::content_encoding, "gzip");
          response.set_body(restinio::transforms::zlib::gzip_compress(*html));
        } else {
          response.set_body(std::move(*html));
        }
        response.done();
        Record(req, kStaticRoute, 200, start);
        return true;
      }
    }
    // A precompressed sibling (file.br, file.gz written by the web build) is
    // sent when the browser accepts it: no compression work per request.
    const std::string accept(req->header().get_field_or(restinio::http_field::accept_encoding, ""));
    fs::path body_file = candidate;
    const char* encoding = nullptr;
    for (const auto& [ext, name] : {std::pair{".br", "br"}, std::pair{".gz", "gzip"}}) {
      fs::path compressed = candidate;
      compressed += ext;
      if (accept.find(name) != std::string::npos && fs::is_regular_file(compressed, ec)) {
        body_file = compressed;
        encoding = name;
        break;
      }
    }
    auto response = req->create_response(StatusLine(200));
    for (const auto& [name, value] : kSecurityHeaders) response.append_header(name, value);
    response.append_header(restinio::http_field::content_type, ContentTypeFor(candidate));
    response.append_header(restinio::http_field::vary, "Accept-Encoding");
    if (encoding != nullptr) response.append_header(restinio::http_field::content_encoding, encoding);
    const bool hashed_asset = path.starts_with("/assets/");
    response.append_header(restinio::http_field::cache_control,
                           hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
    try {
      response.set_body(restinio::sendfile(body_file.string()));
    } catch (const std::exception&) {
      return false;
    }
    response.done();
    Record(req, kStaticRoute, 200, start);
    return true;
  }

  // index.html with the first screen of `path` rendered in for the caller of
  // `req`; std::nullopt (serve the file unchanged) when nobody valid is signed
  // in, the caller may not read the unit, or anything else is off — the app
  // then shows its login, forbidden or error page as it always did.
  std::optional<std::string> FirstPaint(const restinio::request_t& req, const std::string& path,
                                        const std::filesystem::path& index_file) {
    // The same credentials as Guard(): a bearer token, else the session cookie.
    const std::string authorization(req.header().get_field_or(restinio::http_field::authorization, ""));
    const std::string cookies(req.header().get_field_or(restinio::http_field::cookie, ""));
    Result<accounts::Principal> principal = Status::Error(ErrorCode::kUnauthenticated, "", "");
    if (authorization.rfind("Bearer ", 0) == 0) {
      principal = security_.sessions.AuthenticateToken(authorization.substr(7));
    } else if (const std::string session = CookieValue(cookies, kSessionCookie); !session.empty()) {
      principal = security_.sessions.AuthenticateSession(session);
    }
    if (!principal.ok()) return std::nullopt;
    auto query = ParseQuery(req.header().query());
    if (!query.ok()) return std::nullopt;
    const std::string q = query->contains("q") ? query->at("q") : "";
    const std::string page = query->contains("page") ? query->at("page") : "";
    const Lang lang = FirstPaintLang(cookies, req.header().get_field_or(restinio::http_field::accept_language, ""));
    std::optional<std::string> fragment;
    try {
      fragment = RenderFirstPaint({path, q, page, lang}, *principal, security_.access);
    } catch (const std::exception& e) {
      spdlog::error("first paint of {} failed: {}", path, e.what());
      return std::nullopt;
    }
    if (!fragment) return std::nullopt;
    std::ifstream in(index_file, std::ios::binary);
    std::string index_html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return std::nullopt;
    return InsertFirstPaint(index_html, *fragment, lang);
  }

  ServerOptions options_;
  RouteTable routes_;
  Security security_;
  AccessLog access_log_;
  std::filesystem::path web_root_;
};

}  // namespace

Lang LangFromAcceptLanguage(std::string_view header) {
  // "en-US,en;q=0.9,zh;q=0.8": the first language tag with the highest q
  // that is zh or en wins.
  double best_q = -1;
  Lang best = Lang::kZh;
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    std::string_view tag = item.substr(0, item.find(';'));
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    double q = 1.0;
    if (auto pos = item.find("q="); pos != std::string_view::npos) {
      std::string qs(item.substr(pos + 2));
      try {
        q = std::stod(qs);
      } catch (...) {
        q = 0;
      }
    }
    std::string lower;
    for (char c : tag.substr(0, 2)) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if ((lower == "zh" || lower == "en") && q > best_q) {
      best_q = q;
      best = lower == "zh" ? Lang::kZh : Lang::kEn;
    }
  }
  return best;
}

Status ParseListen(std::string_view listen, ServerOptions& options) {
  const std::size_t colon = listen.rfind(':');
  auto bad = [&] {
    return Status::InvalidArgument("listen",
                                   "监听地址 “" + std::string(listen) + "” 无效，应为 地址:端口，如 127.0.0.1:8080。",
                                   "Listen address \"" + std::string(listen) +
                                       "\" is invalid; use host:port, e.g. 127.0.0.1:8080.");
  };
  if (colon == std::string_view::npos) return bad();
  std::string_view host = listen.substr(0, colon);
  std::string_view port = listen.substr(colon + 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) return bad();
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  options.address = host.empty() ? "127.0.0.1" : std::string(host);
  options.port = static_cast<std::uint16_t>(value);
  return Status::Ok();
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return {};
}

Status RunServer(const ServerOptions& options, RouteTable routes, const Security& security) {
  try {
    Server server(options, std::move(routes), security);
    return server.Run();
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("服务器无法启动：") + e.what(),
                               std::string("The server could not start: ") + e.what());
  }
}

}  // namespace jiceng::api
