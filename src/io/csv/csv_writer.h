// Writes an io::Table as CSV for Excel and WPS: UTF-8 with a byte-order mark
// (without it Chinese Excel reads the file as GBK), CRLF line ends, fields
// quoted when they hold a comma, quote or line break. Money columns are
// yuan with two decimals; dates "YYYY-MM-DD".
#pragma once

#include <string>

#include "io/table.h"

namespace jiceng::io {

std::string WriteCsv(const Table& table);

}  // namespace jiceng::io
