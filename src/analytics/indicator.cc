#include "analytics/indicator.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "common/definitions.h"

namespace jiceng::analytics {
namespace {

namespace fs = std::filesystem;

Status DefError(std::string_view origin, const YAML::Mark& mark, const std::string& zh, const std::string& en) {
  std::string where(origin);
  if (mark.line >= 0) where += ":" + std::to_string(mark.line + 1);
  return Status::InvalidArgument("definitions", "指标定义 " + where + "：" + zh,
                                 "Indicator definition " + where + ": " + en);
}

bool IsIdentifier(std::string_view s, bool allow_dot) {
  if (s.empty() || s.size() > 64) return false;
  if (!(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (allow_dot && c == '.');
  });
}

// Columns the engine itself reads; a dimension may not reuse them.
bool IsReservedColumn(std::string_view s) { return s == "id" || s == "unit_id" || s == "period" || s == "value"; }

Result<Label> ParseLabel(std::string_view origin, const YAML::Node& node, std::string_view what) {
  auto error = [origin](const YAML::Mark& mark, const std::string& zh, const std::string& en) {
    return DefError(origin, mark, zh, en);
  };
  JICENG_ASSIGN_OR_RETURN(auto name, ReadBilingualName(node, what, what, error));
  return Label{std::move(name.zh), std::move(name.en)};
}

Status CheckKeys(std::string_view origin, const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                 std::string_view what_zh, std::string_view what_en) {
  return CheckDefinitionKeys(node, allowed, what_zh, what_en,
                             [origin](const YAML::Mark& mark, const std::string& zh, const std::string& en) {
                               return DefError(origin, mark, zh, en);
                             });
}

Result<IndicatorDef> ParseOne(std::string_view origin, const YAML::Node& node) {
  IndicatorDef def;
  def.origin = std::string(origin) + ":" + std::to_string(node.Mark().line + 1);
  static const std::set<std::string> kKeys = {"id", "title", "domain", "table", "select", "measure",
                                              "unit", "period", "dimensions", "also", "calendar", "ratio_of"};
  for (const auto& item : node) {
    const std::string key = item.first.as<std::string>();
    if (!kKeys.contains(key)) {
      return DefError(origin, item.first.Mark(), "未知的键 " + key + "。", "unknown key " + key + ".");
    }
  }
  for (const char* required : {"id", "title", "table", "select"}) {
    if (!node[required]) {
      return DefError(origin, node.Mark(), std::string("缺少 ") + required + "。",
                      std::string("missing ") + required + ".");
    }
  }
  def.id = node["id"].as<std::string>();
  if (!IsIdentifier(def.id, true)) {
    return DefError(origin, node["id"].Mark(), "id 只能由小写字母、数字、下划线和点组成。",
                    "id may hold lowercase letters, digits, '_' and '.' only.");
  }
  JICENG_ASSIGN_OR_RETURN(def.title, ParseLabel(origin, node["title"], "title"));
  def.domain = node["domain"] ? node["domain"].as<std::string>() : def.id.substr(0, def.id.find('.'));
  def.table = node["table"].as<std::string>();
  if (!IsIdentifier(def.table, false)) {
    return DefError(origin, node["table"].Mark(), "table 必须是一个表名。", "table must be a table name.");
  }
  def.select = node["select"].as<std::string>();
  const std::string measure = node["measure"] ? node["measure"].as<std::string>() : "count";
  if (measure == "count") {
    def.measure = Measure::kCount;
    def.value_unit = {"个", "items"};
  } else if (measure == "sum") {
    def.measure = Measure::kSum;
    def.value_unit = {"", ""};
  } else {
    return DefError(origin, node["measure"].Mark(), "measure 只能是 count 或 sum。", "measure must be count or sum.");
  }
  if (node["unit"]) {
    JICENG_ASSIGN_OR_RETURN(def.value_unit, ParseLabel(origin, node["unit"], "unit"));
  }
  if (node["period"]) {
    const std::string period = node["period"].as<std::string>();
    if (period != "month") {
      return DefError(origin, node["period"].Mark(),
                      "period 只能是 month（按月记录，可按月、季、年查询）。",
                      "period must be month (kept by month; asked by month, quarter or year).");
    }
    def.flow = true;
  }
  if (node["calendar"]) {
    if (node["calendar"].as<std::string>() != "day") {
      return DefError(origin, node["calendar"].Mark(),
                      "calendar 只能是 day（select 中的每个 ? 为当天日期，日期变化时重新计算）。",
                      "calendar must be day (every ? in select is today's date; recomputed when the date changes).");
    }
    def.calendar = true;
  } else if (def.select.find('?') != std::string::npos) {
    return DefError(origin, node["select"].Mark(), "select 中的 ? 只用于 calendar: day 的指标（当天日期）。",
                    "? in select is only for calendar: day indicators (today's date).");
  }
  if (node["ratio_of"]) def.ratio_of = node["ratio_of"].as<std::string>();
  if (const YAML::Node dims = node["dimensions"]) {
    if (!dims.IsSequence() || dims.size() > 4) {
      return DefError(origin, dims.Mark(), "dimensions 应为不超过 4 项的列表。",
                      "dimensions must be a list of at most 4.");
    }
    for (const auto& d : dims) {
      Dimension dim;
      JICENG_RETURN_IF_ERROR(CheckKeys(origin, d, {"id", "title", "values"}, "维度", "a dimension"));
      if (!d["id"]) return DefError(origin, d.Mark(), "维度缺少 id。", "a dimension needs an id.");
      dim.id = d["id"].as<std::string>();
      if (!IsIdentifier(dim.id, false) || IsReservedColumn(dim.id)) {
        return DefError(origin, d["id"].Mark(), "维度 id " + dim.id + " 无效或与 id/unit_id/period/value 重名。",
                        "dimension id " + dim.id + " is invalid or clashes with id/unit_id/period/value.");
      }
      if (def.FindDimension(dim.id)) {
        return DefError(origin, d.Mark(), "维度 " + dim.id + " 重复。", "dimension " + dim.id + " appears twice.");
      }
      JICENG_ASSIGN_OR_RETURN(dim.title, ParseLabel(origin, d["title"], "title"));
      if (const YAML::Node values = d["values"]) {
        if (!values.IsMap()) {
          return DefError(origin, values.Mark(), "values 应为 值: {zh, en} 的映射。", "values must map value: {zh, en}.");
        }
        for (const auto& v : values) {
          Label label;
          JICENG_ASSIGN_OR_RETURN(label, ParseLabel(origin, v.second, v.first.as<std::string>()));
          dim.values.emplace_back(v.first.as<std::string>(), std::move(label));
        }
      }
      def.dimensions.push_back(std::move(dim));
    }
  }
  if (const YAML::Node also = node["also"]) {
    for (const auto& a : also) {
      Dependency dep;
      JICENG_RETURN_IF_ERROR(CheckKeys(origin, a, {"table", "ids"}, "also 的一项", "an also entry"));
      if (!a["table"] || !a["ids"]) {
        return DefError(origin, a.Mark(), "also 的每项需要 table 和 ids。", "each also entry needs table and ids.");
      }
      dep.table = a["table"].as<std::string>();
      dep.ids_sql = a["ids"].as<std::string>();
      if (!IsIdentifier(dep.table, false) || std::count(dep.ids_sql.begin(), dep.ids_sql.end(), '?') < 1) {
        return DefError(origin, a.Mark(), "also.ids 必须是带 ? 参数（变更行的 id）的 SQL。",
                        "also.ids must be SQL with ? parameters (the changed row id).");
      }
      def.also.push_back(std::move(dep));
    }
  }
  return def;
}

}  // namespace

const Dimension* IndicatorDef::FindDimension(std::string_view dim) const {
  for (const Dimension& d : dimensions) {
    if (d.id == dim) return &d;
  }
  return nullptr;
}

Result<std::vector<IndicatorDef>> ParseIndicators(std::string_view yaml, std::string_view origin) {
  std::vector<IndicatorDef> defs;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    JICENG_RETURN_IF_ERROR(CheckKeys(origin, root, {"indicators"}, "文件", "the file"));
    const YAML::Node list = root["indicators"];
    if (!list || !list.IsSequence()) {
      return DefError(origin, root.Mark(), "需要 indicators: 列表。", "an indicators: list is needed.");
    }
    for (const auto& node : list) {
      IndicatorDef def;
      JICENG_ASSIGN_OR_RETURN(def, ParseOne(origin, node));
      defs.push_back(std::move(def));
    }
  } catch (const YAML::Exception& e) {
    return DefError(origin, e.mark, e.msg, e.msg);
  }
  return defs;
}

Result<std::vector<IndicatorDef>> LoadIndicatorDir(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  if (ec) {
    return Status::NotFound("无法读取指标目录 " + dir.string() + "：" + ec.message(),
                            "Cannot read the indicator folder " + dir.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  std::vector<IndicatorDef> all;
  std::map<std::string, std::string> seen;  // id -> origin
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<IndicatorDef> defs;
    JICENG_ASSIGN_OR_RETURN(defs, ParseIndicators(text.str(), "definitions/indicators/" + file.filename().string()));
    for (IndicatorDef& def : defs) {
      if (auto it = seen.find(def.id); it != seen.end()) {
        return Status::InvalidArgument("definitions",
                                       "指标定义 " + def.origin + "：指标 " + def.id + " 已在 " + it->second + " 定义。",
                                       "Indicator definition " + def.origin + ": indicator " + def.id +
                                           " is defined already at " + it->second + ".");
      }
      seen.emplace(def.id, def.origin);
      all.push_back(std::move(def));
    }
  }
  for (const IndicatorDef& def : all) {
    if (!def.ratio_of.empty() && !seen.contains(def.ratio_of)) {
      return Status::InvalidArgument("definitions",
                                     "指标定义 " + def.origin + "：ratio_of 指向不存在的指标 " + def.ratio_of + "。",
                                     "Indicator definition " + def.origin + ": ratio_of names no indicator (" +
                                         def.ratio_of + ").");
    }
  }
  return all;
}

Result<std::vector<IndicatorDef>> LoadIndicators() {
  fs::path dir;
  JICENG_ASSIGN_OR_RETURN(dir, FindDefinitionFile("indicators"));
  return LoadIndicatorDir(dir);
}

}  // namespace jiceng::analytics
