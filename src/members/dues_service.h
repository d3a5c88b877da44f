// Dues (党费) and membership cards (党员证).
//
// Dues: each member has a monthly standard (in integer fen — never floating
// point money) from a given month on; a payment covers one month. What is
// due, paid and in arrears is derived from those two facts, per member and
// month, so nothing is stored twice.
//
// Cards: issued with a number; each year's review says whether the card is
// valid, needs correction or is withdrawn; the card's status follows its
// latest review.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/change_sink.h"
#include "common/clock.h"
#include "common/result.h"
#include "db/database.h"

namespace jiceng::members {

struct DuesMonth {
  std::string month = {};  // YYYY-MM
  std::int64_t due_fen = 0;
  std::int64_t paid_fen = 0;
  std::optional<std::string> paid_on = {};
  std::int64_t arrears_fen() const { return due_fen > paid_fen ? due_fen - paid_fen : 0; }
};

// One month's payment of one member (RecordPaymentsIn).
struct DuesPayment {
  std::int64_t member_id = 0;
  std::string month = {};  // YYYY-MM
  std::int64_t amount_fen = 0;
  std::string paid_on = {};
};

struct DuesSummary {
  std::int64_t member_id = 0;
  std::string member_name = {};
  std::int64_t due_fen = 0;
  std::int64_t paid_fen = 0;
  std::int64_t arrears_fen = 0;
  int months_in_arrears = 0;
};

struct Card {
  std::int64_t id = 0;
  std::int64_t member_id = 0;
  std::string number = {};
  std::string issued_on = {};
  std::string status = {};  // valid, needs_correction, withdrawn
};

struct CardFigures {
  std::int64_t issued = 0;          // cards issued, all statuses
  std::int64_t valid = 0;           // currently valid
  std::int64_t reviewed = 0;        // reviewed in the year
  std::int64_t needs_correction = 0;
  std::int64_t withdrawn = 0;
};

// The 404 of an unknown card id (also what an out-of-scope one answers).
Status CardNotFound(std::int64_t id);

class DuesService {
 public:
  // The tables it publishes to ChangeSink (analytics/publishers.h).
  static constexpr std::string_view kPublishedTables[] = {"dues_standards", "dues_payments", "member_cards",
                                                          "card_reviews"};

  // Every write is published to `changes` (the roll-up engine) in its transaction.
  DuesService(db::Database& db, analytics::ChangeSink& changes, const BusinessClock& clock)
      : db_(db), clock_(clock), changes_(changes) {}

  // Sets the member's standard from `from_month` (YYYY-MM) on.
  Status SetStandard(std::int64_t member_id, std::int64_t monthly_fen, const std::string& from_month);
  // Records the payment for one month; kConflict when that month is paid.
  Status RecordPayment(std::int64_t member_id, const std::string& month, std::int64_t amount_fen,
                       const std::string& paid_on, std::optional<std::int64_t> by_user);
  // Month by month for a calendar year, up to the current month.
  Result<std::vector<DuesMonth>> MemberYear(std::int64_t member_id, int year);
  // Every member of an organization for a year, with totals; arrears first.
  Result<std::vector<DuesSummary>> OrgYear(std::int64_t org_id, int year);

  Result<Card> IssueCard(std::int64_t member_id, const std::string& number, const std::string& issued_on);
  Result<Card> ReviewCard(std::int64_t card_id, int year, const std::string& result, const std::string& note);
  Result<std::vector<Card>> CardsOf(std::int64_t member_id);
  Result<std::uint64_t> UnitOfCard(std::int64_t card_id);
  // Cards in a unit's subtree, and their reviews in `year`.
  Result<CardFigures> CardFiguresOf(std::uint64_t unit_code, int year);

  // SetStandard, RecordPayment, IssueCard and ReviewCard inside `s`'s write
  // transaction, for callers that make many at once (jiceng demo): the same
  // checks and the same publishing; a failure ends the transaction (a taken
  // month or card number is the engine's kConflict, without the messages the
  // single calls give it).
  Status SetStandardIn(db::Session& s, std::int64_t member_id, std::int64_t monthly_fen,
                       const std::string& from_month);
  Status RecordPaymentIn(db::Session& s, std::int64_t member_id, const std::string& month, std::int64_t amount_fen,
                         const std::string& paid_on, std::optional<std::int64_t> by_user);
  // Many payments at once (one bulk insert), with RecordPayment's checks.
  Status RecordPaymentsIn(db::Session& s, std::span<const DuesPayment> payments, std::optional<std::int64_t> by_user);
  Result<Card> IssueCardIn(db::Session& s, std::int64_t member_id, const std::string& number,
                           const std::string& issued_on);
  Result<Card> ReviewCardIn(db::Session& s, std::int64_t card_id, int year, const std::string& result,
                            const std::string& note);

 private:
  db::Database& db_;
  const BusinessClock& clock_;
  analytics::ChangeSink& changes_;
};

// Checks "YYYY-MM"; the error names `field`.
Status CheckMonth(std::string_view month, std::string_view field);

}  // namespace jiceng::members
