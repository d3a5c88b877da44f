// Small builders for the WHERE clauses every domain repeats, written once in
// portable SQL (SQLite and PostgreSQL alike).
#pragma once

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

// The LIKE pattern "%text%" with %, _ and \ escaped, to be used as
// `col LIKE ? ESCAPE '\'` so that the user's text matches itself.
std::string ContainsPattern(std::string_view text);

}  // namespace jiceng::db
