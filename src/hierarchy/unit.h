// Administrative units (行政区划单位): province 省, prefecture 市/地区/州,
// county 县/区, township 乡/镇/街道, village 村/社区 and villager group
// 村民小组. The first five come from the national division list; villager
// groups are added by users under a village.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace jiceng::hierarchy {

enum class Level : std::uint8_t {
  kProvince = 1,
  kPrefecture = 2,
  kCounty = 3,
  kTownship = 4,
  kVillage = 5,
  kGroup = 6,
};

// "province", "prefecture", ... as used in the API.
std::string_view LevelName(Level level);
// "省级", "地级", "县级", "乡级", "村级", "村民小组".
std::string_view LevelNameZh(Level level);
// Digits in a code of this level: 2, 4, 6, 9, 12, 15.
int CodeDigits(Level level);

// A unit code is all digits with the length of its level (2/4/6/9/12/15)
// and no leading zero. Returns the numeric code, or kInvalidArgument naming
// `field` with a message that says what a code looks like.
Result<std::uint64_t> ParseUnitCode(std::string_view text, std::string_view field = "code");
// The level implied by a valid code's length.
Level LevelOfCode(std::uint64_t code);

// A copy of one unit as the tree holds it, safe to keep after the call.
struct UnitView {
  std::int64_t id = 0;
  std::string code = {};
  std::string name = {};
  Level level = Level::kProvince;
  std::string parent_code = {};   // empty for a province
  bool retired = false;
  bool user_defined = false;  // a villager group added by a user
  bool placeholder = false;   // 市辖区 / 省直辖县级行政区划: a list placeholder
  std::int64_t version = 1;
  std::uint32_t rank = 0;         // preorder rank; the subtree is [rank, subtree_end)
  std::uint32_t subtree_end = 0;
  std::uint32_t child_count = 0;  // children that are not retired
};

// Names the division list uses for placeholder prefectures between a
// municipality or province and its directly governed counties.
bool IsPlaceholderName(std::string_view name);

}  // namespace jiceng::hierarchy
