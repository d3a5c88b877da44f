// Pairing between organizations (结对共建): two organizations — in adjacent
// areas, a government office with an enterprise, or an urban with a rural
// branch — agree to work together from a start date, optionally until a
// planned end, and log the activities they hold together (date, title,
// summary, how many took part, and — when names were taken — who attended,
// members of either side, kept by the attendance block,
// events/attendance.h). A pairing is ended with a date, never
// deleted; while it is active the same two organizations cannot be paired
// again.
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
#include "events/attendance.h"
#include "orgs/org_endings.h"

namespace jiceng::orgs {

// "adjacent_area" 区域相邻, "office_enterprise" 机关企业, "urban_rural" 城乡.
bool IsPairingKind(std::string_view kind);
std::string_view PairingKindZh(std::string_view kind);

struct PairingSide {
  std::int64_t org_id = 0;
  std::string name = {};
  std::uint64_t unit_code = 0;
  std::string status = {};  // the organization's: active, dissolved, merged
};

struct Pairing {
  std::int64_t id = 0;
  // Stored with the smaller organization id first (org_a_id < org_b_id).
  PairingSide a = {};
  PairingSide b = {};
  std::string kind = {};
  std::string starts_on = {};
  std::optional<std::string> ends_on = {};   // the planned end, if agreed
  std::optional<std::string> ended_on = {};  // when it was ended
  std::string note = {};
  std::int64_t activity_count = 0;
  bool active() const { return !ended_on.has_value(); }
};

struct PairingInput {
  std::int64_t org_id = 0;
  std::int64_t partner_org_id = 0;
  std::string kind = {};
  std::string starts_on = {};  // no later than today
  std::optional<std::string> ends_on = {};
  std::string note = {};
};

// Who attended an activity (pairing_activity_attendance, migration 16).
inline constexpr events::AttendanceTable kPairingActivityAttendance = {"pairing_activity_attendance",
                                                                       "pairing_activities", "activity_id", true};

struct PairingActivity {
  std::int64_t id = 0;
  std::int64_t pairing_id = 0;
  std::string held_on = {};
  std::string title = {};
  std::string summary = {};
  std::int64_t participants = 0;  // person-times present (人次)
  std::vector<events::Attendance> attendance = {};  // empty when names were not taken; by member id
};

struct ActivityInput {
  std::string held_on = {};
  std::string title = {};
  std::string summary = {};
  // Either the number alone (names not taken), or the list of members of
  // either side, from which the number is derived (the present ones); both
  // may be given when they agree.
  std::optional<std::int64_t> participants = {};
  std::vector<events::Attendance> attendance = {};
};

// The 404 of an unknown pairing id (also what an out-of-scope one answers).
Status PairingNotFound(std::int64_t id);

class PairingService {
 public:
  PairingService(db::Database& db, const BusinessClock& clock) : db_(db), clock_(clock) {}

  // Errors name the field: partner_org_id (the same organization, unknown,
  // ended, or already paired with org_id — kConflict), org_id, kind,
  // starts_on, ends_on, note.
  Result<Pairing> Create(const PairingInput& in, std::optional<std::int64_t> by_user);
  Result<Pairing> Get(std::int64_t id);
  // Pairings in which `org_id` is either side; active ones first.
  Result<std::vector<Pairing>> ListForOrg(std::int64_t org_id, bool include_ended);
  // Ends an active pairing on `on_date` (not before its start, not after today).
  Result<Pairing> End(std::int64_t id, const std::string& on_date);

  // An activity held on a day of the pairing (from its start to its end or
  // today). Errors name the field: held_on, title, summary, participants
  // (missing without a list, or not the list's present count), and
  // "attendance[i].status" / "attendance[i].member_id" (events::CheckAttendance;
  // a member of neither side is refused).
  Result<PairingActivity> AddActivity(std::int64_t pairing_id, const ActivityInput& in,
                                      std::optional<std::int64_t> by_user);
  // Oldest first, each with its attendance.
  Result<std::vector<PairingActivity>> Activities(std::int64_t pairing_id);

  // The units of both sides (scope checks: either side may act).
  Result<std::pair<std::uint64_t, std::uint64_t>> UnitsOf(std::int64_t pairing_id);

 private:
  db::Database& db_;
  const BusinessClock& clock_;
};

// Ends the running pairings `org_id` is a side of on `day`.
Status EndPairings(db::Session& s, std::int64_t org_id, const std::string& day);

// An organization's end (dissolved or merged) ends its pairings.
void RegisterPairingEndings(OrgEndings& endings);

}  // namespace jiceng::orgs
