// Small builders for the WHERE clauses every domain repeats, written once in
// portable SQL (SQLite and PostgreSQL alike).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"

namespace jiceng::db {

// "((col >= ? AND col < ?) OR ...)" — rows whose unit code starts with one
// of `prefixes`, i.e. lie in one of those subtrees (codes extend their
// parent's code), as ranges an index on `col` can serve. Appends the
// parameters to `params`. REQUIRES: !prefixes.empty().
std::string CodePrefixCondition(std::string_view column, const std::vector<std::string>& prefixes, Params& params);

// "?, ?, ?" — `n` placeholders for an `IN (...)` list.
std::string Placeholders(std::size_t n);

// Runs `sql + " IN (?, ...)"` over `keys`, `chunk` keys a statement (one
// statement may carry only so many parameters), calling `on_row` for each row
// of each chunk. `sql` ends with the column to match, e.g.
// "SELECT id, name FROM organizations WHERE id"; `leading` are the
// parameters of `sql` itself, bound before each chunk's keys.
template <typename Key>
Status QueryIn(Session& s, std::string_view sql, const std::vector<Key>& keys, const RowFn& on_row,
               std::size_t chunk = 500, const Params& leading = {}) {
  for (std::size_t from = 0; from < keys.size(); from += chunk) {
    const std::size_t n = std::min(chunk, keys.size() - from);
    Params params = leading;
    params.reserve(leading.size() + n);
    for (std::size_t i = from; i < from + n; ++i) params.emplace_back(keys[i]);
    JICENG_RETURN_IF_ERROR(s.Query(std::string(sql) + " IN (" + Placeholders(n) + ")", params, on_row));
  }
  return Status::Ok();
}

// The LIKE pattern "%text%" with %, _ and \ escaped, to be used as
// `col LIKE ? ESCAPE '\'` so that the user's text matches itself.
std::string ContainsPattern(std::string_view text);

}  // namespace jiceng::db
