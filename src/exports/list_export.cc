#include "exports/list_export.h"

#include <map>
#include <set>

#include "io/csv/csv_writer.h"
#include "io/xlsx/xlsx_writer.h"
#include "people/personal_data.h"

namespace jiceng::exports {
namespace {

using io::Cell;
using io::Column;

Cell Text(const std::string& s) { return s.empty() ? Cell{} : Cell{s}; }
Cell Text(const std::optional<std::string>& s) { return s ? Text(*s) : Cell{}; }

std::string UnitName(const hierarchy::UnitTree& tree, std::uint64_t code) {
  auto u = tree.Find(code);
  return u ? u->name : "";
}

std::string_view GenderZh(std::string_view g) { return g == "male" ? "男" : g == "female" ? "女" : g; }

std::string_view SituationZh(std::string_view s) {
  if (s == "in_service") return "在职";
  if (s == "rural_labour") return "农村有劳动能力";
  if (s == "elderly_infirm") return "年老体弱";
  if (s == "migrant") return "外出流动";
  return s;
}

std::string_view OrgStatusZh(std::string_view s) {
  if (s == "active") return "正常";
  if (s == "dissolved") return "已撤销";
  if (s == "merged") return "已合并";
  return s;
}

Status TooMany(std::size_t total) {
  return Status::InvalidArgument("limit",
                                 "共 " + std::to_string(total) + " 条，超过一次导出的上限 " + std::to_string(kMaxExportRows) +
                                     " 条：请缩小范围（按单位或组织）分批导出。",
                                 std::to_string(total) + " rows exceed the export limit of " +
                                     std::to_string(kMaxExportRows) + ": narrow the filter (by unit or organization).");
}

}  // namespace

Result<io::Table> MembersTable(members::MemberService& members, orgs::OrgService& orgs, const hierarchy::UnitTree& tree,
                               members::MemberFilter filter, const imports::ProgressFn& progress) {
  filter.offset = 0;
  filter.limit = kMaxExportRows;
  JICENG_ASSIGN_OR_RETURN(auto page, members.List(filter));
  if (page.second > kMaxExportRows) return TooMany(page.second);
  std::set<std::int64_t> org_ids;
  for (const auto& m : page.first) org_ids.insert(m.org_id);
  JICENG_ASSIGN_OR_RETURN(auto org_names, orgs.NamesOf(std::vector<std::int64_t>(org_ids.begin(), org_ids.end())));
  io::Table t;
  t.sheet_name = "党员名册";
  t.columns = {{"姓名", Column::Kind::kText, 10},          {"性别", Column::Kind::kText, 6},
               {"出生日期", Column::Kind::kDate, 12},      {"手机号", Column::Kind::kText, 14},
               {"身份证号", Column::Kind::kText, 20},      {"所属组织", Column::Kind::kText, 30},
               {"组织编号", Column::Kind::kInteger, 10},   {"组织所在单位代码", Column::Kind::kText, 14},
               {"所在单位", Column::Kind::kText, 14},      {"状态", Column::Kind::kText, 10},
               {"入党日期", Column::Kind::kDate, 12},      {"分类", Column::Kind::kText, 14}};
  t.rows.reserve(page.first.size());
  for (const members::Member& m : page.first) {
    const members::Stage* stage = members.rules().FindStage(m.stage);
    t.rows.push_back({Text(m.name), Text(std::string(GenderZh(m.gender))), Text(m.birth_date), Text(m.phone),
                      m.id_number ? Text(people::MaskIdNumber(*m.id_number)) : Cell{},
                      Text(org_names.count(m.org_id) ? org_names.at(m.org_id) : std::string()), Cell{m.org_id},
                      Text(std::to_string(m.unit_code)), Text(UnitName(tree, m.unit_code)),
                      Text(stage ? stage->name_zh : m.stage), Text(m.stage_since),
                      Text(std::string(SituationZh(m.situation)))});
    if (progress && t.rows.size() % imports::kProgressEvery == 0) progress(t.rows.size(), page.first.size());
  }
  if (progress) progress(t.rows.size(), t.rows.size());
  return t;
}

Result<io::Table> OrgsTable(orgs::OrgService& orgs, const hierarchy::UnitTree& tree, orgs::OrgFilter filter,
                            const imports::ProgressFn& progress) {
  filter.offset = 0;
  filter.limit = kMaxExportRows;
  JICENG_ASSIGN_OR_RETURN(auto page, orgs.List(filter));
  if (page.second > kMaxExportRows) return TooMany(page.second);
  std::map<std::int64_t, std::string> names;
  for (const auto& o : page.first) names[o.id] = o.name;
  std::vector<std::int64_t> missing;
  for (const auto& o : page.first) {
    if (o.parent_id && !names.count(*o.parent_id)) missing.push_back(*o.parent_id);
  }
  JICENG_ASSIGN_OR_RETURN(auto parents, orgs.NamesOf(missing));
  names.insert(parents.begin(), parents.end());
  io::Table t;
  t.sheet_name = "党组织";
  t.columns = {{"组织编号", Column::Kind::kInteger, 10}, {"组织名称", Column::Kind::kText, 30},
               {"组织类型", Column::Kind::kText, 12},    {"所在单位代码", Column::Kind::kText, 14},
               {"所在单位", Column::Kind::kText, 14},    {"上级组织", Column::Kind::kText, 30},
               {"成立日期", Column::Kind::kDate, 12},    {"党员人数", Column::Kind::kInteger, 10},
               {"状态", Column::Kind::kText, 8},         {"成立原因", Column::Kind::kText, 20},
               {"开始日期", Column::Kind::kDate, 12},    {"结束日期", Column::Kind::kDate, 12}};
  for (const orgs::Organization& o : page.first) {
    t.rows.push_back({Cell{o.id}, Text(o.name), Text(std::string(orgs::OrgKindZh(o.kind))),
                      Text(std::to_string(o.unit_code)), Text(UnitName(tree, o.unit_code)),
                      o.parent_id && names.count(*o.parent_id) ? Text(names.at(*o.parent_id)) : Cell{},
                      Text(o.established_on), Cell{o.member_count}, Text(std::string(OrgStatusZh(o.status))),
                      Text(o.temp_reason), Text(o.starts_on), Text(o.ends_on)});
    if (progress && t.rows.size() % imports::kProgressEvery == 0) progress(t.rows.size(), page.first.size());
  }
  if (progress) progress(t.rows.size(), t.rows.size());
  return t;
}

Result<io::Table> DuesTable(members::DuesService& dues, const orgs::Organization& org, int year) {
  JICENG_ASSIGN_OR_RETURN(auto rows, dues.OrgYear(org.id, year));
  io::Table t;
  t.sheet_name = std::to_string(year) + "年党费";
  t.columns = {{"姓名", Column::Kind::kText, 10},           {"党员编号", Column::Kind::kInteger, 10},
               {"应缴（元）", Column::Kind::kMoneyFen, 12}, {"已缴（元）", Column::Kind::kMoneyFen, 12},
               {"欠缴（元）", Column::Kind::kMoneyFen, 12}, {"欠缴月数", Column::Kind::kInteger, 10},
               {"所属组织", Column::Kind::kText, 30}};
  for (const members::DuesSummary& r : rows) {
    t.rows.push_back({Text(r.member_name), Cell{r.member_id}, Cell{r.due_fen}, Cell{r.paid_fen}, Cell{r.arrears_fen},
                      Cell{std::int64_t{r.months_in_arrears}}, Text(org.name)});
  }
  return t;
}

Status CheckFormat(std::string_view format) {
  if (format == "xlsx" || format == "csv") return Status::Ok();
  return Status::InvalidArgument("format", "format 应为 xlsx 或 csv。", "format must be xlsx or csv.");
}

Result<RenderedFile> Render(const io::Table& table, std::string_view format) {
  JICENG_RETURN_IF_ERROR(CheckFormat(format));
  RenderedFile out;
  if (format == "xlsx") {
    JICENG_ASSIGN_OR_RETURN(out.bytes, io::WriteXlsx(table));
    out.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    out.extension = ".xlsx";
  } else {
    out.bytes = io::WriteCsv(table);
    out.content_type = "text/csv; charset=utf-8";
    out.extension = ".csv";
  }
  return out;
}

}  // namespace jiceng::exports
