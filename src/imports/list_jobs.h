// The jobs of the member and organization lists (jobs/job_kinds.h): imports
// of members and of organizations (dry run or commit) and exports of both
// lists, registered by RegisterListJobs at start, with how their start routes
// store what the job was started for (Job::params).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "hierarchy/unit_tree.h"
#include "imports/sheet.h"
#include "io/xlsx/xlsx_reader.h"
#include "jobs/job_kinds.h"
#include "members/member_service.h"
#include "orgs/org_service.h"

namespace jiceng::imports {

// The kinds' ids (Job::kind).
inline constexpr std::string_view kImportMembersJob = "import_members";
inline constexpr std::string_view kImportOrgsJob = "import_orgs";
inline constexpr std::string_view kExportMembersJob = "export_members";
inline constexpr std::string_view kExportOrgsJob = "export_orgs";

// An import's scope and an export's filter as stored in Job::params.
nlohmann::json ScopeParams(const ImportScope& scope);
ImportScope ScopeFromParams(const nlohmann::json& params);
nlohmann::json MemberFilterParams(const members::MemberFilter& f);
members::MemberFilter MemberFilterFromParams(const nlohmann::json& params);
nlohmann::json OrgFilterParams(const orgs::OrgFilter& f);
orgs::OrgFilter OrgFilterFromParams(const nlohmann::json& params);

// Registers the four kinds. Everything passed must outlive `kinds`' use; an
// uploaded .xlsx may unpack to no more than `xlsx_limits` allow.
Status RegisterListJobs(jobs::JobKinds& kinds, db::Database& db, members::MemberService& members,
                        orgs::OrgService& orgs, const hierarchy::UnitTree& tree, const BusinessClock& clock,
                        const io::XlsxLimits& xlsx_limits = {});

}  // namespace jiceng::imports
