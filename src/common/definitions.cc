#include "common/definitions.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace jiceng {

namespace fs = std::filesystem;

Result<fs::path> FindDefinitionFile(std::string_view name) {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("JICENG_DEFINITIONS_DIR"); env && *env) dirs.emplace_back(env);
  dirs.push_back(fs::current_path() / "definitions");
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const char* up : {"../definitions", "../../definitions", "../../../definitions"}) {
      dirs.push_back(exe.parent_path() / up);
    }
  }
  for (const fs::path& dir : dirs) {
    if (fs::exists(dir / name, ec)) return fs::weakly_canonical(dir / name, ec);
  }
  const std::string n(name);
  return Status::NotFound("找不到 definitions/" + n + "。请在项目目录中运行，或设置 JICENG_DEFINITIONS_DIR。",
                          "definitions/" + n + " was not found. Run from the project folder or set "
                          "JICENG_DEFINITIONS_DIR.");
}

namespace {

std::string KeyList(std::initializer_list<std::string_view> keys) {
  std::string out;
  for (std::string_view k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

// The key as text; a key that is not a scalar (a list, a mapping) as "?".
std::string KeyText(const YAML::Node& key) { return key.IsScalar() ? key.Scalar() : std::string("?"); }

}  // namespace

Status CheckDefinitionKeys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                           std::string_view what_zh, std::string_view what_en, const DefinitionErrorFn& error) {
  const std::string zh(what_zh), en(what_en);
  if (!node.IsMap()) {
    return error(node.Mark(), zh + " 应为映射（键: 值），可用的键：" + KeyList(allowed) + "。",
                 en + " must be a mapping (key: value) of " + KeyList(allowed) + ".");
  }
  for (const auto& item : node) {
    const std::string key = KeyText(item.first);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return error(item.first.Mark(), zh + " 中有未知的键“" + key + "”（可用：" + KeyList(allowed) + "）。",
                   en + " has an unknown key \"" + key + "\" (known: " + KeyList(allowed) + ").");
    }
  }
  return Status::Ok();
}

Result<BilingualName> ReadBilingualName(const YAML::Node& node, std::string_view what_zh, std::string_view what_en,
                                        const DefinitionErrorFn& error,
                                        std::initializer_list<std::string_view> also_allowed) {
  const std::string zh(what_zh), en(what_en);
  if (!node || !node.IsMap()) {
    return error(node ? node.Mark() : YAML::Mark::null_mark(), zh + " 的名称应写作 {zh: 中文, en: English}。",
                 en + " needs a name written {zh: 中文, en: English}.");
  }
  for (const auto& item : node) {
    const std::string key = KeyText(item.first);
    if (key == "zh" || key == "en" ||
        std::find(also_allowed.begin(), also_allowed.end(), key) != also_allowed.end()) {
      continue;
    }
    // Most likely the tail of a value cut at an unquoted comma.
    return error(item.first.Mark(),
                 zh + " 的名称中有多余的键“" + key + "”：名称只有 zh 和 en。若文字中有英文逗号，请给整段文字加引号，"
                      "如 en: \"Create, edit and disable accounts\"。",
                 en + "'s name has a stray key \"" + key + "\": a name has only zh and en. Text holding a comma must "
                      "be quoted, e.g. en: \"Create, edit and disable accounts\".");
  }
  BilingualName out;
  for (const char* lang : {"zh", "en"}) {
    const YAML::Node text = node[lang];
    if (!text || !text.IsScalar() || text.Scalar().empty()) {
      return error(text ? text.Mark() : node.Mark(), zh + " 的名称缺少 " + lang + "（应为非空文字）。",
                   en + "'s name needs a non-empty " + lang + " text.");
    }
    (std::string_view(lang) == "zh" ? out.zh : out.en) = text.Scalar();
  }
  return out;
}

}  // namespace jiceng
