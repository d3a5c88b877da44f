#include "analytics/rollup_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "common/clock.h"

namespace jiceng::analytics {
namespace {

constexpr std::size_t kReadChunk = 500;   // ids per `IN (...)` re-read
constexpr int kMaxDepth = 8;              // nation + 6 levels, with room

// Today in Asia/Shanghai (UTC+8 all year, no daylight saving time).
std::string ShanghaiToday() {
  return FormatDate(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + std::chrono::hours(8)));
}

std::string Placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
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

RollupEngine::~RollupEngine() = default;

Result<std::unique_ptr<RollupEngine>> RollupEngine::Load(db::Database& db, std::vector<IndicatorDef> defs,
                                                         const ProgressFn& progress, Mode mode, TodayFn today) {
  std::unique_ptr<RollupEngine> engine(new RollupEngine(db, mode, today ? std::move(today) : TodayFn(ShanghaiToday)));
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

  for (State* state_ptr : states) {
    State& state = *state_ptr;
    std::int64_t count = 0;
    Status st = s.Query(state.read_sql, state.date_params, [&](const db::Row& row) -> Status {
      Read read;
      JICENG_ASSIGN_OR_RETURN(read, ParseRow(state, row));
      if (read.unit <= 0 || static_cast<std::size_t>(read.unit) >= parent.size() ||
          parent[read.unit] == kUnknownParent) {
        return Status::Ok();
      }
      if (state.def.flow && !read.month) return Status::Ok();
      const std::uint32_t series = SeriesFor(state, read);
      const auto id = static_cast<std::size_t>(read.id);
      if (id >= state.records.size()) {
        state.records.resize(std::max(id + 1, state.records.size() + state.records.size() / 2));
        if (state.def.measure == Measure::kSum) state.values_of.resize(state.records.size(), 0);
      }
      if (state.records[id].series != kNoSeries) return Status::Ok();  // an id the SELECT yields twice
      state.records[id] = {static_cast<std::uint32_t>(read.unit), series};
      if (state.def.measure == Measure::kSum) state.values_of[id] = read.value;
      state.series[series].Add(static_cast<std::uint32_t>(read.unit), read.value);  // own unit only, for now
      ++state.live_records;
      if (progress && ++count % 100000 == 0) progress(state.def.id, count);
      return Status::Ok();
    });
    if (!st.ok()) {
      const std::string why = st.detail().empty() ? st.message_en() : st.detail();
      return Status::InvalidArgument("definitions",
                                     "指标定义 " + state.def.origin + "：指标 " + state.def.id +
                                         " 的 select 无法执行（" + why + "）。请检查表名和列名。",
                                     "Indicator definition " + state.def.origin + ": the select of " + state.def.id +
                                         " failed (" + why + "). Check its table and column names.");
    }
    for (Series& series : state.series) {
      for (std::uint32_t u : order) {
        const std::int64_t v = series.Get(u);
        if (v != 0) series.Add(parent[u], v);
      }
    }
    if (progress) progress(state.def.id, count);
  }
  return Status::Ok();
}

Result<RollupEngine::Read> RollupEngine::ParseRow(const State& state, const db::Row& row) const {
  Read read;
  std::size_t col = 0;
  read.id = row.Int(col++);
  read.unit = row.IsNull(col) ? 0 : row.Int(col);
  ++col;
  if (state.def.flow) {
    if (!row.IsNull(col)) read.month = ParseMonth(row.Text(col));
    ++col;
  }
  if (state.def.measure == Measure::kSum) {
    read.value = row.IsNull(col) ? 0 : row.Int(col);
    ++col;
  }
  read.dims.reserve(state.def.dimensions.size());
  for (std::size_t d = 0; d < state.def.dimensions.size(); ++d, ++col) {
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
        JICENG_RETURN_IF_ERROR(s.Query(state.read_sql + " WHERE q.id IN (" + Placeholders(n) + ")", params,
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
