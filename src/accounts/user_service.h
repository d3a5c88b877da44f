// Accounts and role grants (账号与角色): the rules for creating, editing,
// disabling accounts and granting roles on units. Every method takes the
// acting principal, or none for the command line (run by the operator of
// the machine, who may do anything), and checks scope itself.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "accounts/access_control.h"
#include "people/personal_data.h"
#include "accounts/account_store.h"
#include "accounts/user.h"
#include "common/result.h"
#include "db/database.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::accounts {

struct NewUser {
  std::string username = {};
  std::string display_name = {};
  std::optional<std::string> phone = {};
  std::optional<std::string> unit_code = {};  // home unit; none: national level
  std::string password = {};
};

struct UserPatch {
  std::optional<std::string> display_name = {};
  std::optional<std::optional<std::string>> phone = {};  // set, or clear with nullopt inside
  std::optional<bool> enabled = {};
};

// The 404 of an account id that does not exist; the API gives the same
// answer for an account outside the caller's sight.
Status UserNotFound();

class UserService {
 public:
  // `on_change` is called after every change to an account or its grants
  // (the session service drops its cached principals). Phones are sealed
  // and opened with `vault`.
  UserService(db::Database& db, const hierarchy::HierarchyService& hierarchy, const AccessControl& access,
              const people::Vault& vault, std::function<void()> on_change = {})
      : db_(db), hierarchy_(hierarchy), access_(access), vault_(vault), on_change_(std::move(on_change)) {}

  // `actor` nullptr: the command line.
  Result<User> Create(const Principal* actor, const NewUser& input);
  Result<User> Get(const Principal* actor, std::int64_t id);
  Result<User> GetByName(const std::string& username);
  Result<std::pair<std::vector<User>, std::size_t>> List(const Principal* actor, const std::string& text,
                                                         std::size_t offset, std::size_t limit);
  Result<User> Update(const Principal* actor, std::int64_t id, const UserPatch& patch,
                      std::optional<std::int64_t> expected_version);
  // Sets a new password and ends every session of the account.
  Status SetPassword(const Principal* actor, std::int64_t id, const std::string& password);
  Status ChangeOwnPassword(const Principal& actor, const std::string& current, const std::string& next);
  Result<Grant> GrantRole(const Principal* actor, std::int64_t user_id, const std::string& role,
                          std::optional<std::string> unit_code);
  Status RevokeRole(const Principal* actor, std::int64_t user_id, std::int64_t grant_id);

  // The home unit of a user, for scope checks (std::nullopt: national level).
  Result<std::optional<std::uint64_t>> HomeUnitOf(std::int64_t user_id);

 private:
  Result<User> Load(std::int64_t id);
  Status CheckScope(const Principal* actor, std::string_view permission, const User& user) const;
  Result<std::optional<std::int64_t>> UnitIdOf(const std::optional<std::string>& code, std::string_view field) const;

  db::Database& db_;
  const hierarchy::HierarchyService& hierarchy_;
  const AccessControl& access_;
  const people::Vault& vault_;
  std::function<void()> on_change_;
};

// Login names: 3–32 characters of a–z, 0–9, '.', '_', '-', '@'; stored lowercase.
Result<std::string> NormalizeUsername(std::string_view username);

}  // namespace jiceng::accounts
