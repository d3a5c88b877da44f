#include "members/meeting_service.h"

#include "common/clock.h"
#include "common/text.h"

namespace jiceng::members {

using db::Value;

namespace {

// The period a date falls in for a frequency: "2026-03" or "2026-Q1".
std::string PeriodOf(const std::string& date, const std::string& every) {
  if (every == "month") return date.substr(0, 7);
  const int month = std::stoi(date.substr(5, 2));
  return date.substr(0, 4) + "-Q" + std::to_string((month - 1) / 3 + 1);
}

// The periods of `year` that have begun by today, in order.
std::vector<std::string> PeriodsSoFar(int year, const std::string& every, Date today_date) {
  std::vector<std::string> out;
  const std::string today = FormatDate(today_date);
  for (int m = 1; m <= 12; ++m) {
    char first[12];
    std::snprintf(first, sizeof first, "%04d-%02d-01", year, m);
    if (std::string(first) > today) break;
    const std::string p = PeriodOf(first, every);
    if (out.empty() || out.back() != p) out.push_back(p);
  }
  return out;
}

Result<std::int64_t> ActiveOrgUnitId(db::Session& s, std::int64_t org_id) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT unit_id, status FROM organizations WHERE id = ?", {Value(org_id)}));
  if (!row) return Status::NotFound("没有这个组织。", "No such organization.", "id");
  if (row->Text(1) != "active") return Status::FailedPrecondition("该组织已撤销或合并。", "That organization has ended.", "id");
  return row->Int(0);
}

Status CheckYear(int year, Date today) {
  const int now = static_cast<int>(std::chrono::year_month_day(today).year());
  if (year < 2000 || year > now) {
    return Status::InvalidArgument("year", "年度应在 2000 年到今年之间。", "year must be from 2000 to this year.");
  }
  return Status::Ok();
}

}  // namespace

Result<Meeting> MeetingService::Record(std::int64_t org_id, const std::string& kind, const std::string& held_on,
                                       const std::string& raw_topic, const std::vector<Attendance>& attendance,
                                       std::optional<std::int64_t> by_user) {
  std::optional<Meeting> m;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(m, RecordIn(s, org_id, kind, held_on, raw_topic, attendance, by_user));
    return Status::Ok();
  }));
  return std::move(*m);
}

Result<Meeting> MeetingService::RecordIn(db::Session& s, std::int64_t org_id, const std::string& kind,
                                         const std::string& held_on, const std::string& raw_topic,
                                         const std::vector<Attendance>& attendance,
                                         std::optional<std::int64_t> by_user) {
  const MeetingKind* mk = nullptr;
  std::string known;
  for (const MeetingKind& k : rules_.meetings()) {
    if (k.id == kind) mk = &k;
    known += (known.empty() ? "" : ", ") + k.id;
  }
  if (mk == nullptr) {
    return Status::InvalidArgument("kind", "会议类型应为：" + known + "。", "kind must be one of: " + known + ".");
  }
  JICENG_ASSIGN_OR_RETURN(auto on, events::CheckEventDate(held_on, "held_on", clock_));
  const std::string topic = Trim(raw_topic);
  if (topic.empty() || Utf8Length(topic) > 100 || HasControlChars(topic)) {
    return Status::InvalidArgument("topic", "请填写 1–100 字的会议主题。", "Give a topic of 1–100 characters.");
  }
  Meeting m{0, org_id, kind, FormatDate(on), topic, attendance};
  JICENG_ASSIGN_OR_RETURN(auto unit, ActiveOrgUnitId(s, org_id));
  // Everyone listed must be a member of the organization.
  JICENG_RETURN_IF_ERROR(events::CheckAttendance(s, attendance, {{org_id}, "该组织", "this organization"}));
  JICENG_ASSIGN_OR_RETURN(m.id, s.InsertReturningId("INSERT INTO meetings (org_id, province_code, unit_id, kind, "
                                                    "held_on, topic, recorded_by, created_at) VALUES (?, (SELECT "
                                                    "province_code FROM organizations WHERE id = ?), ?, ?, ?, ?, ?, ?) "
                                                    "RETURNING id",
                                                    {Value(org_id), Value(org_id), Value(unit), Value(kind),
                                                     Value(m.held_on), Value(topic), by_user ? Value(*by_user) : Value(nullptr),
                                                     Value(NowUtcIso())}));
  JICENG_RETURN_IF_ERROR(events::WriteAttendance(s, kMeetingAttendance, m.id, attendance));
  JICENG_RETURN_IF_ERROR(changes_.Changed(s, "meetings", m.id));
  return m;
}

Result<std::vector<Meeting>> MeetingService::ListForOrg(std::int64_t org_id, int year) {
  JICENG_RETURN_IF_ERROR(CheckYear(year, clock_.Today()));
  std::vector<Meeting> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(s.Query("SELECT id, org_id, kind, held_on, topic FROM meetings WHERE org_id = ? AND "
                                   "substr(held_on, 1, 4) = ? ORDER BY held_on, id",
                                   {Value(org_id), Value(std::to_string(year))}, [&](const db::Row& row) {
                                     out.push_back(Meeting{row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4), {}});
                                     return Status::Ok();
                                   }));
    // Every meeting's list in a few chunked queries, not one query a meeting.
    std::vector<std::int64_t> ids;
    ids.reserve(out.size());
    for (const Meeting& m : out) ids.push_back(m.id);
    JICENG_ASSIGN_OR_RETURN(auto lists, events::ReadAttendance(s, kMeetingAttendance, ids));
    for (Meeting& m : out) {
      if (auto it = lists.find(m.id); it != lists.end()) m.attendance = std::move(it->second);
    }
    return Status::Ok();
  }));
  return out;
}

std::vector<ComplianceRow> MeetingService::Rows(const std::map<std::string, std::map<std::string, int>>& held,
                                                int year, const std::optional<std::string>& org_kind) const {
  const std::string today = FormatDate(clock_.Today());
  std::vector<ComplianceRow> rows;
  for (const MeetingKind& k : rules_.meetings()) {
    ComplianceRow row;
    row.kind = k.id;
    row.bound = !org_kind || k.Binds(*org_kind);
    const auto periods = PeriodsSoFar(year, k.every, clock_.Today());
    const std::string current = PeriodOf(today, k.every);
    auto kind_held = held.find(k.id);
    for (const std::string& p : periods) {
      ComplianceCell cell{p, 0, ""};
      if (kind_held != held.end()) {
        if (auto it = kind_held->second.find(p); it != kind_held->second.end()) cell.held = it->second;
      }
      if (!row.bound) {
        // Not held to this calendar: what it held, and nothing due or missed.
        if (cell.held > 0) {
          cell.state = "held";
          ++row.held;
          row.cells.push_back(std::move(cell));
        }
        continue;
      }
      cell.state = cell.held > 0 ? "held" : (p == current ? "due" : "missed");
      ++row.due;
      if (cell.held > 0) ++row.held;
      if (cell.state == "missed") ++row.missed;
      row.cells.push_back(std::move(cell));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<ComplianceRow>> MeetingService::Compliance(std::int64_t org_id, int year) {
  JICENG_RETURN_IF_ERROR(CheckYear(year, clock_.Today()));
  std::map<std::string, std::map<std::string, int>> held;  // kind -> period -> meetings
  std::map<std::string, std::string> every;
  for (const MeetingKind& k : rules_.meetings()) every[k.id] = k.every;
  std::optional<std::string> org_kind;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, s.QueryOne("SELECT kind FROM organizations WHERE id = ?", {Value(org_id)}));
    if (!org) return Status::NotFound("没有这个组织。", "No such organization.", "id");
    org_kind = org->Text(0);
    return s.Query("SELECT kind, held_on FROM meetings WHERE org_id = ? AND substr(held_on, 1, 4) = ?",
                   {Value(org_id), Value(std::to_string(year))}, [&](const db::Row& row) {
                     auto it = every.find(row.Text(0));
                     if (it != every.end()) ++held[row.Text(0)][PeriodOf(row.Text(1), it->second)];
                     return Status::Ok();
                   });
  }));
  return Rows(held, year, org_kind);
}

Result<std::vector<ComplianceRow>> MeetingService::SubtreeCompliance(std::uint64_t unit_code, int year,
                                                                     std::int64_t* org_count) {
  JICENG_RETURN_IF_ERROR(CheckYear(year, clock_.Today()));
  const std::string prefix = std::to_string(unit_code);
  std::map<std::string, std::string> every;
  for (const MeetingKind& k : rules_.meetings()) every[k.id] = k.every;
  // org -> kind -> period -> meetings, for the organizations some kind binds
  std::map<std::int64_t, std::map<std::string, std::map<std::string, int>>> held;
  std::map<std::int64_t, std::string> org_kinds;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    const db::Params p = {Value(static_cast<std::int64_t>(prefix.size())), Value(prefix)};
    JICENG_RETURN_IF_ERROR(s.Query("SELECT o.id, o.kind FROM organizations o JOIN units un ON un.id = o.unit_id "
                                   "WHERE o.status = 'active' AND substr(un.code, 1, ?) = ?",
                                   p, [&](const db::Row& row) {
                                     const std::string kind = row.Text(1);
                                     for (const MeetingKind& k : rules_.meetings()) {
                                       if (!k.Binds(kind)) continue;
                                       held[row.Int(0)];
                                       org_kinds[row.Int(0)] = kind;
                                       break;
                                     }
                                     return Status::Ok();
                                   }));
    db::Params q = p;
    q.emplace_back(std::to_string(year));
    return s.Query("SELECT m.org_id, m.kind, m.held_on FROM meetings m JOIN units un ON un.id = m.unit_id "
                   "WHERE substr(un.code, 1, ?) = ? AND substr(m.held_on, 1, 4) = ?",
                   q, [&](const db::Row& row) {
                     auto org = held.find(row.Int(0));
                     auto it = every.find(row.Text(1));
                     if (org != held.end() && it != every.end()) {
                       ++org->second[row.Text(1)][PeriodOf(row.Text(2), it->second)];
                     }
                     return Status::Ok();
                   });
  }));
  if (org_count) *org_count = static_cast<std::int64_t>(held.size());
  std::vector<ComplianceRow> total = Rows({}, year, std::nullopt);
  for (auto& row : total) {
    row.due = row.held = row.missed = 0;
    for (auto& cell : row.cells) cell.held = 0;
  }
  for (const auto& [org, kinds] : held) {
    const auto rows = Rows(kinds, year, org_kinds[org]);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].bound) continue;  // counted only where the kind binds the organization
      total[i].due += rows[i].due;
      total[i].held += rows[i].held;
      total[i].missed += rows[i].missed;
      for (std::size_t c = 0; c < rows[i].cells.size(); ++c) total[i].cells[c].held += rows[i].cells[c].held > 0 ? 1 : 0;
    }
  }
  // In a subtree a cell counts organizations that held the meeting in that period.
  for (auto& row : total) {
    for (auto& cell : row.cells) cell.state = "";
  }
  return total;
}

Result<MeetingReview> MeetingService::Review(std::int64_t org_id, int year, const std::string& result,
                                             const std::string& note, std::optional<std::int64_t> by_user) {
  JICENG_RETURN_IF_ERROR(CheckYear(year, clock_.Today()));
  if (result != "compliant" && result != "needs_improvement") {
    return Status::InvalidArgument("result", "审核结论应为 compliant（合格）或 needs_improvement（需整改）。",
                                   "result must be compliant or needs_improvement.");
  }
  if (Utf8Length(note) > 500 || HasControlChars(note)) {
    return Status::InvalidArgument("note", "意见最多 500 字，不能换行。", "The note has at most 500 characters, on one line.");
  }
  MeetingReview r{org_id, year, result, Trim(note), FormatDate(clock_.Today())};
  Status st = db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto unit, s.QueryOne("SELECT unit_id FROM organizations WHERE id = ?", {Value(org_id)}));
    if (!unit) return Status::NotFound("没有这个组织。", "No such organization.", "id");
    JICENG_ASSIGN_OR_RETURN(
        auto id, s.InsertReturningId("INSERT INTO meeting_reviews (org_id, province_code, unit_id, year, result, note, "
                                     "reviewed_by, reviewed_on) VALUES (?, (SELECT province_code FROM organizations "
                                     "WHERE id = ?), ?, ?, ?, ?, ?, ?) RETURNING id",
                                     {Value(org_id), Value(org_id), Value(unit->Int(0)), Value(std::int64_t{year}),
                                      Value(result), Value(r.note), by_user ? Value(*by_user) : Value(nullptr),
                                      Value(r.reviewed_on)}));
    return changes_.Changed(s, "meeting_reviews", id);
  });
  if (st.code() == ErrorCode::kConflict) {
    return Status::Conflict("该组织 " + std::to_string(year) + " 年的记录已审核过。",
                            "This organization's " + std::to_string(year) + " records were already reviewed.", "year");
  }
  JICENG_RETURN_IF_ERROR(st);
  return r;
}

Result<std::optional<MeetingReview>> MeetingService::ReviewOf(std::int64_t org_id, int year) {
  std::optional<MeetingReview> r;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT result, note, reviewed_on FROM meeting_reviews WHERE org_id = ? "
                                                 "AND year = ?",
                                                 {Value(org_id), Value(std::int64_t{year})}));
    if (row) r = MeetingReview{org_id, year, row->Text(0), row->Text(1), row->Text(2)};
    return Status::Ok();
  }));
  return r;
}

}  // namespace jiceng::members
