#include "orgs/officer_service.h"

#include "common/clock.h"
#include "orgs/org_service.h"
#include "stays/dated_stay.h"

namespace jiceng::orgs {

using db::Value;

std::string_view PositionId(Position p) {
  switch (p) {
    case Position::kSecretary:
      return "secretary";
    case Position::kDeputySecretary:
      return "deputy_secretary";
    case Position::kCommitteeMember:
      return "committee_member";
  }
  return "";
}

std::string_view PositionZh(Position p) {
  switch (p) {
    case Position::kSecretary:
      return "书记";
    case Position::kDeputySecretary:
      return "副书记";
    case Position::kCommitteeMember:
      return "委员";
  }
  return "";
}

std::optional<Position> ParsePosition(std::string_view id) {
  for (Position p : {Position::kSecretary, Position::kDeputySecretary, Position::kCommitteeMember}) {
    if (PositionId(p) == id) return p;
  }
  return std::nullopt;
}

namespace {

constexpr const char* kOfficerColumns =
    "f.id, f.org_id, f.member_id, m.name, f.position, f.term_start, f.term_end, f.ended_on, f.end_reason";

Officer ReadOfficer(const db::Row& row) {
  Officer o;
  o.id = row.Int(0);
  o.org_id = row.Int(1);
  o.member_id = row.Int(2);
  o.member_name = row.Text(3);
  o.position = ParsePosition(row.Text(4)).value_or(Position::kCommitteeMember);
  o.term_start = row.Text(5);
  o.term_end = row.Text(6);
  o.ended_on = row.OptText(7);
  o.end_reason = row.OptText(8);
  return o;
}


Result<std::optional<Officer>> FindOfficer(db::Session& s, std::int64_t id) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string("SELECT ") + kOfficerColumns +
                                                   " FROM org_officers f JOIN members m ON m.id = f.member_id "
                                                   "WHERE f.id = ?",
                                               {Value(id)}));
  if (!row) return std::optional<Officer>();
  return std::optional<Officer>(ReadOfficer(*row));
}

// Terms are stays (stays/dated_stay.h) of a member at an organization: one
// open term per member and organization; `term_end` is the planned end.
constexpr stays::StayTable kTerms{.table = "org_officers",
                                  .subject = "member_id",
                                  .place = "org_id",
                                  .start = "term_start",
                                  .end = "ended_on",
                                  .planned_end = "term_end",
                                  .subject_field = "member_id",
                                  .start_field = "term_start",
                                  .end_field = "on_date",
                                  .subject_zh = "党员",
                                  .subject_en = "member",
                                  .stay_zh = "任期",
                                  .stay_en = "term"};

// Ends term `id` on `on` (the first day of its successor's term).
Status EndAsReplaced(db::Session& s, std::int64_t id, const std::string& on, Date today) {
  return stays::End(s, kTerms, id, on, today, {{"end_reason", Value(std::string("replaced"))}}, "term_start").status();
}

}  // namespace

Status OfficerNotFound(std::int64_t id) {
  return Status::NotFound("没有编号为 " + std::to_string(id) + " 的任职记录。",
                          "No officer's term has id " + std::to_string(id) + ".", "id");
}

Result<Officer> OfficerService::Get(std::int64_t officer_id) {
  std::optional<Officer> o;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(o, FindOfficer(s, officer_id));
    return Status::Ok();
  }));
  if (!o) return OfficerNotFound(officer_id);
  return std::move(*o);
}

Result<std::uint64_t> OfficerService::UnitOf(std::int64_t officer_id) {
  std::optional<std::uint64_t> unit;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT un.code FROM org_officers f JOIN units un "
                                                 "ON un.id = f.unit_id WHERE f.id = ?",
                                                 {Value(officer_id)}));
    if (row) unit = std::stoull(row->Text(0));
    return Status::Ok();
  }));
  if (!unit) return OfficerNotFound(officer_id);
  return *unit;
}

Result<std::vector<Officer>> OfficerService::ListForOrg(std::int64_t org_id) {
  std::vector<Officer> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, s.QueryOne("SELECT id FROM organizations WHERE id = ?", {Value(org_id)}));
    if (!org) return Status::NotFound("没有这个组织。", "No such organization.", "id");
    // Current terms by rank of position, then past terms latest-ended first.
    return s.Query(std::string("SELECT ") + kOfficerColumns +
                       " FROM org_officers f JOIN members m ON m.id = f.member_id WHERE f.org_id = ? "
                       "ORDER BY CASE WHEN f.ended_on IS NULL THEN 0 ELSE 1 END, "
                       "CASE f.position WHEN 'secretary' THEN 0 WHEN 'deputy_secretary' THEN 1 ELSE 2 END, "
                       "f.ended_on DESC, f.term_start, f.id",
                   {Value(org_id)}, [&](const db::Row& row) {
                     out.push_back(ReadOfficer(row));
                     return Status::Ok();
                   });
  }));
  // ORDER BY ended_on DESC puts NULLs first on PostgreSQL and last on
  // SQLite; the current terms are already grouped by the first key, so the
  // order is the same on both.
  return out;
}

Result<Officer> OfficerService::Appoint(const Appointment& a, std::optional<std::int64_t> by_user) {
  auto position = ParsePosition(a.position);
  if (!position) {
    return Status::InvalidArgument("position", "职务应为 secretary（书记）、deputy_secretary（副书记）或 "
                                               "committee_member（委员）。",
                                   "position must be secretary, deputy_secretary or committee_member.");
  }
  const Date today = clock_.Today();
  JICENG_ASSIGN_OR_RETURN(const std::string start, stays::CheckDay(a.term_start, "term_start", today));
  auto end_date = ParseDate(a.term_end);
  if (!end_date) {
    return Status::InvalidArgument("term_end",
                                   "任期届满日期“" + a.term_end.substr(0, 20) + "”格式不对，应为 2031-11-23。",
                                   "The planned end of the term \"" + a.term_end.substr(0, 20) +
                                       "\" should look like 2031-11-23.");
  }
  const std::string end = FormatDate(*end_date);
  if (end < start) {
    return Status::InvalidArgument("term_end", "任期届满日期不能早于任期开始日期。",
                                   "The planned end of the term cannot be before its start.");
  }
  std::int64_t id = 0;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, s.QueryOne("SELECT unit_id, province_code, status FROM organizations WHERE id = ?",
                                                 {Value(a.org_id)}));
    if (!org) return Status::NotFound("没有这个组织。", "No such organization.", "id");
    if (org->Text(2) != "active") {
      return Status::FailedPrecondition("该组织已撤销或合并，不能再任命。", "That organization has ended.", "id");
    }
    JICENG_ASSIGN_OR_RETURN(auto member, s.QueryOne("SELECT org_id, stage, status FROM members WHERE id = ?",
                                                    {Value(a.member_id)}));
    if (!member) {
      return Status::NotFound("没有编号为 " + std::to_string(a.member_id) + " 的党员。",
                              "No member has id " + std::to_string(a.member_id) + ".", "member_id");
    }
    if (member->Text(2) != "active") {
      return Status::FailedPrecondition("该党员正在转接组织关系或已离开，不能任职。",
                                        "That member is in transit or has left, and cannot hold a position.",
                                        "member_id");
    }
    // Probationary members may not be elected (预备党员没有被选举权).
    if (member->Text(1) != "full") {
      return Status::FailedPrecondition("只有正式党员才能担任书记、副书记或委员。",
                                        "Only full members can be secretary, deputy secretary or committee member.",
                                        "member_id");
    }
    if (*position != Position::kCommitteeMember && member->Int(0) != a.org_id) {
      return Status::FailedPrecondition("书记、副书记须是本组织的党员。",
                                        "A secretary or deputy secretary must be a member of this organization.",
                                        "member_id");
    }
    // The member's own current position here: the same one is a duplicate,
    // another one ends today (a deputy becoming secretary).
    JICENG_ASSIGN_OR_RETURN(auto own, stays::FindOpen(s, kTerms, a.member_id, a.org_id));
    if (own) {
      JICENG_ASSIGN_OR_RETURN(auto held, FindOfficer(s, own->id));
      if (held && held->position == *position) {
        return Status::Conflict("该党员已是本组织的" + std::string(PositionZh(*position)) + "。",
                                "That member already holds this position.", "member_id");
      }
      if (start < own->start) {
        return Status::InvalidArgument("term_start", "新任期不能早于该党员现任职务的开始日期 " + own->start + "。",
                                       "The new term cannot start before the member's current term began (" +
                                           own->start + ").");
      }
      JICENG_RETURN_IF_ERROR(EndAsReplaced(s, own->id, start, today));
    }
    if (*position == Position::kSecretary) {
      JICENG_ASSIGN_OR_RETURN(auto current, s.QueryOne("SELECT id, term_start FROM org_officers WHERE org_id = ? "
                                                       "AND position = 'secretary' AND ended_on IS NULL",
                                                       {Value(a.org_id)}));
      if (current) {
        if (start < current->Text(1)) {
          return Status::InvalidArgument("term_start", "新书记的任期不能早于现任书记任期的开始日期 " +
                                                           current->Text(1) + "。",
                                         "The new secretary's term cannot start before the current secretary's "
                                         "began (" + current->Text(1) + ").");
        }
        JICENG_RETURN_IF_ERROR(EndAsReplaced(s, current->Int(0), start, today));
      }
    }
    // One open term per member here, not reaching back into an earlier one.
    const std::string now = NowUtcIso();
    const Value appointed_by = by_user ? Value(*by_user) : Value(nullptr);
    JICENG_ASSIGN_OR_RETURN(id, stays::Begin(s, kTerms, a.member_id, a.org_id, start, today,
                                             {{"unit_id", Value(org->Int(0))},
                                              {"province_code", Value(org->Text(1))},
                                              {"position", Value(std::string(PositionId(*position)))},
                                              {"term_end", Value(end)},
                                              {"appointed_by", appointed_by},
                                              {"created_at", Value(now)},
                                              {"updated_at", Value(now)}}));
    return Status::Ok();
  }));
  return Get(id);
}

Result<Officer> OfficerService::EndTerm(std::int64_t officer_id, const std::string& on_date) {
  const Date today = clock_.Today();
  JICENG_RETURN_IF_ERROR(stays::CheckDay(on_date, "on_date", today).status());
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto o, FindOfficer(s, officer_id));
    if (!o) return OfficerNotFound(officer_id);
    return stays::End(s, kTerms, officer_id, on_date, today, {{"end_reason", Value(std::string("ended"))}}).status();
  }));
  return Get(officer_id);
}

// The running terms at `org_id` (only `member_id`'s when given) end on `day`.
Status EndOfficerTerms(db::Session& s, std::int64_t org_id, const std::string& day,
                       std::optional<std::int64_t> member_id) {
  return stays::EndAllOpen(s, kTerms,
                           {.subject = member_id,
                            .place = org_id,
                            .day = day,
                            .also_set = {{"end_reason", Value(std::string("ended"))}}})
      .status();
}

void RegisterOfficerEndings(OrgEndings& endings) {
  endings.OnOrgEnded("officers", [](db::Session& s, const OrgEnd& end) { return EndOfficerTerms(s, end.org_id, end.day); });
  // Offices held in an organization end when the member leaves it.
  endings.OnMemberLeft("officers", [](db::Session& s, const MemberLeaving& l) {
    return EndOfficerTerms(s, l.org_id, l.day, l.member_id);
  });
}

}  // namespace jiceng::orgs
