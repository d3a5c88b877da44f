// PostgreSQL-specific behaviour of the backend. The engine-neutral contract
// is tested on both engines in db/database_test.cc; here: the placeholder
// rewriting and URL handling (no server needed: suite PostgresPlaceholders /
// PostgresUrl) and what needs the test server (suite PostgresServer, run by
// CTest's pg.unit_test): connection failures, column types, reconnecting,
// the cross-process write lock.
#include "db/postgres/postgres_database.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "db/testing/test_database.h"

namespace jiceng::db {
namespace {

TEST(PostgresPlaceholders, RewritesInOrderAndCounts) {
  int n = -1;
  EXPECT_EQ(RewritePlaceholders("SELECT * FROM t WHERE a = ? AND b IN (?, ?)", &n),
            "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(RewritePlaceholders("SELECT 1", &n), "SELECT 1");
  EXPECT_EQ(n, 0);
  EXPECT_EQ(RewritePlaceholders("?", &n), "$1");
  EXPECT_EQ(RewritePlaceholders("VALUES (?,?)"), "VALUES ($1,$2)");
}

TEST(PostgresPlaceholders, LeavesLiteralsIdentifiersAndCommentsAlone) {
  int n = -1;
  EXPECT_EQ(RewritePlaceholders("SELECT '?', ? , 'it''s ?', \"col?\" FROM t -- why?\nWHERE x = ?", &n),
            "SELECT '?', $1 , 'it''s ?', \"col?\" FROM t -- why?\nWHERE x = $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(RewritePlaceholders("SELECT /* a ? /* nested ? */ still ? */ ?", &n),
            "SELECT /* a ? /* nested ? */ still ? */ $1");
  EXPECT_EQ(n, 1);
  // E'' strings: a backslash escapes the quote.
  EXPECT_EQ(RewritePlaceholders("SELECT E'\\' ?', ?", &n), "SELECT E'\\' ?', $1");
  EXPECT_EQ(n, 1);
  // A plain string ending in a backslash ends at its quote.
  EXPECT_EQ(RewritePlaceholders("SELECT 'a\\', ?", &n), "SELECT 'a\\', $1");
  EXPECT_EQ(n, 1);
  // Dollar quoting, with and without a tag; $1 is not a quote.
  EXPECT_EQ(RewritePlaceholders("SELECT $$ ? $$, $tag$ ? $ ? $tag$, ?", &n),
            "SELECT $$ ? $$, $tag$ ? $ ? $tag$, $1");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(RewritePlaceholders("SELECT a$b, ?", &n), "SELECT a$b, $1");
  // Unterminated text keeps the rest as is.
  EXPECT_EQ(RewritePlaceholders("SELECT 'open ?", &n), "SELECT 'open ?");
  EXPECT_EQ(n, 0);
  // UTF-8 text around placeholders survives byte for byte.
  EXPECT_EQ(RewritePlaceholders("SELECT '波密?' || ? || \"名称\""), "SELECT '波密?' || $1 || \"名称\"");
}

TEST(PostgresUrl, DescriptionNamesHostAndDatabaseButNeverThePassword) {
  auto d = DescribePostgresUrl("postgresql://alice:s3cret-pw@db.example.org:6543/jiceng?sslmode=prefer");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, "postgresql://alice@db.example.org:6543/jiceng");
  auto bad = DescribePostgresUrl("postgresql://alice:s3cret-pw@host/db?nonsense=1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().ToString().find("s3cret-pw"), std::string::npos) << bad.status().ToString();
}

TEST(PostgresUrl, AnUnreachableServerIsUnavailableWithAMessageThatHelps) {
  // Port 1 on loopback: nothing listens there.
  auto db = Database::Open("postgresql://alice:s3cret-pw@127.0.0.1:1/jiceng_prod?connect_timeout=5");
  ASSERT_FALSE(db.ok());
  const Status& st = db.status();
  EXPECT_EQ(st.code(), ErrorCode::kUnavailable);
  EXPECT_NE(st.message_en().find("127.0.0.1"), std::string::npos) << st.message_en();
  EXPECT_NE(st.message_en().find("jiceng_prod"), std::string::npos) << st.message_en();
  EXPECT_NE(st.message_zh().find("jiceng_prod"), std::string::npos) << st.message_zh();
  EXPECT_NE(st.message_zh().find("无法连接"), std::string::npos) << st.message_zh();
  EXPECT_EQ(st.ToString().find("s3cret-pw"), std::string::npos) << st.ToString();
}

TEST(PostgresUrl, BothSchemesAreAccepted) {
  for (const char* url : {"postgres://u@127.0.0.1:1/x?connect_timeout=5",
                          "postgresql://u@127.0.0.1:1/x?connect_timeout=5"}) {
    auto db = Database::Open(url);
    ASSERT_FALSE(db.ok());
    // Reaching libpq (unavailable), not read as a SQLite file name.
    EXPECT_EQ(db.status().code(), ErrorCode::kUnavailable) << url;
    EXPECT_NE(db.status().message_en().find("PostgreSQL"), std::string::npos) << url;
  }
}

class PostgresServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = testing::TestDatabase::Create(
        "postgresql", ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    test_db_ = std::move(t).value();
    auto db = test_db_->Open();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }

  // A raw libpq connection to the test database, as another process would
  // hold one.
  PGconn* RawConnection() {
    PGconn* c = PQconnectdb(test_db_->url().c_str());
    EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
    return c;
  }

  std::unique_ptr<testing::TestDatabase> test_db_;
  std::unique_ptr<Database> db_;
};

TEST_F(PostgresServer, AMissingDatabaseIsUnavailableAndNamed) {
  auto server = testing::PgServerUrl();
  ASSERT_TRUE(server.ok());
  auto db = Database::Open(testing::PgUrlWithDatabase(*server, "no_such_database_here"));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(db.status().message_en().find("no_such_database_here"), std::string::npos)
      << db.status().message_en();
}

TEST_F(PostgresServer, ColumnTypesBecomeValuesByTypeOid) {
  Status st = db_->Read([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(
        auto row, s.QueryOne("SELECT 1::int2, 2::int4, 3::int8, true, false, 1.5::float4, "
                             "2.25::float8, 12.5::numeric, 'x'::text, 'y'::varchar, "
                             "DATE '2026-11-23', NULL::int8, SUM(x) FROM (VALUES (1), (2)) v(x)"));
    EXPECT_TRUE(row.has_value());
    if (!row) return Status::Ok();
    for (int i : {0, 1, 2, 3, 4}) {
      EXPECT_TRUE(std::holds_alternative<std::int64_t>(row->at(i))) << "column " << i;
    }
    EXPECT_EQ(row->Int(0), 1);
    EXPECT_EQ(row->Int(2), 3);
    EXPECT_EQ(row->Int(3), 1);
    EXPECT_EQ(row->Int(4), 0);
    for (int i : {5, 6, 7}) {
      EXPECT_TRUE(std::holds_alternative<double>(row->at(i))) << "column " << i;
    }
    EXPECT_DOUBLE_EQ(row->Real(5), 1.5);
    EXPECT_DOUBLE_EQ(row->Real(7), 12.5);
    EXPECT_EQ(row->Text(8), "x");
    EXPECT_EQ(row->Text(9), "y");
    EXPECT_EQ(row->Text(10), "2026-11-23");
    EXPECT_TRUE(row->IsNull(11));
    // SUM(int) is numeric in PostgreSQL: a double, still readable as Int.
    EXPECT_EQ(row->Int(12), 3);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(PostgresServer, IntegerParametersAre64Bit) {
  Status st = db_->Read([](Session& s) -> Status {
    // As int4 this would overflow; the backend sends integers as int8.
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT ? + 1", {Value(std::int64_t{4'000'000'000})}));
    EXPECT_EQ(row->Int(0), 4'000'000'001);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(PostgresServer, ABrokenConnectionIsReplacedAtTheNextTransaction) {
  ASSERT_TRUE(db_->Write([](Session& s) { return s.ExecScript("CREATE TABLE t (v INTEGER)"); }).ok());
  ASSERT_TRUE(db_->Read([](Session& s) { return s.QueryAll("SELECT 1").status(); }).ok());
  // An administrator (or a server restart) ends every session of the database.
  PGconn* admin = RawConnection();
  PGresult* r = PQexec(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(admin);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // Writer and pooled reader were idle: both reconnect transparently.
  Status w = db_->Write([](Session& s) { return s.Exec("INSERT INTO t VALUES (1)").status(); });
  EXPECT_TRUE(w.ok()) << w.ToString();
  Status rd = db_->Read([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM t"));
    EXPECT_EQ(row->Int(0), 1);
    return Status::Ok();
  });
  EXPECT_TRUE(rd.ok()) << rd.ToString();
}

TEST_F(PostgresServer, AConnectionLostMidWriteIsUnavailableAndWritesNothing) {
  ASSERT_TRUE(db_->Write([](Session& s) { return s.ExecScript("CREATE TABLE t (v INTEGER)"); }).ok());
  Status st = db_->Write([&](Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(s.Exec("INSERT INTO t VALUES (1)").status());
    // Our own backend is terminated in the middle of the transaction.
    PGconn* admin = RawConnection();
    PGresult* r = PQexec(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    PQclear(r);
    PQfinish(admin);
    return s.Exec("INSERT INTO t VALUES (2)").status();
  });
  EXPECT_EQ(st.code(), ErrorCode::kUnavailable) << st.ToString();
  Status rd = db_->Read([](Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT COUNT(*) FROM t"));
    EXPECT_EQ(row->Int(0), 0);
    return Status::Ok();
  });
  EXPECT_TRUE(rd.ok()) << rd.ToString();
}

TEST_F(PostgresServer, AWriterWaitsForAnotherProcessesWriteAndGivesUpAfterFiveSeconds) {
  ASSERT_TRUE(db_->Write([](Session& s) { return s.ExecScript("CREATE TABLE t (v INTEGER)"); }).ok());
  // Another process is in the middle of a write: it holds the writers' lock.
  PGconn* other = RawConnection();
  PGresult* r = PQexec(other, "BEGIN; SELECT pg_advisory_xact_lock(116800409478759)");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  PQclear(r);
  const auto start = std::chrono::steady_clock::now();
  Status st = db_->Write([](Session& s) { return s.Exec("INSERT INTO t VALUES (1)").status(); });
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(st.code(), ErrorCode::kUnavailable) << st.ToString();
  EXPECT_GE(waited, std::chrono::seconds(4));
  // Once the other writer commits, writing works again.
  r = PQexec(other, "COMMIT");
  PQclear(r);
  PQfinish(other);
  st = db_->Write([](Session& s) { return s.Exec("INSERT INTO t VALUES (1)").status(); });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

}  // namespace
}  // namespace jiceng::db
