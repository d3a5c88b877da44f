// What the end of an organization, or a member leaving it, closes — as hooks
// the domains register, run inside the caller's write transaction on that day:
//   - officer terms (书记、副书记、委员) still running end (RegisterOfficerEndings);
//   - pairings (结对共建) still running end (RegisterPairingEndings);
//   - task teams (一事一团) of the organization end with their members' stays, or
//     move to the successor of a merger (members::RegisterTaskTeamEndings).
// A record that would only start after the day ends on its own start (it never
// ran), so every "end ≥ start" rule of the tables holds. A new domain with
// records that an organization's end must close registers its own hook (called
// from cli/app.cc), instead of being added to a list here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "db/database.h"

namespace jiceng::orgs {

// An organization ending on `day`: dissolved, or merged into `successor`.
struct OrgEnd {
  std::int64_t org_id = 0;
  std::string day;
  std::optional<std::int64_t> successor = {};
};

// A member leaving organization `org_id` on `day` (a transfer out, a split
// that moves them to a new organization).
struct MemberLeaving {
  std::int64_t org_id = 0;
  std::int64_t member_id = 0;
  std::string day;
};

class OrgEndings {
 public:
  using OrgEndedFn = std::function<Status(db::Session&, const OrgEnd&)>;
  using MemberLeftFn = std::function<Status(db::Session&, const MemberLeaving&)>;

  // `name` says whose hook it is (for errors and the tests).
  void OnOrgEnded(std::string name, OrgEndedFn fn) { org_ended_.emplace_back(std::move(name), std::move(fn)); }
  void OnMemberLeft(std::string name, MemberLeftFn fn) { member_left_.emplace_back(std::move(name), std::move(fn)); }

  // Runs every hook in the order registered; the first error stops (and the
  // caller's transaction rolls back).
  Status OrgEnded(db::Session& s, const OrgEnd& end) const;
  Status MemberLeft(db::Session& s, const MemberLeaving& leaving) const;

  std::vector<std::string> OrgEndedHooks() const;
  std::vector<std::string> MemberLeftHooks() const;

 private:
  std::vector<std::pair<std::string, OrgEndedFn>> org_ended_;
  std::vector<std::pair<std::string, MemberLeftFn>> member_left_;
};

}  // namespace jiceng::orgs
