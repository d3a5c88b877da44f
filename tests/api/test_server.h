// Black-box HTTP test helpers: start the real `jiceng` binary on a free
// loopback port against a private database, and talk real HTTP to it.
//
// The engine under test comes from JICENG_TEST_ENGINE ("sqlite", the default,
// or "postgresql" with JICENG_TEST_PG_URL naming the server; see
// src/db/testing/test_database.h). A global gtest Environment (registered by
// test_server.cc) imports the real national division list ONCE per process
// into a template database; each test suite copies that template
// (CopyTemplateDb: a file copy, or CREATE DATABASE ... TEMPLATE on
// PostgreSQL) and starts its own TestServer, so suites never see each
// other's writes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jiceng::apitest {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A free TCP port on 127.0.0.1: binds port 0, reads the port the kernel
// chose, closes the socket. Another process may take it before the server
// does; TestServer retries with a new port when the server exits early.
int FindFreePort();

// The engine under test: "sqlite" or "postgresql" (JICENG_TEST_ENGINE).
const std::string& Engine();

// The per-process scratch folder and the template database (its --db URL)
// holding the imported division list. Valid only after the global
// Environment set up.
const std::filesystem::path& TestDir();
const std::string& TemplateDb();

// A private copy of the template database named after `name`; returns its
// --db URL (a file under TestDir(), or a PostgreSQL URL), or "" with the
// reason in *why. Copies are deleted when the process's tests end.
std::string CopyTemplateDb(const std::string& name, std::string* why);

// A private copy of any database of the engine under test (a file copy, or
// CREATE DATABASE ... TEMPLATE, which needs the source to have no
// connections: stop its server first); "" with the reason in *why.
std::string CopyDb(const std::string& source, const std::string& name, std::string* why);

// A new, empty database of the engine under test (not migrated), deleted
// when the process's tests end; "" with the reason in *why on failure.
std::string CreateEmptyDb(const std::string& name, std::string* why);

// The path of the jiceng binary under test (from JICENG_BINARY).
std::string BinaryPath();

// The nationwide system administrator that the global set-up creates in the
// template database (`jiceng user add admin --admin --password-stdin`), so
// every suite's server has someone to sign in as.
const std::string& AdminUsername();
const std::string& AdminPassword();

// What a finished `jiceng` command did.
struct CommandResult {
  std::string command;   // the command line, for failure messages
  bool finished = false;  // it started and ended within the timeout
  int exit_code = -1;     // its exit status; -1 when killed or not started
  std::string out;        // its standard output
  std::string err;        // its standard error
};
std::ostream& operator<<(std::ostream& os, const CommandResult& r);

// Runs `jiceng <args...>` with `stdin_text` as its standard input (one file,
// then end of input) and collects stdout and stderr separately. Thread-safe.
// Needs the global set-up (it writes into TestDir()).
CommandResult RunJiceng(const std::vector<std::string>& args, const std::string& stdin_text = "",
                        std::chrono::seconds timeout = std::chrono::seconds(120));
// The same for any program; argv[0] is its full path.
CommandResult RunProgram(const std::vector<std::string>& argv, const std::string& stdin_text = "",
                         std::chrono::seconds timeout = std::chrono::seconds(120));
// The full path of `name` found on PATH, or "".
std::string FindOnPath(const std::string& name);

// Runs `argv` (argv[0] is the program) to completion with stdout and stderr
// sent to `log_file`. Returns the exit status as from waitpid, or -1 when the
// process could not be started; a process running longer than `timeout` is
// killed and reported as -1.
int RunToCompletion(const std::vector<std::string>& argv, const std::filesystem::path& log_file,
                    std::chrono::seconds timeout);

// The last `max_bytes` of a text file ("" when unreadable), for failure
// messages that quote a process's log.
std::string TailOfFile(const std::filesystem::path& file, std::size_t max_bytes = 8000);

// A running `jiceng serve` process. Start() launches
//   jiceng serve --db <db> --listen 127.0.0.1:<port> --access-log off
// and waits (up to 60 s: a loaded 2-core machine starts slowly) for GET /healthz to answer 200. The destructor sends
// SIGTERM, waits up to 5 s, then SIGKILLs; the process is also killed if the
// test process dies (PR_SET_PDEATHSIG) — or rather when the THREAD that
// started it ends: start servers from a thread that outlives them.
class TestServer {
 public:
  // `db` is the --db argument: a SQLite file or a PostgreSQL URL.
  // `extra_args` are appended to the serve command line (e.g.
  // {"--session-idle-seconds", "2"}).
  TestServer(std::string db, std::filesystem::path log_file,
             std::vector<std::string> extra_args = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // Returns "" on success, otherwise why the server did not come up
  // (including the tail of its log).
  std::string Start();
  // True while the process has not exited (reaps it if it has).
  bool Running();
  // How the process ended, as text ("running", "exited 0", "killed by signal 11").
  std::string ExitDescription();
  // Sends SIGTERM, waits up to 5 s, then SIGKILL. Returns the wait status.
  int Stop();
  // Sends SIGKILL at once (a crash) and reaps the process. Start() may then
  // start it again on the same database.
  void Kill();

  int port() const { return port_; }
  // The --db argument it serves.
  const std::string& db() const { return db_; }
  const std::filesystem::path& log_file() const { return log_file_; }
  std::string LogTail(std::size_t max_bytes = 8000) const {
    return TailOfFile(log_file_, max_bytes);
  }

 private:
  std::string LaunchOnce();

  std::string db_;
  std::filesystem::path log_file_;
  std::vector<std::string> extra_args_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool exited_ = false;
  int wait_status_ = 0;
};

// The time of a server started with `--clock-file` (the test-only FileClock
// of src/common/clock.h): the server reads the instant in the file on every
// call, so Set/Advance move its time at once, with nothing to wait for. The
// file is written whole and renamed into place. Thread-safe.
class TestClock {
 public:
  // `file` is created holding `start_utc` ("2026-12-02T16:30:00Z").
  TestClock(std::filesystem::path file, const std::string& start_utc);
  ~TestClock();
  TestClock(const TestClock&) = delete;
  TestClock& operator=(const TestClock&) = delete;
  void Set(const std::string& utc);
  void Advance(std::chrono::seconds by);
  // The instant the server reads now ("2026-12-02T16:30:00Z").
  std::string Now() const;
  // {"--clock-file", <file>}: for TestServer's extra_args.
  std::vector<std::string> ServeArgs() const { return {"--clock-file", file_.string()}; }

 private:
  std::filesystem::path file_;
  mutable std::mutex mutex_;
  std::chrono::system_clock::time_point at_;  // GUARDED_BY(mutex_)
};

// Waits for an event that can only be observed by asking (a server's
// background work: a job ending, a follower catching up): calls `done` every
// `every` until it returns true or `within` has passed. Returns its last
// answer. A bounded wait for the event, never a sleep that hopes the event
// happened meanwhile.
template <typename Pred>
bool Eventually(Pred done, std::chrono::milliseconds within = std::chrono::seconds(10),
                std::chrono::milliseconds every = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
}

// One HTTP exchange as seen by the client.
struct HttpResponse {
  std::string request;     // "POST /api/v1/...", for failure messages
  long status = 0;         // 0 when the transport failed
  std::string curl_error;  // set when the transport failed
  Headers headers;         // names lower-cased, in arrival order
  std::string body;
  nlohmann::json json;  // value_t::discarded when the body is not JSON

  // The first header with this name (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  bool IsJson() const { return !json.is_discarded(); }
  // error.code / error.field / error.message, or "" when absent.
  std::string ErrorCode() const;
  std::string ErrorField() const;
  std::string ErrorMessage() const;
};
std::ostream& operator<<(std::ostream& os, const HttpResponse& r);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string UrlEncode(std::string_view text);

// A small libcurl client for one server. Safe to use from several threads
// at once: every request uses its own easy handle and connection.
//
// Every response is checked for the invariants that hold for ALL responses
// in the contract (unless check_invariants is turned off for one call):
// the transport worked, the status is not 5xx, and the headers
// X-Content-Type-Options: nosniff and a Content-Security-Policy containing
// frame-ancestors are present. Violations are reported as EXPECT failures.
class Http {
 public:
  explicit Http(int port, Headers default_headers = {});

  HttpResponse Get(const std::string& target, const Headers& headers = {});
  HttpResponse Delete(const std::string& target, const Headers& headers = {});
  // Sends `body` as application/json.
  HttpResponse PostJson(const std::string& target, const nlohmann::json& body,
                        const Headers& headers = {});
  HttpResponse PatchJson(const std::string& target, const nlohmann::json& body,
                         const Headers& headers = {});
  // Sends raw bytes with the given Content-Type ("" sends no Content-Type).
  HttpResponse Post(const std::string& target, const std::string& body,
                    const std::string& content_type, const Headers& headers = {});
  HttpResponse Patch(const std::string& target, const std::string& body,
                     const std::string& content_type, const Headers& headers = {});
  // The general form: `body` nullopt sends no body at all.
  HttpResponse Request(const std::string& method, const std::string& target,
                       const std::optional<std::string>& body, const Headers& headers,
                       bool check_invariants = true);

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  Headers default_headers_;
};

// EXPECTs the invariants described on Http (used by Http itself; exposed for
// responses obtained otherwise).
void ExpectCommonInvariants(const HttpResponse& r);

// Raw TCP for requests no HTTP client would send.
struct RawResult {
  std::string received;    // bytes the server sent back
  bool closed = false;     // the server closed (or reset) the connection
  bool timed_out = false;  // neither a complete response nor a close in time
  std::string error;       // connect failure, if any
  // The status of the first response line ("HTTP/1.x NNN ..."), or 0.
  int Status() const;
};
// Connects to 127.0.0.1:port, sends `bytes` (stopping quietly if the server
// closes the connection mid-send), then reads until the server closes the
// connection, a complete response (headers + Content-Length body) has
// arrived, or `timeout` passes.
RawResult RawExchange(int port, std::string_view bytes,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

// True when `text` contains a CJK Unified Ideograph (U+4E00..U+9FFF,
// U+3400..U+4DBF) — used to tell a Chinese message from an English one.
bool ContainsCjk(std::string_view text);

// Number of Unicode code points in UTF-8 text.
std::size_t Utf8Length(std::string_view text);

// Starts a server for a test suite on a fresh copy of the template database.
// Returns nullptr with the reason in *why when it does not come up. (It does
// not fail the test itself: a failure inside SetUpTestSuite makes gtest skip
// the suite's tests, and these tests must fail, never skip.) `extra_args`
// go to `jiceng serve`.
std::unique_ptr<TestServer> StartSuiteServer(const std::string& suite_name, std::string* why,
                                             const std::vector<std::string>& extra_args = {});

// ---------------------------------------------------------------------------
// Signing in

// The name of the session cookie.
inline constexpr const char* kSessionCookieName = "jiceng_session";

// A browser session: the cookie value from Set-Cookie and the CSRF token from
// the body of POST /api/v1/session.
struct Session {
  std::string token;
  std::string csrf;
  nlohmann::json user;  // the "user" object of the login answer
  nlohmann::json body;  // the whole login answer

  // "Cookie: jiceng_session=<token>" only: what a browser sends on its own.
  Headers CookieOnly() const;
  // The cookie and "X-CSRF-Token": what our own page sends.
  Headers AuthHeaders() const;
};

// The value of cookie `name` set by a Set-Cookie header of `r`, or nullopt.
std::optional<std::string> SetCookieValue(const HttpResponse& r, std::string_view name);

// POST /api/v1/session. On success returns the session; otherwise nullopt and
// the reason (with the response) in *why. Does not EXPECT anything itself
// beyond the invariants that hold for every response.
std::optional<Session> SignIn(int port, const std::string& username, const std::string& password,
                              std::string* why);

}  // namespace jiceng::apitest
