// HTTP endpoints of the live roll-up engine (/api/v1/indicators,
// /api/v1/figures...): the indicator definitions, figures for a unit, the
// breakdown over its children or any level below, and trends over periods.
// Every answer says as of which change it is and how it was computed.
// The breakdown (for one indicator or a list of them, as the dashboard's
// table of a domain) and the trend also come as a file: ?format=xlsx or csv,
// under the same scope rules (json, the default, is the JSON answer).
//
// Who sees what: figures are aggregates, never a person's record. A user with
// figures.read sees every figure inside their scope, and, outside it, the
// figures of counties and the levels above (so a county secretary can set
// the county beside the others and the nation); townships, villages and
// groups elsewhere stay hidden.
#pragma once

#include "accounts/access_control.h"
#include "analytics/rollup_engine.h"
#include "api/route.h"
#include "common/clock.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::api {

struct FiguresDeps {
  const analytics::RollupEngine& engine;
  const hierarchy::HierarchyService& hierarchy;
  const accounts::AccessControl& access;
  const BusinessClock& clock;  // the date in download file names
};

void AddFigureRoutes(RouteTable& routes, const FiguresDeps& deps);

}  // namespace jiceng::api
