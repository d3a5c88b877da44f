// Roles and permissions as data (角色与权限), loaded from
// definitions/roles.yaml and checked at start: every role names known
// permissions and the levels where it may be granted.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "hierarchy/unit.h"

namespace jiceng::accounts {

struct Permission {
  std::string id = {};  // "units.read"
  std::string name_zh = {};
  std::string name_en = {};
};

struct Role {
  std::string id = {};  // "township_staff"
  std::string name_zh = {};
  std::string name_en = {};
  std::set<std::string> permissions = {};
  bool grantable_nationwide = false;          // level "nation": no unit
  std::set<hierarchy::Level> grantable_levels = {};
};

class RoleRegistry {
 public:
  // Parses a roles file; the error names the file, and the line where YAML
  // gives one, and says what is wrong.
  static Result<RoleRegistry> LoadFile(const std::filesystem::path& path);
  static Result<RoleRegistry> LoadText(std::string_view yaml, std::string_view origin);

  // definitions/roles.yaml (see common/definitions.h for where it is looked for).
  static Result<std::filesystem::path> FindRolesFile();

  const Role* FindRole(std::string_view id) const;
  const Permission* FindPermission(std::string_view id) const;
  const std::vector<Role>& roles() const { return roles_; }
  const std::vector<Permission>& permissions() const { return permissions_; }

 private:
  std::vector<Permission> permissions_;
  std::vector<Role> roles_;
};

}  // namespace jiceng::accounts
