// Publishing that cannot be forgotten (analytics/publishers.h).
//
// 1. The start-up check: every table an indicator reads has a registered
//    publisher, and a missing one stops the start naming the indicator, its
//    file and the table.
// 2. The property test: random writes go through the real services
//    (OrgService, MemberService, DuesService, MeetingService, the hierarchy's
//    villager-group edits), some of them rolled back, each service with its
//    own ChangeSink in front of the roll-up engine. After every write, every
//    indicator's figure at every unit (and the nation), broken down by one of
//    its dimensions, must equal plain SQL over the indicator's own SELECT;
//    a second engine following the change log must agree. The test fails
//    naming every indicator (and dimension value) never compared with a
//    non-zero figure, every write that never succeeded, and every table a
//    service declares but never publishes (or publishes undeclared).
// 3. It catches a forgotten publish: for every table every service declares,
//    a sink that swallows that table's changes makes the figures drift from
//    SQL, and the comparison notices.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "analytics/publishers.h"
#include "analytics/rollup_engine.h"
#include "cli/publishers.h"
#include "common/clock.h"
#include "db/testing/migrated_database_test.h"
#include "hierarchy/hierarchy_service.h"
#include "members/dues_service.h"
#include "members/meeting_service.h"
#include "members/member_service.h"
#include "members/membership_rules.h"
#include "orgs/org_service.h"
#include "people/testing/test_vault.h"

namespace jiceng::analytics {
namespace {

using db::Value;

const std::optional<std::int64_t> kNoUser;

// ---- the start-up check ----------------------------------------------------

TEST(PublisherRegistry, TheShippedServicesPublishEveryTableTheShippedIndicatorsRead) {
  auto defs = LoadIndicators();
  ASSERT_TRUE(defs.ok()) << defs.status().ToString();
  Status st = cli::ServicePublishers().CheckCovers(*defs);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(PublisherRegistry, AnIndicatorTableWithoutAPublisherStopsTheStartNamingIt) {
  auto defs = LoadIndicators();
  ASSERT_TRUE(defs.ok()) << defs.status().ToString();
  // Every shipped publisher but the dues service: dues payments, standards
  // and cards are read by indicators and nobody publishes them now.
  const PublisherRegistry shipped = cli::ServicePublishers();
  PublisherRegistry without_dues;
  for (const Publisher& p : shipped.publishers()) {
    if (p.name == "members::DuesService") continue;
    std::vector<std::string_view> tables(p.tables.begin(), p.tables.end());
    without_dues.Add(p.name, tables);
  }
  Status st = without_dues.CheckCovers(*defs);
  ASSERT_EQ(st.code(), ErrorCode::kFailedPrecondition) << st.ToString();
  const std::string& en = st.message_en();
  const std::string& zh = st.message_zh();
  // The indicator, its file and line, and the table, in both languages.
  const auto named = en.find("indicator dues.paid (");
  ASSERT_NE(named, std::string::npos) << en;
  EXPECT_NE(en.substr(named, en.find(')', named) - named).find("members.yaml:73"), std::string::npos) << en;
  EXPECT_NE(en.find("reads table dues_payments, which no service publishes"), std::string::npos) << en;
  EXPECT_NE(en.find("indicator dues.arrears"), std::string::npos) << en;
  EXPECT_NE(en.find("reads table dues_standards"), std::string::npos) << en;
  EXPECT_NE(en.find("cards.reviewed"), std::string::npos) << en;
  EXPECT_NE(en.find("kPublishedTables"), std::string::npos) << en;
  EXPECT_NE(zh.find("指标 dues.paid（"), std::string::npos) << zh;
  EXPECT_NE(zh.find("members.yaml:73）读取的表 dues_payments 没有发布方"), std::string::npos) << zh;
  EXPECT_NE(zh.find("读取的表 dues_payments 没有发布方"), std::string::npos) << zh;
  // Indicators whose tables are published are not named.
  EXPECT_EQ(en.find("indicator orgs "), std::string::npos) << en;
  EXPECT_EQ(en.find("meetings.held"), std::string::npos) << en;

  // A new domain's indicator over a table nobody registered.
  auto extra = ParseIndicators(R"(
indicators:
  - id: households
    title: {zh: 户, en: Households}
    table: households
    select: SELECT id, unit_id FROM households
    also:
      - table: residents
        ids: SELECT household_id FROM residents WHERE id = ?
)",
                               "households.yaml");
  ASSERT_TRUE(extra.ok()) << extra.status().ToString();
  Status missing = cli::ServicePublishers().CheckCovers(*extra);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message_en().find("indicator households (households.yaml:3) reads table households"),
            std::string::npos)
      << missing.ToString();
  EXPECT_NE(missing.message_en().find("reads table residents"), std::string::npos) << missing.ToString();
  PublisherRegistry with_households = cli::ServicePublishers();
  const std::string_view tables[] = {"households", "residents"};
  with_households.Add("households::HouseholdService", tables);
  EXPECT_TRUE(with_households.CheckCovers(*extra).ok());
  EXPECT_EQ(with_households.PublishersOf("residents"), std::vector<std::string>{"households::HouseholdService"});
}

// ---- the property test -------------------------------------------------------

// The ChangeSink one service is given here: passes every change on to the
// engine and records which tables the service published. Test-only faults:
// `Forget(table)` swallows that table's changes (a service that forgot to
// publish), `FailNext()` makes the next change fail after it was passed on,
// so that the service's transaction rolls back with the change in it.
class ServiceSink final : public ChangeSink {
 public:
  ServiceSink(std::string name, ChangeSink& next) : name_(std::move(name)), next_(next) {}

  Status Changed(db::Session& s, std::string_view table, std::int64_t id) override {
    published_.insert(std::string(table));
    if (table != forget_) JICENG_RETURN_IF_ERROR(next_.Changed(s, table, id));
    return MaybeFail();
  }
  Status ChangedMany(db::Session& s, std::string_view table, std::span<const std::int64_t> ids) override {
    if (!ids.empty()) published_.insert(std::string(table));
    if (table != forget_) JICENG_RETURN_IF_ERROR(next_.ChangedMany(s, table, ids));
    return MaybeFail();
  }

  const std::string& name() const { return name_; }
  const std::set<std::string>& published() const { return published_; }
  void Forget(std::string table) { forget_ = std::move(table); }
  void FailNext(bool fail) {
    fail_ = fail;
    fired_ = false;
  }
  bool fired() const { return fired_; }

 private:
  Status MaybeFail() {
    if (!fail_) return Status::Ok();
    fail_ = false;
    fired_ = true;
    return Status::Unavailable("测试：有意回滚。", "test: rolled back on purpose.");
  }

  const std::string name_;
  ChangeSink& next_;
  std::set<std::string> published_;
  std::string forget_;
  bool fail_ = false;
  bool fired_ = false;
};

// One kind of random write, through one service.
struct Op {
  std::string name;     // "member.create"
  std::string service;  // the publisher's name, as in cli::ServicePublishers()
  int weight = 1;
  std::function<Status(std::string* what)> run;
};

struct RunOptions {
  int steps = 0;
  int batch = 1;  // writes between two comparisons
  bool move_calendar = false;
  bool stop_at_first_mismatch = false;
  // Only ops of these services (empty: all).
  std::set<std::string> services = {};
};

struct Outcome {
  std::vector<std::string> mismatches;  // the first ten
  int rolled_back = 0;
  std::map<std::string, int> succeeded;  // per op
  std::set<std::string> exercised;       // "id" and "id (dim=value)" compared non-zero
};

constexpr const char* kHierarchy = "hierarchy::HierarchyService";
constexpr const char* kOrgs = "orgs::OrgService";
constexpr const char* kMembers = "members::MemberService";
constexpr const char* kDues = "members::DuesService";
constexpr const char* kMeetings = "members::MeetingService";

// 2 provinces > 1 prefecture each > 2 counties > 2 townships > 3 villages >
// 2 villager groups (88 units).
class PublishingTest : public db::testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(db_->Write([&](db::Session& s) -> Status {
      std::function<Status(const std::string&, std::int64_t)> add = [&](const std::string& code,
                                                                        std::int64_t parent) -> Status {
        const int level = static_cast<int>(hierarchy::LevelOfCode(std::stoull(code)));
        JICENG_ASSIGN_OR_RETURN(
            auto id, s.InsertReturningId("INSERT INTO units (code, name, level, parent_id, province_code, source, "
                                         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'division', 'x', 'x') "
                                         "RETURNING id",
                                         {Value(code), Value("单位" + code), Value(std::int64_t{level}),
                                          parent ? Value(parent) : Value(nullptr), Value(code.substr(0, 2))}));
        std::vector<std::string> children;
        if (code.size() == 2) children = {code + "01"};
        if (code.size() == 4) children = {code + "21", code + "22"};
        if (code.size() == 6) children = {code + "100", code + "101"};
        if (code.size() == 9) children = {code + "201", code + "202", code + "203"};
        if (code.size() == 12) children = {code + "001", code + "002"};
        for (const auto& c : children) JICENG_RETURN_IF_ERROR(add(c, id));
        return Status::Ok();
      };
      JICENG_RETURN_IF_ERROR(add("51", 0));
      return add("54", 0);
    }).ok());
    clock_ = std::move(ManualClock::Create(At("2026-03-15"))).value();
    auto hierarchy = hierarchy::HierarchyService::Load(*db_);
    ASSERT_TRUE(hierarchy.ok()) << hierarchy.status().ToString();
    hierarchy_ = std::move(hierarchy).value();
    rules_ = std::make_unique<members::MembershipRules>(std::move(members::MembershipRules::LoadDefault()).value());
    defs_ = std::move(LoadIndicators()).value();
    auto today = [this] { return FormatDate(clock_->Today()); };
    auto engine = RollupEngine::Load(*db_, defs_, {}, RollupEngine::Mode::kFigures, today);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
    db_b_ = std::move(test_db_->Open()).value();
    follower_ = std::move(RollupEngine::Load(*db_b_, defs_, {}, RollupEngine::Mode::kFigures, today)).value();
    // One sink per publisher of the server's own list (cli/publishers.h): a
    // publisher registered there that this test does not write through fails
    // the property test, which wants every declared table published.
    for (const Publisher& p : registry_.publishers()) {
      sinks_[p.name] = std::make_unique<ServiceSink>(p.name, *engine_);
    }
    hierarchy_->PublishTo(&Sink(kHierarchy));
    orgs_ = std::make_unique<orgs::OrgService>(*db_, *hierarchy_, Sink(kOrgs), *clock_);
    members_ = std::make_unique<members::MemberService>(*db_, *hierarchy_, *rules_, Sink(kMembers), people::testing::TestVault(), *clock_);
    dues_ = std::make_unique<members::DuesService>(*db_, Sink(kDues), *clock_);
    meetings_ = std::make_unique<members::MeetingService>(*db_, *rules_, Sink(kMeetings), *clock_);
    DefineOps();
  }

  void TearDown() override {
    meetings_.reset();
    dues_.reset();
    members_.reset();
    orgs_.reset();
    follower_.reset();
    engine_.reset();
    hierarchy_.reset();
    db_b_.reset();
  }

  // Noon in Beijing on `date`.
  static SystemTime At(const std::string& date) {
    return *ParseUtcIso(date + "T04:00:00Z");
  }

  ServiceSink& Sink(const std::string& name) {
    auto it = sinks_.find(name);
    if (it == sinks_.end()) {
      ADD_FAILURE() << name << " is not a registered publisher (cli/publishers.h)";
      sinks_[name] = std::make_unique<ServiceSink>(name, *engine_);
      return *sinks_[name];
    }
    return *it->second;
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  template <typename T>
  const T& PickOf(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Pick(static_cast<int>(v.size())))];
  }
  // The values of `v` in turn, one per call for each `key`: every value of a
  // dimension is written, however the dice fall.
  template <typename T>
  const T& Cycle(const std::string& key, const std::vector<T>& v) {
    return v[static_cast<std::size_t>(turn_[key]++) % v.size()];
  }
  std::string Today() const { return FormatDate(clock_->Today()); }
  // A random date from `from` to today.
  std::string DateFrom(const std::string& from) {
    const Date start = *ParseDate(from);
    const Date today = clock_->Today();
    if (start >= today) return Today();
    return FormatDate(start + std::chrono::days(Pick(static_cast<int>((today - start).count()) + 1)));
  }
  std::string ThisYear() const { return Today().substr(0, 4); }

  std::vector<std::int64_t> Ids(const std::string& sql, const db::Params& params = {}) {
    std::vector<std::int64_t> ids;
    EXPECT_TRUE(db_->Read([&](db::Session& s) {
      return s.Query(sql, params, [&](const db::Row& r) {
        ids.push_back(r.Int(0));
        return Status::Ok();
      });
    }).ok()) << sql;
    return ids;
  }
  std::vector<std::string> Codes(const std::string& sql) {
    std::vector<std::string> out;
    EXPECT_TRUE(db_->Read([&](db::Session& s) {
      return s.Query(sql, {}, [&](const db::Row& r) {
        out.push_back(r.Text(0));
        return Status::Ok();
      });
    }).ok()) << sql;
    return out;
  }
  std::string Text(const std::string& sql, std::int64_t id) {
    std::string out;
    EXPECT_TRUE(db_->Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne(sql, {Value(id)}));
      if (row) out = row->Text(0);
      return Status::Ok();
    }).ok()) << sql;
    return out;
  }

  void DefineOps();
  Outcome Run(const RunOptions& options);
  // Compares every indicator at every unit with SQL; records mismatches and
  // what was compared non-zero.
  void Compare(const std::string& context, Outcome& out);

  std::unique_ptr<db::Database> db_b_;
  std::unique_ptr<ManualClock> clock_;
  std::unique_ptr<hierarchy::HierarchyService> hierarchy_;
  std::unique_ptr<members::MembershipRules> rules_;
  std::vector<IndicatorDef> defs_;
  std::unique_ptr<RollupEngine> engine_;
  std::unique_ptr<RollupEngine> follower_;
  const PublisherRegistry registry_ = cli::ServicePublishers();
  std::map<std::string, std::unique_ptr<ServiceSink>> sinks_;
  std::unique_ptr<orgs::OrgService> orgs_;
  std::unique_ptr<members::MemberService> members_;
  std::unique_ptr<members::DuesService> dues_;
  std::unique_ptr<members::MeetingService> meetings_;
  std::vector<Op> ops_;
  std::mt19937 rng_{20261203};
  int serial_ = 0;                   // for unique names and card numbers
  std::map<std::string, int> turn_;  // Cycle()
};

void PublishingTest::DefineOps() {
  static const std::vector<std::string> kKinds = {"committee",    "general_branch",  "branch", "branch",
                                                  "joint_branch", "temporary_branch"};
  static const std::vector<std::string> kSituations = {"in_service", "rural_labour", "elderly_infirm", "migrant"};
  static const std::vector<std::string> kMeetingKinds = {"general", "committee", "group", "lecture", "theme_day"};
  static const std::vector<std::string> kCardResults = {"valid", "needs_correction", "withdrawn"};
  const std::string places = "SELECT code FROM units WHERE level >= 4 AND retired_at IS NULL ORDER BY id";
  const std::string active_orgs = "SELECT id FROM organizations WHERE status = 'active' ORDER BY id";
  const std::string live_members = "SELECT id FROM members WHERE status <> 'left' ORDER BY id";
  auto id_text = [](std::int64_t id) { return std::to_string(id); };

  // Organizations.
  ops_.push_back({"org.create", kOrgs, 3, [=, this](std::string* what) -> Status {
                    orgs::OrgInput in;
                    in.unit_code = PickOf(Codes(places));
                    in.kind = Cycle("org.kind", kKinds);
                    in.name = "组织" + std::to_string(++serial_);
                    in.established_on = DateFrom("2020-01-01");
                    if (in.kind == "temporary_branch") {
                      in.temp_reason = "虫草采挖季";
                      in.starts_on = DateFrom("2025-01-01");
                    }
                    if (in.kind == "joint_branch") {
                      auto covered = Codes("SELECT code FROM units WHERE level >= 5 ORDER BY id");
                      for (int i = 0; i < 1 + Pick(2); ++i) {
                        const std::string& unit = PickOf(covered);
                        if (std::find(in.covered_units.begin(), in.covered_units.end(), unit) == in.covered_units.end()) {
                          in.covered_units.push_back(unit);
                        }
                      }
                    }
                    *what = "create " + in.kind + " at " + in.unit_code;
                    return orgs_->Create(in).status();
                  }});
  ops_.push_back({"org.create_for_two_new", kOrgs, 1, [=, this](std::string* what) -> Status {
                    auto two_new = Ids("SELECT t.id FROM two_new_orgs t WHERE NOT EXISTS (SELECT 1 FROM organizations o "
                                       "WHERE o.two_new_id = t.id AND o.status = 'active') ORDER BY t.id");
                    if (two_new.empty()) return Status::Ok();
                    const std::int64_t t = PickOf(two_new);
                    orgs::OrgInput in;
                    in.unit_code = Text("SELECT un.code FROM two_new_orgs t JOIN units un ON un.id = t.unit_id "
                                        "WHERE t.id = ?",
                                        t);
                    in.kind = "branch";
                    in.name = "两新支部" + std::to_string(++serial_);
                    in.two_new_id = t;
                    *what = "branch of two-new " + id_text(t);
                    return orgs_->Create(in).status();
                  }});
  ops_.push_back({"org.register_two_new", kOrgs, 1, [=, this](std::string* what) -> Status {
                    const std::string unit = PickOf(Codes(places));
                    *what = "two-new at " + unit;
                    return orgs_
                        ->RegisterTwoNew(unit, "企业" + std::to_string(++serial_), Pick(2) ? "enterprise" : "social",
                                         DateFrom("2020-01-01"))
                        .status();
                  }});
  ops_.push_back({"org.dissolve", kOrgs, 1, [=, this](std::string* what) -> Status {
                    auto empty = Ids("SELECT o.id FROM organizations o WHERE o.status = 'active' AND NOT EXISTS "
                                     "(SELECT 1 FROM members m WHERE m.org_id = o.id AND m.status <> 'left') AND NOT "
                                     "EXISTS (SELECT 1 FROM organizations c WHERE c.parent_id = o.id AND c.status = "
                                     "'active') ORDER BY o.id");
                    if (empty.empty()) return Status::Ok();
                    const std::int64_t id = PickOf(empty);
                    *what = "dissolve org " + id_text(id);
                    return orgs_->Dissolve(id, Today(), std::nullopt).status();
                  }});
  ops_.push_back({"org.merge", kOrgs, 1, [=, this](std::string* what) -> Status {
                    auto with_members = Ids("SELECT DISTINCT o.id FROM organizations o JOIN members m ON m.org_id = "
                                            "o.id WHERE o.status = 'active' AND m.status = 'active' ORDER BY o.id");
                    auto all = Ids(active_orgs);
                    if (with_members.empty() || all.size() < 2) return Status::Ok();
                    const std::int64_t id = PickOf(with_members);
                    std::int64_t into = PickOf(all);
                    if (into == id) return Status::Ok();
                    *what = "merge org " + id_text(id) + " into " + id_text(into);
                    return orgs_->Merge(id, into, Today()).status();
                  }});
  ops_.push_back({"org.split", kOrgs, 1, [=, this](std::string* what) -> Status {
                    // Only these kinds split.
                    auto with_members = Ids("SELECT DISTINCT o.id FROM organizations o JOIN members m ON m.org_id = "
                                            "o.id WHERE o.status = 'active' AND m.status = 'active' AND o.kind IN "
                                            "('committee', 'general_branch', 'branch') ORDER BY o.id");
                    if (with_members.empty()) return Status::Ok();
                    const std::int64_t id = PickOf(with_members);
                    orgs::SplitPart part;
                    part.name = "拆分" + std::to_string(++serial_);
                    part.unit_code = PickOf(Codes(places));
                    for (std::int64_t m : Ids("SELECT id FROM members WHERE org_id = ? AND status = 'active' ORDER BY id",
                                              {Value(id)})) {
                      if (part.member_ids.empty() || Pick(2)) part.member_ids.push_back(m);
                    }
                    *what = "split org " + id_text(id) + " (" + std::to_string(part.member_ids.size()) + " members to " +
                            *part.unit_code + ")";
                    return orgs_->Split(id, {part}, Today(), std::nullopt).status();
                  }});

  // Members.
  ops_.push_back({"member.create", kMembers, 4, [=, this](std::string* what) -> Status {
                    auto orgs = Ids(active_orgs);
                    if (orgs.empty()) return Status::Ok();
                    members::MemberInput in;
                    in.org_id = PickOf(orgs);
                    in.name = "党员" + std::to_string(++serial_);
                    in.gender = Cycle("gender", std::vector<std::string>{"male", "female", "male"});
                    in.birth_date = "1980-01-01";
                    in.stage = Cycle("stage", rules_->stages()).id;
                    in.stage_since = DateFrom("2018-01-01");
                    in.situation = Cycle("situation", kSituations);
                    *what = "member " + in.stage + " in org " + id_text(in.org_id);
                    return members_->Create(in, kNoUser).status();
                  }});
  ops_.push_back({"member.update", kMembers, 2, [=, this](std::string* what) -> Status {
                    auto ids = Ids(live_members);
                    if (ids.empty()) return Status::Ok();
                    const std::int64_t id = PickOf(ids);
                    members::MemberPatch patch;
                    patch.situation = Cycle("situation", kSituations);
                    if (Pick(2)) patch.gender = Pick(2) ? "male" : "female";
                    *what = "update member " + id_text(id);
                    return members_->Update(id, patch, std::nullopt).status();
                  }});
  ops_.push_back({"member.advance", kMembers, 2, [=, this](std::string* what) -> Status {
                    auto ids = Ids("SELECT id FROM members WHERE status = 'active' AND stage <> 'full' ORDER BY id");
                    if (ids.empty()) return Status::Ok();
                    const std::int64_t id = PickOf(ids);
                    const members::Stage* from = rules_->FindStage(Text("SELECT stage FROM members WHERE id = ?", id));
                    const members::Stage& to = rules_->stages()[static_cast<std::size_t>(from->order) + 1];
                    const Date since = *ParseDate(Text("SELECT stage_since FROM members WHERE id = ?", id));
                    const std::string earliest = FormatDate(since + std::chrono::days(from->min_days));
                    *what = "advance member " + id_text(id) + " to " + to.id;
                    return members_->Advance(id, to.id, earliest <= Today() ? DateFrom(earliest) : Today(), "", kNoUser)
                        .status();
                  }});
  ops_.push_back({"member.transfer", kMembers, 2, [=, this](std::string* what) -> Status {
                    auto ids = Ids("SELECT id FROM members WHERE status = 'active' ORDER BY id");
                    auto orgs = Ids(active_orgs);
                    if (ids.empty() || orgs.size() < 2) return Status::Ok();
                    const std::int64_t id = PickOf(ids);
                    const std::int64_t to = PickOf(orgs);
                    if (std::to_string(to) == Text("SELECT CAST(org_id AS TEXT) FROM members WHERE id = ?", id)) {
                      return Status::Ok();
                    }
                    *what = "transfer member " + id_text(id) + " to org " + id_text(to);
                    return members_->RequestTransfer(id, to, "工作调动", kNoUser).status();
                  }});
  ops_.push_back({"member.decide_transfer", kMembers, 2, [=, this](std::string* what) -> Status {
                    auto pending = Ids("SELECT id FROM transfers WHERE status = 'pending' ORDER BY id");
                    if (pending.empty()) return Status::Ok();
                    const std::int64_t id = PickOf(pending);
                    switch (Pick(3)) {
                      case 0:
                        *what = "confirm transfer " + id_text(id);
                        return members_->DecideTransfer(id, true, "", kNoUser).status();
                      case 1:
                        *what = "reject transfer " + id_text(id);
                        return members_->DecideTransfer(id, false, "材料不全", kNoUser).status();
                      default:
                        *what = "cancel transfer " + id_text(id);
                        return members_->CancelTransfer(id, kNoUser).status();
                    }
                  }});

  // Dues and cards.
  ops_.push_back({"dues.standard", kDues, 2, [=, this](std::string* what) -> Status {
                    auto ids = Ids(live_members);
                    if (ids.empty()) return Status::Ok();
                    const std::int64_t id = PickOf(ids);
                    const std::string from = DateFrom("2025-06-01").substr(0, 7);
                    *what = "standard of member " + id_text(id) + " from " + from;
                    return dues_->SetStandard(id, 50 * Pick(40), from);
                  }});
  ops_.push_back({"dues.payment", kDues, 2, [=, this](std::string* what) -> Status {
                    auto ids = Ids(live_members);
                    if (ids.empty()) return Status::Ok();
                    const std::int64_t id = PickOf(ids);
                    const std::string month = DateFrom("2025-06-01").substr(0, 7);
                    *what = "payment of member " + id_text(id) + " for " + month;
                    return dues_->RecordPayment(id, month, 1 + Pick(2000), Today(), kNoUser);
                  }});
  ops_.push_back({"cards.issue", kDues, 2, [=, this](std::string* what) -> Status {
                    auto ids = Ids("SELECT m.id FROM members m WHERE m.status <> 'left' AND NOT EXISTS (SELECT 1 FROM "
                                   "member_cards c WHERE c.member_id = m.id AND c.status = 'valid') ORDER BY m.id");
                    if (ids.empty()) return Status::Ok();
                    const std::int64_t id = PickOf(ids);
                    *what = "card for member " + id_text(id);
                    return dues_->IssueCard(id, "NO" + std::to_string(++serial_), DateFrom("2020-01-01")).status();
                  }});
  ops_.push_back({"cards.review", kDues, 3, [=, this](std::string* what) -> Status {
                    auto ids = Ids("SELECT id FROM member_cards WHERE status <> 'withdrawn' ORDER BY id");
                    if (ids.empty()) return Status::Ok();
                    const std::int64_t id = PickOf(ids);
                    *what = "review card " + id_text(id);
                    const int year = std::stoi(ThisYear()) - Pick(2);
                    return dues_->ReviewCard(id, year, Cycle("card.result", kCardResults), "").status();
                  }});

  // Organizational life.
  ops_.push_back({"meetings.record", kMeetings, 3, [=, this](std::string* what) -> Status {
                    auto orgs = Ids(active_orgs);
                    if (orgs.empty()) return Status::Ok();
                    const std::int64_t org = PickOf(orgs);
                    std::vector<members::Attendance> attendance;
                    for (std::int64_t m : Ids("SELECT id FROM members WHERE org_id = ? ORDER BY id", {Value(org)})) {
                      if (Pick(3) == 0) attendance.push_back({m, "present"});
                    }
                    const std::string kind = Cycle("meeting.kind", kMeetingKinds);
                    // Mostly this year (the calendar indicators count this year's).
                    const std::string on = DateFrom(Pick(4) ? ThisYear() + "-01-01" : "2025-01-01");
                    *what = kind + " meeting of org " + id_text(org) + " on " + on;
                    return meetings_->Record(org, kind, on, "学习", attendance, kNoUser).status();
                  }});
  ops_.push_back({"meetings.review", kMeetings, 2, [=, this](std::string* what) -> Status {
                    auto orgs = Ids(active_orgs);
                    if (orgs.empty()) return Status::Ok();
                    const std::int64_t org = PickOf(orgs);
                    *what = "review meetings of org " + id_text(org);
                    const int year = std::stoi(ThisYear()) - Pick(2);
                    const std::vector<std::string> results = {"compliant", "needs_improvement"};
                    return meetings_->Review(org, year, Cycle("meeting.result", results), "", kNoUser).status();
                  }});

  // Villager groups.
  ops_.push_back({"units.add_group", kHierarchy, 1, [=, this](std::string* what) -> Status {
                    const std::string village = PickOf(Codes("SELECT code FROM units WHERE level = 5 ORDER BY id"));
                    *what = "new group in " + village;
                    return hierarchy_->AddGroup(village, "新组" + std::to_string(++serial_)).status();
                  }});
  ops_.push_back({"units.retire_or_reinstate_group", kHierarchy, 1, [=, this](std::string* what) -> Status {
                    auto groups = Codes("SELECT code FROM units WHERE level = 6 ORDER BY id");
                    const std::string group = PickOf(groups);
                    auto unit = hierarchy_->Get(group);
                    if (!unit.ok()) return unit.status();
                    *what = (unit->retired ? "reinstate " : "retire ") + group;
                    return (unit->retired ? hierarchy_->ReinstateGroup(group, std::nullopt)
                                          : hierarchy_->RetireGroup(group, std::nullopt))
                        .status();
                  }});
}

void Mismatch(Outcome& out, std::string what) {
  if (out.mismatches.size() < 10) out.mismatches.push_back(std::move(what));
}

void PublishingTest::Compare(const std::string& context, Outcome& out) {
  // Every unit with its parent, children before parents (by level).
  struct U {
    std::int64_t id;
    std::int64_t parent;
  };
  std::vector<U> units;
  EXPECT_TRUE(db_->Read([&](db::Session& s) {
    return s.Query("SELECT id, parent_id FROM units ORDER BY level DESC, id", {}, [&](const db::Row& r) {
      units.push_back({r.Int(0), r.IsNull(1) ? kNation : r.Int(1)});
      return Status::Ok();
    });
  }).ok());
  std::vector<std::int64_t> ids = {kNation};
  for (const U& u : units) ids.push_back(u.id);
  const std::string today = Today();
  const int year = std::stoi(ThisYear());

  for (const IndicatorDef& def : defs_) {
    // Now and then only one year (flows) or one value of a dimension.
    RollupEngine::Selection sel;
    if (def.flow && Pick(3) == 0) {
      const int y = year - Pick(2);
      sel.months = std::pair{y * 12, y * 12 + 11};
    }
    if (!def.dimensions.empty() && Pick(4) == 0) {
      const Dimension& dim = def.dimensions[static_cast<std::size_t>(Pick(static_cast<int>(def.dimensions.size())))];
      if (!dim.values.empty()) sel.where.emplace_back(dim.id, PickOf(dim.values).first);
    }
    // Plain SQL: the indicator's own SELECT, per unit and combination of
    // dimension values; a unit's figure is its own plus its children's.
    std::string sql = "SELECT q.unit_id";
    for (const Dimension& dim : def.dimensions) sql += ", q." + dim.id;
    sql += std::string(", ") + (def.measure == Measure::kSum ? "COALESCE(SUM(q.value), 0)" : "COUNT(*)") + " FROM (" +
           def.select + ") q WHERE 1 = 1";
    db::Params params;
    if (def.calendar) {
      params.assign(static_cast<std::size_t>(std::count(def.select.begin(), def.select.end(), '?')), Value(today));
    }
    if (sel.months) {
      sql += " AND substr(q.period, 1, 7) BETWEEN ? AND ?";
      params.emplace_back(FormatMonth(sel.months->first));
      params.emplace_back(FormatMonth(sel.months->second));
    }
    for (const auto& [dim, value] : sel.where) {
      sql += " AND q." + dim + " = ?";
      params.emplace_back(value);
    }
    sql += " GROUP BY q.unit_id";
    for (const Dimension& dim : def.dimensions) sql += ", q." + dim.id;
    // want[d][unit][value]: d = 0 the total (value ""), d = i + 1 by dimension i.
    const std::size_t n_dims = def.dimensions.size();
    std::vector<std::map<std::int64_t, std::map<std::string, std::int64_t>>> want(n_dims + 1);
    Status st = db_->Read([&](db::Session& s) {
      return s.Query(sql, params, [&](const db::Row& r) {
        const int value_col = static_cast<int>(n_dims) + 1;
        want[0][r.Int(0)][""] += r.Int(value_col);
        for (std::size_t d = 0; d < n_dims; ++d) want[d + 1][r.Int(0)][r.Text(static_cast<int>(d) + 1)] += r.Int(value_col);
        return Status::Ok();
      });
    });
    EXPECT_TRUE(st.ok()) << st.ToString() << " in " << sql;
    for (auto& by_unit : want) {
      for (const U& u : units) {  // children first
        auto it = by_unit.find(u.id);
        if (it == by_unit.end()) continue;
        auto& up = by_unit[u.parent];
        for (const auto& [value, n] : it->second) up[value] += n;
      }
    }

    std::string filter;
    for (const auto& [dim, value] : sel.where) filter += " where " + dim + "=" + value;
    if (sel.months) filter += " months " + FormatMonth(sel.months->first) + ".." + FormatMonth(sel.months->second);
    for (RollupEngine* engine : {engine_.get(), follower_.get()}) {
      const char* who = engine == engine_.get() ? "engine" : "follower";
      for (std::size_t d = 0; d <= n_dims; ++d) {
        RollupEngine::Selection one = sel;
        one.by = d == 0 ? std::string() : def.dimensions[d - 1].id;
        auto got = engine->Figures(def.id, ids, one);
        if (!got.ok()) {
          Mismatch(out, context + ": " + who + " " + def.id + ": " + got.status().ToString());
          continue;
        }
        for (std::size_t i = 0; i < ids.size(); ++i) {
          std::map<std::string, std::int64_t> sql_by;
          std::int64_t sql_total = 0;
          for (const auto& [value, n] : want[d][ids[i]]) {
            sql_total += n;
            if (n != 0 && d > 0) sql_by[value] = n;
          }
          std::map<std::string, std::int64_t> got_by;
          for (const auto& [value, n] : (*got)[i].by) {
            if (n != 0) got_by[value] = n;
          }
          if ((*got)[i].total != sql_total || got_by != sql_by) {
            std::string detail;
            if (d > 0) {
              detail = " (";
              for (const auto& [value, n] : got_by) detail += value + ":" + std::to_string(n) + " ";
              detail += "vs SQL";
              for (const auto& [value, n] : sql_by) detail += " " + value + ":" + std::to_string(n);
              detail += ")";
            }
            Mismatch(out, context + ": " + who + " " + def.id + " at unit " + std::to_string(ids[i]) +
                                     (d == 0 ? "" : " by " + one.by) + filter + " on " + today + ": " +
                                     std::to_string((*got)[i].total) + " vs SQL " + std::to_string(sql_total) + detail);
            break;
          }
          if (engine != engine_.get()) continue;
          if (sql_total != 0) out.exercised.insert(def.id);
          for (const auto& [value, n] : sql_by) out.exercised.insert(def.id + " (" + one.by + "=" + value + ")");
        }
      }
    }
  }
}

Outcome PublishingTest::Run(const RunOptions& options) {
  Outcome out;
  std::vector<const Op*> ops;
  for (const Op& op : ops_) {
    if (!options.services.empty() && !options.services.contains(op.service)) continue;
    for (int i = 0; i < op.weight; ++i) ops.push_back(&op);
  }
  // The calendar moves across a month, a quarter and a year: the calendar
  // indicators must follow without any write.
  const std::vector<std::string> moves = {"2026-03-31", "2026-04-01", "2026-07-10", "2026-12-31", "2027-01-01"};
  std::string batch;  // what the writes since the last comparison were
  for (int step = 0; step < options.steps; ++step) {
    if (options.move_calendar && step > 0 && step % (options.steps / 6) == 0) {
      const std::size_t k = static_cast<std::size_t>(step / (options.steps / 6)) - 1;
      if (k < moves.size()) {
        clock_->Set(At(moves[k]));
        const auto rebuilds = engine_->rebuilds();
        auto moved = engine_->FollowCalendar();
        EXPECT_TRUE(moved.ok() && *moved) << moves[k];
        EXPECT_EQ(engine_->rebuilds(), rebuilds + 1);
        EXPECT_EQ(engine_->calendar_day(), moves[k]);
        auto again = engine_->FollowCalendar();
        EXPECT_TRUE(again.ok() && !*again) << "the same day again rebuilds nothing";
        EXPECT_TRUE(follower_->FollowCalendar().ok());
      }
    }
    const Op& op = *PickOf(ops);
    ServiceSink& sink = Sink(op.service);
    const bool rollback = Pick(6) == 0;
    sink.FailNext(rollback);
    std::string what;
    Status st = op.run(&what);
    if (sink.fired()) {
      EXPECT_FALSE(st.ok()) << op.name << ": the sink failed but the service went on";
      ++out.rolled_back;
      what += " (rolled back)";
    } else if (st.ok() && !what.empty()) {
      ++out.succeeded[op.name];
    }
    sink.FailNext(false);
    batch += (batch.empty() ? "" : "; ") + op.name + " (" + what + ")";
    if ((step + 1) % options.batch != 0 && step + 1 != options.steps) continue;
    EXPECT_TRUE(follower_->FollowChangeLog().ok());
    Compare("step " + std::to_string(step) + ": " + batch, out);
    batch.clear();
    if (options.stop_at_first_mismatch && !out.mismatches.empty()) break;
  }
  return out;
}

TEST_P(PublishingTest, EveryIndicatorMatchesSqlAfterRandomWritesThroughTheServices) {
  Outcome out = Run({.steps = 300, .batch = 5, .move_calendar = true});
  EXPECT_EQ(out.mismatches, std::vector<std::string>{}) << "the figures drifted from SQL";
  EXPECT_GT(out.rolled_back, 10);
  // Every kind of write got through at least once (an op that always fails
  // its checks would quietly exercise nothing).
  for (const Op& op : ops_) EXPECT_GT(out.succeeded[op.name], 0) << op.name << " never succeeded";
  // Every shipped indicator, and every listed value of its dimensions, was
  // compared with a non-zero figure at least once.
  std::vector<std::string> never;
  for (const IndicatorDef& def : defs_) {
    if (!out.exercised.contains(def.id)) never.push_back(def.id);
    for (const Dimension& dim : def.dimensions) {
      for (const auto& [value, label] : dim.values) {
        const std::string key = def.id + " (" + dim.id + "=" + value + ")";
        if (!out.exercised.contains(key)) never.push_back(key);
      }
    }
  }
  EXPECT_EQ(never, std::vector<std::string>{})
      << "never compared with a non-zero figure: the random writes do not reach them; add writes through the "
         "service that feeds them";
  EXPECT_GE(defs_.size(), 18u);
  // Each service published exactly the tables it declares.
  for (const Publisher& p : registry_.publishers()) {
    const std::set<std::string> declared(p.tables.begin(), p.tables.end());
    EXPECT_EQ(Sink(p.name).published(), declared) << p.name << " publishes other tables than its kPublishedTables";
  }
}

// The property test notices a service that forgets to publish: for every
// table of every publisher in turn, that service's sink swallows the table's
// changes, and the comparison must find a figure that no longer matches SQL
// within a few writes. The figures are rebuilt between turns.
TEST_P(PublishingTest, AForgottenPublishMakesTheFiguresDriftAndIsCaught) {
  // Without the meeting service's writes its indicators are never exercised,
  // and the run says so.
  Outcome partial = Run({.steps = 60, .batch = 5, .services = {kHierarchy, kOrgs, kMembers, kDues}});
  EXPECT_TRUE(partial.mismatches.empty()) << partial.mismatches.front();
  EXPECT_FALSE(partial.exercised.contains("meetings.held"));
  EXPECT_FALSE(partial.exercised.contains("meetings.reviewed"));
  EXPECT_TRUE(partial.exercised.contains("pipeline.steps"));
  // Every declared table of every publisher; the hierarchy's last, as a
  // unit the engine never heard of stays unknown to it after a rebuild.
  std::vector<std::pair<std::string, std::string>> turns;
  for (bool hierarchy : {false, true}) {
    for (const Publisher& p : registry_.publishers()) {
      if ((p.name == kHierarchy) != hierarchy) continue;
      for (const auto& t : p.tables) turns.emplace_back(p.name, t);
    }
  }
  ASSERT_GE(turns.size(), 12u);
  for (const auto& [service, table] : turns) {
    Sink(service).Forget(table);
    // Its own writes, and new members for the organizations to move.
    Outcome out = Run({.steps = 100, .stop_at_first_mismatch = true, .services = {service, kMembers}});
    EXPECT_FALSE(out.mismatches.empty()) << service << " forgetting to publish " << table << " went unnoticed";
    if (!out.mismatches.empty()) std::printf("caught: %s forgot %s: %s\n", service.c_str(), table.c_str(),
                                             out.mismatches.front().c_str());
    Sink(service).Forget("");
    ASSERT_TRUE(engine_->Rebuild().ok());
    ASSERT_TRUE(follower_->Rebuild().ok());
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, PublishingTest, ::testing::ValuesIn(db::testing::kEngines),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace jiceng::analytics
