// What the end of an organization, or a member leaving it, leaves open is
// closed on that day, inside the caller's write transaction:
//   - officer terms (书记、副书记、委员) still running end with reason "ended";
//   - pairings (结对共建) still running end;
//   - task teams (一事一团) of the organization end, and so do their members' stays.
// A record that would only start after the day ends on its own start (it never
// ran), so every "end ≥ start" rule of the tables holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "db/database.h"

namespace jiceng::orgs {

// Ends the running terms at `org_id` (only `member_id`'s when given).
Status EndOfficerTerms(db::Session& s, std::int64_t org_id, const std::string& day,
                       std::optional<std::int64_t> member_id = std::nullopt);

// Ends the running pairings `org_id` is a side of.
Status EndPairings(db::Session& s, std::int64_t org_id, const std::string& day);

// Ends `org_id`'s running task teams and the stays in them.
Status EndTaskTeams(db::Session& s, std::int64_t org_id, const std::string& day);

// Gives `from_org`'s running task teams to `to_org` (a merger's successor),
// at its unit.
Status MoveTaskTeams(db::Session& s, std::int64_t from_org, std::int64_t to_org, const std::string& day);

}  // namespace jiceng::orgs
