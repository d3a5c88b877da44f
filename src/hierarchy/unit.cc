#include "hierarchy/unit.h"

#include <string>

#include "common/text.h"

namespace jiceng::hierarchy {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kProvince: return "province";
    case Level::kPrefecture: return "prefecture";
    case Level::kCounty: return "county";
    case Level::kTownship: return "township";
    case Level::kVillage: return "village";
    case Level::kGroup: return "group";
  }
  return "unknown";
}

std::string_view LevelNameZh(Level level) {
  switch (level) {
    case Level::kProvince: return "省级";
    case Level::kPrefecture: return "地级";
    case Level::kCounty: return "县级";
    case Level::kTownship: return "乡级";
    case Level::kVillage: return "村级";
    case Level::kGroup: return "村民小组";
  }
  return "未知";
}

int CodeDigits(Level level) {
  static constexpr int kDigits[] = {0, 2, 4, 6, 9, 12, 15};
  return kDigits[static_cast<int>(level)];
}

Result<std::uint64_t> ParseUnitCode(std::string_view text, std::string_view field) {
  const bool length_ok = text.size() == 2 || text.size() == 4 || text.size() == 6 ||
                         text.size() == 9 || text.size() == 12 || text.size() == 15;
  if (!IsDigits(text) || !length_ok || text.front() == '0') {
    std::string shown(text.substr(0, 40));
    return Status::InvalidArgument(
        std::string(field),
        "“" + shown + "”不是有效的区划代码：代码是 2、4、6、9、12 或 15 位数字（如 540424 波密县）。",
        "\"" + shown + "\" is not a valid unit code: a code has 2, 4, 6, 9, 12 or 15 digits "
        "(e.g. 540424 for Bomi county).");
  }
  return static_cast<std::uint64_t>(std::stoull(std::string(text)));
}

Level LevelOfCode(std::uint64_t code) {
  if (code < 100) return Level::kProvince;
  if (code < 10'000) return Level::kPrefecture;
  if (code < 1'000'000) return Level::kCounty;
  if (code < 1'000'000'000) return Level::kTownship;
  if (code < 1'000'000'000'000) return Level::kVillage;
  return Level::kGroup;
}

bool IsPlaceholderName(std::string_view name) {
  return name == "市辖区" || name == "县" || name == "省直辖县级行政区划" ||
         name == "自治区直辖县级行政区划";
}

}  // namespace jiceng::hierarchy
