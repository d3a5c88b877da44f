// Liveness (/healthz: the process answers) and readiness (/readyz: the
// database answers and its schema is the one this binary expects).
#pragma once

#include "api/route.h"
#include "db/database.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::api {

void AddHealthRoutes(RouteTable& routes, db::Database& db, const hierarchy::HierarchyService& h);

}  // namespace jiceng::api
