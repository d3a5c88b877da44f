#include "members/task_team_service.h"

#include "common/clock.h"
#include "common/text.h"
#include "orgs/org_service.h"
#include "stays/dated_stay.h"

namespace jiceng::members {

using db::Value;

namespace {

// A member's stays in a team (stays/dated_stay.h): open while left_on is NULL.
constexpr stays::StayTable kTeamStays{.table = "task_team_members",
                                      .subject = "member_id",
                                      .place = "team_id",
                                      .start = "joined_on",
                                      .end = "left_on",
                                      .subject_field = "member_id",
                                      .start_field = "joined_on",
                                      .end_field = "left_on",
                                      .subject_zh = "党员",
                                      .subject_en = "member",
                                      .stay_zh = "在团记录",
                                      .stay_en = "stay in the team"};

constexpr const char* kTeamSelect =
    "SELECT t.id, t.org_id, un.code, t.name, t.purpose, t.starts_on, t.ends_on, "
    "(SELECT COUNT(*) FROM task_team_members x WHERE x.team_id = t.id AND x.left_on IS NULL) "
    "FROM task_teams t JOIN units un ON un.id = t.unit_id ";

TaskTeam ReadTeam(const db::Row& row) {
  TaskTeam t;
  t.id = row.Int(0);
  t.org_id = row.Int(1);
  t.unit_code = std::stoull(row.Text(2));
  t.name = row.Text(3);
  t.purpose = row.Text(4);
  t.starts_on = row.Text(5);
  t.ends_on = row.OptText(6);
  t.member_count = row.Int(7);
  return t;
}

constexpr const char* kMembershipSelect =
    "SELECT x.id, x.team_id, t.name, x.member_id, m.name, x.joined_on, x.left_on "
    "FROM task_team_members x JOIN task_teams t ON t.id = x.team_id JOIN members m ON m.id = x.member_id ";

TeamMembership ReadMembership(const db::Row& row) {
  return {row.Int(0), row.Int(1), row.Text(2), row.Int(3), row.Text(4), row.Text(5), row.OptText(6)};
}


Result<std::optional<TaskTeam>> FindTeam(db::Session& s, std::int64_t id) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string(kTeamSelect) + "WHERE t.id = ?", {Value(id)}));
  if (!row) return std::optional<TaskTeam>();
  return std::optional<TaskTeam>(ReadTeam(*row));
}

Result<std::string> CheckLine(std::string_view raw, std::string_view field, std::size_t max) {
  std::string text = Trim(raw);
  if (text.empty() || !IsValidUtf8(text) || HasControlChars(text) || Utf8Length(text) > max) {
    const std::string n = std::to_string(max);
    return Status::InvalidArgument(std::string(field), "请填写 1–" + n + " 字，不能换行。",
                                   "Give 1–" + n + " characters, on one line.");
  }
  return text;
}

}  // namespace

Status TeamNotFound(std::int64_t id) {
  return Status::NotFound("没有编号为 " + std::to_string(id) + " 的任务团队。",
                          "No task team has id " + std::to_string(id) + ".", "id");
}

Result<TaskTeam> TaskTeamService::Get(std::int64_t team_id) {
  std::optional<TaskTeam> t;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(t, FindTeam(s, team_id));
    return Status::Ok();
  }));
  if (!t) return TeamNotFound(team_id);
  return std::move(*t);
}

Result<std::uint64_t> TaskTeamService::UnitOf(std::int64_t team_id) {
  JICENG_ASSIGN_OR_RETURN(auto t, Get(team_id));
  return t.unit_code;
}

Result<TaskTeam> TaskTeamService::Create(const TaskTeamInput& in, std::optional<std::int64_t> by_user) {
  JICENG_ASSIGN_OR_RETURN(auto name, CheckLine(in.name, "name", 60));
  JICENG_ASSIGN_OR_RETURN(auto purpose, CheckLine(in.purpose, "purpose", 200));
  JICENG_ASSIGN_OR_RETURN(auto start, orgs::CheckPastDate(in.starts_on, "starts_on", clock_.Today()));
  std::optional<std::string> ends;
  if (in.ends_on) {
    auto e = ParseDate(*in.ends_on);
    if (!e || *e < start) {
      return Status::InvalidArgument("ends_on", "结束日期应为不早于开始日期的日期，如 2027-06-30。",
                                     "ends_on must be a date no earlier than starts_on, e.g. 2027-06-30.");
    }
    ends = FormatDate(*e);
  }
  std::int64_t id = 0;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, s.QueryOne("SELECT unit_id, province_code, status FROM organizations WHERE id = ?",
                                                 {Value(in.org_id)}));
    if (!org) return Status::NotFound("没有这个组织。", "No such organization.", "id");
    if (org->Text(2) != "active") {
      return Status::FailedPrecondition("该组织已撤销或合并。", "That organization has ended.", "id");
    }
    const std::string now = NowUtcIso();
    JICENG_ASSIGN_OR_RETURN(
        id, s.InsertReturningId("INSERT INTO task_teams (org_id, unit_id, province_code, name, purpose, starts_on, "
                                "ends_on, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                "RETURNING id",
                                {Value(in.org_id), Value(org->Int(0)), Value(org->Text(1)), Value(name), Value(purpose),
                                 Value(FormatDate(start)), ends ? Value(*ends) : Value(nullptr),
                                 by_user ? Value(*by_user) : Value(nullptr), Value(now), Value(now)}));
    return Status::Ok();
  }));
  return Get(id);
}

Result<std::vector<TaskTeam>> TaskTeamService::ListForOrg(std::int64_t org_id, bool include_ended) {
  std::vector<TaskTeam> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, s.QueryOne("SELECT id FROM organizations WHERE id = ?", {Value(org_id)}));
    if (!org) return Status::NotFound("没有这个组织。", "No such organization.", "id");
    db::Params params = {Value(org_id)};
    std::string where = "WHERE t.org_id = ?";
    if (!include_ended) {
      where += " AND (t.ends_on IS NULL OR t.ends_on >= ?)";
      params.emplace_back(FormatDate(clock_.Today()));
    }
    return s.Query(std::string(kTeamSelect) + where + " ORDER BY t.starts_on DESC, t.id DESC", params,
                   [&](const db::Row& row) {
                     out.push_back(ReadTeam(row));
                     return Status::Ok();
                   });
  }));
  return out;
}

Result<TaskTeam> TaskTeamService::End(std::int64_t team_id, const std::string& on_date) {
  JICENG_ASSIGN_OR_RETURN(auto on, orgs::CheckPastDate(on_date, "on_date", clock_.Today()));
  const std::string day = FormatDate(on);
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto t, FindTeam(s, team_id));
    if (!t) return TeamNotFound(team_id);
    if (t->ends_on && *t->ends_on < day) {
      return Status::FailedPrecondition("该任务团队已于 " + *t->ends_on + " 结束。",
                                        "This task team ended on " + *t->ends_on + " already.", "id");
    }
    if (day < t->starts_on) {
      return Status::InvalidArgument("on_date", "结束日期不能早于团队成立日期 " + t->starts_on + "。",
                                     "A team cannot end before it started (" + t->starts_on + ").");
    }
    // Every current stay ends that day; none may have begun after it.
    JICENG_RETURN_IF_ERROR(stays::EndAllOpen(s, kTeamStays,
                                             {.place = team_id, .day = day, .later = stays::EndAll::Later::kRefuse})
                               .status());
    const std::string now = NowUtcIso();
    return s.Exec("UPDATE task_teams SET ends_on = ?, updated_at = ? WHERE id = ?",
                  {Value(day), Value(now), Value(team_id)})
        .status();
  }));
  return Get(team_id);
}

Result<TeamMembership> TaskTeamService::Join(std::int64_t team_id, std::int64_t member_id, const std::string& joined_on) {
  JICENG_ASSIGN_OR_RETURN(const std::string day, stays::CheckDay(joined_on, "joined_on", clock_.Today()));
  std::int64_t id = 0;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto team, s.QueryOne("SELECT unit_id, province_code, starts_on, ends_on FROM task_teams "
                                                  "WHERE id = ?",
                                                  {Value(team_id)}));
    if (!team) return TeamNotFound(team_id);
    JICENG_ASSIGN_OR_RETURN(auto member, s.QueryOne("SELECT status FROM members WHERE id = ?", {Value(member_id)}));
    if (!member) {
      return Status::NotFound("没有编号为 " + std::to_string(member_id) + " 的党员。",
                              "No member has id " + std::to_string(member_id) + ".", "member_id");
    }
    if (member->Text(0) == "left") {
      return Status::FailedPrecondition("该党员已离开，不能加入团队。", "That member has left.", "member_id");
    }
    const std::string starts = team->Text(2);
    const std::optional<std::string> ends = team->OptText(3);
    if (day < starts || (ends && day > *ends)) {
      const std::string until = ends ? *ends : FormatDate(clock_.Today());
      return Status::InvalidArgument("joined_on", "加入日期应在团队存续期间（" + starts + " 至 " + until + "）。",
                                     "joined_on must fall within the team's dates (" + starts + " to " + until + ").");
    }
    // One open stay per member and team, not reaching back into an earlier one.
    const std::string now = NowUtcIso();
    JICENG_ASSIGN_OR_RETURN(id, stays::Begin(s, kTeamStays, member_id, team_id, day, clock_.Today(),
                                             {{"unit_id", Value(team->Int(0))},
                                              {"province_code", Value(team->Text(1))},
                                              {"created_at", Value(now)},
                                              {"updated_at", Value(now)}}));
    return Status::Ok();
  }));
  std::optional<TeamMembership> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string(kMembershipSelect) + "WHERE x.id = ?", {Value(id)}));
    if (row) out = ReadMembership(*row);
    return Status::Ok();
  }));
  if (!out) return Status::Internal("task team membership vanished after insert");
  return std::move(*out);
}

Result<TeamMembership> TaskTeamService::Leave(std::int64_t team_id, std::int64_t member_id, const std::string& left_on) {
  JICENG_RETURN_IF_ERROR(stays::CheckDay(left_on, "left_on", clock_.Today()).status());
  std::optional<TeamMembership> out;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto team, s.QueryOne("SELECT id FROM task_teams WHERE id = ?", {Value(team_id)}));
    if (!team) return TeamNotFound(team_id);
    JICENG_ASSIGN_OR_RETURN(auto stay, stays::EndOpen(s, kTeamStays, member_id, team_id, left_on, clock_.Today()));
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(std::string(kMembershipSelect) + "WHERE x.id = ?", {Value(stay.id)}));
    if (!row) return Status::Internal("task team membership vanished while leaving");
    out = ReadMembership(*row);
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<std::vector<TeamMembership>> TaskTeamService::Members(std::int64_t team_id, bool include_past) {
  std::vector<TeamMembership> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto team, s.QueryOne("SELECT id FROM task_teams WHERE id = ?", {Value(team_id)}));
    if (!team) return TeamNotFound(team_id);
    return s.Query(std::string(kMembershipSelect) + "WHERE x.team_id = ?" + (include_past ? "" : " AND x.left_on IS NULL") +
                       " ORDER BY CASE WHEN x.left_on IS NULL THEN 0 ELSE 1 END, x.joined_on, x.id",
                   {Value(team_id)}, [&](const db::Row& row) {
                     out.push_back(ReadMembership(row));
                     return Status::Ok();
                   });
  }));
  return out;
}

Result<std::vector<TeamMembership>> TaskTeamService::TeamsOf(std::int64_t member_id) {
  std::vector<TeamMembership> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    return s.Query(std::string(kMembershipSelect) +
                       "WHERE x.member_id = ? ORDER BY CASE WHEN x.left_on IS NULL THEN 0 ELSE 1 END, "
                       "x.joined_on DESC, x.id DESC",
                   {Value(member_id)}, [&](const db::Row& row) {
                     out.push_back(ReadMembership(row));
                     return Status::Ok();
                   });
  }));
  return out;
}

Status EndTaskTeams(db::Session& s, std::int64_t org_id, const std::string& day) {
  // The teams still running after the day, and every current stay in them.
  std::vector<std::int64_t> teams;
  JICENG_RETURN_IF_ERROR(s.Query("SELECT id FROM task_teams WHERE org_id = ? AND (ends_on IS NULL OR ends_on > ?)",
                                 {Value(org_id), Value(day)}, [&](const db::Row& row) {
                                   teams.push_back(row.Int(0));
                                   return Status::Ok();
                                 }));
  for (std::int64_t team : teams) {
    JICENG_RETURN_IF_ERROR(stays::EndAllOpen(s, kTeamStays, {.place = team, .day = day}).status());
  }
  return s
      .Exec("UPDATE task_teams SET ends_on = CASE WHEN starts_on > ? THEN starts_on ELSE ? END, updated_at = ? "
            "WHERE org_id = ? AND (ends_on IS NULL OR ends_on > ?)",
            {Value(day), Value(day), Value(NowUtcIso()), Value(org_id), Value(day)})
      .status();
}

Status MoveTaskTeams(db::Session& s, std::int64_t from_org, std::int64_t to_org, const std::string& day) {
  return s
      .Exec("UPDATE task_teams SET org_id = ?, unit_id = (SELECT unit_id FROM organizations WHERE id = ?), "
            "province_code = (SELECT province_code FROM organizations WHERE id = ?), updated_at = ? "
            "WHERE org_id = ? AND (ends_on IS NULL OR ends_on >= ?)",
            {Value(to_org), Value(to_org), Value(to_org), Value(NowUtcIso()), Value(from_org), Value(day)})
      .status();
}

void RegisterTaskTeamEndings(orgs::OrgEndings& endings) {
  // A dissolved organization's teams end; a merged one's carry on under its successor.
  endings.OnOrgEnded("task_teams", [](db::Session& s, const orgs::OrgEnd& end) {
    return end.successor ? MoveTaskTeams(s, end.org_id, *end.successor, end.day) : EndTaskTeams(s, end.org_id, end.day);
  });
}

}  // namespace jiceng::members
