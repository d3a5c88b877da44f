// Publishers (变更发布方): which tables each service tells the roll-up engine
// about through ChangeSink. An indicator (definitions/indicators/*.yaml) is
// read from its `table` and moved by its `also:` tables; a table nobody
// publishes would leave its figures silently stale. So every service that
// calls ChangeSink::Changed declares the tables it publishes (a
// `kPublishedTables` list beside the class), the start-up wiring gathers the
// lists into a PublisherRegistry (cli/publishers.h), and `jiceng serve` (and
// every tool that loads the engine) refuses to start while an indicator
// reads a table that no registered publisher declares.
//
// The declaration is a promise, not a proof: the property test of
// analytics/publishing_test.cc writes through the real services and fails
// when a declared table is never published or a figure drifts from SQL.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/indicator.h"
#include "common/status.h"

namespace jiceng::analytics {

struct Publisher {
  std::string name = {};                // e.g. "members::DuesService"
  std::vector<std::string> tables = {};  // the tables it calls Changed for
};

class PublisherRegistry {
 public:
  // Registers `publisher` as publishing changes of `tables`.
  void Add(std::string_view publisher, std::span<const std::string_view> tables);

  const std::vector<Publisher>& publishers() const { return publishers_; }
  // Names of the publishers declaring `table`, in registration order (empty: none).
  std::vector<std::string> PublishersOf(std::string_view table) const;

  // Ok when every table each indicator of `defs` reads (`table` and every
  // `also:` table) has a publisher; otherwise kFailedPrecondition naming
  // every indicator, its file and line, and the table without a publisher,
  // and saying how to fix it.
  Status CheckCovers(std::span<const IndicatorDef> defs) const;

 private:
  std::vector<Publisher> publishers_;
};

}  // namespace jiceng::analytics
