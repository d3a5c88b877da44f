// Grassroots organizations (基层党组织): committees 党委, general branches
// 党总支, branches 党支部, joint branches 联合党支部 and temporary branches
// 临时党支部 (with a reason, a start and an end — a herb-gathering season, a
// disaster front). Each sits at a unit of the hierarchy, or in a "two-new"
// organization (两新组织: an enterprise or social organization) located in
// a unit, and may have a parent organization.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jiceng::orgs {

// "committee", "general_branch", "branch", "joint_branch", "temporary_branch".
bool IsOrgKind(std::string_view kind);
std::string_view OrgKindZh(std::string_view kind);

struct Organization {
  std::int64_t id = 0;
  std::uint64_t unit_code = 0;
  std::optional<std::int64_t> parent_id = {};
  std::string kind = {};
  std::string name = {};
  std::optional<std::int64_t> two_new_id = {};
  std::optional<std::string> temp_reason = {};
  std::optional<std::string> starts_on = {};
  std::optional<std::string> ends_on = {};
  std::string established_on = {};
  std::string status = "active";  // active, dissolved, merged
  std::optional<std::string> ended_on = {};
  std::optional<std::int64_t> successor_id = {};
  std::optional<std::int64_t> split_from_id = {};  // split off that organization on established_on
  std::int64_t version = 1;
  std::int64_t member_count = 0;  // active and in-transit members
  std::vector<std::uint64_t> covered_units = {};  // joint branches: the other units they cover
};

// A two-new organization (两新组织) registered in a unit.
struct TwoNewOrg {
  std::int64_t id = 0;
  std::uint64_t unit_code = 0;
  std::string name = {};
  std::string kind = {};  // enterprise, social
  std::string registered_on = {};
};

}  // namespace jiceng::orgs
