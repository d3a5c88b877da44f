// An account (账号): who signs in to Jiceng. Holds the minimum a service
// needs: a login name, the name shown to colleagues, an optional phone, and
// the unit the account belongs to (its home unit; empty: national level).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/principal.h"

namespace jiceng::accounts {

struct User {
  std::int64_t id = 0;
  std::string username = {};
  std::string display_name = {};
  std::optional<std::string> phone = {};
  std::optional<std::uint64_t> unit_code = {};  // home unit; std::nullopt: national level
  bool enabled = true;
  std::int64_t version = 1;
  std::string created_at = {};
  std::vector<Grant> grants = {};  // active role grants
};

}  // namespace jiceng::accounts
