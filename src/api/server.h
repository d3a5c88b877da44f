// The HTTP server: RESTinio on a thread pool, serving the route table under
// /api/v1 plus the health checks, and the built web UI from a folder.
//
// A request's path: socket -> RESTinio (parsing, header and body limits,
// timeouts) -> express router -> Dispatch() (language, content type, body
// size, query parsing) -> the route's handler -> Result<Reply> -> JSON
// response with security headers -> access log line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "accounts/access_control.h"
#include "accounts/session_service.h"
#include "api/client_address.h"
#include "api/metrics.h"
#include "api/route.h"
#include "common/status.h"
#include "db/database.h"

namespace jiceng::api {

// The largest JSON body a handler accepts; larger gets 413.
inline constexpr std::size_t kMaxJsonBodyBytes = 64 * 1024;
// The largest file an upload route (Route::upload: imports) accepts.
inline constexpr std::size_t kMaxUploadBytes = 20 * 1024 * 1024;

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t threads = 2;
  std::filesystem::path web_dir = {};  // empty: no UI is served
  std::string access_log = "-";   // "-" stdout, "off", or a file path
  // Peers whose X-Forwarded-For and X-Forwarded-Proto are believed
  // (--trusted-proxy; api/client_address.h). Empty: nobody's.
  AddressSet trusted_proxies = {};
  // Session cookies are always Secure (--secure-cookies), not only when a
  // trusted proxy says the browser came over HTTPS.
  bool secure_cookies = false;
  // Where every answered request is counted (GET /metrics); nullptr: nowhere.
  RequestMetrics* metrics = nullptr;
};

// What the server needs to authenticate, authorize and audit every request.
struct Security {
  accounts::SessionService& sessions;
  const accounts::AccessControl& access;
  db::Database& db;  // where the audit log is written
};

// The session cookie's name.
inline constexpr const char* kSessionCookie = "jiceng_session";

// Serves `routes` until SIGINT or SIGTERM. Returns kUnavailable when the
// address cannot be bound (e.g. the port is taken).
Status RunServer(const ServerOptions& options, RouteTable routes, const Security& security);

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view header, std::string_view name);

// Picks zh or en from an Accept-Language header (q-values honoured);
// Chinese when neither is asked for.
Lang LangFromAcceptLanguage(std::string_view header);

// Parses "127.0.0.1:8080" / "[::1]:8080" / ":8080" into options.address and .port.
Status ParseListen(std::string_view listen, ServerOptions& options);

}  // namespace jiceng::api
