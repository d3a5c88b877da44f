// The one interface through which domain modules tell the roll-up engine what
// they changed. A service calls Changed() inside its write transaction for
// every row it inserts, updates or deletes in a table that indicators read
// (definitions/indicators/*.yaml name the tables). The engine re-reads those
// rows once the transaction commits and moves every figure by the difference;
// a rolled-back transaction leaves no trace. Calling it for a row no
// indicator reads is harmless.
#ifndef JICENG_ANALYTICS_CHANGE_SINK_H_
#define JICENG_ANALYTICS_CHANGE_SINK_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "common/status.h"
#include "db/database.h"

namespace jiceng::analytics {

class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  // Row `id` of `table` was inserted, updated or deleted by the transaction
  // `session` is running.
  virtual Status Changed(db::Session& session, std::string_view table, std::int64_t id) = 0;
  // Many rows of one table (bulk imports).
  virtual Status ChangedMany(db::Session& session, std::string_view table,
                             std::span<const std::int64_t> ids) {
    for (std::int64_t id : ids) JICENG_RETURN_IF_ERROR(Changed(session, table, id));
    return Status::Ok();
  }
};

// For tests that run services without an engine. (The command line tools use
// the engine's log-only mode, so that running servers see their writes.)
class NoChangeSink final : public ChangeSink {
 public:
  Status Changed(db::Session&, std::string_view, std::int64_t) override { return Status::Ok(); }
};

}  // namespace jiceng::analytics

#endif  // JICENG_ANALYTICS_CHANGE_SINK_H_
