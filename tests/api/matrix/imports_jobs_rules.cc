// The authorization matrix's rules for imports, exports and jobs.
// How to build each route's request inside and outside a role's area: see auth_matrix.h.
#include "auth_matrix.h"

namespace jiceng::apitest {

void AuthApi::ImportAndJobRules(MatrixRules& rules) {
  auto with = [](MatrixRequest m, const std::string& must_contain) {
    m.must_contain = must_contain;
    return m;
  };
  const std::string orgs = "/api/v1/orgs/";
  const std::string members = "/api/v1/members/";
  const std::string outside_village = luding_village_;

  // -- imports and exports -----------------------------------------------
  // Imports name no unit: each row is checked against the caller's area,
  // so a row in Luding is a row error (the dry run answers 200 with it).
  auto member_file = [](const std::string& org) {
    MatrixRequest m{"/api/v1/imports/members?dry_run=true", {}, {}, 200};
    m.file = "姓名,性别,出生日期,组织编号,状态,分类\n矩阵导入,男,1990-01-01," + org + ",正式党员,在职\n";
    return m;
  };
  rules["POST /api/v1/imports/members"] = {
      [member_file](const RoleUser& u) {
        MatrixRequest m = member_file(u.org_id);
        m.must_contain = "\"error_count\":0";
        return m;
      },
      [member_file](const RoleUser&) {
        MatrixRequest m = member_file(luding_org_);
        m.must_not_contain = "\"error_count\":0";
        return m;
      }};
  auto org_file = [](const std::string& unit) {
    MatrixRequest m{"/api/v1/imports/orgs?dry_run=true", {}, {}, 200};
    m.file = "组织名称,组织类型,所在单位代码\n" + Unique("矩阵导入支部") + ",党支部," + unit + "\n";
    return m;
  };
  rules["POST /api/v1/imports/orgs"] = {
      [org_file](const RoleUser& u) {
        MatrixRequest m = org_file(u.village);
        m.must_contain = "\"error_count\":0";
        return m;
      },
      [org_file, outside_village](const RoleUser&) {
        MatrixRequest m = org_file(outside_village);
        m.must_not_contain = "\"error_count\":0";
        return m;
      }};
  rules["GET /api/v1/exports/members"] = Both([with](const Where& w) {
    return with(MatrixRequest{"/api/v1/exports/members?format=csv&under=" + w.village, {}, {}, 200}, w.member_name);
  });
  rules["GET /api/v1/exports/orgs"] = Both([](const Where& w) {
    return MatrixRequest{"/api/v1/exports/orgs?format=csv&under=" + w.village, {}, {}, 200};
  });
  rules["GET /api/v1/orgs/:id/dues/export"] = Both([orgs](const Where& w) {
    return MatrixRequest{orgs + w.org + "/dues/export?format=csv", {}, {}, 200};
  });

  // -- jobs: starting one needs the permission of the import or export it
  //    runs (202 Accepted); a job is its owner's alone — anyone else gets the
  //    404 of an unknown job (the nationwide system administrator sees all).
  auto job_file = [member_file](const std::string& org) {
    MatrixRequest m = member_file(org);
    m.target = "/api/v1/jobs/imports/members?dry_run=true";
    m.ok_status = 202;
    return m;
  };
  rules["POST /api/v1/jobs/imports/members"] = {[job_file](const RoleUser& u) { return job_file(u.org_id); },
                                                [job_file](const RoleUser&) { return job_file(luding_org_); }};
  auto job_org_file = [org_file](const std::string& unit) {
    MatrixRequest m = org_file(unit);
    m.target = "/api/v1/jobs/imports/orgs?dry_run=true";
    m.ok_status = 202;
    m.must_contain.clear();
    return m;
  };
  rules["POST /api/v1/jobs/imports/orgs"] = {
      [job_org_file](const RoleUser& u) { return job_org_file(u.village); },
      [job_org_file, outside_village](const RoleUser&) { return job_org_file(outside_village); }};
  rules["POST /api/v1/jobs/exports/members"] = Both([](const Where& w) {
    return MatrixRequest{"/api/v1/jobs/exports/members?format=csv&under=" + w.village, {}, {}, 202};
  });
  rules["POST /api/v1/jobs/exports/orgs"] = Both([](const Where& w) {
    return MatrixRequest{"/api/v1/jobs/exports/orgs?format=csv&under=" + w.village, {}, {}, 202};
  });
  rules["GET /api/v1/jobs"] = {[](const RoleUser&) {
                                 MatrixRequest m{"/api/v1/jobs", {}, {}, 200};
                                 m.must_contain = "\"items\"";
                                 return m;
                               },
                               {}};
  // The user's own export when the user may export organizations, else the
  // administrator's (404 unless the user is a nationwide system administrator).
  auto job_of = [this](const RoleUser& u) {
    HttpResponse r = Http(port(), u.session.AuthHeaders())
                         .Post("/api/v1/jobs/exports/orgs?format=csv&under=" + u.village, "", "");
    if (r.status == 202) return std::to_string(r.json["job"]["id"].get<long long>());
    return AdminJob();
  };
  rules["GET /api/v1/jobs/:id"] = {[job_of](const RoleUser& u) {
                                     return MatrixRequest{"/api/v1/jobs/" + job_of(u), {}, {}, 0};
                                   },
                                   {}};
  rules["GET /api/v1/jobs/:id/file"] = {[job_of](const RoleUser& u) {
                                          return MatrixRequest{"/api/v1/jobs/" + job_of(u) + "/file", {}, {}, 0};
                                        },
                                        {}};
  // A dry run with a bad row cannot be committed (409), nor a started job cancelled.
  rules["POST /api/v1/jobs/:id/commit"] = {[this](const RoleUser&) {
                                             return MatrixRequest{"/api/v1/jobs/" + AdminJob() + "/commit", {}, {}, 0};
                                           },
                                           {}};
  rules["POST /api/v1/jobs/:id/cancel"] = {[this](const RoleUser&) {
                                             return MatrixRequest{"/api/v1/jobs/" + AdminJob() + "/cancel", {}, {}, 0};
                                           },
                                           {}};
}

}  // namespace jiceng::apitest
