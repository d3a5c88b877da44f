#include "orgs/pairing_service.h"

#include <algorithm>

#include "common/clock.h"
#include "common/text.h"
#include "orgs/org_service.h"
#include "stays/dated_stay.h"

namespace jiceng::orgs {

using db::Value;

bool IsPairingKind(std::string_view kind) {
  return kind == "adjacent_area" || kind == "office_enterprise" || kind == "urban_rural";
}

std::string_view PairingKindZh(std::string_view kind) {
  if (kind == "adjacent_area") return "区域相邻";
  if (kind == "office_enterprise") return "机关企业";
  if (kind == "urban_rural") return "城乡";
  return "";
}

namespace {

// A pairing is a stay (stays/dated_stay.h) of side A with side B (stored
// with the smaller id first), with an agreed end (`ends_on`) and the day it
// actually ended (`ended_on`).
constexpr stays::StayTable kPairingStays{.table = "org_pairings",
                                         .subject = "org_a_id",
                                         .place = "org_b_id",
                                         .start = "starts_on",
                                         .end = "ended_on",
                                         .planned_end = "ends_on",
                                         .subject_field = "partner_org_id",
                                         .start_field = "starts_on",
                                         .end_field = "on_date",
                                         .subject_zh = "组织",
                                         .subject_en = "organization",
                                         .stay_zh = "结对",
                                         .stay_en = "pairing"};

constexpr const char* kPairingSelect =
    "SELECT p.id, p.kind, p.starts_on, p.ends_on, p.ended_on, p.note, "
    "a.id, a.name, ua.code, a.status, b.id, b.name, ub.code, b.status, "
    "(SELECT COUNT(*) FROM pairing_activities x WHERE x.pairing_id = p.id) "
    "FROM org_pairings p "
    "JOIN organizations a ON a.id = p.org_a_id JOIN units ua ON ua.id = a.unit_id "
    "JOIN organizations b ON b.id = p.org_b_id JOIN units ub ON ub.id = b.unit_id ";

Pairing ReadPairing(const db::Row& row) {
  Pairing p;
  p.id = row.Int(0);
  p.kind = row.Text(1);
  p.starts_on = row.Text(2);
  p.ends_on = row.OptText(3);
  p.ended_on = row.OptText(4);
  p.note = row.Text(5);
  p.a = {row.Int(6), row.Text(7), std::stoull(row.Text(8)), row.Text(9)};
  p.b = {row.Int(10), row.Text(11), std::stoull(row.Text(12)), row.Text(13)};
  p.activity_count = row.Int(14);
  return p;
}


Result<std::optional<Pairing>> FindPairing(db::Session& s, std::int64_t id) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string(kPairingSelect) + "WHERE p.id = ?", {Value(id)}));
  if (!row) return std::optional<Pairing>();
  return std::optional<Pairing>(ReadPairing(*row));
}

// Free text of at most `max` characters; line breaks only where `multiline`.
Result<std::string> CheckText(std::string_view raw, std::string_view field, std::size_t max, bool required,
                              bool multiline) {
  std::string text = Trim(raw);
  std::string without_breaks = text;
  if (multiline) std::erase_if(without_breaks, [](char c) { return c == '\n' || c == '\r'; });
  const std::string f(field);
  if (!IsValidUtf8(text) || HasControlChars(without_breaks) || Utf8Length(text) > max || (required && text.empty())) {
    const std::string n = std::to_string(max);
    return Status::InvalidArgument(f, std::string(required ? "请填写" : "最多") + " " + (required ? "1–" : "") + n + " 字" +
                                          (multiline ? "" : "，不能换行") + "。",
                                   std::string(required ? "Give 1–" : "At most ") + n + " characters" +
                                       (multiline ? "" : ", on one line") + ".");
  }
  return text;
}

}  // namespace

Status PairingNotFound(std::int64_t id) {
  return Status::NotFound("没有编号为 " + std::to_string(id) + " 的结对。", "No pairing has id " + std::to_string(id) + ".",
                          "id");
}

Result<Pairing> PairingService::Get(std::int64_t id) {
  std::optional<Pairing> p;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(p, FindPairing(s, id));
    return Status::Ok();
  }));
  if (!p) return PairingNotFound(id);
  return std::move(*p);
}

Result<std::pair<std::uint64_t, std::uint64_t>> PairingService::UnitsOf(std::int64_t id) {
  JICENG_ASSIGN_OR_RETURN(auto p, Get(id));
  return std::make_pair(p.a.unit_code, p.b.unit_code);
}

Result<Pairing> PairingService::Create(const PairingInput& in, std::optional<std::int64_t> by_user) {
  if (in.org_id == in.partner_org_id) {
    return Status::InvalidArgument("partner_org_id", "不能与本组织自己结对，请选择另一个组织。",
                                   "An organization cannot pair with itself; choose another one.");
  }
  if (!IsPairingKind(in.kind)) {
    return Status::InvalidArgument("kind", "结对类型应为 adjacent_area（区域相邻）、office_enterprise（机关企业）或 "
                                           "urban_rural（城乡）。",
                                   "kind must be adjacent_area, office_enterprise or urban_rural.");
  }
  JICENG_ASSIGN_OR_RETURN(auto start, CheckPastDate(in.starts_on, "starts_on", clock_.Today()));
  std::optional<std::string> ends;
  if (in.ends_on) {
    auto e = ParseDate(*in.ends_on);
    if (!e || *e < start) {
      return Status::InvalidArgument("ends_on", "结束日期应为不早于开始日期的日期，如 2028-12-31。",
                                     "ends_on must be a date no earlier than starts_on, e.g. 2028-12-31.");
    }
    ends = FormatDate(*e);
  }
  JICENG_ASSIGN_OR_RETURN(auto note, CheckText(in.note, "note", 500, false, true));
  // Stored with the smaller id first, so that one unique index refuses an
  // active duplicate whichever side asks.
  const std::int64_t a = std::min(in.org_id, in.partner_org_id);
  const std::int64_t b = std::max(in.org_id, in.partner_org_id);
  std::int64_t id = 0;
  Status st = db_.Write([&](db::Session& s) -> Status {
    std::int64_t unit_id = 0;
    std::string province;
    for (auto [org, field] : {std::pair{in.org_id, "org_id"}, std::pair{in.partner_org_id, "partner_org_id"}}) {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT unit_id, province_code, status FROM organizations WHERE id = ?",
                                                   {Value(org)}));
      if (!row) {
        return Status::NotFound("没有编号为 " + std::to_string(org) + " 的组织。",
                                "No organization has id " + std::to_string(org) + ".", field);
      }
      if (row->Text(2) != "active") {
        return Status::FailedPrecondition("组织 " + std::to_string(org) + " 已撤销或合并，不能结对。",
                                          "Organization " + std::to_string(org) + " has ended and cannot pair.", field);
      }
      if (org == a) {
        unit_id = row->Int(0);
        province = row->Text(1);
      }
    }
    JICENG_ASSIGN_OR_RETURN(auto dup, s.QueryOne("SELECT id FROM org_pairings WHERE org_a_id = ? AND org_b_id = ? "
                                                 "AND ended_on IS NULL",
                                                 {Value(a), Value(b)}));
    if (dup) {
      return Status::Conflict("这两个组织已经结对（结对编号 " + std::to_string(dup->Int(0)) + "），请勿重复登记。",
                              "These two organizations are already paired (pairing " + std::to_string(dup->Int(0)) +
                                  ").",
                              "partner_org_id");
    }
    const std::string now = NowUtcIso();
    JICENG_ASSIGN_OR_RETURN(
        id, s.InsertReturningId("INSERT INTO org_pairings (org_a_id, org_b_id, unit_id, province_code, kind, "
                                "starts_on, ends_on, note, created_by, created_at, updated_at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                {Value(a), Value(b), Value(unit_id), Value(province), Value(in.kind),
                                 Value(FormatDate(start)), ends ? Value(*ends) : Value(nullptr), Value(note),
                                 by_user ? Value(*by_user) : Value(nullptr), Value(now), Value(now)}));
    return Status::Ok();
  });
  if (st.code() == ErrorCode::kConflict && st.field().empty()) {
    // Another writer paired the two meanwhile (the unique index).
    return Status::Conflict("这两个组织已经结对，请勿重复登记。", "These two organizations are already paired.",
                            "partner_org_id");
  }
  JICENG_RETURN_IF_ERROR(st);
  return Get(id);
}

Result<std::vector<Pairing>> PairingService::ListForOrg(std::int64_t org_id, bool include_ended) {
  std::vector<Pairing> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, s.QueryOne("SELECT id FROM organizations WHERE id = ?", {Value(org_id)}));
    if (!org) return Status::NotFound("没有这个组织。", "No such organization.", "id");
    return s.Query(std::string(kPairingSelect) + "WHERE (p.org_a_id = ? OR p.org_b_id = ?)" +
                       (include_ended ? "" : " AND p.ended_on IS NULL") +
                       " ORDER BY CASE WHEN p.ended_on IS NULL THEN 0 ELSE 1 END, p.starts_on DESC, p.id DESC",
                   {Value(org_id), Value(org_id)}, [&](const db::Row& row) {
                     out.push_back(ReadPairing(row));
                     return Status::Ok();
                   });
  }));
  return out;
}

Result<Pairing> PairingService::End(std::int64_t id, const std::string& on_date) {
  const Date today = clock_.Today();
  JICENG_RETURN_IF_ERROR(stays::CheckDay(on_date, "on_date", today).status());
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto p, FindPairing(s, id));
    if (!p) return PairingNotFound(id);
    return stays::End(s, kPairingStays, id, on_date, today).status();
  }));
  return Get(id);
}

Result<PairingActivity> PairingService::AddActivity(std::int64_t pairing_id, const ActivityInput& in,
                                                    std::optional<std::int64_t> by_user) {
  JICENG_ASSIGN_OR_RETURN(auto held, events::CheckEventDate(in.held_on, "held_on", clock_));
  JICENG_ASSIGN_OR_RETURN(auto title, CheckText(in.title, "title", 100, true, false));
  JICENG_ASSIGN_OR_RETURN(auto summary, CheckText(in.summary, "summary", 2000, false, true));
  std::int64_t participants = 0;
  if (!in.attendance.empty()) {
    // Names were taken: the number is the person-times present.
    participants = events::CountAttendance(in.attendance).person_times();
    if (in.participants && *in.participants != participants) {
      const std::string n = std::to_string(participants);
      return Status::InvalidArgument("participants", "参加人数应与名单中出席的人数（" + n + "）一致，或不填。",
                                     "participants must match the members present in the list (" + n +
                                         "), or be left out.");
    }
  } else if (!in.participants || *in.participants < 0 || *in.participants > 100000) {
    return Status::InvalidArgument("participants", "请填写参加人数（0–100000 的整数），或列出参加的党员。",
                                   "Give the number of participants (a whole number from 0 to 100000), or list "
                                   "the members who took part.");
  } else {
    participants = *in.participants;
  }
  PairingActivity out{0, pairing_id, FormatDate(held), title, summary, participants, in.attendance};
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto p, s.QueryOne("SELECT unit_id, province_code, starts_on, ended_on, org_a_id, org_b_id "
                                               "FROM org_pairings WHERE id = ?",
                                               {Value(pairing_id)}));
    if (!p) return PairingNotFound(pairing_id);
    const std::string starts = p->Text(2);
    const std::optional<std::string> ended = p->OptText(3);
    if (out.held_on < starts || (ended && out.held_on > *ended)) {
      const std::string until = ended ? *ended : FormatDate(clock_.Today());
      return Status::InvalidArgument("held_on", "活动日期应在结对期间（" + starts + " 至 " + until + "）。",
                                     "The activity must fall within the pairing (" + starts + " to " + until + ").");
    }
    // Members of either side may be listed.
    JICENG_RETURN_IF_ERROR(events::CheckAttendance(s, in.attendance, {{p->Int(4), p->Int(5)}, "结对双方组织",
                                                                      "either side of the pairing"}));
    JICENG_ASSIGN_OR_RETURN(
        out.id, s.InsertReturningId("INSERT INTO pairing_activities (pairing_id, unit_id, province_code, held_on, title, "
                                    "summary, participants, recorded_by, created_at) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                    {Value(pairing_id), Value(p->Int(0)), Value(p->Text(1)), Value(out.held_on),
                                     Value(title), Value(summary), Value(out.participants),
                                     by_user ? Value(*by_user) : Value(nullptr), Value(NowUtcIso())}));
    return events::WriteAttendance(s, kPairingActivityAttendance, out.id, in.attendance);
  }));
  std::sort(out.attendance.begin(), out.attendance.end(),
            [](const events::Attendance& a, const events::Attendance& b) { return a.member_id < b.member_id; });
  return out;
}

Result<std::vector<PairingActivity>> PairingService::Activities(std::int64_t pairing_id) {
  std::vector<PairingActivity> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto p, s.QueryOne("SELECT id FROM org_pairings WHERE id = ?", {Value(pairing_id)}));
    if (!p) return PairingNotFound(pairing_id);
    JICENG_RETURN_IF_ERROR(s.Query("SELECT id, pairing_id, held_on, title, summary, participants FROM pairing_activities "
                                   "WHERE pairing_id = ? ORDER BY held_on, id",
                                   {Value(pairing_id)}, [&](const db::Row& row) {
                                     out.push_back({row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4),
                                                    row.Int(5), {}});
                                     return Status::Ok();
                                   }));
    std::vector<std::int64_t> ids;
    ids.reserve(out.size());
    for (const PairingActivity& a : out) ids.push_back(a.id);
    JICENG_ASSIGN_OR_RETURN(auto lists, events::ReadAttendance(s, kPairingActivityAttendance, ids));
    for (PairingActivity& a : out) {
      if (auto it = lists.find(a.id); it != lists.end()) a.attendance = std::move(it->second);
    }
    return Status::Ok();
  }));
  return out;
}

Status EndPairings(db::Session& s, std::int64_t org_id, const std::string& day) {
  // The organization is side A of some pairings and side B of others.
  JICENG_RETURN_IF_ERROR(stays::EndAllOpen(s, kPairingStays, {.subject = org_id, .day = day}).status());
  return stays::EndAllOpen(s, kPairingStays, {.place = org_id, .day = day}).status();
}

void RegisterPairingEndings(OrgEndings& endings) {
  endings.OnOrgEnded("pairings", [](db::Session& s, const OrgEnd& end) { return EndPairings(s, end.org_id, end.day); });
}

}  // namespace jiceng::orgs
