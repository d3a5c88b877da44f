// "How many on the roll" for the member list, from the roll-up engine.
//
// The member list shows a page and the total that matches the filter. For a
// county with 50,000 members a COUNT(*) reads 50,000 index entries (and on
// PostgreSQL, before autovacuum sets the visibility map, 50,000 heap rows:
// ~110 ms, bench/README.md); the engine holds the same figure for every
// subtree. The roll is two shipped indicators (definitions/indicators/
// members.yaml): `members` (probationary and full members, by stage and
// situation) and `pipeline` (applicants, activists and candidates, by stage),
// both over the members not marked as left. Filters they cannot answer (a
// situation across the pipeline, a status, a name, an organization) fall
// back to SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analytics/rollup_engine.h"

namespace jiceng::members {

class RosterCounts {
 public:
  // Checks that the two indicators are there and split the stages between
  // them; otherwise every Count() is nullopt (the list counts in SQL).
  RosterCounts(const analytics::RollupEngine& engine, const std::vector<std::string>& stages);

  bool usable() const { return usable_; }

  // Members not marked as left in the subtrees of `units` (unit ids, disjoint;
  // analytics::kNation for the country), optionally of one stage and one
  // situation; nullopt when the engine cannot answer this filter.
  std::optional<std::int64_t> Count(std::span<const std::int64_t> units, const std::optional<std::string>& stage,
                                    const std::optional<std::string>& situation) const;
  // The same per unit: element i counts the subtree of units[i] (any units,
  // nested or not). The member list walks only the subtrees where it is not 0.
  std::optional<std::vector<std::int64_t>> CountEach(std::span<const std::int64_t> units,
                                                     const std::optional<std::string>& stage,
                                                     const std::optional<std::string>& situation) const;

 private:
  const analytics::RollupEngine& engine_;
  bool usable_ = false;
};

}  // namespace jiceng::members
