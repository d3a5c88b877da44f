#include "members/roster_counts.h"

#include <set>

namespace jiceng::members {
namespace {

constexpr const char* kMembers = "members";
constexpr const char* kPipeline = "pipeline";

std::set<std::string> StageValues(const analytics::IndicatorDef* def) {
  std::set<std::string> out;
  if (def == nullptr) return out;
  if (const analytics::Dimension* d = def->FindDimension("stage")) {
    for (const auto& [value, label] : d->values) out.insert(value);
  }
  return out;
}

}  // namespace

RosterCounts::RosterCounts(const analytics::RollupEngine& engine, const std::vector<std::string>& stages)
    : engine_(engine) {
  const analytics::IndicatorDef* members = engine.Find(kMembers);
  const analytics::IndicatorDef* pipeline = engine.Find(kPipeline);
  if (members == nullptr || pipeline == nullptr || members->flow || pipeline->flow ||
      members->measure != analytics::Measure::kCount || pipeline->measure != analytics::Measure::kCount ||
      members->FindDimension("situation") == nullptr) {
    return;
  }
  // Every stage in exactly one of the two.
  const std::set<std::string> a = StageValues(members);
  const std::set<std::string> b = StageValues(pipeline);
  if (a.size() + b.size() != stages.size()) return;
  for (const std::string& stage : stages) {
    if (a.count(stage) + b.count(stage) != 1) return;
  }
  usable_ = true;
}

std::optional<std::int64_t> RosterCounts::Count(std::span<const std::int64_t> units,
                                                const std::optional<std::string>& stage,
                                                const std::optional<std::string>& situation) const {
  const auto each = CountEach(units, stage, situation);
  if (!each) return std::nullopt;
  std::int64_t total = 0;
  for (std::int64_t n : *each) total += n;
  return total;
}

std::optional<std::vector<std::int64_t>> RosterCounts::CountEach(std::span<const std::int64_t> units,
                                                                 const std::optional<std::string>& stage,
                                                                 const std::optional<std::string>& situation) const {
  if (!usable_) return std::nullopt;
  std::vector<const char*> from;
  if (stage) {
    from.push_back(StageValues(engine_.Find(kMembers)).count(*stage) ? kMembers : kPipeline);
  } else {
    from = {kMembers, kPipeline};
  }
  if (situation && (from.size() != 1 || from.front() != std::string(kMembers))) return std::nullopt;
  std::vector<std::int64_t> out(units.size(), 0);
  for (const char* indicator : from) {
    analytics::RollupEngine::Selection selection;
    if (stage) selection.where.emplace_back("stage", *stage);
    if (situation) selection.where.emplace_back("situation", *situation);
    auto figures = engine_.Figures(indicator, units, selection);
    if (!figures.ok()) return std::nullopt;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] += (*figures)[i].total;
  }
  return out;
}

}  // namespace jiceng::members
