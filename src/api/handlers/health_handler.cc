#include "api/handlers/health_handler.h"

#include "db/migrations/migrations.h"

namespace jiceng::api {

void AddHealthRoutes(RouteTable& routes, db::Database& db, const hierarchy::HierarchyService& h) {
  routes.push_back({"GET", "/healthz", [](const ApiRequest&) -> Result<Reply> {
                      return Reply{200, {{"status", "ok"}}, {}};
                    },
                    kPublic});
  routes.push_back({"GET", "/readyz", [&db, &h](const ApiRequest&) -> Result<Reply> {
                      auto version = db::CurrentSchemaVersion(db);
                      if (!version.ok()) {
                        return Status::Unavailable("数据库无法访问：" + version.status().message_zh(),
                                                   "The database is not reachable: " +
                                                       version.status().message_en());
                      }
                      if (*version != db::LatestSchemaVersion()) {
                        return Status::Unavailable(
                            "数据库结构版本 " + std::to_string(*version) + " 与程序的 " +
                                std::to_string(db::LatestSchemaVersion()) + " 不一致。",
                            "Database schema version " + std::to_string(*version) +
                                " differs from this binary's " +
                                std::to_string(db::LatestSchemaVersion()) + ".");
                      }
                      return Reply{200,
                                   {{"status", "ready"},
                                    {"schema_version", *version},
                                    {"engine", db.engine()},
                                    {"units", h.tree().size()}},
                                   {}};
                    },
                    kPublic});
}

}  // namespace jiceng::api
