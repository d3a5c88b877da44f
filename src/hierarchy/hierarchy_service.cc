#include "hierarchy/hierarchy_service.h"

#include "common/text.h"
#include "hierarchy/unit_store.h"

namespace jiceng::hierarchy {

Result<std::string> NormalizeGroupName(std::string_view name, std::string_view field) {
  const std::string f(field);
  if (!IsValidUtf8(name)) {
    return Status::InvalidArgument(f, "名称不是有效的 UTF-8 文本。", "The name is not valid UTF-8 text.");
  }
  std::string trimmed = Trim(name);
  if (trimmed.empty()) {
    return Status::InvalidArgument(f, "请填写村民小组名称（如“本东村民小组”）。",
                                   "Give the villager group a name (e.g. \"Bendong group\").");
  }
  if (HasControlChars(trimmed)) {
    return Status::InvalidArgument(f, "名称不能包含换行、制表符等控制字符。",
                                   "The name must not contain line breaks, tabs or other control characters.");
  }
  if (Utf8Length(trimmed) > kMaxGroupNameChars) {
    return Status::InvalidArgument(
        f, "名称太长：最多 " + std::to_string(kMaxGroupNameChars) + " 个字。",
        "The name is too long: at most " + std::to_string(kMaxGroupNameChars) + " characters.");
  }
  return trimmed;
}

Result<std::unique_ptr<HierarchyService>> HierarchyService::Load(db::Database& db) {
  std::vector<UnitRecord> records;
  std::vector<std::int64_t> without_pinyin;
  Status st = db.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(records, UnitStore::LoadAll(s, &without_pinyin));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  // A database from before pinyin was stored gets it once, here; the tree
  // computes the same values for itself meanwhile.
  if (!without_pinyin.empty()) {
    st = db.Write([&](db::Session& s) -> Status {
      return UnitStore::StorePinyin(s, records, without_pinyin).status();
    });
    if (!st.ok()) return st;
  }
  JICENG_ASSIGN_OR_RETURN(auto tree, UnitTree::Build(std::move(records)));
  return std::unique_ptr<HierarchyService>(new HierarchyService(db, std::move(tree)));
}

Result<UnitView> HierarchyService::Get(std::string_view code_text) const {
  JICENG_ASSIGN_OR_RETURN(auto code, ParseUnitCode(code_text));
  auto unit = tree_->Find(code);
  if (!unit) {
    const std::string c(code_text);
    return Status::NotFound("找不到区划代码为 " + c + " 的单位。请检查代码，或用搜索按名称查找。",
                            "No unit has code " + c + ". Check the code, or search by name.", "code");
  }
  return *unit;
}

Result<UnitView> HierarchyService::GetGroup(std::string_view code_text) const {
  JICENG_ASSIGN_OR_RETURN(auto unit, Get(code_text));
  if (unit.level != Level::kGroup) {
    return Status::FailedPrecondition(
        unit.name + " 来自国家区划列表，不能在这里修改；只有村民小组可以由用户修改。"
                    "区划名称随导入新版区划列表而更新。",
        unit.name + " comes from the national division list and cannot be changed here; only "
                    "villager groups can. List names change by importing a newer list.",
        "code");
  }
  return unit;
}

namespace {
Status CheckVersion(const UnitView& unit, std::optional<std::int64_t> expected) {
  if (expected && *expected != unit.version) {
    return Status::Conflict("该村民小组已被其他人修改（当前版本 " + std::to_string(unit.version) +
                                "），请刷新后重试。",
                            "Someone else changed this villager group (now version " +
                                std::to_string(unit.version) + "); reload and try again.",
                            "version");
  }
  return Status::Ok();
}
}  // namespace

Result<UnitView> HierarchyService::AddGroup(std::string_view village_code, std::string_view name) {
  JICENG_ASSIGN_OR_RETURN(std::string clean, NormalizeGroupName(name));
  std::lock_guard lock(write_mutex_);
  JICENG_ASSIGN_OR_RETURN(auto village, Get(village_code));
  if (village.level != Level::kVillage) {
    return Status::FailedPrecondition(
        "村民小组只能建在村或社区之下；" + village.name + " 是" +
            std::string(LevelNameZh(village.level)) + "单位。",
        "Villager groups belong under a village or community; " + village.name + " is a " +
            std::string(LevelName(village.level)) + ".",
        "code");
  }
  if (village.retired) {
    return Status::FailedPrecondition(village.name + " 已撤销，不能再添加村民小组。",
                                      village.name + " is retired; no groups can be added.", "code");
  }
  if (tree_->HasActiveChildNamed(std::stoull(village.code), clean)) {
    return Status::Conflict(village.name + " 已有名为“" + clean + "”的村民小组。",
                            village.name + " already has a villager group named \"" + clean + "\".",
                            "name");
  }
  JICENG_ASSIGN_OR_RETURN(auto code, tree_->NextGroupCode(std::stoull(village.code)));
  const std::string code_text = std::to_string(code);
  std::int64_t id = 0;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(id, UnitStore::InsertGroup(s, village.id, code_text, clean,
                                                       village.code.substr(0, 2)));
    return Publish(s, id);
  }));
  UnitRecord record{id, code, clean, false, true, 1};
  JICENG_RETURN_IF_ERROR(tree_->AddChild(std::stoull(village.code), std::move(record)));
  return *tree_->Find(code);
}

Status HierarchyService::Refresh(std::span<const std::int64_t> unit_ids) {
  std::lock_guard lock(write_mutex_);
  for (std::int64_t id : unit_ids) {
    std::optional<db::Row> row;
    JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(row, s.QueryOne("SELECT u.code, u.name, u.retired_at IS NOT NULL, u.source = 'user', "
                                              "u.version, p.code FROM units u LEFT JOIN units p ON p.id = u.parent_id "
                                              "WHERE u.id = ?",
                                              {db::Value(id)}));
      return Status::Ok();
    }));
    if (!row) continue;
    const std::uint64_t code = std::stoull(row->Text(0));
    const std::string name = row->Text(1);
    const bool retired = row->Int(2) != 0;
    const std::int64_t version = row->Int(4);
    auto known = tree_->Find(code);
    if (!known) {
      if (row->IsNull(5)) continue;  // a new province comes with an import, not from another server
      UnitRecord record{id, code, name, retired, row->Int(3) != 0, version};
      JICENG_RETURN_IF_ERROR(tree_->AddChild(std::stoull(row->Text(5)), std::move(record)));
      continue;
    }
    if (known->version >= version) continue;  // this process made the change, or a later one
    if (known->name != name) JICENG_RETURN_IF_ERROR(tree_->Rename(code, name, version));
    if (known->retired != retired) JICENG_RETURN_IF_ERROR(tree_->SetRetired(code, retired, version));
  }
  return Status::Ok();
}

Result<UnitView> HierarchyService::RenameGroup(std::string_view group_code, std::string_view name,
                                               std::optional<std::int64_t> expected_version) {
  JICENG_ASSIGN_OR_RETURN(std::string clean, NormalizeGroupName(name));
  std::lock_guard lock(write_mutex_);
  JICENG_ASSIGN_OR_RETURN(auto group, GetGroup(group_code));
  JICENG_RETURN_IF_ERROR(CheckVersion(group, expected_version));
  if (group.retired) {
    return Status::FailedPrecondition("该村民小组已撤销；请先恢复再改名。",
                                      "This villager group is retired; reinstate it before renaming.",
                                      "code");
  }
  if (clean == group.name) return group;  // nothing to change
  if (tree_->HasActiveChildNamed(std::stoull(group.parent_code), clean)) {
    return Status::Conflict("同一村已有名为“" + clean + "”的村民小组。",
                            "The village already has a villager group named \"" + clean + "\".",
                            "name");
  }
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(UnitStore::Rename(s, group.id, group.version, group.name, clean, "user"));
    return Publish(s, group.id);
  }));
  JICENG_RETURN_IF_ERROR(tree_->Rename(std::stoull(group.code), clean, group.version + 1));
  return *tree_->Find(std::stoull(group.code));
}

Result<UnitView> HierarchyService::SetRetired(std::string_view group_code, bool retired,
                                              std::optional<std::int64_t> expected_version) {
  std::lock_guard lock(write_mutex_);
  JICENG_ASSIGN_OR_RETURN(auto group, GetGroup(group_code));
  JICENG_RETURN_IF_ERROR(CheckVersion(group, expected_version));
  if (group.retired == retired) {
    return Status::FailedPrecondition(
        retired ? "该村民小组已经撤销。" : "该村民小组没有撤销，无需恢复。",
        retired ? "This villager group is already retired." : "This villager group is not retired.",
        "code");
  }
  if (!retired && tree_->HasActiveChildNamed(std::stoull(group.parent_code), group.name)) {
    return Status::Conflict("同一村已有同名的村民小组“" + group.name + "”，请先给其中一个改名。",
                            "The village has another group named \"" + group.name +
                                "\"; rename one of them first.",
                            "name");
  }
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(UnitStore::SetRetired(s, group.id, group.version, retired));
    return Publish(s, group.id);
  }));
  JICENG_RETURN_IF_ERROR(tree_->SetRetired(std::stoull(group.code), retired, group.version + 1));
  return *tree_->Find(std::stoull(group.code));
}

Result<UnitView> HierarchyService::RetireGroup(std::string_view group_code,
                                               std::optional<std::int64_t> expected_version) {
  return SetRetired(group_code, true, expected_version);
}

Result<UnitView> HierarchyService::ReinstateGroup(std::string_view group_code,
                                                  std::optional<std::int64_t> expected_version) {
  return SetRetired(group_code, false, expected_version);
}

}  // namespace jiceng::hierarchy
