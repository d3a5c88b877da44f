// Where Jiceng's definition files (definitions/*.yaml: roles, membership
// rules, ...) are found: the JICENG_DEFINITIONS_DIR environment variable,
// then ./definitions, then next to the executable (../definitions up to three
// levels up, which covers build/ and build/src/ in a checkout).
#pragma once

#include <filesystem>
#include <string_view>

#include "common/result.h"

namespace jiceng {

// The path of definitions/<name>, or kNotFound saying where it was looked for.
Result<std::filesystem::path> FindDefinitionFile(std::string_view name);

}  // namespace jiceng
