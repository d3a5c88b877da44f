#include "hierarchy/unit_store.h"

#include "common/clock.h"

namespace jiceng::hierarchy {

using db::Value;

Result<std::vector<UnitRecord>> UnitStore::LoadAll(db::Session& s) {
  std::vector<UnitRecord> records;
  Status st = s.Query(
      "SELECT id, code, name, retired_at IS NOT NULL, source = 'user', version FROM units", {},
      [&](const db::Row& row) {
        UnitRecord r;
        r.id = row.Int(0);
        r.code = std::stoull(row.Text(1));
        r.name = row.Text(2);
        r.retired = row.Int(3) != 0;
        r.user_defined = row.Int(4) != 0;
        r.version = row.Int(5);
        records.push_back(std::move(r));
        return Status::Ok();
      });
  if (!st.ok()) return st;
  return records;
}

Result<std::int64_t> UnitStore::InsertGroup(db::Session& s, std::int64_t village_id,
                                            const std::string& code, const std::string& name,
                                            const std::string& province_code) {
  const std::string now = NowUtcIso();
  return s.InsertReturningId(
      "INSERT INTO units (code, name, level, parent_id, province_code, source, version, "
      "created_at, updated_at) VALUES (?, ?, 6, ?, ?, 'user', 1, ?, ?) RETURNING id",
      {Value(code), Value(name), Value(village_id), Value(province_code), Value(now), Value(now)});
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
      auto changed, s.Exec("UPDATE units SET name = ?, version = version + 1, updated_at = ? "
                           "WHERE id = ? AND version = ?",
                           {Value(new_name), Value(now), Value(id), Value(expected_version)}));
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
