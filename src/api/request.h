// What a handler sees of an HTTP request, and what it returns. Handlers are
// plain functions from ApiRequest to Result<Reply>; the server (server.cc)
// does the HTTP around them: limits, language, errors, headers, logging.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "accounts/principal.h"
#include "common/result.h"

namespace jiceng::api {

struct ApiRequest {
  std::string method = {};
  std::string path = {};
  std::map<std::string, std::string, std::less<>> path_params = {};   // e.g. code -> "540424"
  std::map<std::string, std::string, std::less<>> query = {};         // decoded query string
  std::string body = {};
  std::string content_type = {};
  Lang lang = Lang::kZh;
  // The client's address: the TCP peer's, or — when the peer is a trusted
  // proxy (--trusted-proxy) — the one its X-Forwarded-For names
  // (api/client_address.h). Sign-in lockout, sessions and the audit log use it.
  std::string ip = {};
  std::string user_agent = {};
  // The browser's connection is HTTPS: --secure-cookies, or a trusted proxy
  // said X-Forwarded-Proto: https. Cookies set in the answer are Secure.
  bool https = false;
  // Forwarding headers came from a peer that is not a trusted proxy.
  bool untrusted_forwarding = false;
  // The signed-in caller; nullptr on public routes when nobody is signed in.
  const accounts::Principal* principal = nullptr;

  // Set by handlers for the audit log when the path does not say what was
  // acted on: e.g. the code of a group just created, or "user:12"; and, for
  // a sign-in, who signed in.
  mutable std::string audit_target = {};
  mutable std::optional<std::int64_t> audit_user_id = {};
  mutable std::string audit_username = {};

  // The named path parameter; REQUIRES: the route declares it.
  const std::string& Param(std::string_view name) const;
  // The named path parameter as a positive record id; kInvalidArgument naming it otherwise.
  Result<std::int64_t> ParamId(std::string_view name = "id") const;

  // Query parameters, checked: an error names the parameter and the range.
  Result<std::size_t> QueryUint(std::string_view name, std::size_t fallback, std::size_t min,
                                std::size_t max) const;
  Result<bool> QueryBool(std::string_view name, bool fallback) const;
  std::optional<std::string> QueryText(std::string_view name) const;
};

struct Reply {
  int status = 200;
  nlohmann::json body;  // null: no body (204)
  std::vector<std::pair<std::string, std::string>> headers = {};
  // A file to send instead of `body` (an export), with its Content-Type.
  std::optional<std::string> raw_body = {};
  std::string content_type = {};
};

using HandlerFn = std::function<Result<Reply>(const ApiRequest&)>;

// A JSON request body held as an object, read field by field. Every
// accessor names the field in its error; Finish() rejects fields that no
// accessor asked for, so a typo ("nmae") is an error, not silently ignored.
class JsonBody {
 public:
  // Parses `req.body`. An empty body reads as {} when `allow_empty`.
  static Result<JsonBody> Parse(const ApiRequest& req, bool allow_empty = false);

  Result<std::string> RequiredString(std::string_view field);
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view field);
  Result<std::optional<std::string>> OptionalString(std::string_view field);
  Result<std::optional<bool>> OptionalBool(std::string_view field);
  // An array of JSON objects (each checked by the caller); absent reads as empty.
  Result<std::vector<nlohmann::json>> ObjectList(std::string_view field, std::size_t max_items);
  // An array of strings; absent reads as empty.
  Result<std::vector<std::string>> StringList(std::string_view field);
  // Present and null ("phone": null) reads as a set-to-empty: Some(nullopt).
  Result<std::optional<std::optional<std::string>>> NullableString(std::string_view field);
  // kInvalidArgument naming the first field not read by an accessor.
  Status Finish() const;

 private:
  explicit JsonBody(nlohmann::json object) : object_(std::move(object)) {}
  nlohmann::json object_;
  std::vector<std::string> seen_;
};

}  // namespace jiceng::api
