// Black-box tests of `jiceng backup`, `jiceng restore` and `jiceng migrate`
// on the engine under test: a backup taken while a server keeps writing is a
// consistent snapshot; restoring it into a new database gives back every row
// of every table (compared value by value); the restored database serves,
// with ids continuing after the copied ones; migrate copies a SQLite file into
// the engine under test (SQLite -> PostgreSQL in pg.api_test) and refuses a
// non-empty target unless --force.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "api_suite.h"
#include "common/definitions.h"
#include "db/database.h"
#include "test_server.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

struct TableDigest {
  std::int64_t rows = 0;
  std::size_t hash = 0;
  bool operator==(const TableDigest&) const = default;
};
std::ostream& operator<<(std::ostream& os, const TableDigest& d) {
  return os << d.rows << " rows, digest " << d.hash;
}

// Every table's row count and a digest of all its values in id order (the
// same on both engines: integers and text read back alike), so that two
// databases can be compared value by value.
std::map<std::string, TableDigest> Digests(const std::string& url) {
  std::map<std::string, TableDigest> out;
  auto db = db::Database::Open(url);
  EXPECT_TRUE(db.ok()) << url << ": " << db.status().ToString();
  if (!db.ok()) return out;
  Status st = (*db)->Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto tables, s.Tables());
    for (const db::TableInfo& t : tables) {
      if (t.name == "schema_migrations") continue;
      std::string select = "SELECT ";
      for (std::size_t i = 0; i < t.columns.size(); ++i) select += (i ? ", " : "") + t.columns[i];
      select += " FROM " + t.name + " ORDER BY " + t.columns[0];
      TableDigest d;
      JICENG_RETURN_IF_ERROR(s.Query(select, {}, [&](const db::Row& row) {
        ++d.rows;
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) line += (row.IsNull(i) ? "\x01" : row.Text(i)) + "\x1f";
        d.hash = d.hash * 1000003u ^ std::hash<std::string>{}(line);
        return Status::Ok();
      }));
      out[t.name] = d;
    }
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

class ToolsCli : public ApiSuite<ToolsCli> {
 public:
  static constexpr const char* kSuiteName = "tools_cli";

 protected:
  // A group added through the API, so that the data has user writes and
  // audit entries in it. Returns its code.
  std::string AddGroup(Http& client, const std::string& village, const std::string& name) {
    HttpResponse r = client.PostJson("/api/v1/units/" + village + "/groups", json{{"name", name}});
    EXPECT_EQ(r.status, 201) << r;
    return r.status == 201 ? r.json["unit"].value("code", "") : "";
  }
  std::string File(const std::string& name) { return (TestDir() / name).string(); }
};

TEST_F(ToolsCli, BackupWhileServingThenRestoreGivesBackEveryRow) {
  const std::string first = AddGroup(http(), "540424100201", "备份前的组");
  ASSERT_FALSE(first.empty());

  // Writes keep coming while the backup runs.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    Http client = Client();
    for (int i = 1; i <= 500 && !stop.load(); ++i) {
      HttpResponse r = client.PostJson("/api/v1/units/540424100202/groups",
                                       json{{"name", "备份中组" + std::to_string(i)}});
      if (r.status != 201) break;
      ++written;
    }
  });
  const std::string backup = File("serving.backup");
  CommandResult b = RunJiceng({"backup", "--db", server_->db(), "--to", backup});
  stop = true;
  writer.join();
  ASSERT_EQ(b.exit_code, 0) << b;
  EXPECT_GT(written.load(), 0) << "no write ran during the backup";
  EXPECT_NE(b.out.find("units"), std::string::npos) << b;
  EXPECT_NE(b.out.find("Audit log hash chain intact"), std::string::npos) << b;
  // The backup is a SQLite file, whatever the engine under test.
  const auto backed_up = Digests(backup);
  ASSERT_FALSE(backed_up.empty());
  EXPECT_GE(backed_up.at("units").rows, 665'276 + 1);
  EXPECT_GT(backed_up.at("audit_log").rows, 0) << "sign-in and group writes are audited";
  // A second backup to the same file is refused: a backup is never overwritten.
  CommandResult again = RunJiceng({"backup", "--db", server_->db(), "--to", backup});
  EXPECT_EQ(again.exit_code, 1) << again;
  EXPECT_NE(again.err.find("exists already"), std::string::npos) << again;

  // Restore into a new database of the engine under test.
  std::string why;
  const std::string target = CreateEmptyDb("tools_restored", &why);
  ASSERT_FALSE(target.empty()) << why;
  CommandResult r = RunJiceng({"restore", "--from", backup, "--db", target}, "", std::chrono::seconds(300));
  ASSERT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("Audit log hash chain intact"), std::string::npos) << r;
  const auto restored = Digests(target);
  EXPECT_EQ(restored, backed_up) << "the restored database must hold exactly the backup's rows";
  for (const auto& [table, d] : backed_up) {
    EXPECT_EQ(restored.count(table) ? restored.at(table) : TableDigest{}, d) << table;
  }

  // The restored database is not empty now: a second restore is refused,
  // and --force replaces its data.
  CommandResult refused = RunJiceng({"restore", "--from", backup, "--db", target});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused;
  EXPECT_NE(refused.err.find("not empty"), std::string::npos) << refused;
  EXPECT_EQ(Digests(target), backed_up) << "a refused restore changes nothing";
  CommandResult forced = RunJiceng({"restore", "--from", backup, "--db", target, "--force"}, "",
                                   std::chrono::seconds(300));
  ASSERT_EQ(forced.exit_code, 0) << forced;
  EXPECT_EQ(Digests(target), backed_up);

  // It serves: the administrator signs in, the group is there, and new rows
  // get fresh ids (the engine continues after the copied ones).
  TestServer restored_server(target, TestDir() / "tools_restored.server.log");
  ASSERT_EQ(restored_server.Start(), "");
  std::string sign_in_error;
  auto session = SignIn(restored_server.port(), AdminUsername(), AdminPassword(), &sign_in_error);
  ASSERT_TRUE(session.has_value()) << sign_in_error;
  Http client(restored_server.port(), session->AuthHeaders());
  HttpResponse g = client.Get("/api/v1/units/" + first);
  EXPECT_EQ(g.status, 200) << g;
  EXPECT_FALSE(AddGroup(client, "540424100201", "恢复后新增组").empty());
}

TEST_F(ToolsCli, MigrateCopiesASqliteFileIntoTheEngineUnderTest) {
  // The SQLite source: a backup of this suite's database.
  const std::string source = File("migrate-source.db");
  CommandResult b = RunJiceng({"backup", "--db", server_->db(), "--to", source});
  ASSERT_EQ(b.exit_code, 0) << b;
  const auto expected = Digests(source);

  std::string why;
  const std::string target = CreateEmptyDb("tools_migrated", &why);
  ASSERT_FALSE(target.empty()) << why;
  CommandResult m = RunJiceng({"migrate", "--from", "sqlite:" + source, "--to", target}, "",
                              std::chrono::seconds(300));
  ASSERT_EQ(m.exit_code, 0) << m;
  EXPECT_NE(m.out.find("every table's row count matches the source"), std::string::npos) << m;
  EXPECT_EQ(Digests(target), expected);

  CommandResult twice = RunJiceng({"migrate", "--from", "sqlite:" + source, "--to", target});
  EXPECT_EQ(twice.exit_code, 1) << twice;
  EXPECT_NE(twice.err.find("not empty"), std::string::npos) << twice;

  // A source that does not exist is an error, never an empty database.
  CommandResult missing = RunJiceng({"migrate", "--from", File("no-such.db"), "--to", target});
  EXPECT_EQ(missing.exit_code, 1) << missing;
  EXPECT_FALSE(std::filesystem::exists(File("no-such.db")));
}

// `jiceng serve` refuses to start while an indicator reads a table that no
// service publishes (analytics/publishers.h): the figures would never move.
// The message names the indicator, its file and line, and the table. (With
// the shipped definitions alone every other suite's server starts.)
TEST_F(ToolsCli, ServeRefusesAnIndicatorWhoseTableNoServicePublishes) {
  namespace fs = std::filesystem;
  // The shipped definitions, plus an indicator over pairings (no service
  // publishes org_pairings).
  auto shipped = FindDefinitionFile("indicators");
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  const fs::path defs = TestDir() / "unpublished-definitions";
  fs::remove_all(defs);
  fs::copy(shipped->parent_path(), defs, fs::copy_options::recursive);
  {
    std::ofstream extra(defs / "indicators" / "pairings.yaml");
    extra << "indicators:\n"
             "  - id: pairings.active\n"
             "    title: {zh: 结对, en: Pairings}\n"
             "    table: org_pairings\n"
             "    select: SELECT id, unit_id FROM org_pairings WHERE ended_on IS NULL\n";
  }
  std::string why;
  const std::string db = CopyTemplateDb("unpublished", &why);
  ASSERT_FALSE(db.empty()) << why;
  // 192.0.2.1 (TEST-NET) is no address of this machine: were the check
  // missing, serve would stop when binding it (with another message)
  // instead of serving on.
  CommandResult r = RunProgram({"/usr/bin/env", "JICENG_DEFINITIONS_DIR=" + defs.string(), BinaryPath(), "serve",
                                "--db", db, "--listen", "192.0.2.1:8080"},
                               "", std::chrono::seconds(60));
  ASSERT_TRUE(r.finished) << r;
  EXPECT_NE(r.exit_code, 0) << r;
  const std::string said = r.out + r.err;
  EXPECT_NE(said.find("indicator pairings.active (definitions/indicators/pairings.yaml:2) reads table org_pairings, "
                      "which no service publishes"),
            std::string::npos)
      << r;
  EXPECT_NE(said.find("指标 pairings.active（definitions/indicators/pairings.yaml:2）读取的表 org_pairings 没有发布方"),
            std::string::npos)
      << r;
}

}  // namespace
}  // namespace jiceng::apitest
