// An organization's officers with terms (书记、副书记、委员): who holds
// which position, from when, until when the term is planned to run, and
// when it actually ended. Nothing is overwritten: appointing a new secretary
// ends the previous secretary's term on the new term's first day, and a
// member moving to another position in the same organization (a deputy
// becoming secretary) ends the old position that day — so the history of
// every organization's leadership stays readable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/database.h"
#include "orgs/org_endings.h"

namespace jiceng::orgs {

// The positions of a branch committee (支部委员会). A secretary and deputy
// secretaries are members of the organization itself; a committee member
// (委员) may be any full member (e.g. a cadre of the township).
enum class Position { kSecretary, kDeputySecretary, kCommitteeMember };

// "secretary", "deputy_secretary", "committee_member".
std::string_view PositionId(Position p);
// 书记, 副书记, 委员.
std::string_view PositionZh(Position p);
std::optional<Position> ParsePosition(std::string_view id);

struct Officer {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  std::int64_t member_id = 0;
  std::string member_name = {};
  Position position = Position::kCommitteeMember;
  std::string term_start = {};                 // YYYY-MM-DD
  std::string term_end = {};                   // planned end of the term
  std::optional<std::string> ended_on = {};    // set when the term ended
  std::optional<std::string> end_reason = {};  // "replaced" or "ended"
  bool current() const { return !ended_on.has_value(); }
};

struct Appointment {
  std::int64_t org_id = 0;
  std::int64_t member_id = 0;
  std::string position = {};
  std::string term_start = {};  // no later than today
  std::string term_end = {};    // no earlier than term_start
};

// The 404 of an unknown officer term id (also what an out-of-scope one answers).
Status OfficerNotFound(std::int64_t id);

class OfficerService {
 public:
  OfficerService(db::Database& db, const BusinessClock& clock) : db_(db), clock_(clock) {}

  // Current officers first (secretary, deputies, committee members), then
  // past terms, latest ended first. kNotFound for an unknown organization.
  Result<std::vector<Officer>> ListForOrg(std::int64_t org_id);

  // Appoints a full, active member of an active organization. Errors name
  // the field: position, term_start, term_end, member_id (unknown, not a
  // full member, in transit or gone, or — for a secretary or deputy — of
  // another organization); kConflict when the member already holds that
  // position; term_start when the term would reach back into the member's
  // earlier one here (terms are dated stays, stays/dated_stay.h). Ends the
  // current secretary's term (and the member's own other position in the
  // organization) on term_start, in the same transaction.
  Result<Officer> Appoint(const Appointment& a, std::optional<std::int64_t> by_user);

  // Ends a current term on `on_date` (no earlier than its start, no later
  // than today); kFailedPrecondition when it has ended already.
  Result<Officer> EndTerm(std::int64_t officer_id, const std::string& on_date);

  Result<Officer> Get(std::int64_t officer_id);
  // The unit of the officer's organization (scope checks).
  Result<std::uint64_t> UnitOf(std::int64_t officer_id);

 private:
  db::Database& db_;
  const BusinessClock& clock_;
};

// Ends the running terms at `org_id` (only `member_id`'s when given) on `day`.
Status EndOfficerTerms(db::Session& s, std::int64_t org_id, const std::string& day,
                       std::optional<std::int64_t> member_id = std::nullopt);

// An organization's end, and a member leaving it, end the terms held there.
void RegisterOfficerEndings(OrgEndings& endings);

}  // namespace jiceng::orgs
