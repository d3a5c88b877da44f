// Jobs on both engines: an import job's dry-run report is the synchronous
// importer's, a commit writes every row (and publishes them to the roll-up
// engine) or none, progress ends at the row count, a job is claimed by one
// server at a time under a lease and taken over only once the lease expired
// (time from an injected clock), finished jobs and their files are pruned
// after the retention, and an export's file reads back.
#include "jobs/job_runner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/clock.h"
#include "db/testing/migrated_database_test.h"
#include "hierarchy/testing/seed_units.h"
#include "imports/list_jobs.h"
#include "imports/member_import.h"
#include "people/testing/test_vault.h"

namespace jiceng::jobs {
namespace {

using db::Value;

// Counts what the importer publishes to the roll-up engine.
class CountingSink final : public analytics::ChangeSink {
 public:
  Status Changed(db::Session&, std::string_view table, std::int64_t id) override {
    if (table == "members") member_ids.push_back(id);
    return Status::Ok();
  }
  std::vector<std::int64_t> member_ids;
};

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
                           "赵六,男,1990-01-01,,,中共泸桥镇委员会,正式党员,2015-07-01,在职\n";

class JobRunnerTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(db_->Write([&](db::Session& s) -> Status {
      // 四川省 > 甘孜藏族自治州 > 泸定县 > 泸桥镇.
      JICENG_RETURN_IF_ERROR(hierarchy::testing::SeedUnits(s, hierarchy::testing::LudingAndBomi().first(4)).status());
      JICENG_ASSIGN_OR_RETURN(user_, s.InsertReturningId(
                                         "INSERT INTO users (username, display_name, password_hash, created_at, "
                                         "updated_at, password_changed_at) VALUES ('job', 'job', 'x', 'x', 'x', 'x') "
                                         "RETURNING id",
                                         {}));
      return Status::Ok();
    }).ok());
    hierarchy_ = std::move(hierarchy::HierarchyService::Load(*db_)).value();
    rules_ = std::make_unique<members::MembershipRules>(std::move(members::MembershipRules::LoadDefault()).value());
    orgs_ = std::make_unique<orgs::OrgService>(*db_, *hierarchy_, changes_, *clock_);
    members_ = std::make_unique<members::MemberService>(*db_, *hierarchy_, *rules_, changes_, people::testing::TestVault(), *clock_);
    auto org = orgs_->Create({"513322100", std::nullopt, "committee", "中共泸桥镇委员会"});
    ASSERT_TRUE(org.ok()) << org.status().ToString();
    store_ = std::make_unique<JobStore>(*db_, Clock(), "server-a");
    ASSERT_TRUE(imports::RegisterListJobs(kinds_, *db_, *members_, *orgs_, hierarchy_->tree(), *clock_).ok());
    runner_ = std::make_unique<JobRunner>(*db_, *store_, kinds_);
  }
  void TearDown() override {
    runner_.reset();
    store_.reset();
    members_.reset();
    orgs_.reset();
    hierarchy_.reset();
  }

  Job Start(const std::string& file, bool dry_run, std::optional<std::int64_t> source = std::nullopt) {
    NewJob n;
    n.kind = std::string(imports::kImportMembersJob);
    n.user_id = user_;
    n.params = imports::ScopeParams(imports::ImportScope{true, {}});
    n.file_name = "党员.csv";
    n.dry_run = dry_run;
    n.source_job_id = source;
    if (!source) n.upload = file;
    auto job = store_->Create(n);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : Job{};
  }
  Job RunOne(const Job& job) {
    auto ran = runner_->RunPending();
    EXPECT_TRUE(ran.ok()) << ran.status().ToString();
    auto done = store_->Get(job.id);
    EXPECT_TRUE(done.ok());
    return done.ok() ? *done : Job{};
  }
  JobStore::NowFn Clock() {
    return [this] { return now_; };
  }
  std::int64_t Count(const std::string& sql) {
    std::int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(sql));
      n = row->Int(0);
      return Status::Ok();
    }).ok());
    return n;
  }
  std::int64_t CountMembers() {
    std::int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM members"));
      n = row->Int(0);
      return Status::Ok();
    }).ok());
    return n;
  }

  // Real time in the business time zone (Asia/Shanghai): "today" as the services see it.
  std::unique_ptr<SystemBusinessClock> clock_ = std::move(SystemBusinessClock::Create()).value();
  std::unique_ptr<hierarchy::HierarchyService> hierarchy_;
  std::unique_ptr<members::MembershipRules> rules_;
  CountingSink changes_;
  std::unique_ptr<orgs::OrgService> orgs_;
  std::unique_ptr<members::MemberService> members_;
  std::unique_ptr<JobStore> store_;
  JobKinds kinds_;
  std::unique_ptr<JobRunner> runner_;
  std::int64_t user_ = 0;
  std::chrono::system_clock::time_point now_ = *ParseUtcIso("2026-11-23T08:00:00Z");
};

TEST_P(JobRunnerTest, DryRunReportIsTheSynchronousOneAndACommitWritesAllOrNothing) {
  imports::MemberImporter importer(*db_, *members_);
  auto direct = importer.Run(kBad, "党员.csv", imports::ImportScope{true, {}}, true, user_);
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  ASSERT_EQ(direct->errors.size(), 4u);

  Job dry = RunOne(Start(kBad, true));
  EXPECT_EQ(dry.status, kSucceeded) << dry.error_zh.value_or("");
  ASSERT_TRUE(dry.report.has_value());
  EXPECT_EQ(*dry.report, imports::ReportToJson(*direct));
  EXPECT_EQ((*dry.report)["errors"][1]["message_zh"],
            "找不到名为“中共没有这个委员会”的党组织，请核对名称，或先建立该组织。");
  EXPECT_EQ(dry.progress_done, 5);
  EXPECT_EQ(dry.progress_total, 5);
  EXPECT_EQ(CountMembers(), 0);

  // A commit of the bad file fails as a whole: nothing written, the report kept.
  Job refused = RunOne(Start(kBad, false));
  EXPECT_EQ(refused.status, kFailed);
  EXPECT_EQ(refused.error_field.value_or(""), "file");
  EXPECT_EQ((*refused.report)["error_count"], 4);
  EXPECT_EQ(CountMembers(), 0);
  EXPECT_TRUE(changes_.member_ids.empty());

  // The fixed file: a clean dry run, then its commit reads the dry run's file.
  Job clean = RunOne(Start(kFixed, true));
  ASSERT_EQ(clean.status, kSucceeded);
  EXPECT_EQ((*clean.report)["error_count"], 0);
  EXPECT_EQ(CountMembers(), 0);
  Job commit = RunOne(Start("", false, clean.id));
  ASSERT_EQ(commit.status, kSucceeded) << commit.error_zh.value_or("");
  EXPECT_TRUE((*commit.report)["committed"].get<bool>());
  EXPECT_EQ(CountMembers(), 3);
  // Published to the roll-up engine as the synchronous import does.
  EXPECT_EQ(nlohmann::json(changes_.member_ids), (*commit.report)["ids"]);
  auto live = store_->LiveCommitOf(clean.id);
  ASSERT_TRUE(live.ok());
  ASSERT_TRUE(live->has_value());
  EXPECT_EQ((*live)->id, commit.id);
}

TEST_P(JobRunnerTest, ProgressRisesByBatchesAndEndsAtTheRowCount) {
  std::string file = kHeader;
  for (int i = 0; i < 1200; ++i) file += "某某,男,1990-01-01,,,中共泸桥镇委员会,正式党员,2015-07-01,在职\n";
  std::vector<std::pair<std::size_t, std::size_t>> heard;
  imports::MemberImporter importer(*db_, *members_);
  auto report = importer.Run(file, "x.csv", imports::ImportScope{true, {}}, true, user_,
                             [&](std::size_t done, std::size_t total) { heard.emplace_back(done, total); });
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(heard, (std::vector<std::pair<std::size_t, std::size_t>>{{500, 1200}, {1000, 1200}, {1200, 1200}}));

  Job job = RunOne(Start(file, true));
  EXPECT_EQ(job.status, kSucceeded);
  EXPECT_EQ(job.progress_done, 1200);
  EXPECT_EQ(job.progress_total, 1200);
}

TEST_P(JobRunnerTest, AJobLeftRunningByAStoppedServerIsTakenOverOnlyOnceItsLeaseExpired) {
  Job dry = RunOne(Start(kFixed, true));
  EXPECT_EQ(dry.attempts, 1);
  Job commit = Start("", false, dry.id);
  // Server A claims the commit and stops before finishing it.
  auto claimed = store_->ClaimNext();
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  EXPECT_EQ((*claimed)->id, commit.id);
  EXPECT_EQ((*claimed)->lease_owner, "server-a");
  EXPECT_EQ((*claimed)->lease_expires_at, "2026-11-23T08:01:00Z");
  EXPECT_EQ(CountMembers(), 0);

  // Server B, starting meanwhile, leaves it alone while the lease holds
  // (before leases, every server re-queued every running job at start).
  JobStore other(*db_, Clock(), "server-b");
  JobRunner runner_b(*db_, other, kinds_);
  now_ += std::chrono::seconds(59);
  EXPECT_EQ(*runner_b.RunPending(), 0u);
  EXPECT_EQ(store_->Get(commit.id)->status, kRunning);
  EXPECT_EQ(store_->Get(commit.id)->lease_owner, "server-a");

  // Once the lease expired, B takes the job over and runs it.
  now_ += std::chrono::seconds(2);
  EXPECT_EQ(*runner_b.RunPending(), 1u);
  Job done = *store_->Get(commit.id);
  EXPECT_EQ(done.status, kSucceeded) << done.error_zh.value_or("");
  EXPECT_EQ(done.attempts, 2);
  EXPECT_EQ(done.lease_owner, "server-b");
  EXPECT_EQ(CountMembers(), 3);
  // A, had it only been slow, can neither renew the lease nor store an outcome.
  EXPECT_FALSE(*store_->RenewLease(commit.id));
  JobStore::Outcome late;
  late.status = std::string(kFailed);
  late.error = Status::Internal("late");
  Status st = store_->Finish(commit.id, late);
  EXPECT_EQ(st.code(), ErrorCode::kFailedPrecondition) << st.ToString();
  EXPECT_EQ(store_->Get(commit.id)->status, kSucceeded);
}

TEST_P(JobRunnerTest, ARenewedLeaseKeepsTheJobAndOneJobIsClaimedOnce) {
  Job job = Start(kFixed, true);
  JobStore other(*db_, Clock(), "server-b");
  auto a = store_->ClaimNext();
  ASSERT_TRUE(a.ok() && a->has_value());
  auto b = other.ClaimNext();
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->has_value()) << "a job with a live lease is claimed once";
  // A's heartbeat renews the lease: 80 s after the claim, 40 s after renewal, it still holds.
  now_ += std::chrono::seconds(40);
  EXPECT_TRUE(*store_->RenewLease(job.id));
  EXPECT_EQ(store_->Get(job.id)->lease_expires_at, "2026-11-23T08:01:40Z");
  now_ += std::chrono::seconds(40);
  EXPECT_FALSE(other.ClaimNext()->has_value());
  // Progress renews it too.
  ASSERT_TRUE(store_->SetProgress(job.id, 1, 3).ok());
  now_ += std::chrono::seconds(59);
  EXPECT_FALSE(other.ClaimNext()->has_value());
  now_ += std::chrono::seconds(2);
  auto taken = other.ClaimNext();
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ((*taken)->id, job.id);
  EXPECT_EQ((*taken)->attempts, 2);
  // The previous holder's progress no longer counts.
  ASSERT_TRUE(store_->SetProgress(job.id, 2, 3).ok());
  EXPECT_EQ(store_->Get(job.id)->progress_done, 0);
}

TEST_P(JobRunnerTest, JobsThatEndedBeforeTheRetentionArePrunedWithTheirFiles) {
  // At t0: a dry run and its commit, a cancelled job, a dry run whose commit
  // is still queued, and an export; 29 days later another dry run.
  Job dry = RunOne(Start(kFixed, true));
  Job commit = RunOne(Start("", false, dry.id));
  ASSERT_EQ(commit.status, kSucceeded);
  Job cancelled = Start(kFixed, true);
  ASSERT_TRUE(*store_->Cancel(cancelled.id));
  Job kept_dry = RunOne(Start(kFixed, true));
  NewJob e;
  e.kind = std::string(imports::kExportMembersJob);
  e.user_id = user_;
  members::MemberFilter everyone;
  everyone.unit_prefixes = {"513322"};
  e.params = imports::MemberFilterParams(everyone);
  e.format = "csv";
  Job exported = RunOne(*store_->Create(e));
  ASSERT_EQ(exported.status, kSucceeded);
  ASSERT_TRUE(store_->ResultOf(exported).ok());
  Job queued_commit = Start("", false, kept_dry.id);  // queued, never run here
  now_ += std::chrono::hours(24 * 29);
  Job recent = RunOne(Start(kFixed, true));
  const std::int64_t files_before = Count("SELECT COUNT(*) FROM job_files");

  // 30 days after t0, less a second: nothing has passed the retention.
  now_ += std::chrono::hours(24) - std::chrono::seconds(1);
  EXPECT_EQ(*runner_->Prune(std::chrono::hours(24 * 30)), 0);
  now_ += std::chrono::seconds(2);
  auto pruned = runner_->Prune(std::chrono::hours(24 * 30));
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(*pruned, 4);  // dry, commit, cancelled, exported
  for (const Job& gone : {dry, commit, cancelled, exported}) {
    EXPECT_EQ(store_->Get(gone.id).status().code(), ErrorCode::kNotFound) << gone.id;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM job_files WHERE job_id = " + std::to_string(gone.id)), 0);
  }
  for (const Job& kept : {kept_dry, queued_commit, recent}) EXPECT_TRUE(store_->Get(kept.id).ok()) << kept.id;
  EXPECT_TRUE(store_->UploadOf(*store_->Get(queued_commit.id)).ok()) << "a queued commit keeps its dry run's file";
  // Files of the dry run, the cancelled job and the export (upload + result) went.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM job_files"), files_before - 3);
}

// A domain adds a kind of job by registering it: the runner runs it, with
// its upload, and stores its outcome. A job of a kind nobody registered (a
// newer version's) fails with a message saying so; a kind is registered once.
TEST_P(JobRunnerTest, RegisteredKindsRunAndAnUnknownKindFailsSayingSo) {
  std::string seen;
  ASSERT_TRUE(kinds_.Add({"count_lines", true, "members.write", "",
                          [&seen](const JobRun& r) -> Result<JobStore::Outcome> {
                            seen = r.upload;
                            r.progress(1, 1);
                            JobStore::Outcome out;
                            out.status = std::string(kSucceeded);
                            out.report = nlohmann::json{{"lines", 2}};
                            return out;
                          }})
                  .ok());
  EXPECT_FALSE(kinds_.Add({"count_lines", false, "", "", [](const JobRun&) -> Result<JobStore::Outcome> {
                             return JobStore::Outcome{};
                           }}).ok())
      << "a kind is registered once";
  EXPECT_FALSE(kinds_.Add({"nothing_to_run", false, "", "", {}}).ok());

  NewJob n;
  n.kind = "count_lines";
  n.user_id = user_;
  n.dry_run = true;
  n.upload = "a\nb\n";
  Job counted = RunOne(*store_->Create(n));
  EXPECT_EQ(counted.status, kSucceeded);
  EXPECT_EQ(seen, "a\nb\n");
  ASSERT_TRUE(counted.report.has_value());
  EXPECT_EQ(counted.report->value("lines", 0), 2);
  EXPECT_EQ(counted.progress_done, 1);

  n.kind = "made_by_a_newer_version";
  Job unknown = RunOne(*store_->Create(n));
  EXPECT_EQ(unknown.status, kFailed);
  EXPECT_NE(unknown.error_zh.value_or("").find("made_by_a_newer_version"), std::string::npos);
  EXPECT_NE(unknown.error_en.value_or("").find("does not know job kind"), std::string::npos);
}

TEST_P(JobRunnerTest, QueuedJobsCanBeCancelledAndAreNotRun) {
  Job job = Start(kFixed, true);
  auto cancelled = store_->Cancel(job.id);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_TRUE(*cancelled);
  EXPECT_EQ(*runner_->RunPending(), 0u);
  EXPECT_EQ(store_->Get(job.id)->status, kCancelled);
  EXPECT_FALSE(*store_->Cancel(job.id)) << "only queued jobs can be cancelled";
}

TEST_P(JobRunnerTest, AnExportJobsFileReadsBack) {
  Job dry = RunOne(Start(kFixed, true));
  ASSERT_EQ(RunOne(Start("", false, dry.id)).status, kSucceeded);
  for (const char* format : {"xlsx", "csv"}) {
    NewJob n;
    n.kind = std::string(imports::kExportMembersJob);
    n.user_id = user_;
    members::MemberFilter f;
    f.unit_prefixes = {"513322"};
    n.params = imports::MemberFilterParams(f);
    n.format = format;
    auto created = store_->Create(n);
    ASSERT_TRUE(created.ok());
    Job job = RunOne(*created);
    ASSERT_EQ(job.status, kSucceeded) << job.error_zh.value_or("");
    EXPECT_EQ(job.progress_done, 3);
    auto bytes = store_->ResultOf(job);
    ASSERT_TRUE(bytes.ok());
    auto sheet = imports::ReadSheet(*bytes, std::string("x.") + format);
    ASSERT_TRUE(sheet.ok()) << sheet.status().ToString();
    EXPECT_EQ(sheet->rows.size(), 3u);
    EXPECT_EQ(sheet->header.at(0), "姓名");
    EXPECT_EQ(sheet->rows.at(0).cells.at(0), "张三");
    EXPECT_EQ(job.result_name.value_or("").rfind("党员名册-", 0), 0u);
  }
}

// With the server's vault, uploads and results are stored sealed: the
// content column holds neither the file nor its base64; reading gives the
// bytes back, and a file stored before (base64) still reads.
TEST_P(JobRunnerTest, FilesAreStoredSealedWhenTheStoreHasAVault) {
  Job plain = RunOne(Start(kFixed, true));
  ASSERT_EQ(plain.status, kSucceeded);
  store_->SealFilesWith(&people::testing::TestVault());
  Job sealed = Start(kFixed, true);
  std::string content;
  ASSERT_TRUE(db_->Read([&](db::Session& s) -> Status {
                  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT content FROM job_files WHERE job_id = ?",
                                                               {db::Value(sealed.id)}));
                  if (row) content = row->Text(0);
                  return Status::Ok();
                }).ok());
  EXPECT_TRUE(content.starts_with("s1:")) << content.substr(0, 20);
  EXPECT_EQ(content.find(Base64Encode(kFixed).substr(0, 40)), std::string::npos);
  EXPECT_EQ(*store_->UploadOf(sealed), kFixed);
  EXPECT_EQ(*store_->UploadOf(plain), kFixed);
  // The dry run runs from the sealed upload like from any other.
  EXPECT_EQ(RunOne(sealed).status, kSucceeded);
}

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(Base64Encode("PK\x03"), "UEsD");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_FALSE(Base64Decode("not base64").has_value());
}

INSTANTIATE_TEST_SUITE_P(Engines, JobRunnerTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::jobs
