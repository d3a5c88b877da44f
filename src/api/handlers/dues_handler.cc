// Dues (党费: standards, payments, arrears) and membership cards (党员证:
// issue, yearly review, figures). See party_handlers.h.
#include "api/handlers/party_handlers.h"

#include "api/handlers/units_handler.h"

namespace jiceng::api {
namespace {

using party::Opt;
using party::QueryYear;

Result<Reply> SetDuesStandard(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto fen, body.OptionalInt("monthly_fen"));
  JICENG_ASSIGN_OR_RETURN(auto from, body.RequiredString("from_month"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  if (!fen) return Status::InvalidArgument("monthly_fen", "请填写月交纳标准（单位：分）。", "Give monthly_fen (in fen).");
  JICENG_RETURN_IF_ERROR(d.dues.SetStandard(id, *fen, from));
  return Reply{204, nullptr, {}};
}

nlohmann::json DuesMonthsJson(const std::vector<members::DuesMonth>& months) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : months) {
    out.push_back({{"month", m.month}, {"due_fen", m.due_fen}, {"paid_fen", m.paid_fen},
                   {"arrears_fen", m.arrears_fen()}, {"paid_on", Opt(m.paid_on)}});
  }
  return out;
}

Result<Reply> RecordDues(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto month, body.RequiredString("month"));
  JICENG_ASSIGN_OR_RETURN(auto fen, body.OptionalInt("amount_fen"));
  JICENG_ASSIGN_OR_RETURN(auto paid_on, body.OptionalString("paid_on"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  if (!fen) return Status::InvalidArgument("amount_fen", "请填写金额（单位：分）。", "Give amount_fen (in fen).");
  JICENG_RETURN_IF_ERROR(d.dues.RecordPayment(id, month, *fen, paid_on.value_or(FormatDate(d.clock.Today())), req.principal->user_id));
  return Reply{201, {{"member_id", id}, {"month", month}, {"amount_fen", *fen}}, {}};
}

Result<Reply> MemberDues(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto year, QueryYear(req, d));
  JICENG_ASSIGN_OR_RETURN(auto months, d.dues.MemberYear(id, year));
  std::int64_t due = 0, paid = 0, arrears = 0;
  for (const auto& m : months) {
    due += m.due_fen;
    paid += m.paid_fen;
    arrears += m.arrears_fen();
  }
  return Reply{200,
               {{"member_id", id}, {"year", year}, {"months", DuesMonthsJson(months)}, {"due_fen", due},
                {"paid_fen", paid}, {"arrears_fen", arrears}},
               {}};
}

Result<Reply> OrgDues(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "org:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto year, QueryYear(req, d));
  JICENG_ASSIGN_OR_RETURN(auto rows, d.dues.OrgYear(id, year));
  nlohmann::json items = nlohmann::json::array();
  std::int64_t due = 0, paid = 0, arrears = 0, in_arrears = 0;
  for (const auto& r : rows) {
    items.push_back({{"member_id", r.member_id}, {"member_name", r.member_name}, {"due_fen", r.due_fen},
                     {"paid_fen", r.paid_fen}, {"arrears_fen", r.arrears_fen}, {"months_in_arrears", r.months_in_arrears}});
    due += r.due_fen;
    paid += r.paid_fen;
    arrears += r.arrears_fen;
    if (r.arrears_fen > 0) ++in_arrears;
  }
  return Reply{200,
               {{"org_id", id}, {"year", year}, {"items", std::move(items)}, {"due_fen", due}, {"paid_fen", paid},
                {"arrears_fen", arrears}, {"members_in_arrears", in_arrears}},
               {}};
}

nlohmann::json CardJson(const members::Card& c) {
  return {{"id", c.id}, {"member_id", c.member_id}, {"number", c.number}, {"issued_on", c.issued_on}, {"status", c.status}};
}

Result<Reply> IssueCard(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "member:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto number, body.RequiredString("number"));
  JICENG_ASSIGN_OR_RETURN(auto issued, body.OptionalString("issued_on"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  JICENG_ASSIGN_OR_RETURN(auto card, d.dues.IssueCard(id, number, issued.value_or(FormatDate(d.clock.Today()))));
  return Reply{201, {{"card", CardJson(card)}}, {}};
}

Result<Reply> ReviewCard(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
  req.audit_target = "card:" + std::to_string(id);
  JICENG_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req));
  JICENG_ASSIGN_OR_RETURN(auto year, body.OptionalInt("year"));
  JICENG_ASSIGN_OR_RETURN(auto result, body.RequiredString("result"));
  JICENG_ASSIGN_OR_RETURN(auto note, body.OptionalString("note"));
  JICENG_RETURN_IF_ERROR(body.Finish());
  if (!year) return Status::InvalidArgument("year", "请填写审核年度。", "Give the review year.");
  JICENG_ASSIGN_OR_RETURN(auto card, d.dues.ReviewCard(id, static_cast<int>(*year), result, note.value_or("")));
  return Reply{200, {{"card", CardJson(card)}}, {}};
}

Result<Reply> CardFigures(const ApiRequest& req, const MembersDeps& d) {
  JICENG_ASSIGN_OR_RETURN(auto code, hierarchy::ParseUnitCode(req.Param("code")));
  JICENG_ASSIGN_OR_RETURN(auto year, QueryYear(req, d));
  JICENG_ASSIGN_OR_RETURN(auto f, d.dues.CardFiguresOf(code, year));
  return Reply{200,
               {{"unit_code", std::to_string(code)}, {"year", year}, {"issued", f.issued}, {"valid", f.valid},
                {"reviewed", f.reviewed}, {"needs_correction", f.needs_correction}, {"withdrawn", f.withdrawn}},
               {}};
}

}  // namespace

void AddDuesRoutes(RouteTable& routes, const MembersDeps& deps) {
  const MembersDeps* d = &deps;
  auto card_unit = [d](const ApiRequest& req) -> Result<Target> {
    JICENG_ASSIGN_OR_RETURN(auto id, req.ParamId());
    JICENG_ASSIGN_OR_RETURN(auto unit, d->dues.UnitOfCard(id));
    return Target::Record(unit, members::CardNotFound(id));
  };
  routes.push_back({"PUT", "/api/v1/members/:id/dues-standard", [d](const ApiRequest& r) { return SetDuesStandard(r, *d); },
                    "members.write", MemberFromPath(d->members), "dues.standard.set"});
  routes.push_back({"POST", "/api/v1/members/:id/dues", [d](const ApiRequest& r) { return RecordDues(r, *d); },
                    "members.write", MemberFromPath(d->members), "dues.pay"});
  routes.push_back({"GET", "/api/v1/members/:id/dues", [d](const ApiRequest& r) { return MemberDues(r, *d); },
                    "members.read", MemberFromPath(d->members), "dues.member", /*audit_read=*/true});
  routes.push_back({"GET", "/api/v1/orgs/:id/dues", [d](const ApiRequest& r) { return OrgDues(r, *d); }, "members.read",
                    OrgFromPath(d->orgs), "dues.org", /*audit_read=*/true});
  routes.push_back({"POST", "/api/v1/members/:id/cards", [d](const ApiRequest& r) { return IssueCard(r, *d); },
                    "members.write", MemberFromPath(d->members), "cards.issue"});
  routes.push_back({"POST", "/api/v1/cards/:id/review", [d](const ApiRequest& r) { return ReviewCard(r, *d); },
                    "members.write", card_unit, "cards.review"});
  routes.push_back({"GET", "/api/v1/units/:code/cards", [d](const ApiRequest& r) { return CardFigures(r, *d); },
                    "members.read", UnitFromPath(), "cards.figures"});
}

}  // namespace jiceng::api
