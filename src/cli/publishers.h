// Every service that publishes changes to the roll-up engine, with the tables
// it declares (analytics/publishers.h). A new domain whose indicators read
// new tables adds its service here, next to the others; until it does,
// `jiceng serve` refuses to start, naming the indicator and the table.
//
// Header-only so that the unit tests check the very list the server uses.
#pragma once

#include "analytics/publishers.h"
#include "hierarchy/hierarchy_service.h"
#include "members/dues_service.h"
#include "members/meeting_service.h"
#include "members/member_service.h"
#include "orgs/org_service.h"

namespace jiceng::cli {

inline analytics::PublisherRegistry ServicePublishers() {
  analytics::PublisherRegistry r;
  r.Add("hierarchy::HierarchyService", hierarchy::HierarchyService::kPublishedTables);
  r.Add("orgs::OrgService", orgs::OrgService::kPublishedTables);
  r.Add("members::MemberService", members::MemberService::kPublishedTables);
  r.Add("members::DuesService", members::DuesService::kPublishedTables);
  r.Add("members::MeetingService", members::MeetingService::kPublishedTables);
  return r;
}

}  // namespace jiceng::cli
