#include "audit/audited_tables.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <iterator>

namespace jiceng::audit {
namespace {

// The prefixes are the ones handlers have always written ("member:42"), so
// entries from before the same-transaction append name rows the same way.
constexpr std::array<AuditedTable, 13> kTables = {{
    // Villager groups added by users; the national division list is imported
    // by `jiceng import-divisions`, not audited row by row.
    {"units", "", "source = 'user'", "units"},
    {"organizations", "org:", "", "orgs"},
    {"two_new_orgs", "two_new:", "", "two-new-orgs"},
    {"members", "member:", "", "members"},
    {"transfers", "transfer:", "", "transfers"},
    {"member_cards", "card:", "", "cards"},
    {"meetings", "meeting:", "", "meetings"},
    {"org_officers", "officer:", "", "officers"},
    {"org_pairings", "pairing:", "", "pairings"},
    {"task_teams", "task_team:", "", "task-teams"},
    {"users", "user:", "", "users"},
    {"api_tokens", "token:", "", "tokens"},
    {"jobs", "job:", "", "jobs"},
}};

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Parses "41-43,50" (stopping at the first other character) into ranges.
void ParseRanges(std::string_view text, std::vector<std::pair<std::int64_t, std::int64_t>>& out) {
  std::size_t i = 0;
  auto number = [&](std::int64_t& v) {
    const std::size_t start = i;
    v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 18)
      v = v * 10 + (text[i++] - '0');
    return i > start;
  };
  while (i < text.size()) {
    std::int64_t lo = 0;
    if (!number(lo)) return;
    std::int64_t hi = lo;
    if (i < text.size() && text[i] == '-') {
      ++i;
      if (!number(hi) || hi < lo) return;
    }
    out.emplace_back(lo, hi);
    if (i >= text.size() || text[i] != ',') return;
    ++i;
  }
}

}  // namespace

std::span<const AuditedTable> AuditedTables() { return kTables; }

std::string NameRows(const AuditedTable& t, std::span<const std::int64_t> ids,
                     std::span<const std::string> codes) {
  std::string out;
  if (t.prefix.empty()) {
    for (const std::string& code : codes) out += (out.empty() ? "" : ",") + code;
    return out;
  }
  out = std::string(t.prefix);
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
    if (j > i) out += '-' + std::to_string(ids[j]);
    i = j + 1;
  }
  return out;
}

std::string TargetOfPath(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t at = 0; at <= path.size();) {
    std::size_t slash = path.find('/', at);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > at) parts.push_back(path.substr(at, slash - at));
    at = slash + 1;
  }
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!IsDigits(parts[i + 1])) continue;
    for (const AuditedTable& t : kTables) {
      if (parts[i] == t.collection) return std::string(t.prefix) + std::string(parts[i + 1]);
    }
  }
  return "";
}

void NamedRows::Add(std::string_view target) {
  while (!target.empty()) {
    const std::size_t space = target.find(' ');
    const std::string_view item = target.substr(0, space);
    target = space == std::string_view::npos ? std::string_view() : target.substr(space + 1);
    if (item.empty()) continue;
    if (item.front() >= '0' && item.front() <= '9') {
      // Unit codes: "540424100001001,540424100001002".
      std::string_view rest = item;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        std::string_view code = rest.substr(0, comma);
        std::size_t digits = 0;
        while (digits < code.size() && code[digits] >= '0' && code[digits] <= '9') ++digits;
        if (digits > 0) codes_.emplace(code.substr(0, digits));
        if (digits < code.size() || comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
      continue;
    }
    for (const AuditedTable& t : kTables) {
      if (t.prefix.empty() || !item.starts_with(t.prefix)) continue;
      auto& ranges = ranges_[std::string(t.prefix)];
      const std::size_t before = ranges.size();
      ParseRanges(item.substr(t.prefix.size()), ranges);
      if (ranges.size() != before) sorted_ = false;
      break;
    }
  }
}

bool NamedRows::Names(const AuditedTable& t, std::int64_t id, std::string_view code) const {
  if (t.prefix.empty()) return codes_.contains(code);
  if (!sorted_) {
    for (auto& [prefix, ranges] : ranges_) {
      std::sort(ranges.begin(), ranges.end());
      std::vector<std::pair<std::int64_t, std::int64_t>> merged;
      for (const auto& r : ranges) {
        if (!merged.empty() && r.first <= merged.back().second + 1) {
          merged.back().second = std::max(merged.back().second, r.second);
        } else {
          merged.push_back(r);
        }
      }
      ranges = std::move(merged);
    }
    sorted_ = true;
  }
  auto it = ranges_.find(t.prefix);
  if (it == ranges_.end()) return false;
  const auto& ranges = it->second;
  // The last range starting at or before `id`.
  auto after = std::upper_bound(ranges.begin(), ranges.end(), std::make_pair(id, INT64_MAX));
  return after != ranges.begin() && std::prev(after)->second >= id;
}

Result<std::vector<RowsWithoutEntry>> FindRowsWithoutEntry(db::Database& db,
                                                           std::size_t max_examples) {
  std::vector<RowsWithoutEntry> out;
  Status st = db.Read([&](db::Session& s) -> Status {
    NamedRows named;
    // Entries of refused or failed requests name what was asked for, not
    // what was written: only successful ones count.
    JICENG_RETURN_IF_ERROR(
        s.Query("SELECT target FROM audit_log WHERE result = 'ok'", {}, [&](const db::Row& row) {
          named.Add(row.Text(0));
          return Status::Ok();
        }));
    for (const AuditedTable& t : kTables) {
      RowsWithoutEntry missing;
      missing.table = std::string(t.table);
      const bool by_code = t.prefix.empty();
      std::string sql =
          std::string("SELECT id, ") + (by_code ? "code" : "''") + " FROM " + std::string(t.table);
      if (!t.filter.empty()) sql += " WHERE " + std::string(t.filter);
      sql += " ORDER BY id";
      JICENG_RETURN_IF_ERROR(s.Query(sql, {}, [&](const db::Row& row) {
        const std::int64_t id = row.Int(0);
        const std::string code = row.Text(1);
        if (named.Names(t, id, code)) return Status::Ok();
        if (++missing.count <= static_cast<std::int64_t>(max_examples)) {
          const std::int64_t one[] = {id};
          const std::string codes[] = {code};
          missing.examples.push_back(NameRows(t, one, codes));
        }
        return Status::Ok();
      }));
      if (missing.count > 0) out.push_back(std::move(missing));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace jiceng::audit
