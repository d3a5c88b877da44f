// The rules of members: registering people, editing them, the development
// pipeline (each step dated and approved, minimum durations enforced from
// definitions/membership.yaml), figures per stage for a subtree, and
// transfers between organizations (组织关系转接): requested by the sending
// side, confirmed or rejected by the receiving side, the member "in transit"
// meanwhile and the request visible as overdue if nobody answers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/change_sink.h"
#include "common/clock.h"
#include "common/result.h"
#include "db/database.h"
#include "hierarchy/hierarchy_service.h"
#include "members/member.h"
#include "members/membership_rules.h"
#include "orgs/org_endings.h"
#include "people/people_store.h"

namespace jiceng::members {

class RosterCounts;

struct MemberInput {
  std::int64_t org_id = 0;
  std::string name = {};
  std::string gender = {};
  std::string birth_date = {};
  std::optional<std::string> phone = {};
  std::optional<std::string> id_number = {};
  std::string stage = {};                        // where the person is now
  std::optional<std::string> stage_since = {};   // default: today
  std::string situation = {};
};

struct MemberPatch {
  std::optional<std::string> name = {};
  std::optional<std::string> gender = {};
  std::optional<std::string> birth_date = {};
  std::optional<std::optional<std::string>> phone = {};
  std::optional<std::optional<std::string>> id_number = {};
  std::optional<std::string> situation = {};
};

struct MemberFilter {
  std::vector<std::string> unit_prefixes = {};
  bool nationwide = false;
  std::optional<std::int64_t> org_id = {};
  std::optional<std::string> stage = {};
  std::optional<std::string> situation = {};
  std::optional<std::string> status = {};   // default: not "left"
  std::string name = {};                    // contains
  std::size_t offset = 0;
  std::size_t limit = 50;
};

struct StageEvent {
  std::int64_t id = 0;
  std::optional<std::string> from_stage = {};
  std::string to_stage = {};
  std::string on_date = {};
  std::optional<std::int64_t> approved_by = {};
  std::string note = {};
};

struct Transfer {
  std::int64_t id = 0;
  std::int64_t member_id = 0;
  std::string member_name = {};
  std::int64_t from_org_id = 0;
  std::int64_t to_org_id = 0;
  std::uint64_t from_unit = 0;
  std::uint64_t to_unit = 0;
  std::string status = {};  // pending, confirmed, rejected, cancelled
  std::string requested_on = {};
  std::optional<std::string> decided_on = {};
  std::optional<std::string> reason = {};
  bool overdue = false;
};

struct PipelineFigures {
  std::map<std::string, std::int64_t> by_stage;  // current counts (not left)
  std::map<std::string, std::int64_t> entered = {};   // steps into each stage within the period
};

// A checked member (MemberService::CheckInput) with its organization's unit,
// ready to insert.
struct NewMember {
  Member member;
  std::int64_t unit_id = 0;
  std::string province_code = {};
};

// The 404 of a member id or a transfer id that does not exist; the API gives
// the same answer for a record outside the caller's sight.
Status MemberNotFound(std::int64_t id);
Status TransferNotFound(std::int64_t id);

class MemberService {
 public:
  // The tables it publishes to ChangeSink (analytics/publishers.h).
  static constexpr std::string_view kPublishedTables[] = {"members", "member_stage_events"};

  // Every write is published to `changes` (the roll-up engine) in its
  // transaction. A member transferred out runs the MemberLeft hooks of
  // `endings` (orgs/org_endings.h; none when null); it must outlive the service.
  // Members are people of the people register: their ID numbers and phones
  // are sealed and opened with `vault` (people/personal_data.h).
  MemberService(db::Database& db, const hierarchy::HierarchyService& hierarchy, const MembershipRules& rules,
                analytics::ChangeSink& changes, const people::Vault& vault, const BusinessClock& clock,
                const orgs::OrgEndings* endings = nullptr)
      : db_(db), clock_(clock), hierarchy_(hierarchy), rules_(rules), changes_(changes), vault_(vault),
        endings_(endings) {}

  const MembershipRules& rules() const { return rules_; }
  const people::Vault& vault() const { return vault_; }

  Result<Member> Create(const MemberInput& input, std::optional<std::int64_t> by_user);
  // The rules Create() applies before touching the database, all of them:
  // one Status per wrong field (its field() names the MemberInput field), in
  // field order; empty when `input` is valid, and then `*out` (if given) holds
  // the normalized member (trimmed, stage id, stage_since defaulted). The
  // organization is not checked here.
  std::vector<Status> CheckInput(const MemberInput& input, Member* out) const;
  // Inserts checked members, with their first pipeline event, inside `s`'s
  // transaction; returns their ids in order. kConflict (people::DuplicateIdNumber)
  // when an ID number is taken. Used by Create() and by the import.
  Result<std::vector<std::int64_t>> InsertMembers(db::Session& s, std::span<const NewMember> rows,
                                                         std::optional<std::int64_t> by_user);
  Result<Member> Get(std::int64_t id);
  // A page of members (by unit code, then id) and how many match in all.
  Result<std::pair<std::vector<Member>, std::size_t>> List(const MemberFilter& filter);
  // From now on the list takes its totals from `counts` where it can (it
  // must outlive this service); without it every total is a COUNT(*).
  void UseRosterCounts(const RosterCounts* counts) { roster_counts_ = counts; }
  Result<Member> Update(std::int64_t id, const MemberPatch& patch, std::optional<std::int64_t> version);
  Result<std::vector<StageEvent>> Timeline(std::int64_t id);

  // One step of the pipeline, dated `on_date`, approved by `by_user`.
  Result<Member> Advance(std::int64_t id, const std::string& to_stage, const std::string& on_date,
                         const std::string& note, std::optional<std::int64_t> by_user);

  // Counts per stage in the subtree of `unit_code`, and steps taken in [from, to).
  Result<PipelineFigures> Figures(std::uint64_t unit_code, const std::string& from, const std::string& to);

  Result<Transfer> RequestTransfer(std::int64_t member_id, std::int64_t to_org_id, const std::string& reason,
                                   std::optional<std::int64_t> by_user);
  Result<Transfer> DecideTransfer(std::int64_t transfer_id, bool confirm, const std::string& reason,
                                  std::optional<std::int64_t> by_user);
  Result<Transfer> CancelTransfer(std::int64_t transfer_id, std::optional<std::int64_t> by_user);
  Result<Transfer> GetTransfer(std::int64_t transfer_id);
  // Transfers touching the subtrees (either side), newest first.
  Result<std::vector<Transfer>> ListTransfers(const std::vector<std::string>& unit_prefixes, bool nationwide,
                                              std::optional<std::string> status);

  // The unit of a member / of a transfer's sending and receiving sides (scope checks).
  Result<std::uint64_t> UnitOf(std::int64_t member_id);

 private:
  Result<Member> Load(db::Session& s, std::int64_t id);
  // The list's total from the roll-up engine, when it can answer the filter.
  std::optional<std::size_t> CountFromEngine(const MemberFilter& f) const;

  db::Database& db_;
  const BusinessClock& clock_;
  const hierarchy::HierarchyService& hierarchy_;
  const MembershipRules& rules_;
  analytics::ChangeSink& changes_;
  const people::Vault& vault_;
  const orgs::OrgEndings* endings_;
  const RosterCounts* roster_counts_ = nullptr;
};

}  // namespace jiceng::members
