// Where Jiceng's definition files (definitions/*.yaml: roles, membership
// rules, ...) are found: the JICENG_DEFINITIONS_DIR environment variable,
// then ./definitions, then next to the executable (../definitions up to three
// levels up, which covers build/ and build/src/ in a checkout).
//
// Also what every loader of those files shares: reading a bilingual name
// ({zh: 新建账号, en: Create accounts}) whole, and refusing unknown keys with
// the file and line.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/result.h"

namespace jiceng {

// The path of definitions/<name>, or kNotFound saying where it was looked for.
Result<std::filesystem::path> FindDefinitionFile(std::string_view name);

// Makes a loader's error for a place in its file: the loader adds its own
// prefix and "file:line" (from `mark`) to the zh and en messages.
using DefinitionErrorFn = std::function<Status(const YAML::Mark& mark, const std::string& zh, const std::string& en)>;

struct BilingualName {
  std::string zh;
  std::string en;
};

// Reads a bilingual name: a mapping whose keys are exactly `zh` and `en` (and
// any of `also_allowed`, which the caller reads), each a non-empty text. An
// unquoted comma in a flow mapping ends the value: `{zh: 新建, en: Create,
// edit accounts}` is {zh, en: "Create", "edit accounts": null} — the stray
// key is refused, named, with the advice to quote the text. `what_zh` /
// `what_en` say whose name it is in messages ("权限 users.write" /
// "permission users.write").
Result<BilingualName> ReadBilingualName(const YAML::Node& node, std::string_view what_zh, std::string_view what_en,
                                        const DefinitionErrorFn& error,
                                        std::initializer_list<std::string_view> also_allowed = {});

// Refuses (through `error`, at the key's line) the first key of the mapping
// `node` that is not in `allowed`, naming it and the allowed keys. Not a
// mapping: refused too.
Status CheckDefinitionKeys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                           std::string_view what_zh, std::string_view what_en, const DefinitionErrorFn& error);

}  // namespace jiceng
