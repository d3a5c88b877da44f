// The live roll-up engine: every indicator's figure for every unit's subtree,
// answered from memory as of the last committed write.
//
// Each indicator keeps, per "series" (one combination of dimension values
// and, for flows, one month), an array over units holding the figure of the
// unit's whole subtree. A record that belongs to unit u adds its value to u
// and to each ancestor of u (at most six levels, then the nation), so a
// figure for any unit is one array read, "every child of X" or "every
// county" is one read per unit, and a change costs a handful of additions.
// Arrays are paged (4,096 units a page) and a page exists only once a figure
// in it is non-zero, so sparse series (a month of one county's dues) stay
// small. Each record's current contribution (unit, series, value) is kept so
// that an update or delete moves exactly what the record added before.
//
// Changes arrive through ChangeSink: the engine writes the changed row to
// change_log inside the writer's transaction and, once that commits, re-reads
// the record through the indicator's SELECT and applies the difference
// (read-your-writes; a rolled-back write leaves nothing). Other processes
// sharing a database follow change_log (FollowChangeLog). Re-reading makes
// applying idempotent, so applying a change twice or out of turn is harmless.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analytics/change_sink.h"
#include "analytics/indicator.h"
#include "db/database.h"

namespace jiceng::analytics {

// Months as year * 12 + (month - 1): 2026-11 is 2026 * 12 + 10.
using MonthCode = std::int32_t;
// Parses 'YYYY-MM' or 'YYYY-MM-DD' (only the month is used).
std::optional<MonthCode> ParseMonth(std::string_view text);
std::string FormatMonth(MonthCode month);

// Unit id 0 stands for the whole country.
inline constexpr std::int64_t kNation = 0;

class RollupEngine final : public ChangeSink {
 public:
  // (indicator id, records read so far) while loading; called every 100,000 records and at the end.
  using ProgressFn = std::function<void(std::string_view indicator, std::int64_t records)>;

  // kFigures: every figure in memory, kept live (a server).
  // kLogOnly: no figures; a write to a table an indicator (or a FollowTable
  // follower) reads is only recorded in change_log, in the writer's
  // transaction, for the servers on the same database to apply (the command
  // line tools: demo, user, import-members, import-orgs). Figures() answers
  // kFailedPrecondition and FollowChangeLog() reads nothing.
  enum class Mode { kFigures, kLogOnly };

  // Checks every indicator's SELECT against the database (a missing column or
  // table is an error naming the definition's file and line) and loads every
  // figure from one consistent snapshot (kFigures).
  //
  // `today` gives the date calendar indicators are computed for
  // ('YYYY-MM-DD'): the server passes its BusinessClock's Today(), the one
  // date every service uses; by default the real date in Asia/Shanghai
  // (kDefaultTimeZone). Tests inject a clock.
  using TodayFn = std::function<std::string()>;
  static Result<std::unique_ptr<RollupEngine>> Load(db::Database& db, std::vector<IndicatorDef> defs,
                                                    const ProgressFn& progress = {}, Mode mode = Mode::kFigures,
                                                    TodayFn today = {});
  ~RollupEngine() override;

  // ChangeSink.
  Status Changed(db::Session& session, std::string_view table, std::int64_t id) override;
  Status ChangedMany(db::Session& session, std::string_view table, std::span<const std::int64_t> ids) override;

  // Applies the changes other processes logged since the last call (and any
  // of this process's own that failed to apply). Returns how many log entries
  // were read. A server calls it from a background thread.
  Result<std::int64_t> FollowChangeLog();

  // Deletes the change_log entries created before `before` (UTC ISO-8601)
  // that this process has read, in batches of 10,000 (one write each, so
  // writers are never held up long), always keeping the newest entry (SQLite
  // would reuse its id). Each batch records the highest id it deleted in
  // change_log_prunes. Returns how many entries were deleted. A live follower
  // reads an entry within a poll, so only a follower that stopped following
  // for longer than the retention misses entries: it finds the recorded
  // horizon past its position and rebuilds every figure (FollowChangeLog); a
  // process that was down rebuilds at start anyway.
  Result<std::int64_t> PruneChangeLog(const std::string& before);

  // Re-reads the figures of the indicators `which` selects (every one when
  // empty) from one snapshot while writes go on, brings them up to the
  // changes committed meanwhile and swaps them in at once: a reader sees the
  // old figures or the new, never a mix. Changes keep being applied to the
  // old figures until the swap.
  Status Rebuild(const std::function<bool(const IndicatorDef&)>& which = {});

  // When the date (see Load's `today`) is not the one the calendar
  // indicators were computed for, rebuilds them (only them) for the new date
  // and swaps them in. A server calls it with FollowChangeLog. Returns
  // whether it rebuilt.
  Result<bool> FollowCalendar();
  // The date calendar indicators are computed for now.
  std::string calendar_day() const;

  // How many times figures were rebuilt in place since Load (tests, logs).
  std::int64_t rebuilds() const { return rebuilds_.load(); }

  // Also publish changes of `table` to the change log, and call `fn` with the
  // ids of its rows that other processes changed, as FollowChangeLog finds
  // them (the hierarchy follows villager groups this way). Set at start.
  using FollowFn = std::function<Status(std::span<const std::int64_t> ids)>;
  void FollowTable(const std::string& table, FollowFn fn) { followers_[table] = std::move(fn); }

  const std::vector<IndicatorDef>& indicators() const { return defs_; }
  const IndicatorDef* Find(std::string_view id) const;

  struct Selection {
    // Flows: inclusive month range; nullopt = all time. Ignored for stocks.
    std::optional<std::pair<MonthCode, MonthCode>> months = {};
    // Only records with these dimension values.
    std::vector<std::pair<std::string, std::string>> where = {};
    // A dimension to break each figure down by, or empty.
    std::string by = {};
  };
  struct Figure {
    std::int64_t total = 0;
    std::vector<std::pair<std::string, std::int64_t>> by = {};  // in the dimension's display order
  };
  // One figure per unit id (kNation for the country). Unknown dimensions in
  // `selection` give kInvalidArgument naming the field.
  Result<std::vector<Figure>> Figures(std::string_view indicator, std::span<const std::int64_t> units,
                                      const Selection& selection) const;

  // The last change (change_log id) reflected in every figure, and when it was applied.
  struct AsOf {
    std::int64_t change = 0;
    std::string at = {};
  };
  AsOf as_of() const;
  // The highest change_log id in the database now (GET /metrics: how far
  // as_of() lags behind what has been written).
  Result<std::int64_t> LatestChange() const;

  struct Usage {
    std::string indicator = {};
    std::size_t records = 0;  // records counted now
    std::size_t series = 0;
    std::size_t pages = 0;
    std::size_t bytes = 0;    // aggregates + per-record contributions
  };
  std::vector<Usage> MemoryUsage() const;

 private:
  static constexpr std::size_t kPageBits = 12;
  static constexpr std::size_t kPageSize = std::size_t{1} << kPageBits;
  static constexpr std::uint32_t kNoSeries = 0xffffffffu;
  static constexpr std::uint32_t kUnknownParent = 0xfffffffeu;

  struct Page {
    std::array<std::int64_t, kPageSize> v{};
  };
  struct Series {
    std::uint32_t cell = 0;
    MonthCode month = 0;  // 0 for stocks
    std::vector<std::unique_ptr<Page>> pages;
    std::int64_t Get(std::uint32_t unit) const;
    void Add(std::uint32_t unit, std::int64_t delta);
    // The unit's figure, its page created if need be (pages never move).
    std::int64_t* Slot(std::uint32_t unit);
  };
  struct Contribution {
    std::uint32_t unit = 0;
    std::uint32_t series = kNoSeries;
  };
  struct State {
    IndicatorDef def;
    std::string read_sql;   // SELECT q.id, q.unit_id[, q.period][, q.value], q.<dims> FROM (select) q
    db::Params date_params;  // calendar indicators: the date, once per `?` of the select
    std::vector<std::unordered_map<std::string, std::uint16_t>> value_index;  // per dimension
    std::vector<std::vector<std::string>> values;                            // per dimension
    std::unordered_map<std::string, std::uint32_t> cell_index;               // packed value indexes
    std::vector<std::vector<std::uint16_t>> cells;
    std::unordered_map<std::uint64_t, std::uint32_t> series_index;           // cell << 32 | month
    std::vector<Series> series;
    std::vector<Contribution> records;  // by record id
    std::vector<std::int64_t> values_of;  // by record id, sums only
    std::size_t live_records = 0;
  };
  // A record as read from the database.
  struct Read {
    std::int64_t id = 0;
    std::int64_t unit = 0;
    std::optional<MonthCode> month;
    std::int64_t value = 1;
    std::vector<std::string> dims;
  };

  RollupEngine(db::Database& db, Mode mode, TodayFn today) : db_(db), mode_(mode), today_(std::move(today)) {}
  Status Init(std::vector<IndicatorDef> defs);
  std::unique_ptr<State> NewState(const IndicatorDef& def, const std::string& today) const;
  static Status LoadUnits(db::Session& session, std::vector<std::uint32_t>& parent);
  // Reads every record of `states` into them (which nobody else sees yet), with `parent`.
  Status LoadStates(db::Session& session, std::span<State* const> states, const std::vector<std::uint32_t>& parent,
                    const ProgressFn& progress);
  // The highest change_log id and the pruning horizon, as `session` sees them.
  static Result<std::pair<std::int64_t, std::int64_t>> LogPosition(db::Session& session);
  // Rebuild; `full`: every indicator and the follower's position too (it missed pruned changes).
  Status RebuildStates(const std::function<bool(const IndicatorDef&)>& which, bool full);
  // `cols`: the row's column of each value read, in order (nullptr: 0, 1, 2, ...).
  Result<Read> ParseRow(const State& state, const db::Row& row, const int* cols = nullptr) const;
  std::uint32_t SeriesFor(State& state, const Read& read);  // REQUIRES: data_mutex_ held exclusively
  void AddPath(Series& series, std::uint32_t unit, std::int64_t delta);  // REQUIRES: apply_mutex_ (parent_)
  void Set(State& state, std::int64_t id, const Read* read);  // REQUIRES: data_mutex_ exclusive
  // Re-reads `ids` of `table` (and what depends on them) and applies the
  // difference to every state reading `table`, or only to those of `only`.
  Status Apply(std::string_view table, std::span<const std::int64_t> ids,
               std::span<State* const> only = {});  // REQUIRES: apply_mutex_
  Status EnsureUnits(db::Session& session, const std::vector<std::int64_t>& units);
  void NoteApplied(std::int64_t change);

  db::Database& db_;
  const Mode mode_;
  const TodayFn today_;
  mutable std::mutex calendar_mutex_;  // one FollowCalendar at a time
  std::string calendar_day_;         // GUARDED_BY(calendar_mutex_) (and set at Load)
  std::vector<IndicatorDef> defs_;
  std::vector<std::unique_ptr<State>> states_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_table_;  // table -> states reading it
  std::unordered_map<std::string, FollowFn> followers_;
  std::vector<std::uint32_t> parent_;  // by unit id; parent of a province is kNation
  std::mutex apply_mutex_;             // one re-read + apply at a time
  mutable std::shared_mutex data_mutex_;
  std::int64_t followed_ = 0;          // change_log ids up to this one were read by FollowChangeLog
  std::unordered_set<std::int64_t> own_applied_;  // this process's changes, applied at commit
  std::atomic<std::int64_t> rebuilds_{0};
  mutable std::mutex as_of_mutex_;
  AsOf as_of_;
};

}  // namespace jiceng::analytics
