#include "accounts/access_control.h"

#include <algorithm>

namespace jiceng::accounts {
namespace {

// True when `inner` is `outer` or lies under it.
bool Within(const hierarchy::UnitTree& tree, std::uint64_t inner, std::uint64_t outer) {
  auto o = tree.Find(outer);
  auto i = tree.Find(inner);
  return o && i && i->rank >= o->rank && i->rank < o->subtree_end;
}

}  // namespace

bool Scope::Contains(const hierarchy::UnitTree& tree, std::optional<std::uint64_t> unit) const {
  if (nationwide) return true;
  if (!unit) return false;
  return std::any_of(roots.begin(), roots.end(), [&](std::uint64_t r) { return Within(tree, *unit, r); });
}

Scope AccessControl::ScopeOf(const Principal& principal, std::string_view permission) const {
  Scope scope;
  std::vector<std::uint64_t> roots;
  for (const Grant& g : principal.grants) {
    const Role* role = roles_.FindRole(g.role);
    if (role == nullptr || role->permissions.count(std::string(permission)) == 0) continue;
    if (!g.unit_code) {
      scope.nationwide = true;
    } else {
      roots.push_back(*g.unit_code);
    }
  }
  // An API token narrows every grant to its own unit.
  if (principal.token_unit) {
    const std::uint64_t t = *principal.token_unit;
    const bool covered = scope.nationwide || std::any_of(roots.begin(), roots.end(), [&](std::uint64_t r) {
                           return Within(tree_, t, r);
                         });
    std::vector<std::uint64_t> narrowed;
    if (covered) {
      narrowed.push_back(t);
    } else {
      for (std::uint64_t r : roots) {
        if (Within(tree_, r, t)) narrowed.push_back(r);
      }
    }
    scope.nationwide = false;
    roots = std::move(narrowed);
  }
  if (scope.nationwide) return scope;
  // Drop roots inside other roots, so that each unit is counted once.
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  for (std::uint64_t r : roots) {
    const bool nested = std::any_of(roots.begin(), roots.end(), [&](std::uint64_t o) {
      return o != r && Within(tree_, r, o);
    });
    if (!nested) scope.roots.push_back(r);
  }
  return scope;
}

bool AccessControl::Allows(const Principal& principal, std::string_view permission,
                           std::optional<std::uint64_t> unit) const {
  return ScopeOf(principal, permission).Contains(tree_, unit);
}

bool AccessControl::HoldsAnywhere(const Principal& principal, std::string_view permission) const {
  return !ScopeOf(principal, permission).empty();
}

Status AccessControl::CheckCanGrant(const Principal& principal, const Role& role,
                                    std::optional<std::uint64_t> unit) const {
  if (!Allows(principal, "roles.grant", unit)) return PermissionDenied(roles_, "roles.grant");
  for (const std::string& p : role.permissions) {
    if (!Allows(principal, p, unit)) {
      return Status::Error(ErrorCode::kPermissionDenied,
                           "您在该单位没有“" + roles_.FindPermission(p)->name_zh + "”权限，不能授予角色“" +
                               role.name_zh + "”。",
                           "You do not hold \"" + roles_.FindPermission(p)->name_en +
                               "\" there, so you cannot grant the role \"" + role.name_en + "\".");
    }
  }
  return Status::Ok();
}

Status AccessControl::CheckCanActOn(const Principal& principal, const std::vector<Grant>& target_grants) const {
  for (const Grant& g : target_grants) {
    const Role* role = roles_.FindRole(g.role);
    if (role == nullptr) continue;
    for (const std::string& p : role->permissions) {
      if (!Allows(principal, p, g.unit_code)) {
        return Status::Error(ErrorCode::kPermissionDenied,
                             "该账号拥有“" + role->name_zh + "”角色，权限超出您的范围，您不能修改它。",
                             "This account holds the role \"" + role->name_en +
                                 "\", beyond what you hold; you cannot change it.");
      }
    }
  }
  return Status::Ok();
}

Status PermissionDenied(const RoleRegistry& roles, std::string_view permission) {
  const Permission* p = roles.FindPermission(permission);
  const std::string zh = p ? p->name_zh : std::string(permission);
  const std::string en = p ? p->name_en : std::string(permission);
  return Status::Error(ErrorCode::kPermissionDenied,
                       "没有权限：此操作需要“" + zh + "”权限，且对象须在您的管辖范围内。",
                       "Permission denied: this needs \"" + en + "\" on something within your area.");
}

}  // namespace jiceng::accounts
