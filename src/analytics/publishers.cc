#include "analytics/publishers.h"

#include <algorithm>

namespace jiceng::analytics {

void PublisherRegistry::Add(std::string_view publisher, std::span<const std::string_view> tables) {
  Publisher p{std::string(publisher), {}};
  for (std::string_view t : tables) p.tables.emplace_back(t);
  publishers_.push_back(std::move(p));
}

std::vector<std::string> PublisherRegistry::PublishersOf(std::string_view table) const {
  std::vector<std::string> out;
  for (const Publisher& p : publishers_) {
    if (std::find(p.tables.begin(), p.tables.end(), table) != p.tables.end()) out.push_back(p.name);
  }
  return out;
}

Status PublisherRegistry::CheckCovers(std::span<const IndicatorDef> defs) const {
  std::string zh;
  std::string en;
  for (const IndicatorDef& def : defs) {
    std::vector<std::string> tables = {def.table};
    for (const Dependency& d : def.also) tables.push_back(d.table);
    for (const std::string& table : tables) {
      if (!PublishersOf(table).empty()) continue;
      zh += (zh.empty() ? "" : "；") + std::string("指标 ") + def.id + "（" + def.origin + "）读取的表 " + table +
            " 没有发布方";
      en += (en.empty() ? "" : "; ") + std::string("indicator ") + def.id + " (" + def.origin + ") reads table " +
            table + ", which no service publishes";
    }
  }
  if (zh.empty()) return Status::Ok();
  return Status::FailedPrecondition(
      zh + "。写这些表的服务须在每次写入时调用 ChangeSink::Changed，并在其 kPublishedTables 中登记该表"
           "（登记处：src/cli/publishers.h）；否则这些指标的数字不会随写入变化。",
      en + ". The service that writes such a table must call ChangeSink::Changed on every write and list the "
           "table in its kPublishedTables (registered in src/cli/publishers.h); otherwise these figures would not "
           "move with the writes.",
      "definitions");
}

}  // namespace jiceng::analytics
