#include "events/attendance.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "db/sql_filters.h"

namespace jiceng::events {

using db::Value;

namespace {

// "attendance[3].member_id": the 0-based index of the request's list.
std::string ItemField(std::string_view field, std::size_t i, std::string_view key) {
  return std::string(field) + "[" + std::to_string(i) + "]." + std::string(key);
}

// "出席名单第 4 项" / "attendance item 4": the 1-based index people count by.
std::string ItemZh(std::size_t i) { return "出席名单第 " + std::to_string(i + 1) + " 项"; }
std::string ItemEn(std::size_t i) { return "Attendance item " + std::to_string(i + 1); }

// The province (and unit) of an event, copied onto its attendance rows so
// that the rows live where the event lives (docs/scaling.md).
struct EventPlace {
  std::string province_code;
  std::int64_t unit_id = 0;
};

Result<EventPlace> PlaceOf(db::Session& s, const AttendanceTable& t, std::int64_t event_id) {
  const std::string sql = "SELECT province_code" + std::string(t.has_unit_id ? ", unit_id" : "") + " FROM " +
                          std::string(t.event_table) + " WHERE id = ?";
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(sql, {Value(event_id)}));
  if (!row) {
    // A caller's bug rather than input (it writes the attendance of an
    // event it has just made or read), but a value all the same.
    return Status::NotFound("没有编号为 " + std::to_string(event_id) + " 的活动。",
                            "No event has id " + std::to_string(event_id) + ".", "id");
  }
  return EventPlace{row->Text(0), t.has_unit_id ? row->Int(1) : 0};
}

void Tally(AttendanceCounts& c, std::string_view status) {
  if (status == "present") ++c.present;
  if (status == "absent") ++c.absent;
  if (status == "leave") ++c.leave;
}

}  // namespace

bool IsAttendanceStatus(std::string_view status) {
  return status == "present" || status == "absent" || status == "leave";
}

Status CheckAttendance(db::Session& s, std::span<const Attendance> list, const AllowedOrgs& allowed,
                       std::string_view field) {
  // The list itself first (no database needed): statuses and duplicates.
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!IsAttendanceStatus(list[i].status)) {
      return Status::InvalidArgument(ItemField(field, i, "status"),
                                     ItemZh(i) + "：出席情况应为 present（出席）、absent（缺席）或 leave（请假）。",
                                     ItemEn(i) + ": status must be present, absent or leave.");
    }
    if (!seen.insert(list[i].member_id).second) {
      return Status::InvalidArgument(ItemField(field, i, "member_id"),
                                     ItemZh(i) + "：党员 " + std::to_string(list[i].member_id) +
                                         " 在名单中出现了两次，请删去重复的一项。",
                                     ItemEn(i) + ": member " + std::to_string(list[i].member_id) +
                                         " appears twice in the list; remove one of them.");
    }
  }
  if (list.empty()) return Status::Ok();
  // Then who they are: the organization of every member listed.
  std::vector<std::int64_t> ids(seen.begin(), seen.end());
  std::unordered_map<std::int64_t, std::int64_t> org_of;
  org_of.reserve(ids.size());
  JICENG_RETURN_IF_ERROR(db::QueryIn(s, "SELECT id, org_id FROM members WHERE id", ids, [&](const db::Row& r) {
    org_of.emplace(r.Int(0), r.Int(1));
    return Status::Ok();
  }));
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto it = org_of.find(list[i].member_id);
    const bool in_allowed =
        it != org_of.end() && std::find(allowed.org_ids.begin(), allowed.org_ids.end(), it->second) != allowed.org_ids.end();
    if (!in_allowed) {
      const std::string id = std::to_string(list[i].member_id);
      return Status::InvalidArgument(ItemField(field, i, "member_id"),
                                     ItemZh(i) + "：党员 " + id + " 不是" + allowed.zh + "的党员，请从名单中删去。",
                                     ItemEn(i) + ": member " + id + " is not a member of " + allowed.en +
                                         "; remove them from the list.");
    }
  }
  return Status::Ok();
}

Status WriteAttendance(db::Session& s, const AttendanceTable& t, std::int64_t event_id,
                       std::span<const Attendance> list) {
  if (list.empty()) return Status::Ok();
  JICENG_ASSIGN_OR_RETURN(auto place, PlaceOf(s, t, event_id));
  std::vector<std::string> columns = {std::string(t.event_column), "province_code"};
  if (t.has_unit_id) columns.emplace_back("unit_id");
  columns.emplace_back("member_id");
  columns.emplace_back("status");
  std::vector<db::Params> rows;
  rows.reserve(list.size());
  for (const Attendance& a : list) {
    db::Params row = {Value(event_id), Value(place.province_code)};
    if (t.has_unit_id) row.emplace_back(place.unit_id);
    row.emplace_back(a.member_id);
    row.emplace_back(a.status);
    rows.push_back(std::move(row));
  }
  return s.BulkInsert(t.table, columns, rows).status();
}

Status ReplaceAttendance(db::Session& s, const AttendanceTable& t, std::int64_t event_id,
                         std::span<const Attendance> list) {
  JICENG_RETURN_IF_ERROR(s.Exec("DELETE FROM " + std::string(t.table) + " WHERE " + std::string(t.event_column) + " = ?",
                                {Value(event_id)})
                             .status());
  return WriteAttendance(s, t, event_id, list);
}

Result<std::vector<Attendance>> ReadAttendance(db::Session& s, const AttendanceTable& t, std::int64_t event_id) {
  std::vector<Attendance> out;
  JICENG_RETURN_IF_ERROR(s.Query("SELECT member_id, status FROM " + std::string(t.table) + " WHERE " +
                                     std::string(t.event_column) + " = ? ORDER BY member_id",
                                 {Value(event_id)}, [&](const db::Row& r) {
                                   out.push_back(Attendance{r.Int(0), r.Text(1)});
                                   return Status::Ok();
                                 }));
  return out;
}

Result<std::map<std::int64_t, std::vector<Attendance>>> ReadAttendance(db::Session& s, const AttendanceTable& t,
                                                                       const std::vector<std::int64_t>& event_ids) {
  std::map<std::int64_t, std::vector<Attendance>> out;
  const std::string event(t.event_column);
  JICENG_RETURN_IF_ERROR(db::QueryIn(s, "SELECT " + event + ", member_id, status FROM " + std::string(t.table) +
                                            " WHERE " + event,
                                     event_ids, [&](const db::Row& r) {
                                       out[r.Int(0)].push_back(Attendance{r.Int(1), r.Text(2)});
                                       return Status::Ok();
                                     }));
  // Each chunk comes back in the engine's order: sort by member, as the
  // one-event read does.
  for (auto& entry : out) {
    std::vector<Attendance>& list = entry.second;
    std::sort(list.begin(), list.end(), [](const Attendance& a, const Attendance& b) { return a.member_id < b.member_id; });
  }
  return out;
}

AttendanceCounts CountAttendance(std::span<const Attendance> list) {
  AttendanceCounts c;
  for (const Attendance& a : list) Tally(c, a.status);
  return c;
}

Result<std::map<std::int64_t, AttendanceCounts>> CountAttendance(db::Session& s, const AttendanceTable& t,
                                                                 const std::vector<std::int64_t>& event_ids) {
  std::map<std::int64_t, AttendanceCounts> out;
  const std::string event(t.event_column);
  // Two narrow columns a row, counted here: QueryIn appends the IN list at
  // the end of the statement, where no GROUP BY can follow it.
  JICENG_RETURN_IF_ERROR(db::QueryIn(s, "SELECT " + event + ", status FROM " + std::string(t.table) + " WHERE " + event,
                                     event_ids, [&](const db::Row& r) {
                                       Tally(out[r.Int(0)], r.Text(1));
                                       return Status::Ok();
                                     }));
  return out;
}

Result<Date> CheckEventDate(std::string_view text, std::string_view field, const BusinessClock& clock) {
  auto d = ParseDate(text);
  if (!d || *d > clock.Today()) {
    const std::string f(field);
    return Status::InvalidArgument(f, "日期应为不晚于今天的日期，如 2026-11-05。",
                                   f + " must be a date no later than today, e.g. 2026-11-05.");
  }
  return *d;
}

}  // namespace jiceng::events
