#include "imports/member_import.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <unordered_map>

#include "common/text.h"
#include "db/sql_filters.h"
#include "people/people_store.h"

namespace jiceng::imports {
namespace {

using db::Value;
using members::Member;
using members::MemberInput;

const std::vector<std::pair<std::string, std::vector<std::string>>> kAliases = {
    {"name", {"姓名", "name"}},
    {"gender", {"性别", "gender", "sex"}},
    {"birth_date", {"出生日期", "出生年月日", "出生年月", "birth_date", "birthday", "date of birth"}},
    {"phone", {"手机号", "手机号码", "手机", "联系电话", "电话", "phone", "mobile"}},
    {"id_number", {"身份证号", "身份证号码", "公民身份号码", "id_number", "id number"}},
    {"org_id", {"组织编号", "党组织编号", "org_id"}},
    {"org_name", {"所属组织", "所属党组织", "所在党组织", "党组织", "所在支部", "organization", "org", "org_name"}},
    {"org_unit", {"组织所在单位代码", "单位代码", "所在单位代码", "org_unit_code", "unit_code"}},
    {"stage", {"状态", "党员状态", "阶段", "发展阶段", "stage", "status"}},
    {"stage_since", {"入党日期", "进入当前阶段日期", "阶段日期", "stage_since", "joined_on", "date joined"}},
    {"situation", {"分类", "党员分类", "类别", "situation", "category"}},
};
// Columns an export writes that an import does not need.
const std::vector<std::string> kIgnored = {"序号", "编号", "所在单位", "单位名称", "unit_name", "id", "no"};

// Column names for messages when the file has no such column.
const std::map<std::string, std::string> kColumnZh = {
    {"name", "姓名"},       {"gender", "性别"},     {"birth_date", "出生日期"}, {"phone", "手机号"},
    {"id_number", "身份证号"}, {"org_id", "组织编号"}, {"org_name", "所属组织"},  {"org_unit", "组织所在单位代码"},
    {"stage", "状态"},      {"stage_since", "入党日期"}, {"situation", "分类"}};

const EnumMap kGenders({
    {"男", "male"}, {"男性", "male"}, {"m", "male"}, {"女", "female"}, {"女性", "female"}, {"f", "female"}});
const EnumMap kSituations({
    {"在职", "in_service"},         {"在职党员", "in_service"},       {"农村有劳动能力", "rural_labour"},
    {"有劳动能力", "rural_labour"}, {"年老体弱", "elderly_infirm"},   {"老弱病残", "elderly_infirm"},
    {"外出流动", "migrant"},        {"流动党员", "migrant"},          {"外出", "migrant"}});

struct OrgRow {
  std::int64_t id = 0;
  std::string name;
  std::string status;
  std::int64_t unit_id = 0;
  std::string unit_code;
};

// One data row on its way in.
struct Pending {
  const SheetRow* row = nullptr;
  Member member;                    // as checked by MemberService::CheckInput
  std::optional<std::string> org_name, org_unit, org_id_text;
  std::optional<OrgRow> org;        // resolved
  std::vector<RowIssue> errors;
};

class Importer {
 public:
  Importer(const members::MemberService& members, const ImportScope& scope)
      : members_(members), scope_(scope), stages_(StageLabels(members.rules())) {
    for (const auto& stage : members.rules().stages()) {
      stages_zh_ += (stages_zh_.empty() ? "" : "、") + stage.name_zh;
      stages_en_ += (stages_en_.empty() ? "" : ", ") + stage.name_en;
    }
  }

  Status Prepare(const Sheet& sheet, ImportReport& report, const ProgressFn& progress) {
    header_ = std::make_unique<HeaderMap>(sheet.header, kAliases, kIgnored, sheet.header_row, &report.warnings);
    std::vector<std::string> missing;
    for (const char* f : {"name", "gender", "birth_date", "stage", "situation"}) {
      if (!header_->Has(f)) missing.push_back(kColumnZh.at(f));
    }
    if (!header_->Has("org_name") && !header_->Has("org_id")) missing.push_back("所属组织");
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : "、") + m;
      return Status::InvalidArgument("file", "缺少必填列：" + list + "。第一行应为表头，如：姓名、性别、出生日期、所属组织、状态、分类。",
                                     "Required columns are missing: " + list +
                                         ". The first row is the header, e.g. 姓名 (name), 性别 (gender), 出生日期 "
                                         "(birth_date), 所属组织 (organization), 状态 (stage), 分类 (situation).");
    }
    rows_.reserve(sheet.rows.size());
    for (const SheetRow& row : sheet.rows) {
      rows_.push_back(Check(row, report));
      if (progress && rows_.size() % kProgressEvery == 0) progress(rows_.size(), sheet.rows.size());
    }
    DuplicatesInFile();
    return Status::Ok();
  }

  // The checks that need the database, in the session's snapshot or transaction.
  Status Resolve(db::Session& s) {
    JICENG_RETURN_IF_ERROR(ResolveOrgs(s));
    return DuplicatesInDatabase(s);
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

  std::vector<members::NewMember> ToInsert() const {
    std::vector<members::NewMember> out;
    out.reserve(rows_.size());
    for (const Pending& p : rows_) {
      members::NewMember n{p.member, p.org->unit_id, p.org->unit_code.substr(0, 2)};
      n.member.org_id = p.org->id;
      out.push_back(std::move(n));
    }
    return out;
  }

 private:
  static std::vector<std::pair<std::string, std::string>> StageLabels(const members::MembershipRules& rules) {
    std::vector<std::pair<std::string, std::string>> labels = {
        {"正式", "full"}, {"预备", "probationary"}, {"积极分子", "activist"}, {"申请人", "applicant"}};
    for (const auto& stage : rules.stages()) {
      labels.emplace_back(stage.name_zh, stage.id);
      labels.emplace_back(stage.name_en, stage.id);
    }
    return labels;
  }

  std::string Column(std::string_view field) const {
    auto it = kColumnZh.find(std::string(field));
    return header_->ColumnName(field, it == kColumnZh.end() ? std::string(field) : it->second);
  }

  void AddError(Pending& p, std::string_view field, std::string zh, std::string en) {
    p.errors.push_back({p.row->row, Column(field), std::string(field), std::move(zh), std::move(en)});
  }

  Pending Check(const SheetRow& row, ImportReport& report) {
    Pending p;
    p.row = &row;
    const HeaderMap& h = *header_;
    MemberInput in;
    in.name = h.Get(row, "name").value_or("");
    // Enumerations: the labels people write, mapped to the ids the rules know;
    // an unknown label is reported here, in the file's own terms.
    std::vector<RowIssue> enum_errors;
    std::set<std::string> enum_fields;
    auto enum_error = [&](std::string_view field, const std::string& value, const std::string& zh_allowed,
                          const std::string& en_allowed) {
      enum_fields.insert(std::string(field));
      enum_errors.push_back({row.row, Column(field), std::string(field),
                             "“" + value + "”不是有效的" + Column(field) + "，应为" + zh_allowed + "。",
                             "\"" + value + "\" is not a valid " + std::string(field) + "; use " + en_allowed + "."});
    };
    if (auto g = h.Get(row, "gender")) {
      if (auto id = kGenders.Find(*g)) {
        in.gender = *id;
      } else {
        enum_error("gender", *g, "“男”或“女”", "男 (male) or 女 (female)");
      }
    }
    if (auto b = h.Get(row, "birth_date")) in.birth_date = NormalizeDate(*b).value_or(*b);
    if (auto phone = h.Get(row, "phone")) {
      if (phone->find('*') != std::string::npos) {
        report.warnings.push_back({row.row, Column("phone"), "phone", "手机号已打码，未导入。",
                                   "The phone number is masked; left out."});
      } else {
        in.phone = *phone;
      }
    }
    if (auto idn = h.Get(row, "id_number")) {
      if (idn->find('*') != std::string::npos) {
        report.warnings.push_back({row.row, Column("id_number"), "id_number", "身份证号已打码，未导入。",
                                   "The ID number is masked; left out."});
      } else {
        std::string up = *idn;
        if (!up.empty() && up.back() == 'x') up.back() = 'X';
        in.id_number = up;
      }
    }
    if (auto st = h.Get(row, "stage")) {
      if (auto id = stages_.Find(*st)) {
        in.stage = *id;
      } else {
        enum_error("stage", *st, stages_zh_ + "之一", "one of " + stages_en_);
      }
    }
    if (auto since = h.Get(row, "stage_since")) in.stage_since = NormalizeDate(*since).value_or(*since);
    if (auto sit = h.Get(row, "situation")) {
      if (auto id = kSituations.Find(*sit)) {
        in.situation = *id;
      } else {
        enum_error("situation", *sit, "在职、农村有劳动能力、年老体弱或外出流动", "在职, 农村有劳动能力, 年老体弱 or 外出流动");
      }
    }
    p.org_name = h.Get(row, "org_name");
    p.org_unit = h.Get(row, "org_unit");
    p.org_id_text = h.Get(row, "org_id");

    // The member rules themselves, shared with POST /api/v1/members.
    for (const Status& st : members_.CheckInput(in, &p.member)) {
      if (enum_fields.count(st.field())) continue;  // already reported in the file's terms
      const bool empty = (st.field() == "gender" && in.gender.empty()) ||
                         (st.field() == "birth_date" && in.birth_date.empty()) ||
                         (st.field() == "stage" && in.stage.empty()) ||
                         (st.field() == "situation" && in.situation.empty());
      if (empty) {
        AddError(p, st.field(), Column(st.field()) + "不能为空。", std::string(st.field()) + " is empty.");
      } else {
        p.errors.push_back({row.row, Column(st.field()), st.field(), st.message_zh(), st.message_en()});
      }
    }
    p.errors.insert(p.errors.end(), enum_errors.begin(), enum_errors.end());
    if (!p.org_name && !p.org_id_text) AddError(p, "org_name", "所属组织不能为空。", "The organization is empty.");
    return p;
  }

  void DuplicatesInFile() {
    std::unordered_map<std::string, std::size_t> first;  // id number -> row
    for (Pending& p : rows_) {
      if (!p.member.id_number) continue;
      auto [it, fresh] = first.emplace(*p.member.id_number, p.row->row);
      if (!fresh) {
        AddError(p, "id_number", "身份证号与第 " + std::to_string(it->second) + " 行重复：同一个人不能登记两次。",
                 "The ID number repeats row " + std::to_string(it->second) + ": a person cannot be registered twice.");
      }
    }
  }

  Status ResolveOrgs(db::Session& s) {
    std::set<std::int64_t> id_set;
    std::set<std::string> name_set;
    for (Pending& p : rows_) {
      if (p.org_id_text) {
        std::int64_t id = 0;
        const std::string& t = *p.org_id_text;
        auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), id);
        if (ec != std::errc() || ptr != t.data() + t.size() || id <= 0) {
          AddError(p, "org_id", "组织编号“" + t + "”应为正整数。", "The organization id \"" + t + "\" should be a positive number.");
          p.org_id_text.reset();
          p.org_name.reset();  // nothing more to say about this row's organization
        } else {
          id_set.insert(id);
        }
      } else if (p.org_name) {
        name_set.insert(*p.org_name);
      }
    }
    const std::string select =
        "SELECT o.id, o.name, o.status, o.unit_id, un.code FROM organizations o JOIN units un ON un.id = o.unit_id WHERE ";
    std::unordered_map<std::int64_t, OrgRow> by_id;
    std::unordered_map<std::string, std::vector<OrgRow>> by_name;
    auto read = [](const db::Row& r) { return OrgRow{r.Int(0), r.Text(1), r.Text(2), r.Int(3), r.Text(4)}; };
    JICENG_RETURN_IF_ERROR(db::QueryIn(s, select + "o.id", std::vector<std::int64_t>(id_set.begin(), id_set.end()),
                                   [&](const db::Row& r) {
                                     by_id[r.Int(0)] = read(r);
                                     return Status::Ok();
                                   }));
    JICENG_RETURN_IF_ERROR(db::QueryIn(s, select + "o.name", std::vector<std::string>(name_set.begin(), name_set.end()),
                                   [&](const db::Row& r) {
                                     by_name[r.Text(1)].push_back(read(r));
                                     return Status::Ok();
                                   }));
    for (Pending& p : rows_) {
      if (p.org_id_text) {
        const std::int64_t id = std::stoll(*p.org_id_text);
        auto it = by_id.find(id);
        if (it == by_id.end()) {
          AddError(p, "org_id", "没有编号为 " + *p.org_id_text + " 的党组织。", "No organization has id " + *p.org_id_text + ".");
          continue;
        }
        if (p.org_name && *p.org_name != it->second.name) {
          AddError(p, "org_id", "组织编号 " + *p.org_id_text + " 是“" + it->second.name + "”，与所属组织“" + *p.org_name + "”不一致。",
                   "Organization " + *p.org_id_text + " is \"" + it->second.name + "\", not \"" + *p.org_name + "\".");
          continue;
        }
        CheckOrg(p, it->second, "org_id");
      } else if (p.org_name) {
        std::vector<OrgRow> candidates;
        if (auto it = by_name.find(*p.org_name); it != by_name.end()) candidates = it->second;
        if (p.org_unit) {
          std::erase_if(candidates, [&](const OrgRow& o) { return o.unit_code != *p.org_unit; });
        }
        if (candidates.empty()) {
          AddError(p, "org_name",
                   "找不到名为“" + *p.org_name + "”的党组织" + (p.org_unit ? "（单位代码 " + *p.org_unit + "）" : "") +
                       "，请核对名称，或先建立该组织。",
                   "No organization is named \"" + *p.org_name + "\"" + (p.org_unit ? " at unit " + *p.org_unit : "") +
                       "; check the name or create the organization first.");
          continue;
        }
        std::vector<OrgRow> usable;
        for (const OrgRow& o : candidates) {
          if (o.status == "active" && scope_.Contains(o.unit_code)) usable.push_back(o);
        }
        if (usable.size() > 1) {
          AddError(p, "org_name",
                   "有 " + std::to_string(usable.size()) + " 个党组织都叫“" + *p.org_name + "”，请填写组织编号或组织所在单位代码加以区分。",
                   std::to_string(usable.size()) + " organizations are named \"" + *p.org_name +
                       "\"; add the organization id or its unit code.");
          continue;
        }
        CheckOrg(p, usable.empty() ? candidates.front() : usable.front(), "org_name");
      }
    }
    return Status::Ok();
  }

  void CheckOrg(Pending& p, const OrgRow& o, std::string_view field) {
    if (o.status != "active") {
      AddError(p, field, "党组织“" + o.name + "”已撤销或合并，不能再加入党员。",
               "The organization \"" + o.name + "\" has ended; members cannot join it.");
    } else if (!scope_.Contains(o.unit_code)) {
      AddError(p, field, "党组织“" + o.name + "”不在您的管辖范围内，不能导入到该组织。",
               "The organization \"" + o.name + "\" is outside your area; you cannot import into it.");
    } else {
      p.org = o;
    }
  }

  Status DuplicatesInDatabase(db::Session& s) {
    std::unordered_map<std::string, Pending*> by_number;
    std::vector<std::string> numbers;
    for (Pending& p : rows_) {
      if (p.member.id_number && by_number.emplace(*p.member.id_number, &p).second) numbers.push_back(*p.member.id_number);
    }
    const Status taken = people::DuplicateIdNumber();
    JICENG_ASSIGN_OR_RETURN(auto registered, people::RegisteredIdNumbers(s, members_.vault(), numbers));
    for (const std::string& n : registered) {
      if (auto it = by_number.find(n); it != by_number.end()) {
        AddError(*it->second, "id_number", "系统中" + taken.message_zh(), "In the database: " + taken.message_en());
      }
    }
    return Status::Ok();
  }

  const members::MemberService& members_;
  const ImportScope& scope_;
  const EnumMap stages_;
  std::string stages_zh_, stages_en_;
  std::unique_ptr<HeaderMap> header_;
  std::vector<Pending> rows_;
};

// Returned from the write transaction to roll it back when a row is bad.
Status RowsHaveErrors() {
  return Status::InvalidArgument("file", "文件中有错误的行，未导入任何数据。", "Some rows have errors; nothing was imported.");
}

}  // namespace

Result<ImportReport> MemberImporter::Run(std::string_view bytes, std::string_view file_name, const ImportScope& scope,
                                         bool dry_run, std::optional<std::int64_t> by_user,
                                         const ProgressFn& progress) {
  JICENG_ASSIGN_OR_RETURN(Sheet sheet, ReadSheet(bytes, file_name, xlsx_limits_));
  ImportReport report;
  report.dry_run = dry_run;
  Importer importer(members_, scope);
  JICENG_RETURN_IF_ERROR(importer.Prepare(sheet, report, progress));
  if (dry_run || importer.AnyErrors()) {
    JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) { return importer.Resolve(s); }));
  } else {
    // One transaction: the checks see exactly what the inserts will meet.
    Status st = db_.Write([&](db::Session& s) -> Status {
      JICENG_RETURN_IF_ERROR(importer.Resolve(s));
      if (importer.AnyErrors()) return RowsHaveErrors();
      const std::vector<members::NewMember> rows = importer.ToInsert();
      JICENG_ASSIGN_OR_RETURN(report.inserted_ids, members_.InsertMembers(s, rows, by_user));
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
