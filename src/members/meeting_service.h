// Organizational life (组织生活): "three meetings and one lecture" (三会一课)
// and theme days, recorded with date, topic and attendance; a compliance
// calendar per organization derived from the frequencies in
// definitions/membership.yaml (held / missed / due for each month or
// quarter); and the county's yearly review of the records.
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
#include "events/attendance.h"
#include "members/membership_rules.h"

namespace jiceng::members {

// Who attended, kept by the attendance block (events/attendance.h).
using Attendance = events::Attendance;
inline constexpr events::AttendanceTable kMeetingAttendance = {"meeting_attendance", "meetings", "meeting_id", false};

struct Meeting {
  std::int64_t id = 0;
  std::int64_t org_id = 0;
  std::string kind = {};
  std::string held_on = {};
  std::string topic = {};
  std::vector<Attendance> attendance = {};
};

// One period of one kind of meeting for one organization.
struct ComplianceCell {
  std::string period = {};  // "2026-03" or "2026-Q1"
  int held = 0;
  std::string state;   // held, missed (past, none held), due (current, none yet)
};

struct ComplianceRow {
  std::string kind = {};
  std::vector<ComplianceCell> cells = {};
  int due = 0;     // periods so far
  int held = 0;    // periods with at least one meeting
  int missed = 0;  // past periods without one
  // Whether the organization's kind is held to this frequency (the kind's
  // `binds` in membership.yaml). When not: only the periods it held the
  // meeting in, as "held" cells; due and missed are 0.
  bool bound = true;
};

struct MeetingReview {
  std::int64_t org_id = 0;
  int year = 0;
  std::string result = {};  // compliant, needs_improvement
  std::string note = {};
  std::string reviewed_on = {};
};

class MeetingService {
 public:
  // The tables it publishes to ChangeSink (analytics/publishers.h).
  static constexpr std::string_view kPublishedTables[] = {"meetings", "meeting_reviews"};

  // Every write is published to `changes` (the roll-up engine) in its transaction.
  MeetingService(db::Database& db, const MembershipRules& rules, analytics::ChangeSink& changes,
                 const BusinessClock& clock)
      : db_(db), clock_(clock), rules_(rules), changes_(changes) {}

  Result<Meeting> Record(std::int64_t org_id, const std::string& kind, const std::string& held_on,
                         const std::string& topic, const std::vector<Attendance>& attendance,
                         std::optional<std::int64_t> by_user);
  // Record() inside `s`'s write transaction, for callers that record many
  // at once (jiceng demo): the same checks and publishing; a failure ends
  // the transaction.
  Result<Meeting> RecordIn(db::Session& s, std::int64_t org_id, const std::string& kind, const std::string& held_on,
                           const std::string& topic, const std::vector<Attendance>& attendance,
                           std::optional<std::int64_t> by_user);
  Result<std::vector<Meeting>> ListForOrg(std::int64_t org_id, int year);
  // Periods of `year` up to today, for every meeting kind; a kind that does
  // not bind the organization's kind comes back with bound = false.
  Result<std::vector<ComplianceRow>> Compliance(std::int64_t org_id, int year);
  // The same rows summed over the active organizations of a subtree that a
  // kind binds (a committee counts in none of a branch's rows); `orgs`: how
  // many organizations some kind binds.
  Result<std::vector<ComplianceRow>> SubtreeCompliance(std::uint64_t unit_code, int year, std::int64_t* orgs = nullptr);
  Result<MeetingReview> Review(std::int64_t org_id, int year, const std::string& result, const std::string& note,
                               std::optional<std::int64_t> by_user);
  Result<std::optional<MeetingReview>> ReviewOf(std::int64_t org_id, int year);

 private:
  // `org_kind`: the organization's kind; nullopt: every kind bound.
  std::vector<ComplianceRow> Rows(const std::map<std::string, std::map<std::string, int>>& held, int year,
                                  const std::optional<std::string>& org_kind) const;

  db::Database& db_;
  const BusinessClock& clock_;
  const MembershipRules& rules_;
  analytics::ChangeSink& changes_;
};

}  // namespace jiceng::members
