#include "accounts/role_registry.h"

#include "common/definitions.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace jiceng::accounts {
namespace {

namespace fs = std::filesystem;

Status DefinitionError(std::string_view origin, const YAML::Mark& mark, const std::string& zh,
                       const std::string& en) {
  std::string where(origin);
  if (mark.line >= 0) where += ":" + std::to_string(mark.line + 1);
  return Status::InvalidArgument("roles", "角色定义 " + where + "：" + zh,
                                 "Role definitions " + where + ": " + en);
}

std::optional<hierarchy::Level> LevelByName(const std::string& name) {
  using hierarchy::Level;
  for (Level l : {Level::kProvince, Level::kPrefecture, Level::kCounty, Level::kTownship,
                  Level::kVillage, Level::kGroup}) {
    if (hierarchy::LevelName(l) == name) return l;
  }
  return std::nullopt;
}

Result<std::pair<std::string, std::string>> ReadNames(const YAML::Node& node, std::string_view origin,
                                                      const std::string& what_zh, const std::string& what_en) {
  auto error = [origin](const YAML::Mark& mark, const std::string& zh, const std::string& en) {
    return DefinitionError(origin, mark, zh, en);
  };
  JICENG_ASSIGN_OR_RETURN(auto name, ReadBilingualName(node, what_zh, what_en, error));
  return std::make_pair(std::move(name.zh), std::move(name.en));
}

}  // namespace

Result<RoleRegistry> RoleRegistry::LoadText(std::string_view yaml, std::string_view origin) {
  RoleRegistry registry;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return DefinitionError(origin, e.mark, "不是有效的 YAML：" + e.msg, "not valid YAML: " + e.msg);
  }
  auto error = [origin](const YAML::Mark& mark, const std::string& zh, const std::string& en) {
    return DefinitionError(origin, mark, zh, en);
  };
  try {
    JICENG_RETURN_IF_ERROR(CheckDefinitionKeys(root, {"permissions", "roles"}, "文件", "the file", error));
    const YAML::Node permissions = root["permissions"];
    if (!permissions || !permissions.IsMap() || permissions.size() == 0) {
      return DefinitionError(origin, root.Mark(), "缺少 permissions 列表。", "the permissions list is missing.");
    }
    for (const auto& item : permissions) {
      const std::string id = item.first.as<std::string>();
      JICENG_ASSIGN_OR_RETURN(auto names, ReadNames(item.second, origin, "权限 " + id, "permission " + id));
      registry.permissions_.push_back({id, names.first, names.second});
    }
    const YAML::Node roles = root["roles"];
    if (!roles || !roles.IsSequence() || roles.size() == 0) {
      return DefinitionError(origin, root.Mark(), "缺少 roles 列表。", "the roles list is missing.");
    }
    for (const auto& node : roles) {
      Role role;
      JICENG_RETURN_IF_ERROR(CheckDefinitionKeys(node, {"id", "name", "permissions", "levels"}, "角色", "a role", error));
      if (!node["id"]) {
        return DefinitionError(origin, node.Mark(), "角色缺少 id。", "a role has no id.");
      }
      role.id = node["id"].as<std::string>();
      if (registry.FindRole(role.id) != nullptr) {
        return DefinitionError(origin, node.Mark(), "角色 " + role.id + " 重复定义。",
                               "role " + role.id + " is defined twice.");
      }
      JICENG_ASSIGN_OR_RETURN(auto names, ReadNames(node["name"], origin, "角色 " + role.id, "role " + role.id));
      role.name_zh = names.first;
      role.name_en = names.second;
      for (const auto& p : node["permissions"]) {
        const std::string pid = p.as<std::string>();
        if (registry.FindPermission(pid) == nullptr) {
          return DefinitionError(origin, p.Mark(), "角色 " + role.id + " 使用了未定义的权限 " + pid + "。",
                                 "role " + role.id + " names an undefined permission " + pid + ".");
        }
        role.permissions.insert(pid);
      }
      for (const auto& l : node["levels"]) {
        const std::string name = l.as<std::string>();
        if (name == "nation") {
          role.grantable_nationwide = true;
        } else if (auto level = LevelByName(name)) {
          role.grantable_levels.insert(*level);
        } else {
          return DefinitionError(origin, l.Mark(), "未知的层级 " + name + "（可用 nation、province、prefecture、county、township、village）。",
                                 "unknown level " + name + " (use nation, province, prefecture, county, township, village).");
        }
      }
      if (!role.grantable_nationwide && role.grantable_levels.empty()) {
        return DefinitionError(origin, node.Mark(), "角色 " + role.id + " 没有可授予的层级（levels）。",
                               "role " + role.id + " has no levels where it may be granted.");
      }
      registry.roles_.push_back(std::move(role));
    }
  } catch (const YAML::Exception& e) {
    return DefinitionError(origin, e.mark, "格式不对：" + e.msg, "malformed: " + e.msg);
  }
  return registry;
}

Result<RoleRegistry> RoleRegistry::LoadFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) {
    return Status::IoError("无法读取角色定义文件 " + path.string() + "。",
                           "Cannot read the role definitions file " + path.string() + ".");
  }
  std::stringstream text;
  text << in.rdbuf();
  return LoadText(text.str(), path.string());
}

Result<fs::path> RoleRegistry::FindRolesFile() { return FindDefinitionFile("roles.yaml"); }

const Role* RoleRegistry::FindRole(std::string_view id) const {
  for (const Role& r : roles_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

const Permission* RoleRegistry::FindPermission(std::string_view id) const {
  for (const Permission& p : permissions_) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace jiceng::accounts
