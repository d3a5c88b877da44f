#include "common/definitions.h"

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

}  // namespace jiceng
