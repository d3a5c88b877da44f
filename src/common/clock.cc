#include "common/clock.h"

#include <cstdio>
#include <ctime>
#include <utility>

#include "common/text.h"

namespace jiceng {

std::string UtcIso(SystemTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string NowUtcIso() { return UtcIso(std::chrono::system_clock::now()); }

std::optional<SystemTime> ParseUtcIso(std::string_view text) {
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
    if (pos + n > text.size() || !IsDigits(text.substr(pos, n))) return std::nullopt;
    return std::stoi(std::string(text.substr(pos, n)));
  };
  if (text.size() != 10 && text.size() != 20) return std::nullopt;
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || text[4] != '-' || text[7] != '-') return std::nullopt;
  int h = 0, mi = 0, s = 0;
  if (text.size() == 20) {
    auto hh = digits(11, 2), mm = digits(14, 2), ss = digits(17, 2);
    if (!hh || !mm || !ss || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') {
      return std::nullopt;
    }
    h = *hh;
    mi = *mm;
    s = *ss;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(*mo), std::chrono::day(*d)};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s);
}

}  // namespace jiceng

namespace jiceng {

std::optional<Date> ParseDate(std::string_view text) {
  // Straight to days, not through SystemTime: its nanoseconds overflow after
  // the year 2262, which turned a date such as 2999-01-01 into garbage.
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (auto [pos, n] : {std::pair{0, 4}, std::pair{5, 2}, std::pair{8, 2}}) {
    if (!IsDigits(text.substr(pos, n))) return std::nullopt;
  }
  const int y = std::stoi(std::string(text.substr(0, 4)));
  const unsigned mo = static_cast<unsigned>(std::stoi(std::string(text.substr(5, 2))));
  const unsigned d = static_cast<unsigned>(std::stoi(std::string(text.substr(8, 2))));
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(mo), std::chrono::day(d)};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

std::string FormatDate(Date d) {
  const std::chrono::year_month_day ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

Date Today() { return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()); }

}  // namespace jiceng
