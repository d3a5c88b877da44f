#include "stays/dated_stay.h"

namespace jiceng::stays {

using db::Value;

namespace {

std::string S(std::string_view v) { return std::string(v); }

// "id, subject, place, start, end FROM table" for reading Stay rows.
std::string SelectStays(const StayTable& t) {
  return "SELECT id, " + S(t.subject) + ", " + S(t.place) + ", " + S(t.start) + ", " + S(t.end) +
         " FROM " + S(t.table) + " ";
}

Stay ReadStay(const db::Row& row) {
  return {row.Int(0), row.Int(1), row.Int(2), row.Text(3), row.OptText(4)};
}

Result<std::optional<Stay>> One(db::Session& s, const std::string& sql, const db::Params& params) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(sql, params));
  if (!row) return std::optional<Stay>();
  return std::optional<Stay>(ReadStay(*row));
}

// ", col = ?, ..." for `columns`, their values appended to `params`.
std::string SetColumns(const std::vector<Column>& columns, db::Params& params) {
  std::string sql;
  for (const auto& [name, value] : columns) {
    sql += ", " + S(name) + " = ?";
    params.push_back(value);
  }
  return sql;
}

// Closes `stay` on `day` (already checked against its start).
Status Close(db::Session& s, const StayTable& t, std::int64_t id, const std::string& day,
             const std::vector<Column>& also_set) {
  db::Params params = {Value(day)};
  std::string sql =
      "UPDATE " + S(t.table) + " SET " + S(t.end) + " = ?" + SetColumns(also_set, params);
  if (!t.updated_at.empty()) {
    sql += ", " + S(t.updated_at) + " = ?";
    params.emplace_back(NowUtcIso());
  }
  params.emplace_back(id);
  return s.Exec(sql + " WHERE id = ?", params).status();
}

// The checks of ending `stay` on `day`, then the end itself.
Result<Stay> EndStay(db::Session& s, const StayTable& t, Stay stay, std::string_view day,
                     Date today, const std::vector<Column>& also_set, std::string_view field) {
  const std::string f = S(field.empty() ? t.end_field : field);
  JICENG_ASSIGN_OR_RETURN(auto on, CheckDay(day, f, today));
  if (!stay.open()) {
    return Status::FailedPrecondition(
        "这段" + S(t.stay_zh) + "已于 " + *stay.end + " 结束，不能再次结束。",
        "This " + S(t.stay_en) + " ended on " + *stay.end + " already; it cannot end again.", "id");
  }
  if (on < stay.start) {
    return Status::InvalidArgument(
        f, "结束日期 " + on + " 不能早于这段" + S(t.stay_zh) + "的开始日期 " + stay.start + "。",
        "The " + S(t.stay_en) + " began on " + stay.start + "; it cannot end before that (" + on +
            ").");
  }
  JICENG_RETURN_IF_ERROR(Close(s, t, stay.id, on, also_set));
  stay.end = on;
  return stay;
}

}  // namespace

Result<std::string> CheckDay(std::string_view text, std::string_view field, Date today) {
  const std::string f(field);
  auto d = ParseDate(text);
  if (!d) {
    const std::string shown(text.substr(0, 20));
    return Status::InvalidArgument(
        f, "日期“" + shown + "”格式不对，应为 2026-11-23 这样的年-月-日。",
        "The date \"" + shown + "\" should be a year-month-day like 2026-11-23.");
  }
  if (*d > today) {
    return Status::InvalidArgument(
        f, "日期 " + FormatDate(*d) + " 晚于今天（" + FormatDate(today) + "），不能预先登记。",
        "The date " + FormatDate(*d) + " is after today (" + FormatDate(today) +
            "); it cannot be recorded in advance.");
  }
  return FormatDate(*d);
}

Result<std::optional<Stay>> Find(db::Session& s, const StayTable& t, std::int64_t id) {
  return One(s, SelectStays(t) + "WHERE id = ?", {Value(id)});
}

Result<std::optional<Stay>> FindOpen(db::Session& s, const StayTable& t, std::int64_t subject,
                                     std::int64_t place) {
  return One(s,
             SelectStays(t) + "WHERE " + S(t.subject) + " = ? AND " + S(t.place) + " = ? AND " +
                 S(t.end) + " IS NULL",
             {Value(subject), Value(place)});
}

Result<std::int64_t> Begin(db::Session& s, const StayTable& t, std::int64_t subject,
                           std::int64_t place, std::string_view start, Date today,
                           const std::vector<Column>& more) {
  JICENG_ASSIGN_OR_RETURN(auto day, CheckDay(start, t.start_field, today));
  JICENG_ASSIGN_OR_RETURN(auto open, FindOpen(s, t, subject, place));
  if (open) {
    return Status::Conflict("该" + S(t.subject_zh) + "已有一段自 " + open->start +
                                " 起、尚未结束的" + S(t.stay_zh) + "，请先结束它。",
                            "That " + S(t.subject_en) + " has an open " + S(t.stay_en) + " since " +
                                open->start + "; end it first.",
                            S(t.subject_field));
  }
  // The latest end of the subject's earlier stays there that ran at all
  // (one that ended on its own start covers no day).
  JICENG_ASSIGN_OR_RETURN(
      auto last,
      s.QueryOne("SELECT MAX(" + S(t.end) + ") FROM " + S(t.table) + " WHERE " + S(t.subject) +
                     " = ? AND " + S(t.place) + " = ? AND " + S(t.end) + " > " + S(t.start),
                 {Value(subject), Value(place)}));
  if (last && !last->IsNull(0) && day < last->Text(0)) {
    const std::string until = last->Text(0);
    return Status::InvalidArgument(S(t.start_field),
                                   "该" + S(t.subject_zh) + "上一段" + S(t.stay_zh) + "到 " +
                                       until + " 才结束，新的开始日期不能早于该日。",
                                   "That " + S(t.subject_en) + "'s previous " + S(t.stay_en) +
                                       " ended on " + until +
                                       "; a new one cannot start before that.");
  }
  std::string columns = S(t.subject) + ", " + S(t.place) + ", " + S(t.start);
  std::string marks = "?, ?, ?";
  db::Params params = {Value(subject), Value(place), Value(day)};
  for (const auto& [name, value] : more) {
    columns += ", " + S(name);
    marks += ", ?";
    params.push_back(value);
  }
  return s.InsertReturningId(
      "INSERT INTO " + S(t.table) + " (" + columns + ") VALUES (" + marks + ") RETURNING id",
      params);
}

Result<Stay> End(db::Session& s, const StayTable& t, std::int64_t id, std::string_view day,
                 Date today, const std::vector<Column>& also_set, std::string_view field) {
  JICENG_ASSIGN_OR_RETURN(auto stay, Find(s, t, id));
  if (!stay) {
    return Status::NotFound("没有编号为 " + std::to_string(id) + " 的" + S(t.stay_zh) + "。",
                            "No " + S(t.stay_en) + " has id " + std::to_string(id) + ".", "id");
  }
  return EndStay(s, t, std::move(*stay), day, today, also_set, field);
}

Result<Stay> EndOpen(db::Session& s, const StayTable& t, std::int64_t subject, std::int64_t place,
                     std::string_view day, Date today, const std::vector<Column>& also_set) {
  JICENG_ASSIGN_OR_RETURN(auto stay, FindOpen(s, t, subject, place));
  if (!stay) {
    return Status::FailedPrecondition(
        "该" + S(t.subject_zh) + "现在没有未结束的" + S(t.stay_zh) + "。",
        "That " + S(t.subject_en) + " has no open " + S(t.stay_en) + " now.", S(t.subject_field));
  }
  return EndStay(s, t, std::move(*stay), day, today, also_set, {});
}

Result<std::int64_t> EndAllOpen(db::Session& s, const StayTable& t, const EndAll& which) {
  if (!which.subject && !which.place)
    return Status::Internal("EndAllOpen needs a subject or a place");
  // Which rows: open, of the subject and/or at the place, still running on the day.
  db::Params where_params;
  std::string where = " WHERE " + S(t.end) + " IS NULL";
  if (which.subject) {
    where += " AND " + S(t.subject) + " = ?";
    where_params.emplace_back(*which.subject);
  }
  if (which.place) {
    where += " AND " + S(t.place) + " = ?";
    where_params.emplace_back(*which.place);
  }
  if (!t.planned_end.empty()) {
    where += " AND (" + S(t.planned_end) + " IS NULL OR " + S(t.planned_end) + " >= ?)";
    where_params.emplace_back(which.day);
  }
  if (which.later == EndAll::Later::kRefuse) {
    JICENG_ASSIGN_OR_RETURN(
        auto latest,
        s.QueryOne("SELECT MAX(" + S(t.start) + ") FROM " + S(t.table) + where, where_params));
    if (latest && !latest->IsNull(0) && which.day < latest->Text(0)) {
      const std::string began = latest->Text(0);
      return Status::InvalidArgument(
          S(which.field),
          "有一段" + S(t.stay_zh) + "在 " + began + " 才开始，结束日期不能早于该日。",
          "A " + S(t.stay_en) + " began on " + began + "; the end cannot be before that.");
    }
  }
  // A stay that began after the day ends on its own start (it never ran).
  db::Params params = {Value(which.day), Value(which.day)};
  std::string sql = "UPDATE " + S(t.table) + " SET " + S(t.end) + " = CASE WHEN " + S(t.start) +
                    " > ? THEN " + S(t.start) + " ELSE ? END" + SetColumns(which.also_set, params);
  if (!t.updated_at.empty()) {
    sql += ", " + S(t.updated_at) + " = ?";
    params.emplace_back(NowUtcIso());
  }
  params.insert(params.end(), where_params.begin(), where_params.end());
  return s.Exec(sql + where, params);
}

std::string CurrentOn(const StayTable& t, std::string_view alias, const std::string& day,
                      db::Params& params) {
  const std::string a = alias.empty() ? std::string() : S(alias) + ".";
  params.emplace_back(day);
  params.emplace_back(day);
  return "(" + a + S(t.start) + " <= ? AND (" + a + S(t.end) + " IS NULL OR " + a + S(t.end) +
         " > ?))";
}

}  // namespace jiceng::stays
