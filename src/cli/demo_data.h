// The demo's party data for Bomi county (波密县, unit 540424): generated,
// not typed in, so that every dashboard, report and list shows the shapes a
// real county has (jiceng demo; issue #13 part 9).
//
// From a fixed seed, with every date counted back from the business clock's
// today (so the data is always "the last year", whenever it is loaded):
//  - organizations: the county committee, a committee for each of the 10
//    townships with its organs' branch (机关党支部), a branch for every one of
//    the 85 villages — a general branch (党总支) over two branches in the
//    community and in two large villages (those two at villager groups), a
//    branch of a registered enterprise (两新组织), a joint branch (联合党支部)
//    of the self-employed and the seasonal temporary branch (临时党支部);
//  - about 3,000 members at every stage of the pipeline, with Tibetan and
//    Han names from syllable lists, birth dates, the dates they reached their
//    stage and their situation (in service, rural, elderly, migrant);
//  - a year of dues: a standard by situation, payments month by month, a
//    tenth of the payers some months behind; cards issued and this year's
//    review well under way;
//  - a year of "three meetings and one lecture" and theme days, with
//    attendance — about one branch in seven has fallen behind;
//  - officers with a term history, pairings with an activity, task teams.
// Everything is written through the services (published to the roll-up
// engine, audited by the caller's commit hook), the bulk of it in one
// transaction per township.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/app.h"
#include "common/result.h"

namespace jiceng::cli {

inline constexpr const char* kDemoCounty = "540424";

// What AddDemoParty made.
struct DemoPartyFigures {
  bool skipped = false;  // Bomi had organizations already: nothing was added
  int organizations = 0;
  int members = 0;
  int payments = 0;
  int cards = 0;
  int meetings = 0;
  int appointments = 0;
  int pairings = 0;
  int task_teams = 0;
};

// The villager groups the demo adds under a village when it has none of
// these names yet: "本东村民小组", "一组", "二组", "三组" in the first three
// villages of Zhamu town (as the demo always did), else 一组 … 五组 (two to
// five). `index` is the village's place among its township's villages.
std::vector<std::string> DemoGroupNames(const std::string& township_code, std::size_t index,
                                        const std::string& village_code);

// Adds the party data of Bomi, unless Bomi has organizations already (the
// demo is safe to rerun). Needs the division list (Bomi's townships and
// villages); uses the villager groups the demo added.
Result<DemoPartyFigures> AddDemoParty(App& app);

}  // namespace jiceng::cli
