#include "orgs/org_service.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "common/clock.h"
#include "db/sql_filters.h"
#include "orgs/org_endings.h"
#include "common/text.h"

namespace jiceng::orgs {

Status OrgNotFound(std::int64_t id) {
  return Status::NotFound("没有编号为 " + std::to_string(id) + " 的组织。", "No organization has id " + std::to_string(id) + ".",
                          "id");
}

using db::Value;

bool IsOrgKind(std::string_view kind) {
  return kind == "committee" || kind == "general_branch" || kind == "branch" || kind == "joint_branch" ||
         kind == "temporary_branch";
}

std::string_view OrgKindZh(std::string_view kind) {
  if (kind == "committee") return "党委";
  if (kind == "general_branch") return "党总支";
  if (kind == "branch") return "党支部";
  if (kind == "joint_branch") return "联合党支部";
  if (kind == "temporary_branch") return "临时党支部";
  return "";
}

Result<Date> CheckPastDate(std::string_view text, std::string_view field, Date today) {
  auto d = ParseDate(text);
  const std::string f(field);
  if (!d) {
    return Status::InvalidArgument(f, "日期“" + std::string(text.substr(0, 20)) + "”格式不对，应为 2026-11-23。",
                                   "The date \"" + std::string(text.substr(0, 20)) + "\" should look like 2026-11-23.");
  }
  if (*d > today) {
    return Status::InvalidArgument(f, "日期不能晚于今天。", "The date cannot be in the future.");
  }
  return *d;
}

namespace {

Value OptInt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : Value(nullptr); }
Value OptText(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }

constexpr const char* kOrgColumns =
    "o.id, un.code, o.parent_id, o.kind, o.name, o.two_new_id, o.temp_reason, o.starts_on, o.ends_on, "
    "o.established_on, o.status, o.ended_on, o.successor_id, o.version, "
    "(SELECT COUNT(*) FROM members m WHERE m.org_id = o.id AND m.status <> 'left'), o.split_from_id";

Organization ReadOrg(const db::Row& row) {
  Organization o;
  o.id = row.Int(0);
  o.unit_code = std::stoull(row.Text(1));
  if (!row.IsNull(2)) o.parent_id = row.Int(2);
  o.kind = row.Text(3);
  o.name = row.Text(4);
  if (!row.IsNull(5)) o.two_new_id = row.Int(5);
  o.temp_reason = row.OptText(6);
  o.starts_on = row.OptText(7);
  o.ends_on = row.OptText(8);
  o.established_on = row.Text(9);
  o.status = row.Text(10);
  o.ended_on = row.OptText(11);
  if (!row.IsNull(12)) o.successor_id = row.Int(12);
  o.version = row.Int(13);
  o.member_count = row.Int(14);
  if (!row.IsNull(15)) o.split_from_id = row.Int(15);
  return o;
}


Status VersionConflict() {
  return Status::Conflict("该组织刚被其他人修改过，请刷新后重试。",
                          "Someone else changed this organization meanwhile; reload and try again.", "version");
}

Result<std::string> CheckName(std::string_view raw, std::string_view field = "name") {
  std::string name = Trim(raw);
  if (name.empty() || !IsValidUtf8(name) || HasControlChars(name) || Utf8Length(name) > 60) {
    return Status::InvalidArgument(std::string(field), "请填写 1–60 字的名称（如“中共扎木镇某某村支部委员会”）。",
                                   "Give a name of 1–60 characters.");
  }
  return name;
}

Result<std::optional<Organization>> FindOrg(db::Session& s, std::int64_t id) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string("SELECT ") + kOrgColumns +
                                                   " FROM organizations o JOIN units un ON un.id = o.unit_id "
                                                   "WHERE o.id = ?",
                                               {Value(id)}));
  if (!row) return std::optional<Organization>();
  Organization o = ReadOrg(*row);
  JICENG_ASSIGN_OR_RETURN(auto covered, s.QueryAll("SELECT un.code FROM org_covered_units c JOIN units un "
                                                   "ON un.id = c.unit_id WHERE c.org_id = ? ORDER BY un.code",
                                                   {Value(id)}));
  for (const auto& r : covered) o.covered_units.push_back(std::stoull(r.Text(0)));
  return std::optional<Organization>(std::move(o));
}

}  // namespace

Status FollowMembersProvince(db::Session& s, const std::string& member_ids_sql, const db::Params& params) {
  for (const char* table : {"member_stage_events", "transfers", "dues_standards", "dues_payments", "member_cards"}) {
    const std::string t = table;
    const std::string owner = "(SELECT m.province_code FROM members m WHERE m.id = " + t + ".member_id)";
    JICENG_RETURN_IF_ERROR(s.Exec("UPDATE " + t + " SET province_code = " + owner + " WHERE member_id IN (" +
                                      member_ids_sql + ") AND province_code <> " + owner,
                                  params)
                               .status());
  }
  return s.Exec("UPDATE card_reviews SET province_code = (SELECT c.province_code FROM member_cards c WHERE c.id = "
                "card_reviews.card_id) WHERE card_id IN (SELECT c.id FROM member_cards c WHERE c.member_id IN (" +
                    member_ids_sql + ")) AND province_code <> (SELECT c.province_code FROM member_cards c WHERE c.id = "
                    "card_reviews.card_id)",
                params)
      .status();
}

Result<Organization> OrgService::Get(std::int64_t id) {
  std::optional<Organization> org;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(org, FindOrg(s, id));
    return Status::Ok();
  }));
  if (!org) return OrgNotFound(id);
  return std::move(*org);
}

Result<std::uint64_t> OrgService::UnitOf(std::int64_t id) {
  std::optional<std::uint64_t> unit;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT un.code FROM organizations o JOIN units un "
                                                 "ON un.id = o.unit_id WHERE o.id = ?",
                                                 {Value(id)}));
    if (row) unit = std::stoull(row->Text(0));
    return Status::Ok();
  }));
  if (!unit) return OrgNotFound(id);
  return *unit;
}

std::vector<Status> OrgService::CheckInput(const OrgInput& in, CheckedOrg* out) const {
  std::vector<Status> errors;
  CheckedOrg c;
  c.kind = in.kind;
  c.parent_id = in.parent_id;
  c.two_new_id = in.two_new_id;
  if (!IsOrgKind(in.kind)) {
    errors.push_back(Status::InvalidArgument("kind", "组织类型应为 committee（党委）、general_branch（党总支）、branch（党支部）、"
                                                     "joint_branch（联合党支部）或 temporary_branch（临时党支部）。",
                                             "kind must be committee, general_branch, branch, joint_branch or temporary_branch."));
  }
  if (auto name = CheckName(in.name); name.ok()) {
    c.name = std::move(name).value();
  } else {
    errors.push_back(name.status());
  }
  if (auto unit = hierarchy_.Get(in.unit_code); !unit.ok()) {
    errors.push_back(unit.status());
  } else if (unit->retired) {
    errors.push_back(
        Status::FailedPrecondition(unit->name + " 已撤销，不能再建立组织。", unit->name + " is retired.", "unit_code"));
  } else {
    c.unit_id = unit->id;
    c.unit_code = unit->code;
  }
  Date est = clock_.Today();
  if (in.established_on) {
    if (auto d = CheckPastDate(*in.established_on, "established_on", clock_.Today()); d.ok()) {
      est = *d;
    } else {
      errors.push_back(d.status());
    }
  }
  c.established_on = FormatDate(est);
  if (in.kind == "temporary_branch") {
    if (!in.temp_reason || Trim(*in.temp_reason).empty()) {
      errors.push_back(Status::InvalidArgument("temp_reason", "临时党支部须写明成立原因（如“虫草采挖季”“抗震救灾一线”）。",
                                               "A temporary branch needs a reason (e.g. a herb-gathering season, a disaster front)."));
    } else {
      c.temp_reason = Trim(*in.temp_reason);
    }
    std::optional<Date> s;
    if (!in.starts_on) {
      errors.push_back(Status::InvalidArgument("starts_on", "临时党支部须填写开始日期。", "A temporary branch needs a start date."));
    } else if (s = ParseDate(*in.starts_on); !s) {
      errors.push_back(Status::InvalidArgument("starts_on", "开始日期格式应为 2026-05-01。", "starts_on should look like 2026-05-01."));
    } else {
      c.starts_on = FormatDate(*s);
    }
    if (in.ends_on) {
      auto e = ParseDate(*in.ends_on);
      if (!e || (s && *e < *s)) {
        errors.push_back(Status::InvalidArgument("ends_on", "结束日期应为不早于开始日期的日期。",
                                                 "ends_on must be a date no earlier than starts_on."));
      } else {
        c.ends_on = FormatDate(*e);
      }
    }
  } else if (in.temp_reason || in.starts_on || in.ends_on) {
    errors.push_back(Status::InvalidArgument("temp_reason", "只有临时党支部才有成立原因和起止日期。",
                                             "Only temporary branches have a reason and start/end dates."));
  }
  if (!in.covered_units.empty() && in.kind != "joint_branch") {
    errors.push_back(Status::InvalidArgument("covered_units", "只有联合党支部可以覆盖其他单位。",
                                             "Only joint branches cover other units."));
  }
  for (const std::string& code : in.covered_units) {
    if (auto u = hierarchy_.Get(code); u.ok()) {
      c.covered_unit_ids.push_back(u->id);
    } else {
      errors.push_back(u.status());
    }
  }
  if (out != nullptr) *out = std::move(c);
  return errors;
}

Result<std::int64_t> OrgService::InsertOrg(db::Session& s, const CheckedOrg& c) {
  const std::string now = NowUtcIso();
  JICENG_ASSIGN_OR_RETURN(
      auto id, s.InsertReturningId(
                   "INSERT INTO organizations (unit_id, province_code, parent_id, kind, name, two_new_id, temp_reason, "
                   "starts_on, ends_on, established_on, status, version, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', 1, ?, ?) RETURNING id",
                   {Value(c.unit_id), Value(c.unit_code.substr(0, 2)), OptInt(c.parent_id), Value(c.kind), Value(c.name),
                    OptInt(c.two_new_id), OptText(c.temp_reason), OptText(c.starts_on), OptText(c.ends_on),
                    Value(c.established_on), Value(now), Value(now)}));
  for (std::int64_t u : c.covered_unit_ids) {
    JICENG_RETURN_IF_ERROR(s.Exec("INSERT INTO org_covered_units (org_id, province_code, unit_id) VALUES (?, ?, ?)",
                                  {Value(id), Value(c.unit_code.substr(0, 2)), Value(u)})
                               .status());
  }
  JICENG_RETURN_IF_ERROR(changes_.Changed(s, "organizations", id));
  return id;
}

Result<std::map<std::int64_t, std::string>> OrgService::NamesOf(const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, std::string> names;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    return db::QueryIn(s, "SELECT id, name FROM organizations WHERE id", ids, [&](const db::Row& row) {
      names[row.Int(0)] = row.Text(1);
      return Status::Ok();
    });
    return Status::Ok();
  }));
  return names;
}

Result<Organization> OrgService::Create(const OrgInput& in) {
  CheckedOrg c;
  if (auto errors = CheckInput(in, &c); !errors.empty()) return errors.front();
  std::int64_t id = 0;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    if (in.parent_id) {
      JICENG_ASSIGN_OR_RETURN(auto parent, FindOrg(s, *in.parent_id));
      if (!parent) return OrgNotFound(*in.parent_id);
      if (parent->status != "active") {
        return Status::FailedPrecondition("上级组织已撤销或合并。", "The parent organization has ended.", "parent_id");
      }
      // A parent sits at the same unit or above it (a township committee over a village branch).
      const std::string parent_code = std::to_string(parent->unit_code);
      if (c.unit_code.compare(0, parent_code.size(), parent_code) != 0) {
        return Status::FailedPrecondition("上级组织须在本单位或其上级单位。",
                                          "The parent organization must sit at this unit or above it.", "parent_id");
      }
    }
    if (in.two_new_id) {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT un.code FROM two_new_orgs t JOIN units un ON un.id = t.unit_id "
                                                   "WHERE t.id = ?",
                                                   {Value(*in.two_new_id)}));
      if (!row) return Status::NotFound("没有这个两新组织。", "No such two-new organization.", "two_new_id");
      if (row->Text(0) != c.unit_code) {
        return Status::FailedPrecondition("两新组织所在单位与本组织不一致。",
                                          "The two-new organization is located in another unit.", "two_new_id");
      }
    }
    JICENG_ASSIGN_OR_RETURN(id, InsertOrg(s, c));
    return Status::Ok();
  }));
  return Get(id);
}

Result<std::pair<std::vector<Organization>, std::size_t>> OrgService::List(const OrgFilter& f) {
  std::string where = "1 = 1";
  db::Params params;
  if (!f.nationwide) {
    if (f.unit_prefixes.empty()) return std::make_pair(std::vector<Organization>{}, std::size_t{0});
    where += " AND " + db::CodePrefixCondition("un.code", f.unit_prefixes, params);
  }
  if (f.kind) {
    where += " AND o.kind = ?";
    params.emplace_back(*f.kind);
  }
  if (!f.include_ended) where += " AND o.status = 'active'";
  if (!f.name.empty()) {
    where += " AND o.name LIKE ? ESCAPE '\\'";
    params.emplace_back(db::ContainsPattern(f.name));
  }
  std::pair<std::vector<Organization>, std::size_t> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    const std::string from = " FROM organizations o JOIN units un ON un.id = o.unit_id WHERE " + where;
    JICENG_ASSIGN_OR_RETURN(auto count, s.QueryOne("SELECT COUNT(*)" + from, params));
    out.second = static_cast<std::size_t>(count->Int(0));
    db::Params page = params;
    page.emplace_back(static_cast<std::int64_t>(f.limit));
    page.emplace_back(static_cast<std::int64_t>(f.offset));
    return s.Query(std::string("SELECT ") + kOrgColumns + from + " ORDER BY un.code, o.id LIMIT ? OFFSET ?", page,
                   [&](const db::Row& row) {
                     out.first.push_back(ReadOrg(row));
                     return Status::Ok();
                   });
  }));
  return out;
}

Result<Organization> OrgService::Rename(std::int64_t id, const std::string& raw, std::optional<std::int64_t> version) {
  JICENG_ASSIGN_OR_RETURN(auto name, CheckName(raw));
  JICENG_ASSIGN_OR_RETURN(auto org, Get(id));
  if (version && *version != org.version) return VersionConflict();
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE organizations SET name = ?, version = version + 1, updated_at = ? "
                                           "WHERE id = ? AND version = ?",
                                           {Value(name), Value(NowUtcIso()), Value(id), Value(org.version)}));
    if (n == 0) return VersionConflict();
    return changes_.Changed(s, "organizations", id);
  }));
  return Get(id);
}

Result<Organization> OrgService::Dissolve(std::int64_t id, const std::string& on_date, std::optional<std::int64_t> version) {
  JICENG_ASSIGN_OR_RETURN(auto on, CheckPastDate(on_date, "on_date", clock_.Today()));
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, FindOrg(s, id));
    if (!org) return OrgNotFound(id);
    if (version && *version != org->version) return VersionConflict();
    if (org->status != "active") {
      return Status::FailedPrecondition("该组织已撤销或合并。", "This organization has already ended.", "id");
    }
    if (org->member_count > 0) {
      return Status::FailedPrecondition(
          "该组织还有 " + std::to_string(org->member_count) + " 名党员：请先转出，或把它合并到另一个组织。",
          "This organization still has " + std::to_string(org->member_count) +
              " members: transfer them first, or merge it into another organization.",
          "id");
    }
    JICENG_ASSIGN_OR_RETURN(auto children, s.QueryOne("SELECT COUNT(*) FROM organizations WHERE parent_id = ? AND "
                                                      "status = 'active'",
                                                      {Value(id)}));
    if (children->Int(0) > 0) {
      return Status::FailedPrecondition("该组织还有下级组织，请先调整它们的上级。",
                                        "This organization still has child organizations; re-parent them first.", "id");
    }
    const std::string day = FormatDate(on);
    if (endings_ != nullptr) JICENG_RETURN_IF_ERROR(endings_->OrgEnded(s, {id, day}));
    JICENG_RETURN_IF_ERROR(s.Exec("UPDATE organizations SET status = 'dissolved', ended_on = ?, version = version + 1, "
                                  "updated_at = ? WHERE id = ?",
                                  {Value(day), Value(NowUtcIso()), Value(id)})
                               .status());
    return changes_.Changed(s, "organizations", id);
  }));
  return Get(id);
}

Result<Organization> OrgService::Merge(std::int64_t id, std::int64_t into, const std::string& on_date) {
  JICENG_ASSIGN_OR_RETURN(auto on, CheckPastDate(on_date, "on_date", clock_.Today()));
  if (id == into) {
    return Status::InvalidArgument("into", "不能把组织合并到它自己。", "An organization cannot merge into itself.");
  }
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, FindOrg(s, id));
    if (!org) return OrgNotFound(id);
    JICENG_ASSIGN_OR_RETURN(auto target, FindOrg(s, into));
    if (!target) return OrgNotFound(into);
    if (org->status != "active" || target->status != "active") {
      return Status::FailedPrecondition("只有在用的组织才能合并。", "Only active organizations can merge.", "into");
    }
    const std::string now = NowUtcIso();
    JICENG_ASSIGN_OR_RETURN(auto target_unit, s.QueryOne("SELECT unit_id FROM organizations WHERE id = ?", {Value(into)}));
    // Members and child organizations move to the successor; history stays on
    // the merged organization's row (status, ended_on, successor_id).
    std::vector<std::int64_t> moved;
    JICENG_RETURN_IF_ERROR(s.Query("SELECT id FROM members WHERE org_id = ? AND status <> 'left'", {Value(id)},
                                   [&](const db::Row& r) {
                                     moved.push_back(r.Int(0));
                                     return Status::Ok();
                                   }));
    JICENG_RETURN_IF_ERROR(changes_.ChangedMany(s, "members", moved));
    JICENG_RETURN_IF_ERROR(s.Exec("UPDATE members SET org_id = ?, unit_id = ?, province_code = (SELECT province_code "
                                  "FROM units WHERE id = ?), version = version + 1, updated_at = ? "
                                  "WHERE org_id = ? AND status <> 'left'",
                                  {Value(into), Value(target_unit->Int(0)), Value(target_unit->Int(0)), Value(now),
                                   Value(id)})
                               .status());
    JICENG_RETURN_IF_ERROR(FollowMembersProvince(s, "SELECT id FROM members WHERE org_id = ?", {Value(into)}));
    JICENG_RETURN_IF_ERROR(s.Exec("UPDATE organizations SET parent_id = ?, updated_at = ? WHERE parent_id = ? AND "
                                  "status = 'active'",
                                  {Value(into), Value(now), Value(id)})
                               .status());
    // What the merged organization leaves open ends with it or moves to the
    // successor (org_endings.h: officers and pairings end; task teams move).
    const std::string day = FormatDate(on);
    if (endings_ != nullptr) JICENG_RETURN_IF_ERROR(endings_->OrgEnded(s, {id, day, into}));
    JICENG_RETURN_IF_ERROR(s.Exec("UPDATE organizations SET status = 'merged', ended_on = ?, successor_id = ?, "
                                  "version = version + 1, updated_at = ? WHERE id = ?",
                                  {Value(FormatDate(on)), Value(into), Value(now), Value(id)})
                               .status());
    return changes_.Changed(s, "organizations", id);
  }));
  return Get(id);
}

namespace {

// The field a split error names: "parts[1].member_ids".
std::string PartField(std::size_t i, std::string_view field) {
  return "parts[" + std::to_string(i) + "]." + std::string(field);
}

Status Renamed(const Status& st, const std::string& field) {
  return Status::Error(st.code(), st.message_zh(), st.message_en(), field);
}

// FailedPrecondition with the field first, like InvalidArgument.
Status Precondition(std::string field, std::string zh, std::string en) {
  return Status::FailedPrecondition(std::move(zh), std::move(en), std::move(field));
}

}  // namespace

Result<std::vector<Organization>> OrgService::Split(std::int64_t id, const std::vector<SplitPart>& parts,
                                                    const std::string& on_date, std::optional<std::int64_t> version) {
  constexpr std::size_t kMaxParts = 20;
  JICENG_ASSIGN_OR_RETURN(auto on, CheckPastDate(on_date, "on_date", clock_.Today()));
  const std::string day = FormatDate(on);
  if (parts.empty() || parts.size() > kMaxParts) {
    return Status::InvalidArgument("parts", "请列出拆分出的 1–20 个新组织（parts）。",
                                   "List 1–20 new organizations to split off (parts).");
  }
  JICENG_ASSIGN_OR_RETURN(auto original, Get(id));
  // Each part is checked like a new organization (kind, name, unit, date).
  std::vector<CheckedOrg> checked(parts.size());
  std::set<std::string> names;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const SplitPart& part = parts[i];
    OrgInput in;
    in.unit_code = part.unit_code.value_or(std::to_string(original.unit_code));
    in.parent_id = original.parent_id;
    in.kind = part.kind.value_or(original.kind);
    in.name = part.name;
    in.established_on = day;
    if (in.kind == "temporary_branch" || in.kind == "joint_branch") {
      return Status::InvalidArgument(PartField(i, "kind"),
                                     "拆分出的组织应为党委、党总支或党支部；临时党支部和联合党支部请单独建立。",
                                     "A split-off organization is a committee, general branch or branch; create temporary "
                                     "and joint branches on their own.");
    }
    if (auto errors = CheckInput(in, &checked[i]); !errors.empty()) {
      return Renamed(errors.front(), PartField(i, errors.front().field()));
    }
    if (!names.insert(checked[i].name).second) {
      return Status::InvalidArgument(PartField(i, "name"), "拆分出的组织不能重名。", "Two parts have the same name.");
    }
    if (part.member_ids.empty() && part.child_org_ids.empty()) {
      return Status::InvalidArgument(PartField(i, "member_ids"), "每个新组织至少要有一名党员或一个下级组织。",
                                     "Each new organization takes at least one member or child organization.");
    }
  }
  std::vector<std::int64_t> new_ids;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, FindOrg(s, id));
    if (!org) return OrgNotFound(id);
    if (version && *version != org->version) return VersionConflict();
    if (org->status != "active") {
      return Status::FailedPrecondition("只有在用的组织才能拆分。", "Only an active organization can be split.", "id");
    }
    if (day < org->established_on) {
      return Status::InvalidArgument("on_date", "拆分日期不能早于该组织成立日期 " + org->established_on + "。",
                                     "The split cannot precede the organization's founding (" + org->established_on + ").");
    }
    // The original's members and child organizations, to check what each part takes.
    std::map<std::int64_t, std::string> members;  // id -> status
    JICENG_RETURN_IF_ERROR(s.Query("SELECT id, status FROM members WHERE org_id = ? AND status <> 'left'", {Value(id)},
                                   [&](const db::Row& r) {
                                     members[r.Int(0)] = r.Text(1);
                                     return Status::Ok();
                                   }));
    std::map<std::int64_t, std::string> children;  // id -> unit code
    JICENG_RETURN_IF_ERROR(s.Query("SELECT o.id, un.code FROM organizations o JOIN units un ON un.id = o.unit_id "
                                   "WHERE o.parent_id = ? AND o.status = 'active'",
                                   {Value(id)}, [&](const db::Row& r) {
                                     children[r.Int(0)] = r.Text(1);
                                     return Status::Ok();
                                   }));
    std::string parent_code;  // the parts' parent sits at their units or above, as for any new organization
    if (org->parent_id) {
      JICENG_ASSIGN_OR_RETURN(auto parent, FindOrg(s, *org->parent_id));
      if (parent) parent_code = std::to_string(parent->unit_code);
    }
    std::set<std::int64_t> taken_members;
    std::set<std::int64_t> taken_children;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (checked[i].unit_code.compare(0, parent_code.size(), parent_code) != 0) {
        return Precondition(PartField(i, "unit_code"), "新组织须在上级组织所在单位或其下级单位。",
                            "A new organization must sit at or below its parent's unit.");
      }
      for (std::int64_t m : parts[i].member_ids) {
        auto it = members.find(m);
        if (it == members.end()) {
          return Status::InvalidArgument(PartField(i, "member_ids"),
                                         "编号为 " + std::to_string(m) + " 的党员不在本组织。",
                                         "Member " + std::to_string(m) + " does not belong to this organization.");
        }
        if (it->second == "in_transit") {
          return Precondition(PartField(i, "member_ids"),
                                            "编号为 " + std::to_string(m) + " 的党员正在转接中，请办结转接后再拆分。",
                                            "Member " + std::to_string(m) +
                                                " is in transit; decide the transfer before the split.");
        }
        if (!taken_members.insert(m).second) {
          return Status::InvalidArgument(PartField(i, "member_ids"),
                                         "编号为 " + std::to_string(m) + " 的党员被分到了两个新组织。",
                                         "Member " + std::to_string(m) + " is listed in two parts.");
        }
      }
      for (std::int64_t c : parts[i].child_org_ids) {
        auto it = children.find(c);
        if (it == children.end()) {
          return Status::InvalidArgument(PartField(i, "child_org_ids"),
                                         "编号为 " + std::to_string(c) + " 的组织不是本组织的在用下级组织。",
                                         "Organization " + std::to_string(c) + " is not an active child of this one.");
        }
        if (!taken_children.insert(c).second) {
          return Status::InvalidArgument(PartField(i, "child_org_ids"),
                                         "编号为 " + std::to_string(c) + " 的组织被分到了两个新组织。",
                                         "Organization " + std::to_string(c) + " is listed in two parts.");
        }
        if (it->second.compare(0, checked[i].unit_code.size(), checked[i].unit_code) != 0) {
          return Precondition(PartField(i, "child_org_ids"),
                                            "编号为 " + std::to_string(c) + " 的下级组织不在新组织所在单位之下。",
                                            "Child organization " + std::to_string(c) +
                                                " does not sit at or below the new organization's unit.");
        }
      }
    }
    const std::string now = NowUtcIso();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      JICENG_ASSIGN_OR_RETURN(auto part_id, InsertOrg(s, checked[i]));
      new_ids.push_back(part_id);
      JICENG_RETURN_IF_ERROR(
          s.Exec("UPDATE organizations SET split_from_id = ? WHERE id = ?", {Value(id), Value(part_id)}).status());
      if (!parts[i].member_ids.empty()) {
        db::Params p = {Value(part_id), Value(checked[i].unit_id), Value(checked[i].unit_code.substr(0, 2)), Value(now)};
        for (std::int64_t m : parts[i].member_ids) {
          p.emplace_back(m);
          if (endings_ != nullptr) JICENG_RETURN_IF_ERROR(endings_->MemberLeft(s, {id, m, day}));
        }
        JICENG_RETURN_IF_ERROR(changes_.ChangedMany(s, "members", parts[i].member_ids));
        JICENG_RETURN_IF_ERROR(s.Exec("UPDATE members SET org_id = ?, unit_id = ?, province_code = ?, "
                                      "version = version + 1, updated_at = ? WHERE id IN (" +
                                          db::Placeholders(parts[i].member_ids.size()) + ")",
                                      p)
                                   .status());
        JICENG_RETURN_IF_ERROR(FollowMembersProvince(s, "SELECT id FROM members WHERE org_id = ?", {Value(part_id)}));
      }
      for (std::int64_t c : parts[i].child_org_ids) {
        JICENG_RETURN_IF_ERROR(s.Exec("UPDATE organizations SET parent_id = ?, version = version + 1, updated_at = ? "
                                      "WHERE id = ?",
                                      {Value(part_id), Value(now), Value(c)})
                                   .status());
        JICENG_RETURN_IF_ERROR(changes_.Changed(s, "organizations", c));
      }
    }
    JICENG_RETURN_IF_ERROR(s.Exec("UPDATE organizations SET version = version + 1, updated_at = ? WHERE id = ?",
                                  {Value(now), Value(id)})
                               .status());
    return changes_.Changed(s, "organizations", id);
  }));
  std::vector<Organization> out;
  JICENG_ASSIGN_OR_RETURN(auto after, Get(id));
  out.push_back(std::move(after));
  for (std::int64_t part_id : new_ids) {
    JICENG_ASSIGN_OR_RETURN(auto part, Get(part_id));
    out.push_back(std::move(part));
  }
  return out;
}

Result<TwoNewOrg> OrgService::RegisterTwoNew(const std::string& unit_code, const std::string& raw_name,
                                             const std::string& kind, std::optional<std::string> registered_on) {
  JICENG_ASSIGN_OR_RETURN(auto name, CheckName(raw_name));
  if (kind != "enterprise" && kind != "social") {
    return Status::InvalidArgument("kind", "两新组织类型应为 enterprise（非公企业）或 social（社会组织）。",
                                   "kind must be enterprise or social.");
  }
  JICENG_ASSIGN_OR_RETURN(auto unit, hierarchy_.Get(unit_code));
  Date on = clock_.Today();
  if (registered_on) {
    JICENG_ASSIGN_OR_RETURN(on, CheckPastDate(*registered_on, "registered_on", clock_.Today()));
  }
  TwoNewOrg out{0, std::stoull(unit.code), name, kind, FormatDate(on)};
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(out.id, s.InsertReturningId(
                                        "INSERT INTO two_new_orgs (unit_id, province_code, name, kind, registered_on, "
                                        "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                        {Value(unit.id), Value(unit.code.substr(0, 2)), Value(name), Value(kind),
                                         Value(out.registered_on), Value(NowUtcIso())}));
    return changes_.Changed(s, "two_new_orgs", out.id);
  }));
  return out;
}

Result<Coverage> OrgService::CoverageOf(std::uint64_t unit_code, std::size_t limit) {
  auto root = hierarchy_.tree().Find(unit_code);
  if (!root) return Status::NotFound("单位不存在。", "No such unit.", "code");
  const std::string prefix = root->code;
  // Units covered by an active, permanent organization in the subtree: the
  // unit an organization sits at, and the units a joint branch covers.
  std::unordered_set<std::string> covered_units;
  std::set<std::int64_t> covered_two_new;
  std::vector<std::pair<std::int64_t, std::string>> two_new;  // id, unit code
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    const db::Params p = {Value(static_cast<std::int64_t>(prefix.size())), Value(prefix)};
    JICENG_RETURN_IF_ERROR(s.Query(
        "SELECT un.code, o.two_new_id FROM organizations o JOIN units un ON un.id = o.unit_id "
        "WHERE o.status = 'active' AND o.kind <> 'temporary_branch' AND substr(un.code, 1, ?) = ?",
        p, [&](const db::Row& row) {
          if (row.IsNull(1)) {
            covered_units.insert(row.Text(0));
          } else {
            covered_two_new.insert(row.Int(1));
          }
          return Status::Ok();
        }));
    JICENG_RETURN_IF_ERROR(s.Query(
        "SELECT un.code FROM org_covered_units c JOIN organizations o ON o.id = c.org_id JOIN units un "
        "ON un.id = c.unit_id WHERE o.status = 'active' AND substr(un.code, 1, ?) = ?",
        p, [&](const db::Row& row) {
          covered_units.insert(row.Text(0));
          return Status::Ok();
        }));
    return s.Query("SELECT t.id, un.code FROM two_new_orgs t JOIN units un ON un.id = t.unit_id "
                   "WHERE substr(un.code, 1, ?) = ? ORDER BY t.id",
                   p, [&](const db::Row& row) {
                     two_new.emplace_back(row.Int(0), row.Text(1));
                     return Status::Ok();
                   });
  }));
  Coverage c;
  auto count = [&](hierarchy::Level level, Coverage::Part& part) {
    for (std::uint64_t code : hierarchy_.tree().CodesInSubtree(unit_code, level, false)) {
      ++part.total;
      if (covered_units.count(std::to_string(code))) {
        ++part.covered;
      } else if (part.uncovered.size() < limit) {
        part.uncovered.push_back(code);
      }
    }
  };
  count(hierarchy::Level::kGroup, c.groups);
  count(hierarchy::Level::kVillage, c.villages);
  for (const auto& [id, code] : two_new) {
    ++c.two_new.total;
    if (covered_two_new.count(id)) {
      ++c.two_new.covered;
    } else if (c.two_new.uncovered.size() < limit) {
      c.two_new.uncovered.push_back(static_cast<std::uint64_t>(id));
    }
  }
  return c;
}

}  // namespace jiceng::orgs
