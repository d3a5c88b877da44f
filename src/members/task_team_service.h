// Task teams (一事一团): a team an organization sets up for one piece of work
// — policy outreach, a project, an industry, relief — with a name, a
// purpose, a start and (when known) an end. Members join and leave on dated
// days; leaving closes the membership row and rejoining opens a new one, so
// the history of who served when is kept. Nothing is deleted. Memberships
// follow the dated-stay rules (stays/dated_stay.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/database.h"
#include "orgs/org_endings.h"

namespace jiceng::members {

struct TaskTeam {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  std::uint64_t unit_code = 0;  // the organization's unit
  std::string name = {};
  std::string purpose = {};
  std::string starts_on = {};
  std::optional<std::string> ends_on = {};
  std::int64_t member_count = 0;  // current members
};

struct TaskTeamInput {
  std::int64_t org_id = 0;
  std::string name = {};
  std::string purpose = {};
  std::string starts_on = {};  // no later than today
  std::optional<std::string> ends_on = {};
};

// One stay of one member in one team.
struct TeamMembership {
  std::int64_t id = 0;
  std::int64_t team_id = 0;
  std::string team_name = {};
  std::int64_t member_id = 0;
  std::string member_name = {};
  std::string joined_on = {};
  std::optional<std::string> left_on = {};
};

// The 404 of an unknown task-team id (also what an out-of-scope one answers).
Status TeamNotFound(std::int64_t id);

class TaskTeamService {
 public:
  TaskTeamService(db::Database& db, const BusinessClock& clock) : db_(db), clock_(clock) {}

  // For an active organization; errors name the field (name, purpose,
  // starts_on, ends_on; id for the organization).
  Result<TaskTeam> Create(const TaskTeamInput& in, std::optional<std::int64_t> by_user);
  Result<TaskTeam> Get(std::int64_t team_id);
  // Teams of one organization, newest first; ended ones (ends_on before
  // today) only with `include_ended`.
  Result<std::vector<TaskTeam>> ListForOrg(std::int64_t org_id, bool include_ended);
  // Ends the team on `on_date` and every current membership with it.
  Result<TaskTeam> End(std::int64_t team_id, const std::string& on_date);

  // `member_id` joins on `joined_on` (within the team's dates, not after
  // today). kConflict when already a current member; kNotFound / kFailed-
  // Precondition naming member_id for an unknown member or one who has left.
  Result<TeamMembership> Join(std::int64_t team_id, std::int64_t member_id, const std::string& joined_on);
  // Closes the member's current membership on `left_on` (not before joining).
  Result<TeamMembership> Leave(std::int64_t team_id, std::int64_t member_id, const std::string& left_on);

  // A team's memberships: current ones first, then past ones if asked.
  Result<std::vector<TeamMembership>> Members(std::int64_t team_id, bool include_past);
  // A member's memberships in every team, current ones first.
  Result<std::vector<TeamMembership>> TeamsOf(std::int64_t member_id);

  // The unit of the team's organization (scope checks).
  Result<std::uint64_t> UnitOf(std::int64_t team_id);

 private:
  db::Database& db_;
  const BusinessClock& clock_;
};

// Ends `org_id`'s running task teams and the stays in them on `day`.
Status EndTaskTeams(db::Session& s, std::int64_t org_id, const std::string& day);
// Gives `from_org`'s running task teams to `to_org` (a merger's successor), at its unit.
Status MoveTaskTeams(db::Session& s, std::int64_t from_org, std::int64_t to_org, const std::string& day);

// An organization's end closes its task teams, or moves them to its successor.
void RegisterTaskTeamEndings(orgs::OrgEndings& endings);

}  // namespace jiceng::members
