// Dated stays (在任、在团、驻村……): "subject X belongs to / stays at place Y
// from date to date" — a member in a task team, an officer's term in an
// organization, a pairing of two organizations, and soon a cadre stationed
// in a village by a work team or a household's assistance period. Each
// such table names its columns once in a StayTable; the rules and the
// operations here are then the same for all of them:
//   - dates are YYYY-MM-DD; a stay starts (and ends) no later than today
//     (the business clock's date, common/clock.h), and ends no earlier than
//     it started;
//   - a subject has at most one open stay at a place, and a new stay may
//     not reach back into an earlier one (it starts no earlier than the
//     last one ended);
//   - ending a stay that has ended already is an error.
// A stay covers the days [start, end): it may end on the day it started (it
// never ran), and the next stay of the subject may start on the day the
// last one ended. Every operation runs inside the caller's db::Session, so
// that it commits or rolls back with the caller's own writes (a team's end,
// an organization's dissolution). Errors are Status values naming the
// request field (StayTable::*_field), in Chinese and English.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/database.h"

namespace jiceng::stays {

// Where a kind of stay is stored, and what its errors call things. The
// table has an integer `id` primary key. Identifiers come from code, never
// from input.
struct StayTable {
  std::string_view table = {};    // "task_team_members"
  std::string_view subject = {};  // who stays: "member_id"
  std::string_view place = {};    // where: "team_id"
  std::string_view start = {};    // "joined_on"
  std::string_view end = {};      // "left_on": NULL while the stay is open
  // A planned end (an officer's term_end, a pairing's ends_on), or empty.
  // The end-all operations leave alone an open stay planned to have ended
  // before their day: it ran out on its own.
  std::string_view planned_end = {};
  // Set to the current time whenever a stay ends (empty: none).
  std::string_view updated_at = "updated_at";
  // The request fields errors name: the subject ("member_id"), a new
  // stay's start ("joined_on"), an end's day ("left_on"); a stay named by
  // its id is "id".
  std::string_view subject_field = {};
  std::string_view start_field = {};
  std::string_view end_field = {};
  // What the subject and one stay are called: {"党员", "member"},
  // {"在团记录", "stay in the team"}.
  std::string_view subject_zh = {}, subject_en = {};
  std::string_view stay_zh = {}, stay_en = {};
};

// One row of a stay table.
struct Stay {
  std::int64_t id = 0;
  std::int64_t subject = 0;
  std::int64_t place = 0;
  std::string start = {};               // YYYY-MM-DD
  std::optional<std::string> end = {};  // std::nullopt while open
  bool open() const { return !end.has_value(); }
};

// A column of the table besides the stay's own (unit_id, position ...) and its value.
using Column = std::pair<std::string_view, db::Value>;

// A date as a request gives it: YYYY-MM-DD, no later than `today`. Returns
// it in canonical form; kInvalidArgument naming `field` otherwise.
Result<std::string> CheckDay(std::string_view text, std::string_view field, Date today);

// A new stay of `subject` at `place` from `start` (checked by CheckDay,
// naming table.start_field). kConflict naming the subject field when the
// subject has an open stay there; kInvalidArgument naming the start field
// when it would begin before an earlier stay there ended. Inserts the row
// with `more` columns too; returns its id.
Result<std::int64_t> Begin(db::Session& s, const StayTable& table, std::int64_t subject,
                           std::int64_t place, std::string_view start, Date today,
                           const std::vector<Column>& more = {});

// The stay with this id; std::nullopt when there is none.
Result<std::optional<Stay>> Find(db::Session& s, const StayTable& table, std::int64_t id);
// The subject's open stay at the place, if any.
Result<std::optional<Stay>> FindOpen(db::Session& s, const StayTable& table, std::int64_t subject,
                                     std::int64_t place);

// Ends stay `id` on `day` (checked by CheckDay, naming `field`, by default
// table.end_field), also setting the `also_set` columns. kNotFound ("id")
// for an unknown id; kFailedPrecondition ("id") when it has ended already;
// kInvalidArgument naming the field for a day before its start.
Result<Stay> End(db::Session& s, const StayTable& table, std::int64_t id, std::string_view day,
                 Date today, const std::vector<Column>& also_set = {}, std::string_view field = {});
// The same for the subject's open stay at the place; kFailedPrecondition
// naming the subject field when there is none.
Result<Stay> EndOpen(db::Session& s, const StayTable& table, std::int64_t subject,
                     std::int64_t place, std::string_view day, Date today,
                     const std::vector<Column>& also_set = {});

// Which open stays an end-all operation closes, and how.
struct EndAll {
  std::optional<std::int64_t> subject = {};  // only this subject's (a member leaves)
  std::optional<std::int64_t> place =
      {};                // only those at this place (a team, an organization ends)
  std::string day = {};  // YYYY-MM-DD, already checked by the caller
  // A stay that began after `day`: refused (kInvalidArgument naming `field`:
  // a team cannot end before a member joined), or ended on its own start
  // (it never ran; what an organization's end does).
  enum class Later { kRefuse, kEndAtStart };
  Later later = Later::kEndAtStart;
  std::string_view field = "on_date";
  std::vector<Column> also_set = {};
};
// Ends every open stay `which` selects (not those planned to have ended
// before the day; see StayTable::planned_end). REQUIRES: a subject or a
// place. Returns how many ended.
Result<std::int64_t> EndAllOpen(db::Session& s, const StayTable& table, const EndAll& which);

// "(alias.start <= ? AND (alias.end IS NULL OR alias.end > ?))": the stay
// covers `day` (YYYY-MM-DD). Appends its parameters to `params`. `alias`
// is the table's name or alias in the query ("x"); empty: none.
std::string CurrentOn(const StayTable& table, std::string_view alias, const std::string& day,
                      db::Params& params);

}  // namespace jiceng::stays
