#include "hierarchy/testing/seed_units.h"

#include "hierarchy/unit.h"

namespace jiceng::hierarchy::testing {

namespace {

constexpr SeedUnit kLudingAndBomi[] = {
    {"51", "四川省"},       {"5133", "甘孜藏族自治州"}, {"513322", "泸定县"}, {"513322100", "泸桥镇"},
    {"513322100201", "甲村"}, {"513322100202", "乙村"},   {"54", "西藏自治区"}, {"5404", "林芝市"},
    {"540424", "波密县"},   {"540424100", "扎木镇"}};

}  // namespace

std::span<const SeedUnit> LudingAndBomi() { return kLudingAndBomi; }

Result<std::map<std::string, std::int64_t>> SeedUnits(db::Session& s, std::span<const SeedUnit> units) {
  std::map<std::string, std::int64_t> ids;
  for (const SeedUnit& u : units) {
    const std::string code = u.code;
    JICENG_ASSIGN_OR_RETURN(std::uint64_t number, ParseUnitCode(code));
    const Level level = LevelOfCode(number);
    db::Value parent = nullptr;
    if (level != Level::kProvince) {
      const std::string parent_code = code.substr(0, CodeDigits(static_cast<Level>(static_cast<int>(level) - 1)));
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT id FROM units WHERE code = ?", {db::Value(parent_code)}));
      if (!row) {
        return Status::InvalidArgument("code", "测试单位 " + code + " 的上级 " + parent_code + " 不存在：请先插入上级",
                                       "test unit " + code + ": its parent " + parent_code +
                                           " is not stored; insert the parent first");
      }
      parent = db::Value(row->Int(0));
    }
    JICENG_ASSIGN_OR_RETURN(
        ids[code], s.InsertReturningId("INSERT INTO units (code, name, level, parent_id, province_code, source, "
                                       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'division', "
                                       "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id",
                                       {db::Value(code), db::Value(std::string(u.name)),
                                        db::Value(std::int64_t{static_cast<int>(level)}), parent,
                                        db::Value(code.substr(0, 2))}));
  }
  return ids;
}

Result<std::map<std::string, std::int64_t>> SeedUnits(db::Database& db, std::span<const SeedUnit> units) {
  std::map<std::string, std::int64_t> ids;
  JICENG_RETURN_IF_ERROR(db.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(ids, SeedUnits(s, units));
    return Status::Ok();
  }));
  return ids;
}

}  // namespace jiceng::hierarchy::testing
