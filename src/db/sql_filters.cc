#include "db/sql_filters.h"

#include <cassert>

namespace jiceng::db {

std::string CodePrefixCondition(std::string_view column, const std::vector<std::string>& prefixes, Params& params) {
  assert(!prefixes.empty());
  std::string sql = "(";
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    sql += (i ? " OR substr(" : "substr(") + std::string(column) + ", 1, ?) = ?";
    params.emplace_back(static_cast<std::int64_t>(prefixes[i].size()));
    params.emplace_back(prefixes[i]);
  }
  return sql + ")";
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
