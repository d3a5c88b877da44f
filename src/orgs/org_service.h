// The rules of organizations: creating them under the right parent, editing,
// dissolving (only when empty) and merging (members and child organizations
// move to the successor; the merged one keeps its row and history), the
// two-new organization register, and the coverage report of the "one branch
// for each villager group" drive (一个村民小组建立一个党支部).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/change_sink.h"
#include "common/clock.h"
#include "common/result.h"
#include "db/database.h"
#include "hierarchy/hierarchy_service.h"
#include "orgs/org_endings.h"
#include "orgs/organization.h"

namespace jiceng::orgs {

// After members changed province (a confirmed transfer, a merge across a
// provincial border): the rows each member owns (stage events, transfers, dues
// standards and payments, cards and their reviews) take the member's
// province_code again, so that a member's records stay together — on one
// Citus shard when distributed by province (docs/scaling.md). `member_ids_sql`
// is a SELECT of member ids with `params` for its placeholders.
Status FollowMembersProvince(db::Session& s, const std::string& member_ids_sql, const db::Params& params);

// The 404 of an organization id that does not exist; the API gives the same
// answer for an organization outside the caller's sight.
Status OrgNotFound(std::int64_t id);

struct OrgInput {
  std::string unit_code = {};
  std::optional<std::int64_t> parent_id = {};
  std::string kind = {};
  std::string name = {};
  std::optional<std::int64_t> two_new_id = {};
  std::optional<std::string> temp_reason = {};
  std::optional<std::string> starts_on = {};
  std::optional<std::string> ends_on = {};
  std::optional<std::string> established_on = {};  // default: today
  std::vector<std::string> covered_units = {};     // joint branches only
};

// One new organization of a split (党组织拆分): the members and child
// organizations it takes from the original.
struct SplitPart {
  std::string name = {};
  std::optional<std::string> kind = {};       // default: the original's kind
  std::optional<std::string> unit_code = {};  // default: the original's unit
  std::vector<std::int64_t> member_ids = {};
  std::vector<std::int64_t> child_org_ids = {};
};

struct OrgFilter {
  std::vector<std::string> unit_prefixes;  // subtrees (codes); empty with nationwide=false: nothing
  bool nationwide = false;
  std::optional<std::string> kind = {};
  bool include_ended = false;
  std::size_t offset = 0;
  std::size_t limit = 50;
  std::string name = {};  // contains (already trimmed and simplified); empty: any. Last: callers
                          // brace-initialize the fields before it by position.
};

// Coverage of one subtree: how many of its villager groups, villages and
// registered two-new organizations have an active, permanent organization.
struct Coverage {
  struct Part {
    std::size_t total = 0;
    std::size_t covered = 0;
    std::vector<std::uint64_t> uncovered;  // codes (or two-new ids), first `limit`
  };
  Part groups;
  Part villages;
  Part two_new;
};

// An organization checked by OrgService::CheckInput, ready to insert.
struct CheckedOrg {
  std::int64_t unit_id = 0;
  std::string unit_code = {};
  std::optional<std::int64_t> parent_id = {};
  std::string kind = {};
  std::string name = {};
  std::optional<std::int64_t> two_new_id = {};
  std::optional<std::string> temp_reason = {};
  std::optional<std::string> starts_on = {};
  std::optional<std::string> ends_on = {};
  std::string established_on = {};
  std::vector<std::int64_t> covered_unit_ids = {};
};

class OrgService {
 public:
  // The tables it publishes to ChangeSink (analytics/publishers.h): members
  // move with a merge or a split.
  static constexpr std::string_view kPublishedTables[] = {"organizations", "two_new_orgs", "members"};

  // Every write is published to `changes` (the roll-up engine) in its
  // transaction. An organization's end, and members moving out in a split,
  // run the hooks of `endings` (org_endings.h; none when null); it must
  // outlive the service.
  OrgService(db::Database& db, const hierarchy::HierarchyService& hierarchy, analytics::ChangeSink& changes,
             const BusinessClock& clock, const OrgEndings* endings = nullptr)
      : db_(db), clock_(clock), hierarchy_(hierarchy), changes_(changes), endings_(endings) {}

  Result<Organization> Create(const OrgInput& input);
  // The rules Create() applies before the database (kind, name, unit,
  // dates, temporary-branch fields, covered units), all of them: one Status
  // per wrong field, in field order; empty when valid, and then `*out` holds
  // the checked organization. Parent and two-new organization are checked by
  // Create() in its transaction.
  std::vector<Status> CheckInput(const OrgInput& input, CheckedOrg* out) const;
  // Inserts a checked organization (and the units a joint branch covers)
  // inside `s`'s transaction; returns its id.
  Result<std::int64_t> InsertOrg(db::Session& s, const CheckedOrg& org);
  // Names of the organizations with these ids (missing ids are left out).
  Result<std::map<std::int64_t, std::string>> NamesOf(const std::vector<std::int64_t>& ids);
  Result<Organization> Get(std::int64_t id);
  Result<std::pair<std::vector<Organization>, std::size_t>> List(const OrgFilter& filter);
  Result<Organization> Rename(std::int64_t id, const std::string& name, std::optional<std::int64_t> version);
  // Ends an organization with no members and no active child organizations.
  Result<Organization> Dissolve(std::int64_t id, const std::string& on_date, std::optional<std::int64_t> version);
  // Moves members and child organizations of `id` to `into`, which succeeds it.
  Result<Organization> Merge(std::int64_t id, std::int64_t into, const std::string& on_date);

  // Splits `id`: each part becomes a new organization beside it (same
  // parent, established on `on_date`, split_from_id = id) and takes its listed
  // members and child organizations; the original keeps the rest and stays.
  // Offices the moved members held in the original end that day. Returns the
  // original, then the parts in order.
  Result<std::vector<Organization>> Split(std::int64_t id, const std::vector<SplitPart>& parts,
                                          const std::string& on_date, std::optional<std::int64_t> version);

  Result<TwoNewOrg> RegisterTwoNew(const std::string& unit_code, const std::string& name, const std::string& kind,
                                   std::optional<std::string> registered_on);

  // `limit` bounds the lists of uncovered units.
  Result<Coverage> CoverageOf(std::uint64_t unit_code, std::size_t limit);

  // The unit of an organization (for scope checks).
  Result<std::uint64_t> UnitOf(std::int64_t id);

 private:
  db::Database& db_;
  const BusinessClock& clock_;
  const hierarchy::HierarchyService& hierarchy_;
  analytics::ChangeSink& changes_;
  const OrgEndings* endings_;
};

// Checks a "YYYY-MM-DD" date that must not lie after `today` (the business
// clock's date); the error names `field`.
Result<Date> CheckPastDate(std::string_view text, std::string_view field, Date today);

}  // namespace jiceng::orgs
