#include "people/people_store.h"

#include <unordered_map>

#include "common/clock.h"
#include "db/sql_filters.h"

namespace jiceng::people {

using db::Value;

namespace {

Value OptText(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }

}  // namespace

Status DuplicateIdNumber() {
  return Status::Conflict("已有人使用这个身份证号：同一个人不能登记两次。",
                          "Someone already has this ID number: a person cannot be registered twice.", "id_number");
}

Result<std::vector<std::int64_t>> InsertPeople(db::Session& s, const Vault& vault, std::span<const PersonFields> people) {
  std::vector<std::int64_t> ids;
  if (people.empty()) return ids;
  const std::string now = NowUtcIso();
  static const std::vector<std::string> kColumns = {
      "unit_id",          "province_code", "name",    "gender",     "birth_date", "id_number_sealed",
      "id_number_digest", "phone_sealed",  "version", "created_at", "updated_at"};
  // Writers are serialized and ids are assigned in row order, so the new
  // people are exactly the rows after the highest id before the insert.
  JICENG_ASSIGN_OR_RETURN(auto highest, s.QueryOne("SELECT COALESCE(MAX(id), 0) FROM people"));
  const std::int64_t after = highest ? highest->Int(0) : 0;
  std::vector<db::Params> batch;
  batch.reserve(people.size());
  for (const PersonFields& p : people) {
    std::optional<std::string> digest;
    if (p.id_number) digest = vault.Digest("id_number", *p.id_number);
    batch.push_back({Value(p.unit_id), Value(p.province_code), Value(p.name), Value(p.gender), Value(p.birth_date),
                     OptText(vault.SealOptional(p.id_number)), OptText(digest), OptText(vault.SealOptional(p.phone)),
                     Value(std::int64_t{1}), Value(now), Value(now)});
  }
  if (auto inserted = s.BulkInsert("people", kColumns, batch); !inserted.ok()) {
    if (inserted.status().code() == ErrorCode::kConflict) return DuplicateIdNumber();
    return inserted.status();
  }
  ids.reserve(people.size());
  JICENG_RETURN_IF_ERROR(s.Query("SELECT id FROM people WHERE id > ? ORDER BY id", {Value(after)}, [&](const db::Row& r) {
    ids.push_back(r.Int(0));
    return Status::Ok();
  }));
  if (ids.size() != people.size()) {
    return Status::Internal("bulk people insert: " + std::to_string(people.size()) + " rows, " +
                            std::to_string(ids.size()) + " new ids");
  }
  return ids;
}

Status UpdatePerson(db::Session& s, const Vault& vault, std::int64_t id, const PersonFields& p) {
  std::optional<std::string> digest;
  if (p.id_number) digest = vault.Digest("id_number", *p.id_number);
  auto n = s.Exec("UPDATE people SET name = ?, gender = ?, birth_date = ?, id_number_sealed = ?, id_number_digest = ?, "
                  "phone_sealed = ?, version = version + 1, updated_at = ? WHERE id = ?",
                  {Value(p.name), Value(p.gender), Value(p.birth_date), OptText(vault.SealOptional(p.id_number)),
                   OptText(digest), OptText(vault.SealOptional(p.phone)), Value(NowUtcIso()), Value(id)});
  if (!n.ok()) return n.status().code() == ErrorCode::kConflict ? DuplicateIdNumber() : n.status();
  if (*n == 0) return Status::Internal("person " + std::to_string(id) + " not found");
  return Status::Ok();
}

Result<std::vector<std::string>> RegisteredIdNumbers(db::Session& s, const Vault& vault,
                                                     std::span<const std::string> id_numbers) {
  std::unordered_map<std::string, std::string> by_digest;
  std::vector<std::string> digests;
  for (const std::string& n : id_numbers) {
    std::string d = vault.Digest("id_number", n);
    if (by_digest.emplace(d, n).second) digests.push_back(std::move(d));
  }
  std::vector<std::string> found;
  JICENG_RETURN_IF_ERROR(db::QueryIn(s, "SELECT id_number_digest FROM people WHERE id_number_digest", digests,
                                     [&](const db::Row& r) {
                                       found.push_back(by_digest.at(r.Text(0)));
                                       return Status::Ok();
                                     }));
  return found;
}

}  // namespace jiceng::people
