#include "analytics/rollup_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "common/clock.h"
#include "db/sql_filters.h"

namespace jiceng::analytics {
namespace {

constexpr std::size_t kReadChunk = 500;   // ids per `IN (...)` re-read
constexpr int kMaxDepth = 8;              // nation + 6 levels, with room

std::vector<int> OwnColumns(const IndicatorDef& def) {
  std::vector<int> cols(2 + (def.flow ? 1 : 0) + (def.measure == Measure::kSum ? 1 : 0) + def.dimensions.size());
  for (std::size_t k = 0; k < cols.size(); ++k) cols[k] = static_cast<int>(k);
  return cols;
}



// A select the engine can merge with others on the same table into one scan:
// `SELECT <item>, ... FROM <table> [WHERE <condition>]` with every item a
// column name or `<expression> AS <name>`, and no join, grouping, ordering,
// subquery or parameter. Anything else is read with its own scan.
struct SimpleSelect {
  std::string table;
  std::string where;                         // empty: every row
  std::map<std::string, std::string> items;  // output name (lower case) -> expression
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool IsIdentifier(std::string_view text) {
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::optional<SimpleSelect> ParseSimpleSelect(std::string_view sql) {
  sql = Trim(sql);
  // Words and commas outside parentheses and quotes, with their positions.
  struct Token {
    std::string word;  // upper case; "," for a comma
    std::size_t begin, end;
  };
  std::vector<Token> top;
  int depth = 0;
  int selects = 0;
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const std::size_t close = sql.find(c, i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      i = close + 1;
    } else if (c == '(') {
      ++depth, ++i;
    } else if (c == ')') {
      if (--depth < 0) return std::nullopt;
      ++i;
    } else if (c == '?' || c == ';' || c == '-' || c == '/') {
      return std::nullopt;  // parameters, several statements, comments or arithmetic we do not reason about
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i;
      while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_' || sql[j] == '.')) ++j;
      std::string word(sql.substr(i, j - i));
      for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (word == "SELECT") ++selects;
      if (depth == 0) top.push_back({word, i, j});
      i = j;
    } else if (c == ',' && depth == 0) {
      top.push_back({",", i, i + 1});
      ++i;
    } else {
      ++i;
    }
  }
  if (depth != 0 || selects != 1 || top.empty() || top[0].word != "SELECT") return std::nullopt;
  static const char* kRefused[] = {"JOIN",   "GROUP",     "ORDER",  "UNION",  "LIMIT",  "HAVING", "DISTINCT",
                                   "WINDOW", "INTERSECT", "EXCEPT", "OFFSET", "ALL",    "NATURAL"};
  std::size_t from = 0;
  for (std::size_t k = 0; k < top.size(); ++k) {
    for (const char* refused : kRefused) {
      if (top[k].word == refused) return std::nullopt;
    }
    if (top[k].word == "FROM") {
      if (from) return std::nullopt;
      from = k;
    }
  }
  // FROM <table> then nothing, or WHERE <condition>.
  if (!from || from + 1 >= top.size()) return std::nullopt;
  SimpleSelect out;
  out.table = std::string(sql.substr(top[from + 1].begin, top[from + 1].end - top[from + 1].begin));
  if (!IsIdentifier(out.table)) return std::nullopt;
  if (from + 2 < top.size()) {
    if (top[from + 2].word != "WHERE" || from + 3 >= top.size()) return std::nullopt;
    out.where = std::string(Trim(sql.substr(top[from + 2].end)));
  } else if (!Trim(sql.substr(top[from + 1].end)).empty()) {
    return std::nullopt;  // an alias or anything else after the table
  }
  // The items between SELECT and FROM, split at the top-level commas.
  std::size_t item_begin = top[0].end;
  for (std::size_t k = 1; k <= from; ++k) {
    if (top[k].word != "," && k != from) continue;
    // Whitespace (newlines too) as single spaces, so that " AS " is found.
    std::string item;
    for (char ch : Trim(sql.substr(item_begin, top[k].begin - item_begin))) {
      const bool space = std::isspace(static_cast<unsigned char>(ch));
      if (!space || (!item.empty() && item.back() != ' ')) item += space ? ' ' : ch;
    }
    item_begin = top[k].end;
    std::string name;
    std::string expression;
    const std::string upper = [&] {
      std::string u = item;
      for (char& ch : u) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return u;
    }();
    // `<expression> AS <name>`, the name being the item's last word.
    const std::size_t as = upper.rfind(" AS ");
    if (as != std::string::npos && IsIdentifier(Trim(std::string_view(item).substr(as + 4)))) {
      name = Lower(Trim(std::string_view(item).substr(as + 4)));
      expression = std::string(Trim(std::string_view(item).substr(0, as)));
    } else if (IsIdentifier(item)) {
      name = Lower(item);
      expression = item;
    } else {
      return std::nullopt;
    }
    // No function calls in items: an aggregate (COUNT(*) without GROUP BY)
    // or a window function would mean something else once merged.
    if (expression.empty() || expression.find('(') != std::string::npos ||
        !out.items.emplace(name, expression).second) {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace

std::optional<MonthCode> ParseMonth(std::string_view text) {
  if (text.size() < 7 || text[4] != '-') return std::nullopt;
  int year = 0;
  int month = 0;
  for (int i = 0; i < 4; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    year = year * 10 + (text[i] - '0');
  }
  for (int i = 5; i < 7; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    month = month * 10 + (text[i] - '0');
  }
  if (year < 1900 || month < 1 || month > 12) return std::nullopt;
  return year * 12 + (month - 1);
}

std::string FormatMonth(MonthCode month) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", month / 12, month % 12 + 1);
  return buf;
}

std::int64_t RollupEngine::Series::Get(std::uint32_t unit) const {
  const std::size_t page = unit >> kPageBits;
  if (page >= pages.size() || !pages[page]) return 0;
  return pages[page]->v[unit & (kPageSize - 1)];
}

void RollupEngine::Series::Add(std::uint32_t unit, std::int64_t delta) {
  const std::size_t page = unit >> kPageBits;
  if (page >= pages.size()) pages.resize(page + 1);
  if (!pages[page]) pages[page] = std::make_unique<Page>();
  pages[page]->v[unit & (kPageSize - 1)] += delta;
}

std::int64_t* RollupEngine::Series::Slot(std::uint32_t unit) {
  const std::size_t page = unit >> kPageBits;
  if (page >= pages.size()) pages.resize(page + 1);
  if (!pages[page]) pages[page] = std::make_unique<Page>();
  return &pages[page]->v[unit & (kPageSize - 1)];
}

RollupEngine::~RollupEngine() = default;

Result<std::unique_ptr<RollupEngine>> RollupEngine::Load(db::Database& db, std::vector<IndicatorDef> defs,
                                                         const ProgressFn& progress, Mode mode, TodayFn today) {
  if (!today) {
    // No clock given (tools, benches): the real date in the default business
    // time zone. The server passes its BusinessClock (cli/app.cc).
    static const Result<std::unique_ptr<SystemBusinessClock>> kDefault = SystemBusinessClock::Create();
    if (!kDefault.ok()) return kDefault.status();
    const BusinessClock* clock = kDefault->get();
    today = [clock] { return FormatDate(clock->Today()); };
  }
  std::unique_ptr<RollupEngine> engine(new RollupEngine(db, mode, std::move(today)));
  engine->calendar_day_ = engine->today_();
  JICENG_RETURN_IF_ERROR(engine->Init(std::move(defs)));
  if (mode == Mode::kLogOnly) return engine;  // knows which tables to log; counts nothing
  // One snapshot: the units, every indicator's records and the change log's
  // position agree, so following the log from there misses nothing.
  JICENG_RETURN_IF_ERROR(db.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto position, LogPosition(s));
    engine->followed_ = position.first;
    if (engine->states_.empty()) return Status::Ok();  // nothing to count
    JICENG_RETURN_IF_ERROR(LoadUnits(s, engine->parent_));
    std::vector<State*> all;
    for (auto& state : engine->states_) all.push_back(state.get());
    std::unique_lock lock(engine->data_mutex_);
    return engine->LoadStates(s, all, engine->parent_, progress);
  }));
  engine->NoteApplied(engine->followed_);
  return engine;
}

Status RollupEngine::Init(std::vector<IndicatorDef> defs) {
  defs_ = std::move(defs);
  for (std::size_t i = 0; i < defs_.size(); ++i) {
    auto state = NewState(defs_[i], calendar_day_);
    by_table_[state->def.table].push_back(i);
    for (const Dependency& dep : state->def.also) {
      auto& list = by_table_[dep.table];
      if (std::find(list.begin(), list.end(), i) == list.end()) list.push_back(i);
    }
    states_.push_back(std::move(state));
  }
  return Status::Ok();
}

std::unique_ptr<RollupEngine::State> RollupEngine::NewState(const IndicatorDef& def, const std::string& today) const {
  auto state = std::make_unique<State>();
  state->def = def;
  if (def.calendar) {
    const auto n = std::count(def.select.begin(), def.select.end(), '?');
    state->date_params = db::Params(static_cast<std::size_t>(n), db::Value(today));
  }
  std::string cols = "q.id, q.unit_id";
  if (state->def.flow) cols += ", q.period";
  if (state->def.measure == Measure::kSum) cols += ", q.value";
  for (const Dimension& d : state->def.dimensions) cols += ", q." + d.id;
  state->read_sql = "SELECT " + cols + " FROM (" + state->def.select + ") q";
  state->value_index.resize(state->def.dimensions.size());
  state->values.resize(state->def.dimensions.size());
  // Declared values first, so breakdowns come out in the declared order.
  for (std::size_t d = 0; d < state->def.dimensions.size(); ++d) {
    for (const auto& [value, label] : state->def.dimensions[d].values) {
      state->value_index[d].emplace(value, static_cast<std::uint16_t>(state->values[d].size()));
      state->values[d].push_back(value);
    }
  }
  return state;
}

Status RollupEngine::LoadUnits(db::Session& s, std::vector<std::uint32_t>& parent) {
  parent.assign(1, kNation);
  return s.Query("SELECT id, parent_id FROM units ORDER BY id", {}, [&](const db::Row& r) {
    const auto id = static_cast<std::size_t>(r.Int(0));
    if (id >= parent.size()) parent.resize(id + 1, kUnknownParent);
    parent[id] = r.IsNull(1) ? kNation : static_cast<std::uint32_t>(r.Int(1));
    return Status::Ok();
  });
}

Result<std::pair<std::int64_t, std::int64_t>> RollupEngine::LogPosition(db::Session& s) {
  JICENG_ASSIGN_OR_RETURN(auto last, s.QueryOne("SELECT COALESCE(MAX(id), 0) FROM change_log"));
  JICENG_ASSIGN_OR_RETURN(auto horizon, s.QueryOne("SELECT COALESCE(MAX(pruned_through), 0) FROM change_log_prunes"));
  return std::make_pair(last ? last->Int(0) : 0, horizon ? horizon->Int(0) : 0);
}

Status RollupEngine::LoadStates(db::Session& s, std::span<State* const> states, const std::vector<std::uint32_t>& parent,
                                const ProgressFn& progress) {
  // Units deepest first, so that one pass adds every unit's figure into its parent's.
  std::vector<std::uint8_t> depth(parent.size(), 0);
  std::vector<std::uint32_t> order;
  order.reserve(parent.size());
  for (std::uint32_t u = 1; u < parent.size(); ++u) {
    if (parent[u] == kUnknownParent) continue;
    int d = 1;
    for (std::uint32_t p = parent[u]; p != kNation && d < kMaxDepth; p = parent[p]) ++d;
    depth[u] = static_cast<std::uint8_t>(d);
    order.push_back(u);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return depth[a] > depth[b]; });

  // One scan per table for the indicators whose selects are simple reads of
  // it (ParseSimpleSelect): the scan yields the union of their columns and,
  // per indicator, whether its condition holds; each row feeds every
  // indicator it belongs to. Every other indicator is read with its own scan.
  struct Reader {
    State* state;
    std::vector<int> cols;  // the columns ParseRow reads, in its order
    int flag = -1;          // the column saying whether the row is the indicator's (-1: always)
    std::int64_t count = 0;
  };
  struct Scan {
    std::string sql;
    db::Params params;
    std::vector<Reader> readers;
  };
  std::vector<Scan> scans;
  {
    std::map<std::string, std::vector<std::pair<State*, SimpleSelect>>> by_table;
    for (State* state : states) {
      std::optional<SimpleSelect> simple;
      if (!state->def.calendar) simple = ParseSimpleSelect(state->def.select);
      std::vector<std::string> needed = {"id", "unit_id"};
      if (simple) {
        if (state->def.flow) needed.push_back("period");
        if (state->def.measure == Measure::kSum) needed.push_back("value");
        for (const Dimension& d : state->def.dimensions) needed.push_back(Lower(d.id));
        for (const std::string& name : needed) {
          if (!simple->items.contains(name)) simple.reset();
          if (!simple) break;
        }
      }
      if (simple) {
        by_table[simple->table].emplace_back(state, std::move(*simple));
      } else {
        scans.push_back({state->read_sql, state->date_params, {{state, OwnColumns(state->def)}}});
      }
    }
    for (auto& [table, group] : by_table) {
      if (group.size() == 1) {
        State* state = group[0].first;
        scans.push_back({state->read_sql, state->date_params, {{state, OwnColumns(state->def)}}});
        continue;
      }
      Scan scan;
      std::map<std::string, int> column_of;  // expression -> column
      std::string list;
      auto column = [&](const std::string& expression) {
        auto [it, added] = column_of.emplace(expression, static_cast<int>(column_of.size()));
        if (added) list += (list.empty() ? "" : ", ") + expression + " AS c" + std::to_string(it->second);
        return it->second;
      };
      bool every_row = false;
      std::string where;
      for (auto& [state, simple] : group) {
        Reader reader{state, {}};
        reader.cols.push_back(column(simple.items.at("id")));
        reader.cols.push_back(column(simple.items.at("unit_id")));
        if (state->def.flow) reader.cols.push_back(column(simple.items.at("period")));
        if (state->def.measure == Measure::kSum) reader.cols.push_back(column(simple.items.at("value")));
        for (const Dimension& d : state->def.dimensions) reader.cols.push_back(column(simple.items.at(Lower(d.id))));
        if (simple.where.empty()) {
          every_row = true;
        } else {
          reader.flag = column("CASE WHEN (" + simple.where + ") THEN 1 ELSE 0 END");
          where += (where.empty() ? "(" : " OR (") + simple.where + ")";
        }
        scan.readers.push_back(std::move(reader));
      }
      scan.sql = "SELECT " + list + " FROM " + table + (every_row ? "" : " WHERE " + where);
      scans.push_back(std::move(scan));
    }
  }

  auto failed = [](const State& state, const Status& st) {
    const std::string why = st.detail().empty() ? st.message_en() : st.detail();
    return Status::InvalidArgument("definitions",
                                   "指标定义 " + state.def.origin + "：指标 " + state.def.id +
                                       " 的 select 无法执行（" + why + "）。请检查表名和列名。",
                                   "Indicator definition " + state.def.origin + ": the select of " + state.def.id +
                                       " failed (" + why + "). Check its table and column names.");
  };
  for (Scan& scan : scans) {
    for (Reader& reader : scan.readers) {
      State& state = *reader.state;
      // A merged scan checks each select on its own first (no row is read),
      // so that a mistake names its definition.
      if (scan.readers.size() > 1) {
        Status checked = s.Query(state.read_sql + " LIMIT 0", state.date_params, [](const db::Row&) { return Status::Ok(); });
        if (!checked.ok()) return failed(state, checked);
      }
    }
    // Records come in id order, their units in no order: each addition to a
    // unit's figure is a cache miss. Additions wait in a small ring after
    // their figure was prefetched, so that many misses are in flight at once.
    constexpr std::size_t kInFlight = 32;
    std::array<std::pair<std::int64_t*, std::int64_t>, kInFlight> pending{};
    std::size_t queued = 0;
    auto add = [&](std::int64_t* slot, std::int64_t value) {
      __builtin_prefetch(slot, 1);
      auto& [old_slot, old_value] = pending[queued % kInFlight];
      if (queued >= kInFlight) *old_slot += old_value;
      old_slot = slot;
      old_value = value;
      ++queued;
    };
    Status st = s.Query(scan.sql, scan.params, [&](const db::Row& row) -> Status {
      for (Reader& reader : scan.readers) {
        if (reader.flag >= 0 && row.Int(static_cast<std::size_t>(reader.flag)) == 0) continue;
        State& state = *reader.state;
        Read read;
        JICENG_ASSIGN_OR_RETURN(read, ParseRow(state, row, reader.cols.data()));
        if (read.unit <= 0 || static_cast<std::size_t>(read.unit) >= parent.size() ||
            parent[read.unit] == kUnknownParent) {
          continue;
        }
        if (state.def.flow && !read.month) continue;
        const std::uint32_t series = SeriesFor(state, read);
        const auto id = static_cast<std::size_t>(read.id);
        if (id >= state.records.size()) {
          state.records.resize(std::max(id + 1, state.records.size() + state.records.size() / 2));
          if (state.def.measure == Measure::kSum) state.values_of.resize(state.records.size(), 0);
        }
        if (state.records[id].series != kNoSeries) continue;  // an id the SELECT yields twice
        state.records[id] = {static_cast<std::uint32_t>(read.unit), series};
        if (state.def.measure == Measure::kSum) state.values_of[id] = read.value;
        add(state.series[series].Slot(static_cast<std::uint32_t>(read.unit)), read.value);  // own unit only, for now
        ++state.live_records;
        if (progress && ++reader.count % 100000 == 0) progress(state.def.id, reader.count);
      }
      return Status::Ok();
    });
    for (std::size_t k = queued > kInFlight ? queued - kInFlight : 0; k < queued; ++k) {
      *pending[k % kInFlight].first += pending[k % kInFlight].second;
    }
    if (!st.ok()) return failed(*scan.readers[0].state, st);
    for (Reader& reader : scan.readers) {
      State& state = *reader.state;
      for (Series& series : state.series) {
        for (std::uint32_t u : order) {
          const std::int64_t v = series.Get(u);
          if (v != 0) series.Add(parent[u], v);
        }
      }
      if (progress) progress(state.def.id, reader.count);
    }
  }
  return Status::Ok();
}

Result<RollupEngine::Read> RollupEngine::ParseRow(const State& state, const db::Row& row, const int* cols) const {
  Read read;
  std::size_t k = 0;
  auto next = [&] { return cols ? static_cast<std::size_t>(cols[k++]) : k++; };
  read.id = row.Int(next());
  std::size_t col = next();
  read.unit = row.IsNull(col) ? 0 : row.Int(col);
  if (state.def.flow) {
    col = next();
    if (!row.IsNull(col)) read.month = ParseMonth(row.Text(col));
  }
  if (state.def.measure == Measure::kSum) {
    col = next();
    read.value = row.IsNull(col) ? 0 : row.Int(col);
  }
  read.dims.reserve(state.def.dimensions.size());
  for (std::size_t d = 0; d < state.def.dimensions.size(); ++d) {
    col = next();
    read.dims.push_back(row.IsNull(col) ? std::string() : row.Text(col));
  }
  return read;
}

std::uint32_t RollupEngine::SeriesFor(State& state, const Read& read) {
  std::string key;
  std::vector<std::uint16_t> cell(read.dims.size());
  for (std::size_t d = 0; d < read.dims.size(); ++d) {
    auto [it, inserted] =
        state.value_index[d].emplace(read.dims[d], static_cast<std::uint16_t>(state.values[d].size()));
    if (inserted) state.values[d].push_back(read.dims[d]);
    cell[d] = it->second;
    key.append(reinterpret_cast<const char*>(&it->second), sizeof(std::uint16_t));
  }
  auto [cit, new_cell] = state.cell_index.emplace(key, static_cast<std::uint32_t>(state.cells.size()));
  if (new_cell) state.cells.push_back(std::move(cell));
  const MonthCode month = state.def.flow ? *read.month : 0;
  const std::uint64_t skey = (std::uint64_t{cit->second} << 32) | static_cast<std::uint32_t>(month);
  auto [sit, new_series] = state.series_index.emplace(skey, static_cast<std::uint32_t>(state.series.size()));
  if (new_series) {
    Series series;
    series.cell = cit->second;
    series.month = month;
    state.series.push_back(std::move(series));
  }
  return sit->second;
}

void RollupEngine::AddPath(Series& series, std::uint32_t unit, std::int64_t delta) {
  int guard = 0;
  for (std::uint32_t u = unit; guard < kMaxDepth; ++guard) {
    series.Add(u, delta);
    if (u == kNation) return;
    u = u < parent_.size() ? parent_[u] : kNation;
    if (u == kUnknownParent) u = kNation;
  }
}

void RollupEngine::Set(State& state, std::int64_t record_id, const Read* read) {
  const auto id = static_cast<std::size_t>(record_id);
  if (id >= state.records.size()) {
    if (!read) return;
    state.records.resize(std::max(id + 1, state.records.size() + state.records.size() / 2));
    if (state.def.measure == Measure::kSum) state.values_of.resize(state.records.size(), 0);
  }
  const Contribution old = state.records[id];
  const std::int64_t old_value = state.def.measure == Measure::kSum ? state.values_of[id] : 1;
  Contribution now;
  std::int64_t now_value = 0;
  if (read) {
    now = {static_cast<std::uint32_t>(read->unit), SeriesFor(state, *read)};
    now_value = read->value;
  }
  if (old.series == now.series && old.unit == now.unit && old_value == now_value) return;
  if (old.series != kNoSeries) {
    AddPath(state.series[old.series], old.unit, -old_value);
    --state.live_records;
  }
  if (now.series != kNoSeries) {
    AddPath(state.series[now.series], now.unit, now_value);
    ++state.live_records;
  }
  state.records[id] = now;
  if (state.def.measure == Measure::kSum) state.values_of[id] = now.series == kNoSeries ? 0 : now_value;
}

Status RollupEngine::EnsureUnits(db::Session& s, const std::vector<std::int64_t>& units) {
  std::vector<std::int64_t> missing;
  for (std::int64_t u : units) {
    if (u > 0 && (static_cast<std::size_t>(u) >= parent_.size() || parent_[u] == kUnknownParent)) missing.push_back(u);
  }
  // A unit added since the load (a new villager group) and, if needed, its ancestors.
  for (int round = 0; !missing.empty() && round < kMaxDepth; ++round) {
    std::vector<std::int64_t> next;
    for (std::int64_t u : missing) {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT parent_id FROM units WHERE id = ?", {db::Value(u)}));
      if (!row) continue;
      if (static_cast<std::size_t>(u) >= parent_.size()) parent_.resize(u + 1, kUnknownParent);
      const std::int64_t p = row->IsNull(0) ? kNation : row->Int(0);
      parent_[u] = static_cast<std::uint32_t>(p);
      if (p > 0 && (static_cast<std::size_t>(p) >= parent_.size() || parent_[p] == kUnknownParent)) next.push_back(p);
    }
    missing = std::move(next);
  }
  return Status::Ok();
}

Status RollupEngine::Apply(std::string_view table, std::span<const std::int64_t> ids, std::span<State* const> only) {
  auto it = by_table_.find(std::string(table));
  if (it == by_table_.end() || ids.empty()) return Status::Ok();
  std::vector<State*> targets;
  if (only.empty()) {
    for (std::size_t index : it->second) targets.push_back(states_[index].get());
  } else {
    for (State* state : only) {
      bool reads = state->def.table == table;
      for (const Dependency& dep : state->def.also) reads = reads || dep.table == table;
      if (reads) targets.push_back(state);
    }
  }
  struct Work {
    State* state;
    std::vector<std::int64_t> records;
    std::vector<Read> reads;
  };
  std::vector<Work> work;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    std::vector<std::int64_t> units;
    for (State* target : targets) {
      State& state = *target;
      Work w{&state, {}, {}};
      if (state.def.table == table) w.records.assign(ids.begin(), ids.end());
      for (const Dependency& dep : state.def.also) {
        if (dep.table != table) continue;
        const auto params = std::count(dep.ids_sql.begin(), dep.ids_sql.end(), '?');
        for (std::int64_t id : ids) {
          JICENG_RETURN_IF_ERROR(s.Query(dep.ids_sql, db::Params(params, db::Value(id)), [&](const db::Row& r) {
            if (!r.IsNull(0)) w.records.push_back(r.Int(0));
            return Status::Ok();
          }));
        }
      }
      std::sort(w.records.begin(), w.records.end());
      w.records.erase(std::unique(w.records.begin(), w.records.end()), w.records.end());
      for (std::size_t at = 0; at < w.records.size(); at += kReadChunk) {
        const std::size_t n = std::min(kReadChunk, w.records.size() - at);
        db::Params params = state.date_params;  // the select's own `?` come first
        params.reserve(params.size() + n);
        for (std::size_t i = 0; i < n; ++i) params.emplace_back(w.records[at + i]);
        JICENG_RETURN_IF_ERROR(s.Query(state.read_sql + " WHERE q.id IN (" + db::Placeholders(n) + ")", params,
                                       [&](const db::Row& row) -> Status {
                                         Read read;
                                         JICENG_ASSIGN_OR_RETURN(read, ParseRow(state, row));
                                         units.push_back(read.unit);
                                         w.reads.push_back(std::move(read));
                                         return Status::Ok();
                                       }));
      }
      work.push_back(std::move(w));
    }
    return EnsureUnits(s, units);
  }));
  std::unique_lock lock(data_mutex_);
  for (Work& w : work) {
    std::sort(w.reads.begin(), w.reads.end(), [](const Read& a, const Read& b) { return a.id < b.id; });
    std::size_t r = 0;
    for (std::int64_t id : w.records) {
      while (r < w.reads.size() && w.reads[r].id < id) ++r;
      const Read* read = r < w.reads.size() && w.reads[r].id == id ? &w.reads[r] : nullptr;
      if (read && (read->unit <= 0 || static_cast<std::size_t>(read->unit) >= parent_.size() ||
                   parent_[read->unit] == kUnknownParent || (w.state->def.flow && !read->month))) {
        read = nullptr;  // counts nothing, like at load
      }
      Set(*w.state, id, read);
    }
  }
  return Status::Ok();
}

void RollupEngine::NoteApplied(std::int64_t change) {
  std::lock_guard lock(as_of_mutex_);
  if (change >= as_of_.change) {
    as_of_.change = change;
    as_of_.at = NowUtcIso();
  }
}

RollupEngine::AsOf RollupEngine::as_of() const {
  std::lock_guard lock(as_of_mutex_);
  return as_of_;
}

Result<std::int64_t> RollupEngine::LatestChange() const {
  std::int64_t latest = 0;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto position, LogPosition(s));
    latest = position.first;
    return Status::Ok();
  }));
  return latest;
}

Status RollupEngine::Changed(db::Session& session, std::string_view table, std::int64_t id) {
  if (!by_table_.contains(std::string(table)) && !followers_.contains(std::string(table))) return Status::Ok();
  std::int64_t change = 0;
  JICENG_ASSIGN_OR_RETURN(change, session.InsertReturningId(
                                      "INSERT INTO change_log (table_name, row_id, created_at) VALUES (?, ?, ?) "
                                      "RETURNING id",
                                      {db::Value(std::string(table)), db::Value(id), db::Value(NowUtcIso())}));
  if (mode_ == Mode::kLogOnly) return Status::Ok();  // the servers apply it from change_log
  session.AfterCommit([this, t = std::string(table), id, change] {
    std::lock_guard lock(apply_mutex_);
    const std::int64_t one[] = {id};
    if (Status st = Apply(t, one); !st.ok()) {
      // Committed but not applied here: FollowChangeLog applies it later.
      spdlog::warn("roll-up: change {} ({} {}) not applied at commit: {}", change, t, id, st.message_en());
      return;
    }
    own_applied_.insert(change);
    NoteApplied(change);
  });
  return Status::Ok();
}

Status RollupEngine::ChangedMany(db::Session& session, std::string_view table, std::span<const std::int64_t> ids) {
  if ((!by_table_.contains(std::string(table)) && !followers_.contains(std::string(table))) || ids.empty()) {
    return Status::Ok();
  }
  const std::string now = NowUtcIso();
  std::vector<db::Params> rows;
  rows.reserve(ids.size());
  for (std::int64_t id : ids) rows.push_back({db::Value(std::string(table)), db::Value(id), db::Value(now)});
  static const std::string kColumns[] = {"table_name", "row_id", "created_at"};
  JICENG_RETURN_IF_ERROR(session.BulkInsert("change_log", kColumns, rows).status());
  if (mode_ == Mode::kLogOnly) return Status::Ok();  // the servers apply them from change_log
  JICENG_ASSIGN_OR_RETURN(auto last, session.QueryOne("SELECT MAX(id) FROM change_log"));
  const std::int64_t to = last ? last->Int(0) : 0;
  const auto from = to - static_cast<std::int64_t>(ids.size()) + 1;  // writers are serialized
  session.AfterCommit([this, t = std::string(table), all = std::vector<std::int64_t>(ids.begin(), ids.end()), from, to] {
    std::lock_guard lock(apply_mutex_);
    if (Status st = Apply(t, all); !st.ok()) {
      spdlog::warn("roll-up: changes {}–{} ({}) not applied at commit: {}", from, to, t, st.message_en());
      return;
    }
    for (std::int64_t c = from; c <= to; ++c) own_applied_.insert(c);
    NoteApplied(to);
  });
  return Status::Ok();
}

Result<std::int64_t> RollupEngine::FollowChangeLog() {
  // Followers (the hierarchy) are called after apply_mutex_ is released: a
  // writer may hold its own lock (the hierarchy's) while its commit waits for
  // apply_mutex_, so calling them under it would deadlock.
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> to_follow;
  std::int64_t read_total = 0;
  if (mode_ == Mode::kLogOnly) return read_total;
  std::unique_lock lock(apply_mutex_);
  // Entries this process had not read were pruned (it stopped following for
  // longer than the retention): the figures can only be trusted again after
  // reading them all anew.
  std::int64_t horizon = 0;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto position, LogPosition(s));
    horizon = position.second;
    return Status::Ok();
  }));
  if (horizon > followed_) {
    spdlog::error("roll-up: change_log was pruned through {} but this process had read only to {}: rebuilding every "
                  "figure (villager groups added meanwhile appear after a restart)",
                  horizon, followed_);
    lock.unlock();
    JICENG_RETURN_IF_ERROR(RebuildStates({}, /*full=*/true));
    lock.lock();
  }
  for (;;) {
    std::map<std::string, std::vector<std::int64_t>> by_table;
    std::int64_t last = followed_;
    std::int64_t n = 0;
    JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) {
      return s.Query("SELECT id, table_name, row_id FROM change_log WHERE id > ? ORDER BY id LIMIT 10000",
                     {db::Value(followed_)}, [&](const db::Row& r) {
                       ++n;
                       last = r.Int(0);
                       if (own_applied_.erase(last) == 0) by_table[r.Text(1)].push_back(r.Int(2));
                       return Status::Ok();
                     });
    }));
    for (auto& [table, ids] : by_table) {
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      if (followers_.contains(table)) to_follow.emplace_back(table, ids);
      JICENG_RETURN_IF_ERROR(Apply(table, ids));
    }
    followed_ = last;
    read_total += n;
    if (n > 0) NoteApplied(last);
    if (n < 10000) break;
  }
  lock.unlock();
  for (const auto& [table, ids] : to_follow) JICENG_RETURN_IF_ERROR(followers_.at(table)(ids));
  return read_total;
}

Result<std::int64_t> RollupEngine::PruneChangeLog(const std::string& before) {
  constexpr std::int64_t kBatch = 10000;
  std::int64_t deleted = 0;
  for (;;) {
    std::int64_t through = 0;
    std::int64_t n = 0;
    {
      // Never past what this process has read: its own follower must not miss anything.
      std::lock_guard lock(apply_mutex_);
      through = followed_;
    }
    JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto newest, s.QueryOne("SELECT COALESCE(MAX(id), 0) FROM change_log"));
      const std::int64_t keep_from = std::min(through + 1, newest ? newest->Int(0) : 0);
      std::vector<std::int64_t> ids;
      JICENG_RETURN_IF_ERROR(s.Query("SELECT id FROM change_log WHERE created_at < ? AND id < ? ORDER BY id LIMIT ?",
                                     {db::Value(before), db::Value(keep_from), db::Value(kBatch)},
                                     [&](const db::Row& r) {
                                       ids.push_back(r.Int(0));
                                       return Status::Ok();
                                     }));
      n = static_cast<std::int64_t>(ids.size());
      if (ids.empty()) return Status::Ok();
      JICENG_RETURN_IF_ERROR(s.Exec("DELETE FROM change_log WHERE id >= ? AND id <= ? AND created_at < ?",
                                    {db::Value(ids.front()), db::Value(ids.back()), db::Value(before)})
                                 .status());
      return s.Exec("INSERT INTO change_log_prunes (pruned_through, deleted, pruned_at) VALUES (?, ?, ?)",
                    {db::Value(ids.back()), db::Value(n), db::Value(NowUtcIso())})
          .status();
    }));
    deleted += n;
    if (n < kBatch) return deleted;
  }
}

Result<bool> RollupEngine::FollowCalendar() {
  if (mode_ == Mode::kLogOnly) return false;
  std::lock_guard lock(calendar_mutex_);
  const std::string today = today_();
  if (today == calendar_day_) return false;
  bool any = false;
  for (const IndicatorDef& def : defs_) any = any || def.calendar;
  if (any) {
    JICENG_RETURN_IF_ERROR(Rebuild([](const IndicatorDef& def) { return def.calendar; }));
    spdlog::info("roll-up: calendar indicators recomputed for {} (were for {})", today, calendar_day_);
  }
  calendar_day_ = today;
  return any;
}

std::string RollupEngine::calendar_day() const {
  std::lock_guard lock(calendar_mutex_);
  return calendar_day_;
}

Status RollupEngine::Rebuild(const std::function<bool(const IndicatorDef&)>& which) {
  return RebuildStates(which, /*full=*/false);
}

Status RollupEngine::RebuildStates(const std::function<bool(const IndicatorDef&)>& which, bool full) {
  if (mode_ == Mode::kLogOnly) return Status::Ok();
  // Fresh states for the chosen indicators, filled from one snapshot without
  // any lock: writers keep applying their changes to the current states.
  std::vector<std::size_t> chosen;
  std::vector<std::unique_ptr<State>> fresh;
  const std::string today = today_();
  for (std::size_t i = 0; i < defs_.size(); ++i) {
    if (full || !which || which(defs_[i])) {
      chosen.push_back(i);
      fresh.push_back(NewState(defs_[i], today));
    }
  }
  if (chosen.empty()) return Status::Ok();
  std::vector<State*> targets;
  for (auto& state : fresh) targets.push_back(state.get());
  std::vector<std::uint32_t> parent;
  std::int64_t snapshot = 0;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto position, LogPosition(s));
    snapshot = position.first;
    JICENG_RETURN_IF_ERROR(LoadUnits(s, parent));
    return LoadStates(s, targets, parent, {});
  }));
  // Under apply_mutex_ no change is applied anywhere: bring the fresh states
  // up to every change committed after the snapshot (re-reading is
  // idempotent, so one already in the snapshot is harmless), then swap.
  std::lock_guard apply(apply_mutex_);
  if (parent.size() > parent_.size()) parent_.resize(parent.size(), kUnknownParent);
  for (std::size_t u = 0; u < parent.size(); ++u) {
    if (parent[u] != kUnknownParent) parent_[u] = parent[u];
  }
  std::int64_t last = snapshot;
  for (;;) {
    std::map<std::string, std::vector<std::int64_t>> by_table;
    std::int64_t n = 0;
    JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) {
      return s.Query("SELECT id, table_name, row_id FROM change_log WHERE id > ? ORDER BY id LIMIT 10000",
                     {db::Value(last)}, [&](const db::Row& r) {
                       ++n;
                       last = r.Int(0);
                       by_table[r.Text(1)].push_back(r.Int(2));
                       return Status::Ok();
                     });
    }));
    for (auto& [table, ids] : by_table) {
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      JICENG_RETURN_IF_ERROR(Apply(table, ids, targets));
    }
    if (n < 10000) break;
  }
  {
    std::unique_lock lock(data_mutex_);
    for (std::size_t k = 0; k < chosen.size(); ++k) states_[chosen[k]].swap(fresh[k]);
  }
  if (full) {
    // Everything up to `last` is now in the figures, whatever was pruned before.
    followed_ = std::max(followed_, last);
    std::erase_if(own_applied_, [&](std::int64_t c) { return c <= followed_; });
    NoteApplied(last);
  }
  ++rebuilds_;
  return Status::Ok();  // `fresh` now holds the old states, freed outside data_mutex_
}

const IndicatorDef* RollupEngine::Find(std::string_view id) const {
  for (const IndicatorDef& d : defs_) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

Result<std::vector<RollupEngine::Figure>> RollupEngine::Figures(std::string_view indicator,
                                                               std::span<const std::int64_t> units,
                                                               const Selection& sel) const {
  std::shared_lock lock(data_mutex_);  // before finding the state: Rebuild swaps states
  const State* state = nullptr;
  for (const auto& s : states_) {
    if (s->def.id == indicator) state = s.get();
  }
  if (mode_ == Mode::kLogOnly) {
    return Status::FailedPrecondition("这个进程没有载入汇总数据，请向 jiceng serve 查询。",
                                      "This process holds no figures; ask a running jiceng serve.");
  }
  if (!state) {
    const std::string id(indicator);
    return Status::NotFound("没有名为 " + id + " 的指标。", "There is no indicator named " + id + ".", "indicator");
  }
  // The filter as value indexes per dimension (-1: any value).
  std::vector<int> want(state->def.dimensions.size(), -1);
  bool impossible = false;
  for (const auto& [dim, value] : sel.where) {
    std::size_t d = 0;
    while (d < state->def.dimensions.size() && state->def.dimensions[d].id != dim) ++d;
    if (d == state->def.dimensions.size()) {
      return Status::InvalidArgument("where", "指标 " + state->def.id + " 没有维度 " + dim + "。",
                                     "Indicator " + state->def.id + " has no dimension " + dim + ".");
    }
    auto it = state->value_index[d].find(value);
    if (it == state->value_index[d].end()) {
      impossible = true;  // a value no record has: every figure is 0
    } else {
      want[d] = it->second;
    }
  }
  int by = -1;
  if (!sel.by.empty()) {
    for (std::size_t d = 0; d < state->def.dimensions.size(); ++d) {
      if (state->def.dimensions[d].id == sel.by) by = static_cast<int>(d);
    }
    if (by < 0) {
      return Status::InvalidArgument("by", "指标 " + state->def.id + " 没有维度 " + sel.by + "。",
                                     "Indicator " + state->def.id + " has no dimension " + sel.by + ".");
    }
  }
  // The series that count, with the breakdown slot each adds to.
  std::vector<std::pair<const Series*, int>> matching;
  if (!impossible) {
    for (const Series& series : state->series) {
      if (state->def.flow && sel.months &&
          (series.month < sel.months->first || series.month > sel.months->second)) {
        continue;
      }
      const auto& cell = state->cells[series.cell];
      bool ok = true;
      for (std::size_t d = 0; d < want.size() && ok; ++d) ok = want[d] < 0 || cell[d] == want[d];
      if (ok) matching.emplace_back(&series, by < 0 ? -1 : cell[by]);
    }
  }
  const std::size_t slots = by < 0 ? 0 : state->values[by].size();
  std::vector<Figure> out(units.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto unit = static_cast<std::uint32_t>(units[i]);
    std::vector<std::int64_t> split(slots, 0);
    std::int64_t total = 0;
    for (const auto& [series, slot] : matching) {
      const std::int64_t v = series->Get(unit);
      total += v;
      if (slot >= 0) split[slot] += v;
    }
    out[i].total = total;
    if (by >= 0) {
      out[i].by.reserve(slots);
      for (std::size_t k = 0; k < slots; ++k) out[i].by.emplace_back(state->values[by][k], split[k]);
    }
  }
  return out;
}

std::vector<RollupEngine::Usage> RollupEngine::MemoryUsage() const {
  std::shared_lock lock(data_mutex_);
  std::vector<Usage> out;
  for (const auto& s : states_) {
    Usage u;
    u.indicator = s->def.id;
    u.records = s->live_records;
    u.series = s->series.size();
    for (const Series& series : s->series) {
      for (const auto& p : series.pages) u.pages += p ? 1 : 0;
      u.bytes += series.pages.capacity() * sizeof(void*);
    }
    u.bytes += u.pages * sizeof(Page) + s->records.capacity() * sizeof(Contribution) +
               s->values_of.capacity() * sizeof(std::int64_t);
    out.push_back(u);
  }
  return out;
}

}  // namespace jiceng::analytics
