// The rules of the hierarchy: looking units up, searching them, and the only
// changes users make to it — adding, renaming, retiring and reinstating
// villager groups (村民小组) under a village. Units from the national list
// change only by importing a newer list (division_import.h).
//
// Every change is written to the database first and applied to the
// in-memory tree only after it has committed, under one writer mutex, so the
// tree never shows what the database does not hold.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "analytics/change_sink.h"
#include "common/result.h"
#include "db/database.h"
#include "hierarchy/unit_tree.h"

namespace jiceng::hierarchy {

// The longest villager-group name accepted, in characters.
inline constexpr std::size_t kMaxGroupNameChars = 30;

class HierarchyService {
 public:
  // The tables it publishes to ChangeSink once PublishTo is called
  // (analytics/publishers.h).
  static constexpr std::string_view kPublishedTables[] = {"units"};

  // Loads every unit from `db` into memory. `db` must outlive the service.
  static Result<std::unique_ptr<HierarchyService>> Load(db::Database& db);

  const UnitTree& tree() const { return *tree_; }

  // From now on, every change of a villager group is published to `changes`
  // (the roll-up engine) in its transaction. Set once at start.
  void PublishTo(analytics::ChangeSink* changes) { changes_ = changes; }

  // Brings units another process changed (their ids, from the change log)
  // into the tree: a new villager group is added, a rename or retirement
  // applied. Units unknown to the database are skipped.
  Status Refresh(std::span<const std::int64_t> unit_ids);

  // Looks a unit up by its code text; kInvalidArgument for a malformed
  // code, kNotFound (naming the code) for an unknown one.
  Result<UnitView> Get(std::string_view code_text) const;

  Result<UnitView> AddGroup(std::string_view village_code, std::string_view name);
  // `expected_version`, when given, must match the group's current version
  // (optimistic locking); otherwise the change applies to whatever is current.
  Result<UnitView> RenameGroup(std::string_view group_code, std::string_view name,
                               std::optional<std::int64_t> expected_version);
  Result<UnitView> RetireGroup(std::string_view group_code,
                               std::optional<std::int64_t> expected_version);
  Result<UnitView> ReinstateGroup(std::string_view group_code,
                                  std::optional<std::int64_t> expected_version);

 private:
  HierarchyService(db::Database& db, std::unique_ptr<UnitTree> tree)
      : db_(db), tree_(std::move(tree)) {}
  // Returns the group named by `code_text`, or an error if it is not a group.
  Result<UnitView> GetGroup(std::string_view code_text) const;
  Result<UnitView> SetRetired(std::string_view group_code, bool retired,
                              std::optional<std::int64_t> expected_version);

  Status Publish(db::Session& s, std::int64_t unit_id) {
    return changes_ ? changes_->Changed(s, "units", unit_id) : Status::Ok();
  }

  db::Database& db_;
  analytics::ChangeSink* changes_ = nullptr;
  std::unique_ptr<UnitTree> tree_;
  std::mutex write_mutex_;  // serializes changes: database write, then tree
};

// Checks and normalizes a villager-group name: trimmed, 1 to 30 characters,
// no control characters. The error names `field`.
Result<std::string> NormalizeGroupName(std::string_view name, std::string_view field = "name");

}  // namespace jiceng::hierarchy
