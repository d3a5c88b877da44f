// Persistence of units (the `units` and `unit_name_history` tables). Plain
// functions over a db::Session so that callers choose the transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "db/database.h"
#include "hierarchy/unit_tree.h"

namespace jiceng::hierarchy {

class UnitStore {
 public:
  // Every unit, retired ones included. Units stored before pinyin was kept
  // (schema version 12) come with an empty pinyin; their ids are added to
  // `without_pinyin` when it is given.
  static Result<std::vector<UnitRecord>> LoadAll(db::Session& s,
                                                 std::vector<std::int64_t>* without_pinyin = nullptr);

  // Stores the pinyin of the units `ids` (computed from their names), once,
  // for databases from before pinyin was kept. Returns how many were set.
  static Result<std::size_t> StorePinyin(db::Session& s, const std::vector<UnitRecord>& records,
                                         const std::vector<std::int64_t>& ids);

  // Inserts a villager group under the village with id `village_id`.
  static Result<std::int64_t> InsertGroup(db::Session& s, std::int64_t village_id,
                                          const std::string& code, const std::string& name,
                                          const std::string& province_code);

  // Renames unit `id` if its version is still `expected_version`, recording
  // the old name; returns kConflict when someone changed it meanwhile.
  static Status Rename(db::Session& s, std::int64_t id, std::int64_t expected_version,
                       const std::string& old_name, const std::string& new_name,
                       const std::string& source);

  // Sets or clears retired_at if the version is still `expected_version`.
  static Status SetRetired(db::Session& s, std::int64_t id, std::int64_t expected_version,
                           bool retired);
};

}  // namespace jiceng::hierarchy
