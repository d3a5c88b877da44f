#include "api/handlers/figures_handler.h"

#include <chrono>

#include "api/handlers/file_reply.h"
#include "api/handlers/units_handler.h"
#include "hierarchy/unit.h"

namespace jiceng::api {
namespace {

using analytics::MonthCode;
using analytics::RollupEngine;
using hierarchy::Level;
using hierarchy::UnitView;

constexpr std::size_t kMaxIndicatorsPerRequest = 20;
constexpr std::size_t kMaxRows = 5000;    // a breakdown page; all 2,978 counties fit
constexpr int kMaxTrendPoints = 240;      // 20 years of months

const std::string& Pick(Lang lang, const analytics::Label& label) { return lang == Lang::kZh ? label.zh : label.en; }

// The unit a request names (`unit`, a code), or the nation when absent/"0".
struct Place {
  std::optional<UnitView> unit;  // nullopt: the whole country
  std::int64_t id() const { return unit ? unit->id : analytics::kNation; }
  Level level() const { return unit ? unit->level : static_cast<Level>(0); }
};

Result<Place> ReadPlace(const ApiRequest& req, const FiguresDeps& d) {
  auto text = req.QueryText("unit");
  if (!text || text->empty() || *text == "0") return Place{};
  JICENG_ASSIGN_OR_RETURN(auto code, hierarchy::ParseUnitCode(*text, "unit"));
  auto unit = d.hierarchy.tree().Find(code);
  if (!unit) {
    return Status::NotFound("单位 " + *text + " 不存在。", "Unit " + *text + " does not exist.", "unit");
  }
  return Place{*unit};
}

// In scope, or a county or above: see the file comment.
bool MaySee(const FiguresDeps& d, const accounts::Scope& scope, std::optional<std::uint64_t> code, Level level) {
  if (scope.Contains(d.access.tree(), code)) return true;
  return !code || static_cast<int>(level) <= static_cast<int>(Level::kCounty);
}

Status Hidden() {
  return Status::Error(ErrorCode::kPermissionDenied,
                       "只能查看本辖区内各级及县级以上单位的统计数字。",
                       "You can see figures inside your area, and those of counties and above elsewhere.", "unit");
}

const analytics::IndicatorDef* FindIndicator(const FiguresDeps& d, const std::string& id) { return d.engine.Find(id); }

Status UnknownIndicator(const std::string& id) {
  return Status::NotFound("没有名为 " + id + " 的指标；可用的指标见 /api/v1/indicators。",
                          "There is no indicator named " + id + "; see /api/v1/indicators for the list.",
                          "indicator");
}

// period: absent or "all" (all time), "2025", "2025Q3", "2025-07"; or from=/to= months.
struct Period {
  std::optional<std::pair<MonthCode, MonthCode>> months;
  std::string label = "all";
};

Status BadPeriod(std::string_view field) {
  return Status::InvalidArgument(std::string(field), "时期格式应为 2025、2025Q3 或 2025-07（或 all 表示全部）。",
                                 "A period looks like 2025, 2025Q3 or 2025-07 (or all).");
}

Result<std::pair<MonthCode, MonthCode>> ParsePeriod(std::string_view text, std::string_view field) {
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (text.size() == 4 && digits(text)) {
    const int year = std::stoi(std::string(text));
    if (year < 1900 || year > 2200) return BadPeriod(field);
    return std::pair{year * 12, year * 12 + 11};
  }
  if (text.size() == 6 && digits(text.substr(0, 4)) && (text[4] == 'Q' || text[4] == 'q') && text[5] >= '1' &&
      text[5] <= '4') {
    const int year = std::stoi(std::string(text.substr(0, 4)));
    if (year < 1900 || year > 2200) return BadPeriod(field);
    const int q = text[5] - '1';
    return std::pair{year * 12 + q * 3, year * 12 + q * 3 + 2};
  }
  if (text.size() == 7) {
    if (auto m = analytics::ParseMonth(text)) return std::pair{*m, *m};
  }
  return BadPeriod(field);
}

Result<Period> ReadPeriod(const ApiRequest& req) {
  Period p;
  auto period = req.QueryText("period");
  if (period && !period->empty() && *period != "all") {
    JICENG_ASSIGN_OR_RETURN(p.months, ParsePeriod(*period, "period"));
    p.label = *period;
  }
  return p;
}

// where=dim:value,dim:value
Result<std::vector<std::pair<std::string, std::string>>> ReadWhere(const ApiRequest& req) {
  std::vector<std::pair<std::string, std::string>> out;
  auto text = req.QueryText("where");
  if (!text || text->empty()) return out;
  std::size_t start = 0;
  while (start <= text->size()) {
    const std::size_t end = std::min(text->find(',', start), text->size());
    const std::string part = text->substr(start, end - start);
    const std::size_t colon = part.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == part.size()) {
      return Status::InvalidArgument("where", "where 的格式为 维度:值，多个用逗号分隔，如 stage:full。",
                                     "where is dimension:value, comma-separated, e.g. stage:full.");
    }
    out.emplace_back(part.substr(0, colon), part.substr(colon + 1));
    if (out.size() > 4) {
      return Status::InvalidArgument("where", "where 最多 4 个条件。", "where takes at most 4 conditions.");
    }
    start = end + 1;
  }
  return out;
}

nlohmann::json PlaceJson(const Place& place, const FiguresDeps& d) {
  if (!place.unit) return {{"code", "0"}, {"name", "全国"}, {"display_name", "全国"}, {"level", "nation"}, {"level_zh", "全国"}};
  return UnitJson(*place.unit, d.hierarchy.tree());
}

nlohmann::json FigureJson(const analytics::IndicatorDef& def, const RollupEngine::Figure& f, const std::string& by,
                          Lang lang) {
  nlohmann::json j = {{"total", f.total}};
  if (!by.empty()) {
    const analytics::Dimension* dim = def.FindDimension(by);
    nlohmann::json parts = nlohmann::json::array();
    for (const auto& [value, figure] : f.by) {
      std::string label = value.empty() ? (lang == Lang::kZh ? "未填" : "not given") : value;
      for (const auto& [v, l] : dim->values) {
        if (v == value) label = Pick(lang, l);
      }
      parts.push_back({{"value", value}, {"label", label}, {"figure", figure}});
    }
    j["by"] = std::move(parts);
  }
  return j;
}

nlohmann::json AsOfJson(const RollupEngine& engine) {
  const auto as_of = engine.as_of();
  return {{"change", as_of.change}, {"applied_at", as_of.at}};
}

nlohmann::json Computed(std::size_t units, std::chrono::steady_clock::time_point start) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  return {{"method", "in-memory roll-up: one read per unit and series of the subtree totals kept live"},
          {"method_zh", "内存实时汇总：每个单位的下级合计随每次写入更新，查询时逐单位直接读取"},
          {"units", units},
          {"micros", micros}};
}

nlohmann::json IndicatorJson(const analytics::IndicatorDef& def, Lang lang) {
  nlohmann::json dims = nlohmann::json::array();
  for (const auto& dim : def.dimensions) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& [v, l] : dim.values) values.push_back({{"value", v}, {"label", Pick(lang, l)}});
    dims.push_back({{"id", dim.id}, {"title", Pick(lang, dim.title)}, {"values", std::move(values)}});
  }
  return {{"id", def.id},
          {"title", Pick(lang, def.title)},
          {"domain", def.domain},
          {"measure", def.measure == analytics::Measure::kSum ? "sum" : "count"},
          {"unit", Pick(lang, def.value_unit)},
          {"kind", def.flow ? "flow" : "stock"},
          {"calendar", def.calendar},
          {"ratio_of", def.ratio_of.empty() ? nlohmann::json(nullptr) : nlohmann::json(def.ratio_of)},
          {"dimensions", std::move(dims)}};
}

Result<Reply> ListIndicators(const ApiRequest& req, const FiguresDeps& d) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& def : d.engine.indicators()) items.push_back(IndicatorJson(def, req.lang));
  return Reply{200, {{"items", std::move(items)}}};
}

// --- tables to download (?format=xlsx|csv) -------------------------------------------------
// One row per unit or period. One indicator with `by`: a column per value of
// the dimension, then the total; several indicators: a column per indicator
// (its total). Money (indicators summing fen) in yuan with two decimals, as
// every export.

bool IsMoney(const analytics::IndicatorDef& def) {
  return def.measure == analytics::Measure::kSum && def.value_unit.en == "fen";
}

void AddIndicatorColumns(io::Table& table, const analytics::IndicatorDef& def, const std::string& by, bool alone,
                         Lang lang) {
  const bool zh = lang == Lang::kZh;
  const io::Column::Kind kind = IsMoney(def) ? io::Column::Kind::kMoneyFen : io::Column::Kind::kInteger;
  const std::string unit = IsMoney(def) ? (zh ? "元" : "yuan") : Pick(lang, def.value_unit);
  if (alone && !by.empty()) {
    for (const auto& [value, label] : def.FindDimension(by)->values) table.columns.push_back({Pick(lang, label), kind, 14});
    table.columns.push_back({(zh ? "合计（" : "Total (") + unit + (zh ? "）" : ")"), kind, 16});
    return;
  }
  table.columns.push_back({Pick(lang, def.title) + (zh ? "（" : " (") + unit + (zh ? "）" : ")"), kind, 16});
}

// The cells AddIndicatorColumns announced, from one figure.
void AddIndicatorCells(std::vector<io::Cell>& row, const analytics::IndicatorDef& def, const RollupEngine::Figure& f,
                       const std::string& by, bool alone) {
  if (alone && !by.empty()) {
    for (const auto& [value, label] : def.FindDimension(by)->values) {
      std::int64_t n = 0;
      for (const auto& [v, figure] : f.by) {
        if (v == value) n = figure;
      }
      row.emplace_back(n);
    }
  }
  row.emplace_back(f.total);
}

// A sheet name: at most 31 characters, none of []:*?/\.
std::string SheetName(const std::string& title, const std::string& fallback) {
  std::string sheet;
  for (char c : title) {
    if (std::string_view("[]:*?/\\").find(c) == std::string_view::npos) sheet += c;
  }
  if (sheet.empty() || sheet.size() > 31) sheet = fallback.substr(0, 31);
  return sheet;
}

// Common parameters of the three figure endpoints.
struct Ask {
  Place place;
  Period period;
  RollupEngine::Selection selection;
  accounts::Scope scope;
};

Result<Ask> ReadAsk(const ApiRequest& req, const FiguresDeps& d) {
  Ask a;
  JICENG_ASSIGN_OR_RETURN(a.place, ReadPlace(req, d));
  JICENG_ASSIGN_OR_RETURN(a.period, ReadPeriod(req));
  JICENG_ASSIGN_OR_RETURN(a.selection.where, ReadWhere(req));
  a.selection.months = a.period.months;
  a.selection.by = req.QueryText("by").value_or("");
  a.scope = d.access.ScopeOf(*req.principal, "figures.read");
  std::optional<std::uint64_t> code;
  if (a.place.unit) code = std::stoull(a.place.unit->code);
  if (!MaySee(d, a.scope, code, a.place.level())) return Hidden();
  return a;
}

// GET /api/v1/figures?unit=&indicator=a,b&period=&by=&where=
Result<Reply> GetFigures(const ApiRequest& req, const FiguresDeps& d) {
  const auto start = std::chrono::steady_clock::now();
  JICENG_ASSIGN_OR_RETURN(auto ask, ReadAsk(req, d));
  std::vector<std::string> ids;
  const std::string list = req.QueryText("indicator").value_or("");
  if (list.empty()) {
    for (const auto& def : d.engine.indicators()) ids.push_back(def.id);
  } else {
    for (std::size_t s = 0; s <= list.size();) {
      const std::size_t e = std::min(list.find(',', s), list.size());
      ids.push_back(list.substr(s, e - s));
      s = e + 1;
    }
  }
  if (ids.size() > kMaxIndicatorsPerRequest && !list.empty()) {
    return Status::InvalidArgument("indicator", "一次最多查询 20 个指标。", "Ask for at most 20 indicators at once.");
  }
  nlohmann::json figures = nlohmann::json::array();
  const std::int64_t unit[] = {ask.place.id()};
  for (const std::string& id : ids) {
    const auto* def = FindIndicator(d, id);
    if (!def) return UnknownIndicator(id);
    RollupEngine::Selection sel = ask.selection;
    // Asked for several indicators, `by` and `where` apply where the dimension exists; for one, strictly.
    if (ids.size() > 1) {
      if (!sel.by.empty() && !def->FindDimension(sel.by)) sel.by.clear();
      std::erase_if(sel.where, [&](const auto& w) { return !def->FindDimension(w.first); });
    }
    JICENG_ASSIGN_OR_RETURN(auto out, d.engine.Figures(id, unit, sel));
    nlohmann::json j = FigureJson(*def, out[0], sel.by, req.lang);
    j["indicator"] = def->id;
    j["title"] = Pick(req.lang, def->title);
    j["unit"] = Pick(req.lang, def->value_unit);
    j["measure"] = def->measure == analytics::Measure::kSum ? "sum" : "count";
    j["kind"] = def->flow ? "flow" : "stock";
    j["period"] = def->flow ? ask.period.label : "current";
    figures.push_back(std::move(j));
  }
  return Reply{200,
               {{"place", PlaceJson(ask.place, d)},
                {"figures", std::move(figures)},
                {"as_of", AsOfJson(d.engine)},
                {"computed", Computed(1, start)}}};
}

Result<Level> ReadLevel(const ApiRequest& req, const Place& place) {
  const std::string text = req.QueryText("level").value_or("children");
  const int here = place.unit ? static_cast<int>(place.unit->level) : 0;
  if (text == "children") {
    if (here >= static_cast<int>(Level::kGroup)) {
      return Status::InvalidArgument("level", "村民小组没有下级。", "A villager group has no units below it.");
    }
    return static_cast<Level>(here + 1);
  }
  for (int l = static_cast<int>(Level::kProvince); l <= static_cast<int>(Level::kGroup); ++l) {
    if (hierarchy::LevelName(static_cast<Level>(l)) == text) {
      if (l <= here) {
        return Status::InvalidArgument("level", "level 须低于所查单位的层级。", "level must be below the unit's own level.");
      }
      return static_cast<Level>(l);
    }
  }
  return Status::InvalidArgument("level", "level 应为 children、province、prefecture、county、township、village 或 group。",
                                 "level must be children, province, prefecture, county, township, village or group.");
}

// The units a breakdown lists: a page of the level asked for, those the caller may see.
struct Rows {
  Level level;
  hierarchy::UnitPage page;
  std::vector<const UnitView*> visible;
  std::vector<std::int64_t> ids;  // the place first, then `visible`
};

Result<Rows> ReadRows(const ApiRequest& req, const FiguresDeps& d, const Ask& ask) {
  Rows rows;
  JICENG_ASSIGN_OR_RETURN(rows.level, ReadLevel(req, ask.place));
  JICENG_ASSIGN_OR_RETURN(auto offset, req.QueryUint("offset", 0, 0, 10'000'000));
  JICENG_ASSIGN_OR_RETURN(auto limit, req.QueryUint("limit", kMaxRows, 1, kMaxRows));
  std::optional<std::uint64_t> root;
  if (ask.place.unit) root = std::stoull(ask.place.unit->code);
  rows.page = d.hierarchy.tree().UnitsAt(root, rows.level, offset, limit);
  rows.ids.push_back(ask.place.id());
  for (const UnitView& u : rows.page.items) {
    if (!MaySee(d, ask.scope, std::stoull(u.code), u.level)) continue;
    rows.visible.push_back(&u);
    rows.ids.push_back(u.id);
  }
  return rows;
}

// The breakdown as a file: `indicator` may list several (the dashboard's
// table of a domain), each a column; the place itself is the first row.
Result<Reply> BreakdownFile(const ApiRequest& req, const FiguresDeps& d, const Ask& ask) {
  std::vector<const analytics::IndicatorDef*> defs;
  const std::string list = req.QueryText("indicator").value_or("");
  for (std::size_t s = 0; s <= list.size();) {
    const std::size_t e = std::min(list.find(',', s), list.size());
    const std::string id = list.substr(s, e - s);
    const auto* def = FindIndicator(d, id);
    if (!def) return UnknownIndicator(id);
    defs.push_back(def);
    s = e + 1;
  }
  if (defs.size() > kMaxIndicatorsPerRequest) {
    return Status::InvalidArgument("indicator", "一次最多导出 20 个指标。", "Export at most 20 indicators at once.");
  }
  JICENG_ASSIGN_OR_RETURN(auto rows, ReadRows(req, d, ask));
  const bool zh = req.lang == Lang::kZh;
  const bool alone = defs.size() == 1;
  io::Table table;
  table.columns = {{zh ? "单位代码" : "Code", io::Column::Kind::kText, 16}, {zh ? "单位" : "Unit", io::Column::Kind::kText, 24}};
  std::vector<std::vector<io::Cell>> cells(rows.ids.size());
  cells[0] = {ask.place.unit ? ask.place.unit->code : std::string("0"),
              PlaceJson(ask.place, d)["display_name"].get<std::string>()};
  for (std::size_t i = 0; i < rows.visible.size(); ++i) cells[i + 1] = {rows.visible[i]->code, rows.visible[i]->name};
  for (const auto* def : defs) {
    RollupEngine::Selection sel = ask.selection;
    // As for several figures at once: `by` and `where` apply where the dimension exists.
    if (!alone) {
      sel.by.clear();
      std::erase_if(sel.where, [&](const auto& w) { return !def->FindDimension(w.first); });
    }
    JICENG_ASSIGN_OR_RETURN(auto out, d.engine.Figures(def->id, rows.ids, sel));
    AddIndicatorColumns(table, *def, sel.by, alone, req.lang);
    for (std::size_t i = 0; i < out.size(); ++i) AddIndicatorCells(cells[i], *def, out[i], sel.by, alone);
  }
  table.rows = std::move(cells);
  table.sheet_name = SheetName(alone ? Pick(req.lang, defs[0]->title) : (zh ? "统计" : "Figures"), "figures");
  const std::string place = PlaceJson(ask.place, d)["name"].get<std::string>();
  const std::string what = alone ? defs[0]->title.zh : "统计";
  return FileReply(req, table, "figures-" + std::string(alone ? defs[0]->id : "table") + "-breakdown",
                   place + "-" + what + "-" + std::string(hierarchy::LevelName(rows.level)) + "-" + ask.period.label,
                   d.clock.Today());
}

// GET /api/v1/figures/breakdown?unit=&indicator=&level=children|county|...&period=&by=&where=&offset=&limit=
//   &format=json|xlsx|csv
Result<Reply> GetBreakdown(const ApiRequest& req, const FiguresDeps& d) {
  const auto start = std::chrono::steady_clock::now();
  JICENG_ASSIGN_OR_RETURN(auto ask, ReadAsk(req, d));
  if (auto format = req.QueryText("format"); format && *format != "json") return BreakdownFile(req, d, ask);
  const std::string id = req.QueryText("indicator").value_or("");
  const auto* def = FindIndicator(d, id);
  if (!def) return UnknownIndicator(id);
  JICENG_ASSIGN_OR_RETURN(auto below, ReadRows(req, d, ask));
  const Level level = below.level;
  const auto& page = below.page;
  const auto& visible = below.visible;
  const auto& ids = below.ids;
  JICENG_ASSIGN_OR_RETURN(auto out, d.engine.Figures(id, ids, ask.selection));
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < visible.size(); ++i) {
    nlohmann::json j = FigureJson(*def, out[i + 1], ask.selection.by, req.lang);
    j["code"] = visible[i]->code;
    j["name"] = visible[i]->name;
    j["level"] = hierarchy::LevelName(visible[i]->level);
    j["child_count"] = visible[i]->child_count;
    rows.push_back(std::move(j));
  }
  nlohmann::json whole = FigureJson(*def, out[0], ask.selection.by, req.lang);
  return Reply{200,
               {{"place", PlaceJson(ask.place, d)},
                {"indicator", def->id},
                {"title", Pick(req.lang, def->title)},
                {"unit", Pick(req.lang, def->value_unit)},
                {"period", def->flow ? ask.period.label : "current"},
                {"level", hierarchy::LevelName(level)},
                {"whole", std::move(whole)},
                {"rows", std::move(rows)},
                {"total_rows", page.total},
                {"hidden_rows", page.items.size() - visible.size()},
                {"as_of", AsOfJson(d.engine)},
                {"computed", Computed(ids.size(), start)}}};
}

// GET /api/v1/figures/trend?unit=&indicator=&from=2025-01&to=2025-12&step=month|quarter|year&by=&where=
//   &format=json|xlsx|csv
Result<Reply> GetTrend(const ApiRequest& req, const FiguresDeps& d) {
  const auto start = std::chrono::steady_clock::now();
  JICENG_ASSIGN_OR_RETURN(auto ask, ReadAsk(req, d));
  const std::string id = req.QueryText("indicator").value_or("");
  const auto* def = FindIndicator(d, id);
  if (!def) return UnknownIndicator(id);
  if (!def->flow) {
    return Status::InvalidArgument("indicator", "指标 " + id + " 是时点数，没有按时期的趋势；请选择按月记录的指标。",
                                   "Indicator " + id + " is a current count with no trend; choose one kept by month.");
  }
  const std::string step = req.QueryText("step").value_or("month");
  const int months_per = step == "month" ? 1 : step == "quarter" ? 3 : step == "year" ? 12 : 0;
  if (months_per == 0) {
    return Status::InvalidArgument("step", "step 应为 month、quarter 或 year。", "step must be month, quarter or year.");
  }
  auto from_text = req.QueryText("from");
  auto to_text = req.QueryText("to");
  if (!from_text || !to_text) {
    return Status::InvalidArgument(from_text ? "to" : "from", "请给出 from 和 to，如 from=2025-01&to=2025-12。",
                                   "Give from and to, e.g. from=2025-01&to=2025-12.");
  }
  JICENG_ASSIGN_OR_RETURN(auto from, ParsePeriod(*from_text, "from"));
  JICENG_ASSIGN_OR_RETURN(auto to, ParsePeriod(*to_text, "to"));
  MonthCode first = from.first - from.first % months_per;
  const MonthCode last = to.second;
  if (last < first) return Status::InvalidArgument("to", "to 不能早于 from。", "to must not be before from.");
  if ((last - first) / months_per + 1 > kMaxTrendPoints) {
    return Status::InvalidArgument("from", "趋势最多 240 个点；请缩短时间段或按季、按年。",
                                   "A trend has at most 240 points; shorten the span or step by quarter or year.");
  }
  const std::int64_t unit[] = {ask.place.id()};
  nlohmann::json points = nlohmann::json::array();
  const auto format = req.QueryText("format");
  const bool file = format && *format != "json";
  io::Table table;
  if (file) {
    table.columns = {{req.lang == Lang::kZh ? "时期" : "Period", io::Column::Kind::kText, 12}};
    AddIndicatorColumns(table, *def, ask.selection.by, true, req.lang);
  }
  for (MonthCode m = first; m <= last; m += months_per) {
    RollupEngine::Selection sel = ask.selection;
    sel.months = std::pair{m, m + months_per - 1};
    JICENG_ASSIGN_OR_RETURN(auto out, d.engine.Figures(id, unit, sel));
    const int year = m / 12;
    const std::string period = months_per == 12  ? std::to_string(year)
                               : months_per == 3 ? std::to_string(year) + "Q" + std::to_string(m % 12 / 3 + 1)
                                                 : analytics::FormatMonth(m);
    if (file) {
      std::vector<io::Cell> row = {period};
      AddIndicatorCells(row, *def, out[0], sel.by, true);
      table.rows.push_back(std::move(row));
      continue;
    }
    nlohmann::json j = FigureJson(*def, out[0], sel.by, req.lang);
    j["period"] = period;
    points.push_back(std::move(j));
  }
  if (file) {
    table.sheet_name = SheetName(Pick(req.lang, def->title), def->id);
    const std::string place = PlaceJson(ask.place, d)["name"].get<std::string>();
    return FileReply(req, table, "figures-" + def->id + "-trend",
                     place + "-" + def->title.zh + "-" + *from_text + "-" + *to_text, d.clock.Today());
  }
  return Reply{200,
               {{"place", PlaceJson(ask.place, d)},
                {"indicator", def->id},
                {"title", Pick(req.lang, def->title)},
                {"unit", Pick(req.lang, def->value_unit)},
                {"step", step},
                {"points", std::move(points)},
                {"as_of", AsOfJson(d.engine)},
                {"computed", Computed(1, start)}}};
}

}  // namespace

void AddFigureRoutes(RouteTable& routes, const FiguresDeps& deps) {
  const FiguresDeps* d = &deps;
  routes.push_back({"GET", "/api/v1/indicators", [d](const ApiRequest& r) { return ListIndicators(r, *d); },
                    "figures.read", {}, "figures.indicators"});
  routes.push_back({"GET", "/api/v1/figures", [d](const ApiRequest& r) { return GetFigures(r, *d); }, "figures.read",
                    {}, "figures.read"});
  routes.push_back({"GET", "/api/v1/figures/breakdown", [d](const ApiRequest& r) { return GetBreakdown(r, *d); },
                    "figures.read", {}, "figures.breakdown"});
  routes.push_back({"GET", "/api/v1/figures/trend", [d](const ApiRequest& r) { return GetTrend(r, *d); },
                    "figures.read", {}, "figures.trend"});
}

}  // namespace jiceng::api
