// Events with attendance (出席记录): the one building block every domain uses
// for an event that people attend — meetings (三会一课), pairing activities
// (结对共建活动), and later training sessions (培训人次), visits and drills
// (应急演练的到岗人员). A domain writes only its event table, an attendance
// table of the shape below and an AttendanceTable descriptor naming them;
// the checks, the writing, the reading and the counts are here, so that
// every domain answers the same errors and counts person-times the same way.
//
// An attendance table holds one row per person listed for an event:
//
//   <event_column> BIGINT NOT NULL REFERENCES <event_table>(id),
//   province_code  TEXT NOT NULL,      -- the event's (attendance lives with the event)
//   [unit_id       BIGINT NOT NULL,]   -- the event's, when `has_unit_id`
//   member_id      BIGINT NOT NULL REFERENCES members(id),
//   status         TEXT NOT NULL CHECK (status IN ('present', 'absent', 'leave')),
//   PRIMARY KEY (<event_column>, member_id)
//
// and the event table has `id`, `province_code` (and `unit_id`) columns.
// Attendees are members (党员); each domain says which organizations'
// members may be listed (AllowedOrgs).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "db/database.h"

namespace jiceng::events {

// One person on an event's list: present (出席), absent (缺席) or on leave (请假).
struct Attendance {
  std::int64_t member_id = 0;
  std::string status = {};  // present, absent, leave

  friend bool operator==(const Attendance&, const Attendance&) = default;
};

bool IsAttendanceStatus(std::string_view status);

// Where one domain keeps its attendance. Names are identifiers from code,
// never from input (they are spliced into SQL).
struct AttendanceTable {
  std::string_view table;         // "meeting_attendance"
  std::string_view event_table;   // "meetings": its province_code (and unit_id) are copied onto the rows
  std::string_view event_column;  // "meeting_id"
  bool has_unit_id = false;       // the table has a unit_id column (the event's unit)
};

// Whose members may be listed for one event, with how messages name them
// ("该组织" / "this organization", "结对双方组织" / "either side of the pairing").
struct AllowedOrgs {
  std::vector<std::int64_t> org_ids = {};
  std::string zh = {};
  std::string en = {};
};

// Checks a list before it is written, inside the caller's transaction:
// every status known, nobody twice, every member existing and belonging to
// one of `allowed.org_ids`. The first fault is returned as kInvalidArgument
// naming the item's field, "<field>[3].status" or "<field>[3].member_id"
// (0-based index, as the request's JSON list); a member that does not exist
// is answered like one of another organization (ids cannot be probed).
Status CheckAttendance(db::Session& s, std::span<const Attendance> list, const AllowedOrgs& allowed,
                       std::string_view field = "attendance");

// Inserts `list` (checked by CheckAttendance) as the attendance of event
// `event_id`, inside the caller's write transaction, in one bulk insert
// (COPY on PostgreSQL). kNotFound when the event does not exist.
Status WriteAttendance(db::Session& s, const AttendanceTable& t, std::int64_t event_id,
                       std::span<const Attendance> list);
// Deletes the event's attendance and writes `list` instead (an empty list
// leaves none), in the caller's transaction.
Status ReplaceAttendance(db::Session& s, const AttendanceTable& t, std::int64_t event_id,
                         std::span<const Attendance> list);

// The attendance of one event, by member id; empty when none was taken.
Result<std::vector<Attendance>> ReadAttendance(db::Session& s, const AttendanceTable& t, std::int64_t event_id);
// The attendance of many events (chunked `IN (...)` queries), by member id;
// events without attendance have no entry.
Result<std::map<std::int64_t, std::vector<Attendance>>> ReadAttendance(db::Session& s, const AttendanceTable& t,
                                                                       const std::vector<std::int64_t>& event_ids);

// How many were present, absent and on leave. Person-times (人次) are the
// presences: added over several events, a person present at three events
// counts three times.
struct AttendanceCounts {
  std::int64_t present = 0;
  std::int64_t absent = 0;
  std::int64_t leave = 0;

  std::int64_t person_times() const { return present; }
  std::int64_t listed() const { return present + absent + leave; }
  AttendanceCounts& operator+=(const AttendanceCounts& o) {
    present += o.present;
    absent += o.absent;
    leave += o.leave;
    return *this;
  }
  friend bool operator==(const AttendanceCounts&, const AttendanceCounts&) = default;
};

AttendanceCounts CountAttendance(std::span<const Attendance> list);
// The counts of many events (for lists and figures that need no names),
// reading only the status of each row; events without attendance have no
// entry.
Result<std::map<std::int64_t, AttendanceCounts>> CountAttendance(db::Session& s, const AttendanceTable& t,
                                                                 const std::vector<std::int64_t>& event_ids);

// The date rule of every event: "YYYY-MM-DD", not after today by the
// business clock (common/clock.h). One error, kInvalidArgument naming `field`.
Result<Date> CheckEventDate(std::string_view text, std::string_view field, const BusinessClock& clock);

}  // namespace jiceng::events
