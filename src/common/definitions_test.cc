// Definition files (definitions/**/*.yaml) and the loaders that read them:
// every bilingual name in every shipped file is whole (issue #14 part 6: an
// unquoted comma cut "Create, edit and disable accounts" to "Create"), and
// each loader refuses a name cut that way, or any unknown key, naming the
// file and the line.
#include "common/definitions.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "accounts/role_registry.h"
#include "analytics/indicator.h"
#include "members/membership_rules.h"

namespace jiceng {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> ShippedDefinitionFiles() {
  auto roles = FindDefinitionFile("roles.yaml");
  EXPECT_TRUE(roles.ok()) << roles.status().ToString();
  std::vector<fs::path> files;
  if (!roles.ok()) return files;
  for (const auto& entry : fs::recursive_directory_iterator(roles->parent_path())) {
    if (entry.is_regular_file() && (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Keys a name mapping may hold besides zh and en (membership.yaml's
// meetings carry how often they are due and which organization kinds they bind).
bool AllowedBesideNames(const std::string& key) { return key == "every" || key == "binds"; }

// Checks one name text against the file as written, not as parsed: the text
// from the value's position must be the value itself (quoted or not) and be
// followed only by the end of the mapping, the next known key, or the end of
// the line — never by more words that YAML split off as a key of their own.
void ExpectWhole(const std::vector<std::string>& lines, const YAML::Node& value, bool flow, const std::string& where) {
  const YAML::Mark mark = value.Mark();
  ASSERT_GE(mark.line, 0) << where;
  ASSERT_LT(static_cast<std::size_t>(mark.line), lines.size()) << where;
  const std::string& line = lines[static_cast<std::size_t>(mark.line)];
  ASSERT_LE(static_cast<std::size_t>(mark.column), line.size()) << where;
  std::string rest = line.substr(static_cast<std::size_t>(mark.column));
  std::string raw;
  if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
    const char quote = rest[0];
    std::size_t end = 1;
    while (end < rest.size() && rest[end] != quote) end += rest[end] == '\\' && quote == '"' ? 2 : 1;
    ASSERT_LT(end, rest.size()) << where << ": an unterminated quote in: " << line;
    raw = rest.substr(1, end - 1);
    rest = rest.substr(end + 1);
  } else {
    // Plain text runs to the end of the line (block style) or to the next
    // ',' or '}' (flow style), and stops before a comment.
    std::size_t end = flow ? rest.find_first_of(",}") : std::string::npos;
    const std::size_t comment = rest.find(" #");
    if (comment != std::string::npos && comment < end) end = comment;
    raw = rest.substr(0, end);
    rest = end == std::string::npos ? std::string() : rest.substr(end);
    while (!raw.empty() && raw.back() == ' ') raw.pop_back();
  }
  EXPECT_EQ(raw, value.Scalar()) << where << ": the file says \"" << raw << "\" but reads as \"" << value.Scalar()
                                 << "\": " << line;
  // What follows: nothing, a comment, the mapping's end, or another known key.
  std::size_t i = rest.find_first_not_of(' ');
  if (i == std::string::npos || rest[i] == '#' || rest[i] == '}') return;
  ASSERT_TRUE(flow && rest[i] == ',') << where << ": text after the name: " << line;
  const std::size_t key_start = rest.find_first_not_of(' ', i + 1);
  const std::size_t colon = rest.find(':', key_start);
  ASSERT_NE(colon, std::string::npos) << where << ": words after the name that are no key: " << line;
  const std::string key = rest.substr(key_start, colon - key_start);
  EXPECT_TRUE(key == "zh" || key == "en" || AllowedBesideNames(key))
      << where << ": the name is followed by \"" << key << "\", which is not a key of a name: " << line;
}

// Every mapping holding zh or en, anywhere in `node`.
void CheckNames(const YAML::Node& node, const std::vector<std::string>& lines, const std::string& where,
                int* names_seen) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) CheckNames(node[i], lines, where + "[" + std::to_string(i) + "]", names_seen);
    return;
  }
  if (!node.IsMap()) return;
  if (node["zh"] || node["en"]) {
    ++*names_seen;
    const std::string here = where + " (line " + std::to_string(node.Mark().line + 1) + ")";
    const bool flow = node.Style() == YAML::EmitterStyle::Flow;
    for (const auto& item : node) {
      const std::string key = item.first.Scalar();
      EXPECT_TRUE(key == "zh" || key == "en" || AllowedBesideNames(key))
          << here << ": unknown key \"" << key << "\" in a name (a comma cut the text?)";
    }
    for (const char* lang : {"zh", "en"}) {
      const YAML::Node text = node[lang];
      ASSERT_TRUE(text && text.IsScalar()) << here << ": no " << lang << " text";
      EXPECT_FALSE(text.Scalar().empty()) << here << ": empty " << lang << " text";
      ExpectWhole(lines, text, flow, here + "." + lang);
    }
    return;
  }
  for (const auto& item : node) CheckNames(item.second, lines, where + "." + item.first.Scalar(), names_seen);
}

TEST(ShippedDefinitions, EveryNameHasBothLanguagesWhole) {
  const std::vector<fs::path> files = ShippedDefinitionFiles();
  ASSERT_GE(files.size(), 4u) << "roles.yaml, membership.yaml and indicators/*.yaml";
  int names = 0;
  for (const fs::path& file : files) {
    const std::string text = ReadText(file);
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    YAML::Node root;
    ASSERT_NO_THROW(root = YAML::Load(text)) << file;
    const int before = names;
    CheckNames(root, lines, file.filename().string(), &names);
    EXPECT_GT(names, before) << file << " has no name in it: is the walk broken?";
  }
  EXPECT_GT(names, 100);
}

TEST(ShippedDefinitions, EveryFileLoadsThroughItsLoader) {
  auto roles_file = accounts::RoleRegistry::FindRolesFile();
  ASSERT_TRUE(roles_file.ok());
  auto roles = accounts::RoleRegistry::LoadFile(*roles_file);
  ASSERT_TRUE(roles.ok()) << roles.status().ToString();
  // The name with a comma, whole.
  const accounts::Permission* users_write = roles->FindPermission("users.write");
  ASSERT_NE(users_write, nullptr);
  EXPECT_EQ(users_write->name_en, "Create, edit and disable accounts");
  EXPECT_EQ(users_write->name_zh, "新建、修改、停用账号");
  auto rules = members::MembershipRules::LoadDefault();
  EXPECT_TRUE(rules.ok()) << rules.status().ToString();
  auto indicators = analytics::LoadIndicators();
  EXPECT_TRUE(indicators.ok()) << indicators.status().ToString();
}

// --- The loaders refuse a cut name and unknown keys, with file and line.

bool Says(const Status& st, const std::string& text) {
  return st.message_zh().find(text) != std::string::npos && st.message_en().find(text) != std::string::npos;
}

TEST(DefinitionLoaders, RolesRefuseANameCutByAComma) {
  auto r = accounts::RoleRegistry::LoadText(R"yaml(permissions:
  units.read: {zh: 查看, en: View}
  users.write: {zh: 新建、修改、停用账号, en: Create, edit and disable accounts}
roles:
  - {id: a, name: {zh: 甲, en: A}, permissions: [units.read], levels: [nation]}
)yaml",
                                            "roles.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Says(r.status(), "roles.yaml:3")) << r.status().ToString();
  EXPECT_TRUE(Says(r.status(), "edit and disable accounts")) << r.status().ToString();
  EXPECT_TRUE(Says(r.status(), "users.write")) << r.status().ToString();
}

TEST(DefinitionLoaders, RolesRefuseUnknownKeys) {
  auto name_key = accounts::RoleRegistry::LoadText(R"yaml(permissions:
  units.read: {zh: 查看, en: View, fr: Voir}
roles:
  - {id: a, name: {zh: 甲, en: A}, permissions: [units.read], levels: [nation]}
)yaml",
                                                   "roles.yaml");
  ASSERT_FALSE(name_key.ok());
  EXPECT_TRUE(Says(name_key.status(), "roles.yaml:2")) << name_key.status().ToString();
  EXPECT_TRUE(Says(name_key.status(), "fr")) << name_key.status().ToString();
  auto role_key = accounts::RoleRegistry::LoadText(R"yaml(permissions:
  units.read: {zh: 查看, en: View}
roles:
  - id: a
    name: {zh: 甲, en: A}
    permisions: [units.read]
    levels: [nation]
)yaml",
                                                   "roles.yaml");
  ASSERT_FALSE(role_key.ok());
  EXPECT_TRUE(Says(role_key.status(), "roles.yaml:6")) << role_key.status().ToString();
  EXPECT_TRUE(Says(role_key.status(), "permisions")) << role_key.status().ToString();
  auto empty_en = accounts::RoleRegistry::LoadText(R"yaml(permissions:
  units.read: {zh: 查看, en: ""}
roles:
  - {id: a, name: {zh: 甲, en: A}, permissions: [units.read], levels: [nation]}
)yaml",
                                                   "roles.yaml");
  EXPECT_FALSE(empty_en.ok());
}

TEST(DefinitionLoaders, MembershipRulesRefuseANameCutByAComma) {
  auto stage = members::MembershipRules::LoadText(R"yaml(stages:
  - {id: a, name: {zh: 甲, en: A}}
  - {id: b, name: {zh: 乙, en: Probationary, or full}}
)yaml",
                                                  "membership.yaml");
  ASSERT_FALSE(stage.ok());
  EXPECT_TRUE(Says(stage.status(), "membership.yaml:3")) << stage.status().ToString();
  EXPECT_TRUE(Says(stage.status(), "or full")) << stage.status().ToString();
  auto meeting = members::MembershipRules::LoadText(R"yaml(stages:
  - {id: a, name: {zh: 甲, en: A}}
  - {id: b, name: {zh: 乙, en: B}}
meetings:
  general: {zh: 大会, en: General, or plenary, meeting, every: quarter}
)yaml",
                                                    "membership.yaml");
  ASSERT_FALSE(meeting.ok());
  EXPECT_TRUE(Says(meeting.status(), "membership.yaml:5")) << meeting.status().ToString();
  auto unknown = members::MembershipRules::LoadText(R"yaml(stages:
  - {id: a, name: {zh: 甲, en: A}}
  - {id: b, name: {zh: 乙, en: B}, min_day: 3}
)yaml",
                                                    "membership.yaml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(Says(unknown.status(), "membership.yaml:3")) << unknown.status().ToString();
  EXPECT_TRUE(Says(unknown.status(), "min_day")) << unknown.status().ToString();
}

TEST(DefinitionLoaders, IndicatorsRefuseANameCutByAComma) {
  auto title = analytics::ParseIndicators(R"yaml(indicators:
  - id: members
    title: {zh: 党员, en: Members, full and probationary}
    table: members
    select: SELECT id, unit_id FROM members
)yaml",
                                          "indicators/members.yaml");
  ASSERT_FALSE(title.ok());
  EXPECT_TRUE(Says(title.status(), "indicators/members.yaml:3")) << title.status().ToString();
  EXPECT_TRUE(Says(title.status(), "full and probationary")) << title.status().ToString();
  auto value = analytics::ParseIndicators(R"yaml(indicators:
  - id: members
    title: {zh: 党员, en: Members}
    table: members
    select: SELECT id, unit_id, stage FROM members
    dimensions:
      - id: stage
        title: {zh: 类别, en: Kind}
        values:
          full: {zh: 正式党员, en: Full, voting members}
)yaml",
                                          "indicators/members.yaml");
  ASSERT_FALSE(value.ok());
  EXPECT_TRUE(Says(value.status(), "indicators/members.yaml:10")) << value.status().ToString();
  auto dimension_key = analytics::ParseIndicators(R"yaml(indicators:
  - id: members
    title: {zh: 党员, en: Members}
    table: members
    select: SELECT id, unit_id, stage FROM members
    dimensions:
      - id: stage
        titel: {zh: 类别, en: Kind}
)yaml",
                                                  "indicators/members.yaml");
  ASSERT_FALSE(dimension_key.ok());
  EXPECT_TRUE(Says(dimension_key.status(), "indicators/members.yaml:8")) << dimension_key.status().ToString();
}

}  // namespace
}  // namespace jiceng
