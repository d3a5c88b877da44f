// Durability: a server killed with SIGKILL in the middle of a write load
// loses no write it acknowledged. Client threads add villager groups as fast
// as they can and record every 201; the server is killed while they are at
// it, started again on the same database, and every acknowledged group must
// be there with its name. Runs on the engine under test (api_test: SQLite in
// WAL mode; pg.api_test: PostgreSQL). This is about a process crash, not a
// power loss (SQLite's synchronous=NORMAL may drop the last commits then).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <chrono>
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

TEST_F(CrashApi, KillNineDuringWritesLosesNoAcknowledgedGroup) {
  // One village per writer thread, from 扎木镇 (540424100).
  constexpr int kWriters = 4;
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
  int writers_done = 0;                // GUARDED_BY(mu)
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
  // And the restarted server keeps writing, with fresh codes.
  HttpResponse next = after.PostJson("/api/v1/units/" + codes[0] + "/groups", json{{"name", "重启后新增组"}});
  EXPECT_EQ(next.status, 201) << next;
}

}  // namespace
}  // namespace jiceng::apitest
