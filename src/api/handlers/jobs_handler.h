// HTTP endpoints of jobs (任务): imports and exports that run on the server
// while the user does something else, and that the user can come back to.
//   POST /api/v1/jobs/imports/members?dry_run=true|false&filename=&unit=   body: the .xlsx or CSV file
//   POST /api/v1/jobs/imports/orgs?dry_run=true|false&filename=&unit=   (unit: the page it came from)
//   POST /api/v1/jobs/exports/members?format=xlsx|csv&under=&org_id=&stage=&situation=&status=&q=
//   POST /api/v1/jobs/exports/orgs?format=xlsx|csv&under=&kind=&include_ended=
//   GET  /api/v1/jobs                 the caller's own jobs, newest first
//   GET  /api/v1/jobs/:id             status, progress, the import report (as the synchronous import's)
//   POST /api/v1/jobs/:id/commit      import the file of a dry run that found no bad row
//   POST /api/v1/jobs/:id/cancel      a job still queued
//   GET  /api/v1/jobs/:id/file        an export's file (audited as a read)
// A job is seen by its owner (and a nationwide system administrator); anyone
// else gets the 404 of an unknown job. Each kind has its own start route so
// that the route table carries its permission and target (server.cc's Guard
// checks them as for the synchronous endpoints).
#pragma once

#include "api/handlers/imports_handler.h"
#include "api/route.h"
#include "jobs/job_kinds.h"
#include "jobs/job_runner.h"
#include "jobs/job_store.h"

namespace jiceng::api {

struct JobsDeps {
  jobs::JobStore& store;
  jobs::JobRunner& runner;
  const jobs::JobKinds& kinds;  // what each kind needs (permission, upload) and its download's name
  const MembersDeps& members;
};

void AddJobRoutes(RouteTable& routes, const JobsDeps& deps);

}  // namespace jiceng::api
