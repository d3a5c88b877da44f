#include "db/sql_filters.h"

#include <cassert>

namespace jiceng::db {

std::string CodePrefixCondition(std::string_view column, const std::vector<std::string>& prefixes, Params& params) {
  assert(!prefixes.empty());
  // "Starts with P" as the range [P, P with its last byte + 1): the same
  // rows (bytewise order: SQLite's BINARY, PostgreSQL's COLLATE "C"), but an
  // index on the column can find them; substr(column, ...) = P cannot.
  std::string sql = "(";
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    const std::string& p = prefixes[i];
    if (p.empty() || static_cast<unsigned char>(p.back()) == 0xFF) {
      sql += (i ? " OR substr(" : "substr(") + std::string(column) + ", 1, ?) = ?";
      params.emplace_back(static_cast<std::int64_t>(p.size()));
      params.emplace_back(p);
      continue;
    }
    std::string upper = p;
    upper.back() = static_cast<char>(upper.back() + 1);
    sql += (i ? " OR (" : "(") + std::string(column) + " >= ? AND " + std::string(column) + " < ?)";
    params.emplace_back(p);
    params.emplace_back(std::move(upper));
  }
  return sql + ")";
}

std::string Placeholders(std::size_t n) {
  std::string marks;
  marks.reserve(n * 3);
  for (std::size_t i = 0; i < n; ++i) marks += i ? ", ?" : "?";
  return marks;
}

std::string ContainsPattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

}  // namespace jiceng::db
