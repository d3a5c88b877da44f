#include "members/dues_service.h"

#include <algorithm>
#include <map>

#include "common/clock.h"
#include "common/text.h"

namespace jiceng::members {

using db::Value;

Status CheckMonth(std::string_view month, std::string_view field) {
  if (month.size() != 7 || !ParseDate(std::string(month) + "-01")) {
    return Status::InvalidArgument(std::string(field), "月份格式应为 2026-11。", "Months look like 2026-11.");
  }
  return Status::Ok();
}

namespace {

Status NoMember(std::int64_t id) {
  return Status::NotFound("没有编号为 " + std::to_string(id) + " 的党员记录。",
                          "No member record has id " + std::to_string(id) + ".", "id");
}

Result<std::int64_t> MemberUnit(db::Session& s, std::int64_t member_id) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT unit_id FROM members WHERE id = ?", {Value(member_id)}));
  if (!row) return NoMember(member_id);
  return row->Int(0);
}


// The months of `year` up to the current one: "2026-01" ... "2026-11".
std::vector<std::string> MonthsOf(int year, Date today) {
  std::vector<std::string> out;
  const std::string now = FormatDate(today).substr(0, 7);
  for (int m = 1; m <= 12; ++m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, m);
    if (std::string(buf) > now) break;
    out.emplace_back(buf);
  }
  return out;
}

Status CheckResult(std::string_view r) {
  if (r == "valid" || r == "needs_correction" || r == "withdrawn") return Status::Ok();
  return Status::InvalidArgument("result", "审核结果应为 valid（有效）、needs_correction（需更正）或 withdrawn（收回）。",
                                 "result must be valid, needs_correction or withdrawn.");
}

Card ReadCard(const db::Row& row) {
  return Card{row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4)};
}

}  // namespace

Status DuesService::SetStandard(std::int64_t member_id, std::int64_t monthly_fen, const std::string& from_month) {
  return db_.Write([&](db::Session& s) { return SetStandardIn(s, member_id, monthly_fen, from_month); });
}

Status DuesService::SetStandardIn(db::Session& s, std::int64_t member_id, std::int64_t monthly_fen,
                                  const std::string& from_month) {
  if (monthly_fen < 0 || monthly_fen > 100'000'000) {
    return Status::InvalidArgument("monthly_fen", "月交纳标准应为 0 到 100 万元之间的整数（单位：分）。",
                                   "monthly_fen must be a whole number of fen from 0 to 1,000,000 yuan.");
  }
  JICENG_RETURN_IF_ERROR(CheckMonth(from_month, "from_month"));
  JICENG_ASSIGN_OR_RETURN(auto unit, MemberUnit(s, member_id));
  (void)unit;
  // The standard for a month is replaced, not duplicated.
  JICENG_RETURN_IF_ERROR(s.Exec("DELETE FROM dues_standards WHERE member_id = ? AND from_month = ?",
                                {Value(member_id), Value(from_month)}).status());
  JICENG_ASSIGN_OR_RETURN(
      auto id, s.InsertReturningId("INSERT INTO dues_standards (member_id, province_code, monthly_fen, from_month, "
                                   "created_at) VALUES (?, (SELECT province_code FROM members WHERE id = ?), ?, ?, ?) "
                                   "RETURNING id",
                                   {Value(member_id), Value(member_id), Value(monthly_fen), Value(from_month),
                                    Value(NowUtcIso())}));
  // The new row leads the arrears indicators (also: dues_standards) to the
  // member, whose arrears are read again whole, so the replaced row, gone
  // now, needs no publishing of its own.
  return changes_.Changed(s, "dues_standards", id);
}

Status DuesService::RecordPayment(std::int64_t member_id, const std::string& month, std::int64_t amount_fen,
                                  const std::string& paid_on, std::optional<std::int64_t> by_user) {
  Status st = db_.Write(
      [&](db::Session& s) { return RecordPaymentIn(s, member_id, month, amount_fen, paid_on, by_user); });
  if (st.code() == ErrorCode::kConflict) {
    return Status::Conflict(month + " 的党费已登记过。", "Dues for " + month + " are already recorded.", "month");
  }
  return st;
}

Status DuesService::RecordPaymentIn(db::Session& s, std::int64_t member_id, const std::string& month,
                                    std::int64_t amount_fen, const std::string& paid_on,
                                    std::optional<std::int64_t> by_user) {
  const DuesPayment one{member_id, month, amount_fen, paid_on};
  return RecordPaymentsIn(s, std::span<const DuesPayment>(&one, 1), by_user);
}

Status DuesService::RecordPaymentsIn(db::Session& s, std::span<const DuesPayment> payments,
                                     std::optional<std::int64_t> by_user) {
  if (payments.empty()) return Status::Ok();
  const std::string now = NowUtcIso();
  // Each member's unit and province, read once.
  std::map<std::int64_t, std::pair<std::int64_t, std::string>> members;
  std::vector<db::Params> rows;
  rows.reserve(payments.size());
  for (const DuesPayment& p : payments) {
    JICENG_RETURN_IF_ERROR(CheckMonth(p.month, "month"));
    if (p.amount_fen <= 0 || p.amount_fen > 100'000'000) {
      return Status::InvalidArgument("amount_fen", "金额应为正整数（单位：分），如 ¥12.50 写作 1250。",
                                     "amount_fen must be a positive whole number of fen: ¥12.50 is 1250.");
    }
    auto paid = ParseDate(p.paid_on);
    if (!paid || *paid > clock_.Today()) {
      return Status::InvalidArgument("paid_on", "交纳日期应为不晚于今天的日期，如 2026-11-05。",
                                     "paid_on must be a date no later than today, e.g. 2026-11-05.");
    }
    auto it = members.find(p.member_id);
    if (it == members.end()) {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT unit_id, province_code FROM members WHERE id = ?",
                                                   {Value(p.member_id)}));
      if (!row) return NoMember(p.member_id);
      it = members.emplace(p.member_id, std::make_pair(row->Int(0), row->Text(1))).first;
    }
    rows.push_back({Value(p.member_id), Value(it->second.second), Value(it->second.first), Value(p.month),
                    Value(p.amount_fen), Value(FormatDate(*paid)), by_user ? Value(*by_user) : Value(nullptr),
                    Value(now)});
  }
  // One bulk insert (COPY on PostgreSQL). Writers are serialized and ids are
  // assigned in row order, so the new payments are the rows after the highest
  // id before it.
  static const std::vector<std::string> kColumns = {"member_id",  "province_code", "unit_id",     "month",
                                                    "amount_fen", "paid_on",       "recorded_by", "created_at"};
  JICENG_ASSIGN_OR_RETURN(auto highest, s.QueryOne("SELECT COALESCE(MAX(id), 0) FROM dues_payments"));
  JICENG_RETURN_IF_ERROR(s.BulkInsert("dues_payments", kColumns, rows).status());
  std::vector<std::int64_t> ids;
  ids.reserve(rows.size());
  JICENG_RETURN_IF_ERROR(s.Query("SELECT id FROM dues_payments WHERE id > ? ORDER BY id",
                                 {Value(highest ? highest->Int(0) : 0)}, [&](const db::Row& r) {
                                   ids.push_back(r.Int(0));
                                   return Status::Ok();
                                 }));
  return changes_.ChangedMany(s, "dues_payments", ids);
}

Result<std::vector<DuesMonth>> DuesService::MemberYear(std::int64_t member_id, int year) {
  std::vector<std::pair<std::string, std::int64_t>> standards;  // from_month, fen (ascending)
  std::map<std::string, std::pair<std::int64_t, std::string>> payments;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto unit, MemberUnit(s, member_id));
    (void)unit;
    JICENG_RETURN_IF_ERROR(s.Query("SELECT from_month, monthly_fen FROM dues_standards WHERE member_id = ? "
                                   "ORDER BY from_month",
                                   {Value(member_id)}, [&](const db::Row& row) {
                                     standards.emplace_back(row.Text(0), row.Int(1));
                                     return Status::Ok();
                                   }));
    return s.Query("SELECT month, amount_fen, paid_on FROM dues_payments WHERE member_id = ? AND substr(month, 1, 4) = ?",
                   {Value(member_id), Value(std::to_string(year))}, [&](const db::Row& row) {
                     payments[row.Text(0)] = {row.Int(1), row.Text(2)};
                     return Status::Ok();
                   });
  }));
  std::vector<DuesMonth> out;
  for (const std::string& month : MonthsOf(year, clock_.Today())) {
    DuesMonth m;
    m.month = month;
    // The standard in force: the latest one starting at or before this month.
    for (const auto& [from, fen] : standards) {
      if (from <= month) m.due_fen = fen;
    }
    if (auto it = payments.find(month); it != payments.end()) {
      m.paid_fen = it->second.first;
      m.paid_on = it->second.second;
    }
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::vector<DuesSummary>> DuesService::OrgYear(std::int64_t org_id, int year) {
  std::vector<std::pair<std::int64_t, std::string>> members;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto org, s.QueryOne("SELECT id FROM organizations WHERE id = ?", {Value(org_id)}));
    if (!org) {
      return Status::NotFound("没有这个组织。", "No such organization.", "id");
    }
    return s.Query("SELECT id, name FROM members WHERE org_id = ? AND status <> 'left' ORDER BY id", {Value(org_id)},
                   [&](const db::Row& row) {
                     members.emplace_back(row.Int(0), row.Text(1));
                     return Status::Ok();
                   });
  }));
  std::vector<DuesSummary> out;
  for (const auto& [id, name] : members) {
    JICENG_ASSIGN_OR_RETURN(auto months, MemberYear(id, year));
    DuesSummary sum{id, name};
    for (const DuesMonth& m : months) {
      sum.due_fen += m.due_fen;
      sum.paid_fen += m.paid_fen;
      sum.arrears_fen += m.arrears_fen();
      if (m.arrears_fen() > 0) ++sum.months_in_arrears;
    }
    out.push_back(std::move(sum));
  }
  std::stable_sort(out.begin(), out.end(), [](const DuesSummary& a, const DuesSummary& b) {
    return a.arrears_fen > b.arrears_fen;
  });
  return out;
}

Result<Card> DuesService::IssueCard(std::int64_t member_id, const std::string& raw_number, const std::string& issued_on) {
  std::optional<Card> card;
  Status st = db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(card, IssueCardIn(s, member_id, raw_number, issued_on));
    return Status::Ok();
  });
  if (st.code() == ErrorCode::kConflict) {
    const std::string number = Trim(raw_number);
    return Status::Conflict("党员证编号 " + number + " 已被使用。", "Card number " + number + " is already used.", "number");
  }
  JICENG_RETURN_IF_ERROR(st);
  return std::move(*card);
}

Result<Card> DuesService::IssueCardIn(db::Session& s, std::int64_t member_id, const std::string& raw_number,
                                      const std::string& issued_on) {
  const std::string number = Trim(raw_number);
  if (number.empty() || number.size() > 40 || HasControlChars(number)) {
    return Status::InvalidArgument("number", "请填写党员证编号（最多 40 个字符）。", "Give the card number (at most 40 characters).");
  }
  auto on = ParseDate(issued_on);
  if (!on || *on > clock_.Today()) {
    return Status::InvalidArgument("issued_on", "发证日期应为不晚于今天的日期。", "issued_on must be a date no later than today.");
  }
  JICENG_ASSIGN_OR_RETURN(auto unit, MemberUnit(s, member_id));
  JICENG_ASSIGN_OR_RETURN(auto valid, s.QueryOne("SELECT COUNT(*) FROM member_cards WHERE member_id = ? AND "
                                                 "status = 'valid'",
                                                 {Value(member_id)}));
  if (valid->Int(0) > 0) {
    return Status::FailedPrecondition("该党员已有有效的党员证；换发前请先在年度审核中收回旧证。",
                                      "This member holds a valid card; withdraw it in a review before issuing a new one.",
                                      "member_id");
  }
  JICENG_ASSIGN_OR_RETURN(auto id, s.InsertReturningId("INSERT INTO member_cards (member_id, province_code, unit_id, "
                                                       "number, issued_on, status, created_at) VALUES (?, (SELECT "
                                                       "province_code FROM members WHERE id = ?), ?, ?, ?, 'valid', ?) "
                                                       "RETURNING id",
                                                       {Value(member_id), Value(member_id), Value(unit), Value(number),
                                                        Value(FormatDate(*on)), Value(NowUtcIso())}));
  JICENG_RETURN_IF_ERROR(changes_.Changed(s, "member_cards", id));
  return Card{id, member_id, number, FormatDate(*on), "valid"};
}

Result<Card> DuesService::ReviewCard(std::int64_t card_id, int year, const std::string& result, const std::string& note) {
  std::optional<Card> card;
  Status st = db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(card, ReviewCardIn(s, card_id, year, result, note));
    return Status::Ok();
  });
  if (st.code() == ErrorCode::kConflict) {
    return Status::Conflict("这张党员证 " + std::to_string(year) + " 年已审核过。",
                            "This card was already reviewed for " + std::to_string(year) + ".", "year");
  }
  JICENG_RETURN_IF_ERROR(st);
  return std::move(*card);
}

Result<Card> DuesService::ReviewCardIn(db::Session& s, std::int64_t card_id, int year, const std::string& result,
                                       const std::string& note) {
  JICENG_RETURN_IF_ERROR(CheckResult(result));
  const int this_year = static_cast<int>(std::chrono::year_month_day(clock_.Today()).year());
  if (year < 2000 || year > this_year) {
    return Status::InvalidArgument("year", "审核年度应在 2000 年到今年之间。", "year must be from 2000 to this year.");
  }
  if (Utf8Length(note) > 200 || HasControlChars(note)) {
    return Status::InvalidArgument("note", "备注最多 200 字，不能换行。", "The note has at most 200 characters, on one line.");
  }
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT id, member_id, number, issued_on, status, unit_id FROM "
                                               "member_cards WHERE id = ?",
                                               {Value(card_id)}));
  if (!row) return CardNotFound(card_id);
  if (row->Text(4) == "withdrawn") {
    return Status::FailedPrecondition("这张党员证已收回。", "This card has been withdrawn.", "id");
  }
  JICENG_ASSIGN_OR_RETURN(
      auto review, s.InsertReturningId("INSERT INTO card_reviews (card_id, province_code, unit_id, year, result, "
                                       "reviewed_on, note, created_at) VALUES (?, (SELECT province_code FROM "
                                       "member_cards WHERE id = ?), ?, ?, ?, ?, ?, ?) RETURNING id",
                                       {Value(card_id), Value(card_id), Value(row->Int(5)), Value(std::int64_t{year}),
                                        Value(result), Value(FormatDate(clock_.Today())), Value(Trim(note)),
                                        Value(NowUtcIso())}));
  JICENG_RETURN_IF_ERROR(
      s.Exec("UPDATE member_cards SET status = ? WHERE id = ?", {Value(result), Value(card_id)}).status());
  JICENG_RETURN_IF_ERROR(changes_.Changed(s, "card_reviews", review));
  JICENG_RETURN_IF_ERROR(changes_.Changed(s, "member_cards", card_id));
  Card card = ReadCard(*row);
  card.status = result;
  return card;
}

Result<std::vector<Card>> DuesService::CardsOf(std::int64_t member_id) {
  std::vector<Card> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) {
    return s.Query("SELECT id, member_id, number, issued_on, status FROM member_cards WHERE member_id = ? ORDER BY id",
                   {Value(member_id)}, [&](const db::Row& row) {
                     out.push_back(ReadCard(row));
                     return Status::Ok();
                   });
  }));
  return out;
}

Status CardNotFound(std::int64_t) { return Status::NotFound("没有这张党员证。", "No such card.", "id"); }

Result<std::uint64_t> DuesService::UnitOfCard(std::int64_t card_id) {
  std::optional<std::uint64_t> unit;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT un.code FROM member_cards c JOIN units un ON un.id = c.unit_id "
                                                 "WHERE c.id = ?",
                                                 {Value(card_id)}));
    if (row) unit = std::stoull(row->Text(0));
    return Status::Ok();
  }));
  if (!unit) return CardNotFound(card_id);
  return *unit;
}

Result<CardFigures> DuesService::CardFiguresOf(std::uint64_t unit_code, int year) {
  const std::string prefix = std::to_string(unit_code);
  CardFigures f;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    const db::Params p = {Value(static_cast<std::int64_t>(prefix.size())), Value(prefix)};
    JICENG_RETURN_IF_ERROR(s.Query("SELECT c.status, COUNT(*) FROM member_cards c JOIN units un ON un.id = c.unit_id "
                                   "WHERE substr(un.code, 1, ?) = ? GROUP BY c.status",
                                   p, [&](const db::Row& row) {
                                     f.issued += row.Int(1);
                                     if (row.Text(0) == "valid") f.valid += row.Int(1);
                                     return Status::Ok();
                                   }));
    db::Params q = p;
    q.emplace_back(std::int64_t{year});
    return s.Query("SELECT r.result, COUNT(*) FROM card_reviews r JOIN units un ON un.id = r.unit_id "
                   "WHERE substr(un.code, 1, ?) = ? AND r.year = ? GROUP BY r.result",
                   q, [&](const db::Row& row) {
                     f.reviewed += row.Int(1);
                     if (row.Text(0) == "needs_correction") f.needs_correction = row.Int(1);
                     if (row.Text(0) == "withdrawn") f.withdrawn = row.Int(1);
                     return Status::Ok();
                   });
  }));
  return f;
}

}  // namespace jiceng::members
