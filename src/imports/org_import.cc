#include "imports/org_import.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "db/sql_filters.h"

namespace jiceng::imports {
namespace {

using db::Value;

const std::vector<std::pair<std::string, std::vector<std::string>>> kAliases = {
    {"name", {"组织名称", "名称", "党组织名称", "name"}},
    {"kind", {"组织类型", "类型", "kind"}},
    {"unit_code", {"所在单位代码", "单位代码", "unit_code"}},
    {"parent", {"上级组织", "上级党组织", "parent", "parent_name"}},
    {"parent_id", {"上级组织编号", "parent_id"}},
    {"established_on", {"成立日期", "established_on"}},
    {"temp_reason", {"成立原因", "临时原因", "temp_reason"}},
    {"starts_on", {"开始日期", "starts_on"}},
    {"ends_on", {"结束日期", "ends_on"}},
};
const std::vector<std::string> kIgnored = {"序号", "组织编号", "编号", "所在单位", "党员人数", "状态", "id", "unit_name",
                                           "member_count", "status"};
const std::map<std::string, std::string> kColumnZh = {
    {"name", "组织名称"},         {"kind", "组织类型"},   {"unit_code", "所在单位代码"},
    {"parent", "上级组织"},       {"parent_id", "上级组织编号"}, {"established_on", "成立日期"},
    {"temp_reason", "成立原因"},  {"starts_on", "开始日期"}, {"ends_on", "结束日期"}};
const EnumMap kKinds({
    {"党委", "committee"}, {"党总支", "general_branch"}, {"党支部", "branch"}, {"支部", "branch"},
    {"联合党支部", "joint_branch"}, {"临时党支部", "temporary_branch"}});

struct Pending {
  const SheetRow* row = nullptr;
  orgs::CheckedOrg org;
  std::optional<std::string> parent_name;
  std::optional<std::size_t> parent_row;  // index of a row above in the file
  std::vector<RowIssue> errors;
};

struct ExistingOrg {
  std::int64_t id;
  std::string name, status, unit_code;
};

Status RowsHaveErrors() {
  return Status::InvalidArgument("file", "文件中有错误的行，未导入任何数据。", "Some rows have errors; nothing was imported.");
}

class Importer {
 public:
  Importer(orgs::OrgService& orgs, const ImportScope& scope) : orgs_(orgs), scope_(scope) {}

  Status Prepare(const Sheet& sheet, ImportReport& report, const ProgressFn& progress) {
    header_ = std::make_unique<HeaderMap>(sheet.header, kAliases, kIgnored, sheet.header_row, &report.warnings);
    std::vector<std::string> missing;
    for (const char* f : {"name", "kind", "unit_code"}) {
      if (!header_->Has(f)) missing.push_back(kColumnZh.at(f));
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : "、") + m;
      return Status::InvalidArgument("file", "缺少必填列：" + list + "。第一行应为表头，如：组织名称、组织类型、所在单位代码、上级组织、成立日期。",
                                     "Required columns are missing: " + list +
                                         ". The first row is the header, e.g. 组织名称 (name), 组织类型 (kind), "
                                         "所在单位代码 (unit_code), 上级组织 (parent), 成立日期 (established_on).");
    }
    std::map<std::pair<std::string, std::string>, std::size_t> seen;  // (unit, name) -> row
    std::map<std::string, std::size_t> by_name;                      // name -> last row index above
    std::size_t checked = 0;
    for (const SheetRow& row : sheet.rows) {
      if (progress && ++checked % kProgressEvery == 0) progress(checked, sheet.rows.size());
      Pending p = Check(row);
      if (!p.org.name.empty() && !p.org.unit_code.empty()) {
        auto [it, fresh] = seen.emplace(std::make_pair(p.org.unit_code, p.org.name), row.row);
        if (!fresh) {
          AddError(p, "name", "与第 " + std::to_string(it->second) + " 行是同一单位的同名组织。",
                   "Repeats row " + std::to_string(it->second) + ": same name at the same unit.");
        }
      }
      if (p.parent_name) {
        if (auto it = by_name.find(*p.parent_name); it != by_name.end()) p.parent_row = it->second;
      }
      if (!p.org.name.empty()) by_name[p.org.name] = rows_.size();
      rows_.push_back(std::move(p));
    }
    return Status::Ok();
  }

  Status Resolve(db::Session& s) {
    // Organizations already there with the names the file mentions (as new
    // organizations or as parents), and parents named by id.
    std::set<std::string> names;
    std::set<std::int64_t> ids;
    for (const Pending& p : rows_) {
      if (!p.org.name.empty()) names.insert(p.org.name);
      if (p.parent_name && !p.parent_row) names.insert(*p.parent_name);
      if (p.org.parent_id) ids.insert(*p.org.parent_id);
    }
    std::map<std::string, std::vector<ExistingOrg>> by_name;
    std::map<std::int64_t, ExistingOrg> by_id;
    const std::string select =
        "SELECT o.id, o.name, o.status, un.code FROM organizations o JOIN units un ON un.id = o.unit_id WHERE ";
    JICENG_RETURN_IF_ERROR(db::QueryIn(s, select + "o.name", std::vector<std::string>(names.begin(), names.end()),
                                   [&](const db::Row& r) {
                                     by_name[r.Text(1)].push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3)});
                                     return Status::Ok();
                                   }));
    JICENG_RETURN_IF_ERROR(db::QueryIn(s, select + "o.id", std::vector<std::int64_t>(ids.begin(), ids.end()),
                                   [&](const db::Row& r) {
                                     by_id[r.Int(0)] = {r.Int(0), r.Text(1), r.Text(2), r.Text(3)};
                                     return Status::Ok();
                                   }));
    for (Pending& p : rows_) {
      if (p.org.unit_code.empty()) continue;  // the unit is already reported
      if (auto it = by_name.find(p.org.name); it != by_name.end()) {
        for (const ExistingOrg& o : it->second) {
          if (o.status == "active" && o.unit_code == p.org.unit_code) {
            AddError(p, "name", "该单位已有名为“" + p.org.name + "”的党组织（编号 " + std::to_string(o.id) + "）。",
                     "The unit already has an organization named \"" + p.org.name + "\" (id " + std::to_string(o.id) + ").");
            break;
          }
        }
      }
      std::optional<std::string> parent_unit;
      if (p.parent_row) {
        parent_unit = rows_[*p.parent_row].org.unit_code;
      } else if (p.parent_name) {
        std::vector<ExistingOrg> usable;
        if (auto it = by_name.find(*p.parent_name); it != by_name.end()) {
          for (const ExistingOrg& o : it->second) {
            if (o.status == "active" && p.org.unit_code.compare(0, o.unit_code.size(), o.unit_code) == 0) usable.push_back(o);
          }
        }
        if (usable.empty()) {
          AddError(p, "parent", "找不到本单位或上级单位中名为“" + *p.parent_name + "”的党组织（可写在本文件的前面几行）。",
                   "No active organization named \"" + *p.parent_name +
                       "\" at this unit or above it (it may also be a row above in this file).");
          continue;
        }
        if (usable.size() > 1) {
          AddError(p, "parent", "有多个上级组织都叫“" + *p.parent_name + "”，请改填上级组织编号。",
                   "Several organizations are named \"" + *p.parent_name + "\"; give the parent's id instead.");
          continue;
        }
        p.org.parent_id = usable.front().id;
        parent_unit = usable.front().unit_code;
      } else if (p.org.parent_id) {
        auto it = by_id.find(*p.org.parent_id);
        if (it == by_id.end() || it->second.status != "active") {
          AddError(p, "parent_id", "没有编号为 " + std::to_string(*p.org.parent_id) + " 的现有党组织。",
                   "No active organization has id " + std::to_string(*p.org.parent_id) + ".");
          continue;
        }
        parent_unit = it->second.unit_code;
      }
      if (parent_unit && p.org.unit_code.compare(0, parent_unit->size(), *parent_unit) != 0) {
        AddError(p, p.parent_row || p.parent_name ? "parent" : "parent_id", "上级组织须在本单位或其上级单位。",
                 "The parent organization must sit at this unit or above it.");
      }
    }
    return Status::Ok();
  }

  bool AnyErrors() const {
    return std::any_of(rows_.begin(), rows_.end(), [](const Pending& p) { return !p.errors.empty(); });
  }

  void Fill(ImportReport& report) const {
    report.rows = rows_.size();
    for (const Pending& p : rows_) {
      if (p.errors.empty()) ++report.valid_rows;
      report.errors.insert(report.errors.end(), p.errors.begin(), p.errors.end());
    }
  }

  Result<std::vector<std::int64_t>> Insert(db::Session& s) {
    std::vector<std::int64_t> ids;
    ids.reserve(rows_.size());
    for (Pending& p : rows_) {
      if (p.parent_row) p.org.parent_id = ids[*p.parent_row];
      JICENG_ASSIGN_OR_RETURN(auto id, orgs_.InsertOrg(s, p.org));
      ids.push_back(id);
    }
    return ids;
  }

 private:
  std::string Column(std::string_view field) const {
    auto it = kColumnZh.find(std::string(field));
    return header_->ColumnName(field, it == kColumnZh.end() ? std::string(field) : it->second);
  }
  void AddError(Pending& p, std::string_view field, std::string zh, std::string en) {
    p.errors.push_back({p.row->row, Column(field), std::string(field), std::move(zh), std::move(en)});
  }

  Pending Check(const SheetRow& row) {
    Pending p;
    p.row = &row;
    const HeaderMap& h = *header_;
    orgs::OrgInput in;
    in.name = h.Get(row, "name").value_or("");
    std::optional<RowIssue> kind_error;
    if (auto k = h.Get(row, "kind")) {
      if (auto id = kKinds.Find(*k)) {
        in.kind = *id;
      } else {
        kind_error = RowIssue{row.row, Column("kind"), "kind",
                              "“" + *k + "”不是有效的组织类型，应为党委、党总支、党支部、联合党支部或临时党支部。",
                              "\"" + *k + "\" is not an organization kind; use 党委, 党总支, 党支部, 联合党支部 or 临时党支部."};
      }
    }
    in.unit_code = h.Get(row, "unit_code").value_or("");
    auto date = [&](std::string_view field) -> std::optional<std::string> {
      auto v = h.Get(row, field);
      if (!v) return std::nullopt;
      return NormalizeDate(*v).value_or(*v);
    };
    in.established_on = date("established_on");
    in.temp_reason = h.Get(row, "temp_reason");
    in.starts_on = date("starts_on");
    in.ends_on = date("ends_on");
    p.parent_name = h.Get(row, "parent");
    if (!p.parent_name) {
      if (auto pid = h.Get(row, "parent_id")) {
        std::int64_t id = 0;
        auto [ptr, ec] = std::from_chars(pid->data(), pid->data() + pid->size(), id);
        if (ec != std::errc() || ptr != pid->data() + pid->size() || id <= 0) {
          AddError(p, "parent_id", "上级组织编号“" + *pid + "”应为正整数。", "The parent id \"" + *pid + "\" should be a positive number.");
        } else {
          in.parent_id = id;
        }
      }
    }
    for (const Status& st : orgs_.CheckInput(in, &p.org)) {
      if (st.field() == "kind" && kind_error) continue;
      if (st.field() == "kind" && in.kind.empty()) {
        AddError(p, "kind", "组织类型不能为空。", "The kind is empty.");
      } else if (st.field() == "unit_code" && in.unit_code.empty()) {
        AddError(p, "unit_code", "所在单位代码不能为空。", "The unit code is empty.");
      } else {
        p.errors.push_back({row.row, Column(st.field()), st.field(), st.message_zh(), st.message_en()});
      }
    }
    if (kind_error) p.errors.push_back(*kind_error);
    if (!p.org.unit_code.empty() && !scope_.Contains(p.org.unit_code)) {
      AddError(p, "unit_code", "单位 " + p.org.unit_code + " 不在您的管辖范围内，不能在那里建立组织。",
               "Unit " + p.org.unit_code + " is outside your area; you cannot create organizations there.");
      p.org.unit_code.clear();
    }
    return p;
  }

  orgs::OrgService& orgs_;
  const ImportScope& scope_;
  std::unique_ptr<HeaderMap> header_;
  std::vector<Pending> rows_;
};

}  // namespace

Result<ImportReport> OrgImporter::Run(std::string_view bytes, std::string_view file_name, const ImportScope& scope,
                                      bool dry_run, const ProgressFn& progress) {
  JICENG_ASSIGN_OR_RETURN(Sheet sheet, ReadSheet(bytes, file_name, xlsx_limits_));
  ImportReport report;
  report.dry_run = dry_run;
  Importer importer(orgs_, scope);
  JICENG_RETURN_IF_ERROR(importer.Prepare(sheet, report, progress));
  if (dry_run || importer.AnyErrors()) {
    JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) { return importer.Resolve(s); }));
  } else {
    Status st = db_.Write([&](db::Session& s) -> Status {
      JICENG_RETURN_IF_ERROR(importer.Resolve(s));
      if (importer.AnyErrors()) return RowsHaveErrors();
      JICENG_ASSIGN_OR_RETURN(report.inserted_ids, importer.Insert(s));
      return Status::Ok();
    });
    if (!st.ok() && !importer.AnyErrors()) return st;
    report.committed = st.ok();
  }
  importer.Fill(report);
  if (!report.committed) report.inserted_ids.clear();
  if (progress) progress(report.rows, report.rows);
  return report;
}

}  // namespace jiceng::imports
