// Jobs through the HTTP API: an import started as a job reports exactly what
// the synchronous import reports, its commit writes every row or none, a job
// is its owner's alone (anyone else gets 404), an export job ends in a
// download with a UTF-8 file name, and with several servers on one database
// every job runs exactly once.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api_suite.h"
#include "io/testing/zip_bomb.h"

namespace jiceng::apitest {
namespace {

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const std::string kHeader = "姓名,性别,出生日期,手机号,身份证号,所属组织,状态,入党日期,分类\n";
const std::string kGood = "张三,男,1990-01-01,13800000001,513322199001010015,中共泸桥镇委员会,正式党员,2015-07-01,在职\n";
// Rows 3 to 6: a wrong date, an unknown organization, a repeated ID number, an empty name.
const std::string kBad = kHeader + kGood +
                         "李四,女,1990-02-30,,,中共泸桥镇委员会,预备党员,2025-01-01,在职\n"
                         "王五,男,1980-01-01,,,中共没有这个委员会,正式党员,2001-07-01,在职\n"
                         "赵六,男,1990-01-01,,513322199001010015,中共泸桥镇委员会,正式党员,2015-07-01,在职\n"
                         ",女,1985-03-03,,,中共泸桥镇委员会,正式党员,2010-07-01,外出流动\n";
const std::string kFixed = kHeader + kGood +
                           "李四,女,1990-02-28,,,中共泸桥镇委员会,预备党员,2025-01-01,在职\n"
                           "赵六,男,1990-01-01,,,中共泸桥镇委员会,正式党员,2015-07-01,在职\n"
                           "钱七,女,1985-03-03,,,中共泸桥镇委员会,正式党员,2010-07-01,外出流动\n";

class JobsApi : public ApiSuite<JobsApi> {
 public:
  static constexpr const char* kSuiteName = "jobs";

 protected:
  static void SetUpTestSuite() {
    ApiSuite<JobsApi>::SetUpTestSuite();
    if (!server_) return;
    Http admin = Client();
    auto org = admin.PostJson("/api/v1/orgs", {{"unit_code", "513322100"}, {"kind", "committee"}, {"name", "中共泸桥镇委员会"}});
    if (org.status != 201) start_error_ = "creating the organization failed";
  }

  long long MembersUnder(const std::string& code) {
    auto r = http().Get("/api/v1/members?under=" + code);
    EXPECT_EQ(r.status, 200) << r;
    return r.json.value("total", -1LL);
  }
  // Starts a job; its id (0 on failure).
  std::int64_t Start(const std::string& target, const std::string& file = "") {
    auto r = file.empty() ? http().Post(target, "", "") : http().Post(target, file, "text/csv");
    EXPECT_EQ(r.status, 202) << r;
    if (r.status != 202) return 0;
    EXPECT_EQ(r.Header("Location").value_or(""), "/api/v1/jobs/" + std::to_string(r.json["job"]["id"].get<long long>()));
    return r.json["job"]["id"].get<std::int64_t>();
  }
  // The job once it has ended (succeeded, failed or cancelled).
  // (Asked every 50 ms, for 30 s at most.)
  nlohmann::json Wait(std::int64_t id) {
    nlohmann::json job;
    bool failed = false;
    const bool ended = Eventually(
        [&] {
          auto r = http().Get("/api/v1/jobs/" + std::to_string(id));
          EXPECT_EQ(r.status, 200) << r;
          if (r.status != 200) return failed = true;
          job = r.json["job"];
          const std::string status = job["status"];
          return status != "queued" && status != "running";
        },
        std::chrono::seconds(30), std::chrono::milliseconds(50));
    if (!ended && !failed) ADD_FAILURE() << "job " << id << " did not end: " << job.dump();
    return job;
  }
  static std::vector<std::pair<int, std::string>> Errors(const nlohmann::json& report) {
    std::vector<std::pair<int, std::string>> out;
    for (const auto& e : report["errors"]) out.emplace_back(e["row"].get<int>(), e["column"].get<std::string>());
    return out;
  }
};

TEST_F(JobsApi, AnImportJobReportsWhatTheSynchronousImportReportsAndCommitsAllOrNothing) {
  auto sync = http().Post("/api/v1/imports/members?dry_run=true", kBad, "text/csv");
  ASSERT_EQ(sync.status, 200) << sync;

  const std::int64_t bad = Start("/api/v1/jobs/imports/members?dry_run=true&filename=%E5%90%8D%E5%8D%95.csv", kBad);
  nlohmann::json job = Wait(bad);
  EXPECT_EQ(job["status"], "succeeded") << job.dump();
  EXPECT_EQ(job["kind"], "import_members");
  EXPECT_EQ(job["file_name"], "名单.csv");
  EXPECT_EQ(job["report"], sync.json["report"]);
  EXPECT_EQ(Errors(job["report"]), (std::vector<std::pair<int, std::string>>{
                                       {3, "出生日期"}, {4, "所属组织"}, {5, "身份证号"}, {6, "姓名"}}));
  EXPECT_EQ(job["progress"]["done"], 5);
  EXPECT_EQ(job["progress"]["total"], 5);
  // English for an English reader, from the same stored report.
  auto en = http().Get("/api/v1/jobs/" + std::to_string(bad), {{"Accept-Language", "en"}});
  EXPECT_EQ(en.json["job"]["report"]["errors"][2]["message"],
            "The ID number repeats row 2: a person cannot be registered twice.");

  // A dry run with bad rows cannot be committed; nothing is written.
  ExpectError(http().Post("/api/v1/jobs/" + std::to_string(bad) + "/commit", "", ""), 409, "failed_precondition", "");
  // A commit job of the bad file fails as a whole, with the report.
  nlohmann::json refused = Wait(Start("/api/v1/jobs/imports/members?dry_run=false", kBad));
  EXPECT_EQ(refused["status"], "failed");
  EXPECT_EQ(refused["error"]["field"], "file");
  EXPECT_EQ(refused["report"]["error_count"], 4);
  EXPECT_EQ(MembersUnder("513322100"), 0);

  const std::int64_t clean = Start("/api/v1/jobs/imports/members?dry_run=true&filename=fixed.csv", kFixed);
  EXPECT_EQ(Wait(clean)["report"]["error_count"], 0);
  EXPECT_EQ(MembersUnder("513322100"), 0) << "a dry run writes nothing";
  auto commit = http().Post("/api/v1/jobs/" + std::to_string(clean) + "/commit", "", "");
  ASSERT_EQ(commit.status, 202) << commit;
  EXPECT_EQ(commit.json["job"]["source_job_id"], clean);
  nlohmann::json done = Wait(commit.json["job"]["id"].get<std::int64_t>());
  EXPECT_EQ(done["status"], "succeeded") << done.dump();
  EXPECT_TRUE(done["report"]["committed"].get<bool>());
  EXPECT_EQ(done["report"]["inserted"], 4);
  EXPECT_EQ(MembersUnder("513322100"), 4);
  // The roll-up engine heard of them, as after a synchronous import.
  auto figures = http().Get("/api/v1/figures?indicator=members&unit=513322100");
  ASSERT_EQ(figures.status, 200) << figures;
  EXPECT_EQ(figures.json["figures"][0]["total"], 4) << figures;
  // The same dry run cannot be imported twice.
  ExpectError(http().Post("/api/v1/jobs/" + std::to_string(clean) + "/commit", "", ""), 409, "conflict", "");
  // A job that has started cannot be cancelled.
  ExpectError(http().Post("/api/v1/jobs/" + std::to_string(clean) + "/cancel", "", ""), 409, "failed_precondition", "");

  // The caller's jobs, newest first, without the reports.
  auto list = http().Get("/api/v1/jobs");
  ASSERT_EQ(list.status, 200) << list;
  ASSERT_GE(list.json["items"].size(), 4u);
  EXPECT_EQ(list.json["items"][0]["id"], done["id"]);
  EXPECT_GT(list.json["items"][0]["id"].get<long long>(), list.json["items"][1]["id"].get<long long>());
  EXPECT_TRUE(list.json["items"][0]["report"].is_null());

  auto audit = http().Get("/api/v1/audit?action=jobs.commit");
  ASSERT_EQ(audit.status, 200) << audit;
  EXPECT_GE(audit.json["total"].get<int>(), 2);
  // The job's rows committed with their audit entry (in the same
  // transaction), naming them, as done by the job's owner.
  const auto& ids = done["report"]["ids"];
  ASSERT_EQ(ids.size(), 4u) << done.dump();
  const std::string named = "member:" + std::to_string(ids[0].get<long long>()) + "-" +
                            std::to_string(ids[3].get<long long>());
  auto run = http().Get("/api/v1/audit?action=jobs.run.import_members&limit=200");
  ASSERT_EQ(run.status, 200) << run;
  int entries = 0;
  for (const auto& e : run.json["items"]) {
    if (e.value("target", "") != named) continue;
    ++entries;
    EXPECT_EQ(e.value("username", ""), AdminUsername()) << e.dump();
    EXPECT_EQ(e.value("result", ""), "ok") << e.dump();
  }
  EXPECT_EQ(entries, 1) << "one entry naming " << named << run;
}

TEST_F(JobsApi, AnExportJobEndsInADownloadOnlyItsOwnerSees) {
  ExpectError(http().Post("/api/v1/jobs/exports/members?under=513322&format=pdf", "", ""), 400, "invalid_argument",
              "format");
  const std::int64_t id = Start("/api/v1/jobs/exports/members?under=513322&format=xlsx");
  nlohmann::json job = Wait(id);
  ASSERT_EQ(job["status"], "succeeded") << job.dump();
  EXPECT_EQ(job["kind"], "export_members");
  ASSERT_TRUE(job["result"].is_object()) << job.dump();
  const std::string url = job["result"]["url"];
  EXPECT_EQ(url, "/api/v1/jobs/" + std::to_string(id) + "/file");
  auto file = http().Get(url);
  ASSERT_EQ(file.status, 200) << file;
  EXPECT_EQ(file.Header("Content-Type").value_or(""), kXlsxType);
  const std::string disposition = file.Header("Content-Disposition").value_or("");
  EXPECT_EQ(disposition.rfind("attachment; filename=\"members-", 0), 0u) << disposition;
  EXPECT_NE(disposition.find("filename*=UTF-8''%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C-"), std::string::npos)
      << disposition;  // 党员名册
  ASSERT_GT(file.body.size(), 4u);
  EXPECT_EQ(file.body.substr(0, 2), "PK");
  // The file reads back as a clean dry run of the synchronous import.
  auto again = http().Post("/api/v1/imports/members?dry_run=true", file.body, kXlsxType);
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(again.json["report"]["error_count"], 0) << again;

  const std::int64_t csv = Start("/api/v1/jobs/exports/orgs?under=513322&format=csv");
  nlohmann::json orgs = Wait(csv);
  ASSERT_EQ(orgs["status"], "succeeded") << orgs.dump();
  auto orgs_file = http().Get("/api/v1/jobs/" + std::to_string(csv) + "/file");
  EXPECT_EQ(orgs_file.Header("Content-Type").value_or(""), "text/csv; charset=utf-8");
  EXPECT_NE(orgs_file.body.find("中共泸桥镇委员会"), std::string::npos);

  auto audit = http().Get("/api/v1/audit?action=jobs.file");
  ASSERT_EQ(audit.status, 200) << audit;
  EXPECT_GE(audit.json["total"].get<int>(), 2) << "downloads are audited";

  // Someone else: a signed-in user without grants sees none of it.
  auto created = http().PostJson("/api/v1/users", {{"username", "jobs_other"}, {"display_name", "别人"},
                                                   {"password", "Jobs-Passw0rd!"}});
  ASSERT_EQ(created.status, 201) << created;
  std::string why;
  auto other_session = SignIn(port(), "jobs_other", "Jobs-Passw0rd!", &why);
  ASSERT_TRUE(other_session) << why;
  Http other(port(), other_session->AuthHeaders());
  const std::string path = "/api/v1/jobs/" + std::to_string(id);
  ExpectError(other.Get(path), 404, "not_found", "");
  ExpectError(other.Get(path + "/file"), 404, "not_found", "");
  ExpectError(other.Post(path + "/cancel", "", ""), 404, "not_found", "");
  ExpectError(other.Post(path + "/commit", "", ""), 404, "not_found", "");
  auto theirs = other.Get("/api/v1/jobs");
  ASSERT_EQ(theirs.status, 200) << theirs;
  EXPECT_TRUE(theirs.json["items"].empty()) << theirs;
  ExpectError(http().Get("/api/v1/jobs/999999"), 404, "not_found", "");
}

// Several `jiceng serve` processes on one database: each job is claimed under
// a lease by one of them and runs exactly once, even while another server
// starts (before leases, a starting server queued every running job again,
// and the job in hand ran a second time).
TEST_F(JobsApi, TwoServersOnOneDatabaseRunEachJobExactlyOnce) {
  Http admin = Client();
  auto org = admin.PostJson("/api/v1/orgs", {{"unit_code", "540424100"}, {"kind", "committee"}, {"name", "中共扎木镇委员会"}});
  ASSERT_EQ(org.status, 201) << org;
  TestServer second(server_->db(), TestDir() / "jobs.second.server.log");
  const std::string failed = second.Start();
  ASSERT_TRUE(failed.empty()) << failed;
  std::string error;
  auto session = SignIn(second.port(), AdminUsername(), AdminPassword(), &error);
  ASSERT_TRUE(session) << error;
  Http b(second.port(), session->AuthHeaders());

  // N commit jobs of K new members each, half started on each server.
  constexpr int kJobs = 8;
  constexpr int kRows = 150;
  std::vector<std::int64_t> ids;
  for (int j = 0; j < kJobs; ++j) {
    std::string file = kHeader;
    for (int r = 0; r < kRows; ++r) {
      file += "双服" + std::to_string(j) + "号" + std::to_string(r) + ",女,1990-01-01,,,中共扎木镇委员会,正式党员,2015-07-01,在职\n";
    }
    Http& to = j % 2 ? b : http();
    auto started = to.Post("/api/v1/jobs/imports/members?dry_run=false", file, "text/csv");
    ASSERT_EQ(started.status, 202) << started;
    ids.push_back(started.json["job"]["id"].get<std::int64_t>());
    if (j == kJobs / 2) {
      // A third server starts while the first two are running jobs.
      TestServer third(server_->db(), TestDir() / "jobs.third.server.log");
      const std::string not_started = third.Start();
      ASSERT_TRUE(not_started.empty()) << not_started;
    }
  }
  for (std::int64_t id : ids) {
    nlohmann::json job = Wait(id);
    EXPECT_EQ(job["status"], "succeeded") << job.dump();
    EXPECT_EQ(job["attempts"], 1) << "job " << id << " was claimed more than once: " << job.dump();
    EXPECT_EQ(job["report"]["inserted"], kRows) << job.dump();
  }
  // Members written by the other servers reach this one's counts through
  // the change log (polled a few times a second).
  long long members = -1;
  Eventually([&] { return (members = MembersUnder("540424100")) == kJobs * kRows; });
  EXPECT_EQ(members, kJobs * kRows);
  EXPECT_TRUE(second.Running()) << second.LogTail();
}

// An import job of a zip bomb (a ~300 KB .xlsx unpacking to 300 MB) fails
// naming the limit, as the synchronous import does (issue #14 part 4).
TEST_F(JobsApi, AnImportJobOfAZipBombFailsNamingTheLimit) {
  const std::string bomb = io::testing::ZipBombXlsx(
      300 * 1000 * 1000, {{"姓名", "性别", "出生日期", "所属组织", "状态", "入党日期", "分类"},
                          {"张三", "男", "1990-01-01", "中共泸桥镇委员会", "正式党员", "2015-07-01", "在职"}});
  ASSERT_FALSE(bomb.empty());
  auto r = http().Post("/api/v1/jobs/imports/members?dry_run=true&filename=bomb.xlsx", bomb, kXlsxType);
  ASSERT_EQ(r.status, 202) << r;
  nlohmann::json job = Wait(r.json["job"]["id"].get<std::int64_t>());
  EXPECT_EQ(job["status"], "failed") << job.dump();
  EXPECT_EQ(job["error"]["field"], "file") << job.dump();
  EXPECT_NE(job["error"].value("message_en", "").find("200 MiB"), std::string::npos) << job.dump();
  EXPECT_NE(job["error"].value("message_zh", "").find("200 MiB"), std::string::npos) << job.dump();
}

}  // namespace
}  // namespace jiceng::apitest
