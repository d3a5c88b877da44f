#include "db/testing/test_database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>

namespace jiceng::db::testing {
namespace {

namespace fs = std::filesystem;

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};

// Runs one statement that cannot run inside a transaction (CREATE/DROP
// DATABASE) on the server's maintenance connection.
Status AdminExec(const std::string& server_url, const std::string& sql) {
  std::unique_ptr<PGconn, ConnDeleter> conn(PQconnectdb(server_url.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return Status::Unavailable("无法连接测试用 PostgreSQL：" + std::string(PQerrorMessage(conn.get())),
                               "Cannot connect to the test PostgreSQL server: " +
                                   std::string(PQerrorMessage(conn.get())));
  }
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(conn.get(), sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string error = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  if (!ok) return Status::Internal(sql + ": " + error);
  return Status::Ok();
}

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A database name unique in this process and readable: jt_<pid>_<n>_<hint>.
std::string UniqueName(std::string_view hint) {
  static std::atomic<int> counter{0};
  std::string name = "jt_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_";
  for (char c : hint) {
    if (name.size() >= 60) break;
    const auto u = static_cast<unsigned char>(c);
    name += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
  }
  return name;
}

}  // namespace

std::string EngineFromEnv() {
  const char* env = std::getenv("JICENG_TEST_ENGINE");
  return env != nullptr && *env != '\0' ? env : "sqlite";
}

Result<std::string> PgServerUrl() {
  const char* env = std::getenv("JICENG_TEST_PG_URL");
  if (env == nullptr || *env == '\0') {
    return Status::FailedPrecondition(
        "未设置 JICENG_TEST_PG_URL。请用 ctest 运行（它会启动临时的 PostgreSQL），或先运行 "
        "scripts/pg-test-cluster.sh start build/pg-test，再用 scripts/pg-test-cluster.sh exec "
        "build/pg-test <测试程序> 运行。",
        "JICENG_TEST_PG_URL is not set. Run the tests through ctest (which starts a throwaway "
        "PostgreSQL), or run scripts/pg-test-cluster.sh start build/pg-test and then "
        "scripts/pg-test-cluster.sh exec build/pg-test <test binary>.");
  }
  return std::string(env);
}

std::string PgUrlWithDatabase(const std::string& server_url, const std::string& dbname) {
  // postgresql://[user@]host[:port][/dbname][?params]
  const std::size_t scheme = server_url.find("://");
  const std::size_t authority = scheme == std::string::npos ? 0 : scheme + 3;
  const std::size_t query = server_url.find('?', authority);
  const std::size_t slash = server_url.find('/', authority);
  const std::size_t path_end = query == std::string::npos ? server_url.size() : query;
  const std::size_t host_end = (slash == std::string::npos || slash > path_end) ? path_end : slash;
  return server_url.substr(0, host_end) + "/" + dbname + server_url.substr(path_end);
}

Status CreatePgDatabase(const std::string& server_url, const std::string& name,
                        const std::string& template_db) {
  std::string sql = "CREATE DATABASE " + QuoteIdent(name);
  if (!template_db.empty()) sql += " TEMPLATE " + QuoteIdent(template_db);
  return AdminExec(server_url, sql);
}

Status DropPgDatabase(const std::string& server_url, const std::string& name) {
  return AdminExec(server_url, "DROP DATABASE IF EXISTS " + QuoteIdent(name) + " WITH (FORCE)");
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::Create(std::string_view engine,
                                                           std::string_view hint,
                                                           const std::string& pg_template) {
  std::unique_ptr<TestDatabase> db(new TestDatabase());
  db->engine_ = std::string(engine);
  if (engine == "sqlite") {
    std::string pattern = (fs::temp_directory_path() / "jiceng-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Status::IoError("无法创建临时目录。", "Cannot create a temporary directory.");
    }
    db->dir_ = pattern;
    std::string file;
    for (char c : hint) file += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    db->url_ = (fs::path(pattern) / ((file.empty() ? std::string("test") : file) + ".db")).string();
    return db;
  }
  if (engine == "postgresql") {
    JICENG_ASSIGN_OR_RETURN(db->pg_server_, PgServerUrl());
    const std::string name = UniqueName(hint);
    JICENG_RETURN_IF_ERROR(CreatePgDatabase(db->pg_server_, name, pg_template));
    db->pg_name_ = name;
    db->url_ = PgUrlWithDatabase(db->pg_server_, name);
    return db;
  }
  return Status::InvalidArgument("engine", "未知的数据库引擎：" + std::string(engine),
                                 "Unknown database engine: " + std::string(engine) +
                                     " (use sqlite or postgresql)");
}

TestDatabase::~TestDatabase() {
  if (std::getenv("JICENG_KEEP_TEST_DIR") != nullptr) return;
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  if (!pg_name_.empty()) (void)DropPgDatabase(pg_server_, pg_name_);
}

}  // namespace jiceng::db::testing
