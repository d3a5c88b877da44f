#include "common/clock.h"

#include <date/tz.h>

#include <cstdio>
#include <ctime>
#include <fstream>
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

Result<const date::time_zone*> FindTimeZone(std::string_view name) {
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    // Unknown names throw std::runtime_error; so does a missing tzdata.
    return Status::InvalidArgument(
        "time_zone",
        "时区“" + std::string(name) + "”不存在：请使用 IANA 时区名，例如 Asia/Shanghai（需安装 tzdata）",
        "time zone \"" + std::string(name) + "\" is unknown: use an IANA name such as Asia/Shanghai (tzdata must be "
        "installed)");
  }
}

BusinessClock::BusinessClock(const date::time_zone* zone) : zone_(zone), zone_name_(zone->name()) {}

Date BusinessClock::DateAt(SystemTime t) const {
  const auto local = zone_->to_local(std::chrono::time_point_cast<std::chrono::seconds>(t));
  return Date(std::chrono::floor<std::chrono::days>(local).time_since_epoch());
}

Result<std::unique_ptr<SystemBusinessClock>> SystemBusinessClock::Create(std::string_view zone) {
  JICENG_ASSIGN_OR_RETURN(const date::time_zone* z, FindTimeZone(zone));
  return std::unique_ptr<SystemBusinessClock>(new SystemBusinessClock(z));
}

Result<std::unique_ptr<ManualClock>> ManualClock::Create(SystemTime at, std::string_view zone) {
  JICENG_ASSIGN_OR_RETURN(const date::time_zone* z, FindTimeZone(zone));
  return std::unique_ptr<ManualClock>(new ManualClock(z, at));
}

SystemTime ManualClock::Now() const {
  std::lock_guard lock(mutex_);
  return at_;
}

void ManualClock::Set(SystemTime at) {
  std::lock_guard lock(mutex_);
  at_ = at;
}

void ManualClock::Advance(std::chrono::seconds by) {
  std::lock_guard lock(mutex_);
  at_ += by;
}

Result<std::unique_ptr<FileClock>> FileClock::Create(std::filesystem::path file, std::string_view zone) {
  JICENG_ASSIGN_OR_RETURN(const date::time_zone* z, FindTimeZone(zone));
  return std::unique_ptr<FileClock>(new FileClock(z, std::move(file)));
}

SystemTime FileClock::Now() const {
  // Read on every call (test servers only): a cache keyed on the file's
  // mtime would miss two writes within one timestamp tick. Writers replace
  // the file whole (write, then rename), so a read sees the old time or the
  // new one, never half of each.
  std::ifstream in(file_);
  std::string text;
  if (in) in >> text;
  if (auto at = ParseUtcIso(text)) return *at;
  return std::chrono::system_clock::now();
}

}  // namespace jiceng
