// Durability: a server killed with SIGKILL in the middle of a write load
// loses no write it acknowledged, and leaves no committed write without its
// audit entry. Client threads add villager groups and members as fast as
// they can and record every 201; the server is killed while they are at it,
// started again on the same database, and every acknowledged group and
// member must be there — and every group and member that is there (the
// acknowledged ones and those whose commit beat the kill but not the reply)
// must have exactly one audit entry naming it, which `jiceng audit verify
// --against-data` confirms too. Runs on the engine under test (api_test:
// SQLite in WAL mode; pg.api_test: PostgreSQL). This is about a process
// crash, not a power loss (SQLite's synchronous=NORMAL may drop the last
// commits then).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api_suite.h"
#include "test_server.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

class CrashApi : public ApiSuite<CrashApi> {
 public:
  static constexpr const char* kSuiteName = "crash_api";
};

struct Acknowledged {
  std::string village;
  std::string code;
  std::string name;
};

// Every item of a paged list (`path` with "?...&" or "?"), 200 at a time.
std::vector<json> AllItems(Http& h, const std::string& path) {
  std::vector<json> out;
  const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
  for (std::size_t offset = 0;; offset += 200) {
    HttpResponse r = h.Get(path + sep + "limit=200&offset=" + std::to_string(offset));
    EXPECT_EQ(r.status, 200) << r;
    if (r.status != 200 || !r.json.contains("items") || r.json["items"].empty()) break;
    for (const json& item : r.json["items"]) out.push_back(item);
    if (r.json["items"].size() < 200) break;
  }
  return out;
}

// How many successful audit entries of `action` name each target.
std::map<std::string, int> AuditedTargets(Http& h, const std::string& action) {
  std::map<std::string, int> out;
  for (const json& e : AllItems(h, "/api/v1/audit?action=" + action)) {
    if (e.value("result", "") == "ok") ++out[e.value("target", "")];
  }
  return out;
}

TEST_F(CrashApi, KillNineDuringWritesLosesNoAcknowledgedWriteNorItsAuditEntry) {
  // One village per group writer thread, from 扎木镇 (540424100); the member
  // writers add to one organization of the town.
  constexpr int kWriters = 4;
  constexpr int kMemberWriters = 2;
  HttpResponse org = http().PostJson("/api/v1/orgs", json{{"unit_code", "540424100"},
                                                          {"kind", "committee"},
                                                          {"name", "中共扎木镇委员会（崩溃测试）"}});
  ASSERT_EQ(org.status, 201) << org;
  const std::int64_t org_id = org.json["org"]["id"].get<std::int64_t>();
  HttpResponse villages = http().Get("/api/v1/units/540424100/children?limit=200");
  ASSERT_EQ(villages.status, 200) << villages;
  std::vector<std::string> codes;
  for (const json& u : villages.json["items"]) {
    if (u.value("level", "") == "village") codes.push_back(u["code"]);
  }
  ASSERT_GE(codes.size(), static_cast<std::size_t>(kWriters)) << villages;

  std::mutex mu;
  std::condition_variable acked_more;  // signalled on each acknowledgement and when a writer stops
  std::vector<Acknowledged> acked;     // GUARDED_BY(mu)
  std::vector<std::int64_t> acked_members;  // GUARDED_BY(mu)
  int writers_done = 0;                // GUARDED_BY(mu): group writers that stopped
  std::atomic<int> acked_count{0};
  std::atomic<int> transport_failures{0};
  std::atomic<int> other_statuses{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      struct Done {  // however the writer ends
        std::mutex& mu;
        int& done;
        std::condition_variable& cv;
        ~Done() {
          {
            std::lock_guard lock(mu);
            ++done;
          }
          cv.notify_all();
        }
      } done{mu, writers_done, acked_more};
      Http client = Client();
      const std::string village = codes[static_cast<std::size_t>(t)];
      for (int n = 1; n <= 900 && !stop.load(); ++n) {
        const std::string name = "崩溃测试组" + std::to_string(t) + "-" + std::to_string(n);
        // No invariant checks: requests cut off by the kill are expected.
        HttpResponse r = client.Request("POST", "/api/v1/units/" + village + "/groups",
                                        json{{"name", name}}.dump(),
                                        {{"Content-Type", "application/json"}},
                                        /*check_invariants=*/false);
        if (r.status == 201 && r.IsJson() && r.json.contains("unit") && r.json["unit"].contains("code")) {
          std::lock_guard lock(mu);
          acked.push_back({village, r.json["unit"]["code"].get<std::string>(), name});
          ++acked_count;
          acked_more.notify_all();
        } else if (r.status == 0) {
          ++transport_failures;  // the server is gone
          return;
        } else {
          ++other_statuses;
          ADD_FAILURE() << "unexpected answer while writing" << r;
          return;
        }
      }
    });
  }
  for (int t = 0; t < kMemberWriters; ++t) {
    writers.emplace_back([&, t] {
      Http client = Client();
      for (int n = 1; n <= 900 && !stop.load(); ++n) {
        const json body = {{"org_id", org_id},         {"name", "崩溃测试党员" + std::to_string(t) + "-" + std::to_string(n)},
                           {"gender", "female"},       {"birth_date", "1990-01-01"},
                           {"stage", "activist"},      {"situation", "rural_labour"}};
        HttpResponse r = client.Request("POST", "/api/v1/members", body.dump(),
                                        {{"Content-Type", "application/json"}}, /*check_invariants=*/false);
        if (r.status == 201 && r.IsJson() && r.json.contains("member") && r.json["member"].contains("id")) {
          std::lock_guard lock(mu);
          acked_members.push_back(r.json["member"]["id"].get<std::int64_t>());
          ++acked_count;
        } else if (r.status == 0) {
          ++transport_failures;
          return;
        } else {
          ++other_statuses;
          ADD_FAILURE() << "unexpected answer while adding members" << r;
          return;
        }
      }
    });
  }
  // Let the load build up, then kill the server in the middle of it.
  {
    std::unique_lock lock(mu);
    acked_more.wait_for(lock, std::chrono::seconds(30),
                        [&] { return acked.size() >= 200 || writers_done == kWriters; });
  }
  server_->Kill();
  stop = true;
  for (auto& w : writers) w.join();

  ASSERT_GE(acked_count.load(), 200) << "the writers did not get going";
  EXPECT_GT(transport_failures.load(), 0)
      << "no request was cut off: the kill did not happen during the write load";
  EXPECT_EQ(other_statuses.load(), 0);

  // Same database, new process.
  const std::string why = server_->Start();
  ASSERT_EQ(why, "") << "the server did not come back after kill -9";
  // The administrator's session was stored in the database: it survives too.
  Http after = Client();
  int missing = 0;
  for (const Acknowledged& a : acked) {
    HttpResponse r = after.Get("/api/v1/units/" + a.code);
    if (r.status != 200 || !r.json.contains("unit") || r.json["unit"].value("name", "") != a.name) {
      if (++missing <= 5) ADD_FAILURE() << "acknowledged group " << a.code << " " << a.name << " is lost" << r;
    }
  }
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " acknowledged groups";
  // Each village holds at least what was acknowledged for it (a request cut
  // off after its commit may have added one more).
  for (int t = 0; t < kWriters; ++t) {
    const std::string& village = codes[static_cast<std::size_t>(t)];
    std::size_t mine = 0;
    for (const Acknowledged& a : acked) mine += a.village == village;
    HttpResponse r = after.Get("/api/v1/units/" + village + "/children?limit=1");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_GE(r.json.value("total", 0ULL), mine) << village << r;
    EXPECT_LE(r.json.value("total", 0ULL), mine + 1) << village << r;
  }

  // Every group and member that is there has exactly one audit entry naming
  // it: the acknowledged ones, and any whose commit beat the kill but whose
  // reply did not (the entry is written in the same transaction).
  const std::map<std::string, int> group_entries = AuditedTargets(after, "units.groups.add");
  std::size_t groups_there = 0;
  for (int t = 0; t < kWriters; ++t) {
    for (const json& g : AllItems(after, "/api/v1/units/" + codes[static_cast<std::size_t>(t)] + "/children")) {
      ++groups_there;
      const std::string code = g.value("code", "");
      auto it = group_entries.find(code);
      EXPECT_TRUE(it != group_entries.end() && it->second == 1)
          << "group " << code << " has " << (it == group_entries.end() ? 0 : it->second) << " audit entries";
    }
  }
  EXPECT_GE(groups_there, acked.size());
  for (const Acknowledged& a : acked) {
    EXPECT_TRUE(group_entries.contains(a.code)) << "acknowledged group " << a.code << " has no audit entry";
  }
  const std::map<std::string, int> member_entries = AuditedTargets(after, "members.create");
  const std::vector<json> members_there = AllItems(after, "/api/v1/members?org_id=" + std::to_string(org_id));
  EXPECT_GE(members_there.size(), acked_members.size());
  for (const json& m : members_there) {
    const std::string target = "member:" + std::to_string(m.value("id", std::int64_t{0}));
    auto it = member_entries.find(target);
    EXPECT_TRUE(it != member_entries.end() && it->second == 1)
        << target << " has " << (it == member_entries.end() ? 0 : it->second) << " audit entries";
  }
  for (std::int64_t id : acked_members) {
    EXPECT_TRUE(member_entries.contains("member:" + std::to_string(id)))
        << "acknowledged member " << id << " has no audit entry";
  }
  // The tool says the same, from the database: the chain is intact and no
  // row of an audited table lacks its entry.
  CommandResult verify = RunJiceng({"audit", "verify", "--against-data", "--db", server_->db()});
  EXPECT_EQ(verify.exit_code, 0) << verify;
  EXPECT_NE(verify.out.find("Audit log intact"), std::string::npos) << verify;
  EXPECT_NE(verify.out.find("every row of the audited tables has its audit entry"), std::string::npos) << verify;

  // And the restarted server keeps writing, with fresh codes.
  HttpResponse next = after.PostJson("/api/v1/units/" + codes[0] + "/groups", json{{"name", "重启后新增组"}});
  EXPECT_EQ(next.status, 201) << next;

  // A group written behind the server's back (with the engine's own shell)
  // has no entry: --against-data names it and fails.
  const bool pg = Engine() == "postgresql";
  const std::string shell = FindOnPath(pg ? "psql" : "sqlite3");
  ASSERT_FALSE(shell.empty()) << "this test needs the " << (pg ? "psql" : "sqlite3") << " shell on PATH";
  const std::string unaudited = codes[1] + "999";
  const std::string insert =
      "INSERT INTO units (code, name, level, parent_id, province_code, source, created_at, updated_at) "
      "SELECT '" + unaudited + "', '无审计记录组', 6, id, '54', 'user', '2026-01-01T00:00:00Z', "
      "'2026-01-01T00:00:00Z' FROM units WHERE code = '" + codes[1] + "'";
  CommandResult inserted = pg ? RunProgram({shell, "-X", "-q", "-v", "ON_ERROR_STOP=1", server_->db(), "-c", insert})
                              : RunProgram({shell, server_->db(), insert});
  ASSERT_EQ(inserted.exit_code, 0) << inserted;
  CommandResult found = RunJiceng({"audit", "verify", "--against-data", "--db", server_->db()});
  EXPECT_EQ(found.exit_code, 1) << found;
  EXPECT_NE(found.out.find("Found 1 rows with no audit entry"), std::string::npos) << found;
  EXPECT_NE(found.out.find("units: 1 (" + unaudited + ")"), std::string::npos) << found;
}

}  // namespace
}  // namespace jiceng::apitest
