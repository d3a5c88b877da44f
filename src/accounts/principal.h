// Who is making a request (已登录用户) and what they hold: the user's role
// grants, each on a unit (or nationwide), and — for an API token — the unit
// the token is narrowed to. Built once per request by AccountService.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jiceng::accounts {

struct Grant {
  std::int64_t id = 0;
  std::string role = {};                          // a role id from definitions/roles.yaml
  std::optional<std::uint64_t> unit_code = {};    // std::nullopt: the whole country
};

struct Principal {
  std::int64_t user_id = 0;
  std::string username = {};
  std::string display_name = {};
  std::vector<Grant> grants = {};
  // Set for a request made with an API token: the token's id and the unit it
  // is narrowed to (std::nullopt: as wide as the user).
  std::optional<std::int64_t> token_id = {};
  std::optional<std::uint64_t> token_unit = {};
  // Set for a request made with a session cookie.
  std::optional<std::int64_t> session_id = {};
  std::string csrf_token = {};
};

}  // namespace jiceng::accounts
