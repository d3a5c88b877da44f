#include "orgs/org_endings.h"

#include "common/clock.h"

namespace jiceng::orgs {

using db::Value;

Status EndOfficerTerms(db::Session& s, std::int64_t org_id, const std::string& day,
                       std::optional<std::int64_t> member_id) {
  db::Params p = {Value(day), Value(day), Value(NowUtcIso()), Value(org_id), Value(day)};
  std::string sql =
      "UPDATE org_officers SET ended_on = CASE WHEN term_start > ? THEN term_start ELSE ? END, end_reason = 'ended', "
      "updated_at = ? WHERE org_id = ? AND ended_on IS NULL AND term_end >= ?";
  if (member_id) {
    sql += " AND member_id = ?";
    p.emplace_back(*member_id);
  }
  return s.Exec(sql, p).status();
}

Status EndPairings(db::Session& s, std::int64_t org_id, const std::string& day) {
  return s
      .Exec("UPDATE org_pairings SET ended_on = CASE WHEN starts_on > ? THEN starts_on ELSE ? END, updated_at = ? "
            "WHERE (org_a_id = ? OR org_b_id = ?) AND ended_on IS NULL AND (ends_on IS NULL OR ends_on >= ?)",
            {Value(day), Value(day), Value(NowUtcIso()), Value(org_id), Value(org_id), Value(day)})
      .status();
}

Status EndTaskTeams(db::Session& s, std::int64_t org_id, const std::string& day) {
  const std::string now = NowUtcIso();
  JICENG_RETURN_IF_ERROR(
      s.Exec("UPDATE task_team_members SET left_on = CASE WHEN joined_on > ? THEN joined_on ELSE ? END, updated_at = ? "
             "WHERE left_on IS NULL AND team_id IN (SELECT id FROM task_teams WHERE org_id = ? AND "
             "(ends_on IS NULL OR ends_on > ?))",
             {Value(day), Value(day), Value(now), Value(org_id), Value(day)})
          .status());
  return s
      .Exec("UPDATE task_teams SET ends_on = CASE WHEN starts_on > ? THEN starts_on ELSE ? END, updated_at = ? "
            "WHERE org_id = ? AND (ends_on IS NULL OR ends_on > ?)",
            {Value(day), Value(day), Value(now), Value(org_id), Value(day)})
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

}  // namespace jiceng::orgs
