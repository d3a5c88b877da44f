// Units for tests, inserted as the division import stores them (test-only
// code, in jiceng_hierarchy_testing): the real codes and names of a slice of
// the national division list, without loading the whole list.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "common/result.h"
#include "db/database.h"

namespace jiceng::hierarchy::testing {

struct SeedUnit {
  const char* code;
  const char* name;
};

// 四川省 > 甘孜藏族自治州 > 泸定县 > 泸桥镇 > 甲村, 乙村 and
// 西藏自治区 > 林芝市 > 波密县 > 扎木镇.
std::span<const SeedUnit> LudingAndBomi();

// Inserts `units` (source 'division'), each under the unit its code extends,
// which must be stored already or come earlier in `units`. Returns each
// inserted code's id. Load a HierarchyService afterwards to see them.
Result<std::map<std::string, std::int64_t>> SeedUnits(db::Session& s, std::span<const SeedUnit> units);
Result<std::map<std::string, std::int64_t>> SeedUnits(db::Database& db, std::span<const SeedUnit> units);

}  // namespace jiceng::hierarchy::testing
