#include "hierarchy/unit_store.h"

#include <unordered_set>

#include "common/clock.h"
#include "common/pinyin.h"

namespace jiceng::hierarchy {

using db::Value;

Result<std::vector<UnitRecord>> UnitStore::LoadAll(db::Session& s,
                                                  std::vector<std::int64_t>* without_pinyin) {
  std::vector<UnitRecord> records;
  Status st = s.Query(
      "SELECT id, code, name, retired_at IS NOT NULL, source = 'user', version, pinyin FROM units", {},
      [&](const db::Row& row) {
        UnitRecord r;
        r.id = row.Int(0);
        r.code = std::stoull(row.Text(1));
        r.name = row.Text(2);
        r.retired = row.Int(3) != 0;
        r.user_defined = row.Int(4) != 0;
        r.version = row.Int(5);
        if (row.IsNull(6)) {
          if (without_pinyin != nullptr) without_pinyin->push_back(r.id);
        } else {
          r.pinyin = row.Text(6);
        }
        records.push_back(std::move(r));
        return Status::Ok();
      });
  if (!st.ok()) return st;
  return records;
}

Result<std::size_t> UnitStore::StorePinyin(db::Session& s, const std::vector<UnitRecord>& records,
                                           const std::vector<std::int64_t>& ids) {
  const std::unordered_set<std::int64_t> wanted(ids.begin(), ids.end());
  JICENG_ASSIGN_OR_RETURN(auto update, s.Prepare("UPDATE units SET pinyin = ? WHERE id = ?"));
  std::vector<db::Params> batch;
  for (const UnitRecord& r : records) {
    if (wanted.count(r.id) != 0) batch.push_back({Value(PinyinOf(r.name)), Value(r.id)});
  }
  JICENG_ASSIGN_OR_RETURN(auto n, update->RunBatch(batch));
  (void)n;
  return batch.size();
}

Result<std::int64_t> UnitStore::InsertGroup(db::Session& s, std::int64_t village_id,
                                            const std::string& code, const std::string& name,
                                            const std::string& province_code) {
  const std::string now = NowUtcIso();
  return s.InsertReturningId(
      "INSERT INTO units (code, name, pinyin, level, parent_id, province_code, source, version, "
      "created_at, updated_at) VALUES (?, ?, ?, 6, ?, ?, 'user', 1, ?, ?) RETURNING id",
      {Value(code), Value(name), Value(PinyinOf(name)), Value(village_id), Value(province_code),
       Value(now), Value(now)});
}

namespace {
Status VersionConflict() {
  return Status::Conflict("该单位刚被其他人修改过，请刷新后重试。",
                          "Someone else changed this unit meanwhile; reload and try again.",
                          "version");
}
}  // namespace

Status UnitStore::Rename(db::Session& s, std::int64_t id, std::int64_t expected_version,
                         const std::string& old_name, const std::string& new_name,
                         const std::string& source) {
  const std::string now = NowUtcIso();
  JICENG_ASSIGN_OR_RETURN(
      auto changed, s.Exec("UPDATE units SET name = ?, pinyin = ?, version = version + 1, updated_at = ? "
                           "WHERE id = ? AND version = ?",
                           {Value(new_name), Value(PinyinOf(new_name)), Value(now), Value(id),
                            Value(expected_version)}));
  if (changed == 0) return VersionConflict();
  JICENG_ASSIGN_OR_RETURN(
      auto inserted, s.Exec("INSERT INTO unit_name_history (unit_id, old_name, new_name, "
                            "changed_at, source) VALUES (?, ?, ?, ?, ?)",
                            {Value(id), Value(old_name), Value(new_name), Value(now), Value(source)}));
  (void)inserted;
  return Status::Ok();
}

Status UnitStore::SetRetired(db::Session& s, std::int64_t id, std::int64_t expected_version,
                             bool retired) {
  const std::string now = NowUtcIso();
  JICENG_ASSIGN_OR_RETURN(
      auto changed,
      s.Exec("UPDATE units SET retired_at = ?, version = version + 1, updated_at = ? "
             "WHERE id = ? AND version = ?",
             {retired ? Value(now) : Value(nullptr), Value(now), Value(id), Value(expected_version)}));
  if (changed == 0) return VersionConflict();
  return Status::Ok();
}

}  // namespace jiceng::hierarchy
