// The one place that decides what a principal may do where (权限判断).
// A grant of role R on unit U allows R's permissions on U and everything
// under U; a nationwide grant allows them everywhere. An API token narrows
// its user's grants to the token's unit. Every route's check goes through
// Allows(); list endpoints filter by ScopeOf().
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "accounts/principal.h"
#include "accounts/role_registry.h"
#include "hierarchy/unit_tree.h"

namespace jiceng::accounts {

// Where a principal holds a permission: everywhere, or under some units.
struct Scope {
  bool nationwide = false;
  std::vector<std::uint64_t> roots;  // units whose subtrees are in scope (no overlaps)
  bool empty() const { return !nationwide && roots.empty(); }
  // True when `unit` (std::nullopt: the whole country) is in scope.
  bool Contains(const hierarchy::UnitTree& tree, std::optional<std::uint64_t> unit) const;
};

class AccessControl {
 public:
  AccessControl(const RoleRegistry& roles, const hierarchy::UnitTree& tree) : roles_(roles), tree_(tree) {}

  // Where `principal` holds `permission`.
  Scope ScopeOf(const Principal& principal, std::string_view permission) const;
  // True when `principal` holds `permission` on `unit` (std::nullopt: a
  // nationwide action such as listing everything).
  bool Allows(const Principal& principal, std::string_view permission,
              std::optional<std::uint64_t> unit) const;
  // True when `principal` holds `permission` anywhere at all.
  bool HoldsAnywhere(const Principal& principal, std::string_view permission) const;
  // Granting role `role` on `unit` needs roles.grant there and every
  // permission of the role there: nobody hands out more than they hold.
  Status CheckCanGrant(const Principal& principal, const Role& role,
                       std::optional<std::uint64_t> unit) const;

  // Acting on another account (editing, disabling, resetting its password,
  // changing its roles) needs every permission that account holds, on every
  // unit it holds it: nobody takes over someone with more power than they have.
  Status CheckCanActOn(const Principal& principal, const std::vector<Grant>& target_grants) const;

  const RoleRegistry& roles() const { return roles_; }
  const hierarchy::UnitTree& tree() const { return tree_; }

 private:
  const RoleRegistry& roles_;
  const hierarchy::UnitTree& tree_;
};

// 403 "outside your area / lacking the permission" with a message naming what is missing.
Status PermissionDenied(const RoleRegistry& roles, std::string_view permission);

}  // namespace jiceng::accounts
