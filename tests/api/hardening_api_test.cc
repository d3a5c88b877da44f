// Black-box tests from the outside security test of the HTTP layer (issue
// #14): JSON that nlohmann::json throws on, requests RESTinio's parser or
// limits refuse, query strings as the README and curl write them, and ids
// outside the caller's area that must not be told apart from missing ones.
// The server must stay up through all of it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_suite.h"
#include "test_server.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

constexpr const char* kZhamu = "540424100";  // 扎木镇, 波密县
constexpr const char* kLuding = "513322";    // 泸定县
constexpr const char* kPassword = "Hardening-Passw0rd!";

// What came back on a raw connection, read until the server closed it.
struct RawAnswer {
  std::string received;
  bool closed = false;  // the server closed the connection (EOF or reset) after answering
  std::string error;
  int status = 0;
  json body = json::value_t::discarded;
  std::string head;
};

// Sends `bytes` on a fresh connection (stopping quietly if the server stops
// reading), optionally half-closes, then reads until the server closes the
// connection or `timeout` passes. The server must close by itself: a
// refused request is answered with Connection: close.
RawAnswer Exchange(int port, const std::string& bytes, bool half_close = false,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  RawAnswer out;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    out.error = std::string("connect: ") + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return out;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto left_ms = [&] {
    return static_cast<int>(std::max<long long>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count()));
  };
  std::size_t sent = 0;
  char buf[16384];
  bool read_closed = false;
  // Send and read at once, so that a server answering early is seen even
  // while a large body is still going out.
  while (sent < bytes.size() && left_ms() > 0) {
    pollfd p{fd, POLLOUT | POLLIN, 0};
    if (::poll(&p, 1, left_ms()) <= 0) break;
    if (p.revents & POLLIN) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) out.received.append(buf, static_cast<std::size_t>(n));
      if (n <= 0) {
        read_closed = true;
        break;
      }
    }
    if (p.revents & POLLOUT) {
      ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno != EINTR && errno != EAGAIN) break;
      if (n > 0) sent += static_cast<std::size_t>(n);
    }
    if (p.revents & (POLLERR | POLLHUP)) break;
  }
  if (half_close) ::shutdown(fd, SHUT_WR);
  while (!read_closed && left_ms() > 0) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, left_ms()) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      out.received.append(buf, static_cast<std::size_t>(n));
    } else {
      read_closed = true;
    }
  }
  out.closed = read_closed;
  ::close(fd);
  if (out.received.rfind("HTTP/1.", 0) == 0 && out.received.size() > 12) {
    out.status = std::atoi(out.received.c_str() + 9);
  }
  const std::size_t end = out.received.find("\r\n\r\n");
  if (end != std::string::npos) {
    out.head = out.received.substr(0, end);
    out.body = json::parse(out.received.substr(end + 4), nullptr, /*allow_exceptions=*/false);
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const RawAnswer& a) {
  return os << "\n(status " << a.status << (a.closed ? ", closed" : ", NOT closed") << ")\n"
            << a.received.substr(0, 800);
}

// A refusal on a raw socket: the status, the JSON error shape with `code`,
// in the language asked for, and the connection closed after the answer.
void ExpectRefusal(const RawAnswer& a, int status, const std::string& code, bool english) {
  EXPECT_EQ(a.status, status) << a;
  ASSERT_TRUE(a.body.is_object() && a.body.contains("error")) << "no JSON error body" << a;
  EXPECT_EQ(a.body["error"].value("code", ""), code) << a;
  const std::string message = a.body["error"].value("message", "");
  EXPECT_FALSE(message.empty()) << a;
  EXPECT_EQ(ContainsCjk(message), !english) << "message in the wrong language" << a;
  EXPECT_NE(a.head.find("application/json"), std::string::npos) << a;
  EXPECT_TRUE(a.closed) << "the server should close the connection after the answer" << a;
}

class HardeningApi : public ApiSuite<HardeningApi> {
 public:
  static constexpr const char* kSuiteName = "hardening_api";

  static void SetUpTestSuite() {
    ApiSuite<HardeningApi>::SetUpTestSuite();
    if (!server_) return;
    prepare_error_ = Prepare();
  }

 protected:
  void SetUp() override {
    ApiSuite<HardeningApi>::SetUp();
    ASSERT_TRUE(prepare_error_.empty()) << prepare_error_;
  }

  void ExpectStillServing() {
    HttpResponse r = Anonymous().Get("/healthz");
    EXPECT_EQ(r.status, 200) << "the server stopped answering" << r;
    EXPECT_TRUE(server_->Running()) << server_->ExitDescription() << "\n" << server_->LogTail();
  }

  static std::string Unique(const std::string& stem) { return stem + std::to_string(++counter_); }

  static std::string FirstChild(Http& admin, const std::string& code, const std::string& level) {
    HttpResponse r = admin.Get("/api/v1/units/" + code + "/children?limit=5");
    if (r.status != 200) return "";
    for (const json& u : r.json["items"]) {
      if (u.value("level", "") == level) return u.value("code", "");
    }
    return "";
  }

  static std::string IdOf(const json& j) {
    return j.is_object() && j.contains("id") ? std::to_string(j["id"].get<long long>()) : "";
  }

  static std::string CreateOrg(Http& admin, const std::string& unit) {
    HttpResponse r = admin.PostJson("/api/v1/orgs", {{"unit_code", unit},
                                                     {"kind", "branch"},
                                                     {"name", Unique("中共加固党支部")},
                                                     {"established_on", "2020-01-01"}});
    return r.status == 201 ? IdOf(r.json.value("org", json::object())) : "";
  }

  static std::string CreateMember(Http& admin, const std::string& org) {
    HttpResponse r = admin.PostJson("/api/v1/members", {{"org_id", std::stoll(org)},
                                                        {"name", Unique("加固党员")},
                                                        {"gender", "female"},
                                                        {"birth_date", "1985-03-08"},
                                                        {"stage", "applicant"},
                                                        {"stage_since", "2020-01-01"},
                                                        {"situation", "rural_labour"}});
    return r.status == 201 ? IdOf(r.json.value("member", json::object())) : "";
  }

  // An account with `role` on `unit` ("" for none), signed in.
  static std::optional<Session> RoleSession(Http& admin, const std::string& role, const std::string& unit,
                                            std::string* id, std::string* why) {
    const std::string username = Unique("hardening_" + role + "_");
    json body = {{"username", username}, {"display_name", username}, {"password", kPassword}};
    if (!unit.empty()) body["unit_code"] = unit;
    HttpResponse r = admin.PostJson("/api/v1/users", body);
    if (r.status != 201) {
      *why = "creating " + username + " failed: " + r.body;
      return std::nullopt;
    }
    *id = IdOf(r.json["user"]);
    if (!role.empty()) {
      HttpResponse g = admin.PostJson("/api/v1/users/" + *id + "/roles", {{"role", role}, {"unit_code", unit}});
      if (g.status != 201) {
        *why = "granting " + role + " failed: " + g.body;
        return std::nullopt;
      }
    }
    return SignIn(server_->port(), username, kPassword, why);
  }

  static std::string Prepare() {
    Http admin = Client();
    std::string why;
    village_ = FirstChild(admin, kZhamu, "village");
    const std::string luding_town = FirstChild(admin, kLuding, "township");
    luding_village_ = luding_town.empty() ? "" : FirstChild(admin, luding_town, "village");
    if (village_.empty() || luding_village_.empty()) return "no village under 扎木镇 or 泸定县";
    org_ = CreateOrg(admin, village_);
    luding_org_ = CreateOrg(admin, luding_village_);
    const std::string luding_org2 = CreateOrg(admin, luding_village_);
    if (org_.empty() || luding_org_.empty() || luding_org2.empty()) return "creating organizations failed";
    member_ = CreateMember(admin, org_);
    luding_member_ = CreateMember(admin, luding_org_);
    const std::string moving = CreateMember(admin, luding_org_);
    if (member_.empty() || luding_member_.empty() || moving.empty()) return "creating members failed";
    HttpResponse t = admin.PostJson("/api/v1/transfers",
                                    {{"member_id", std::stoll(moving)}, {"to_org_id", std::stoll(luding_org2)}});
    if (t.status != 201) return "creating a transfer failed: " + t.body;
    luding_transfer_ = IdOf(t.json["transfer"]);
    // An officer term, a task team, a card and a pairing in Luding, to probe by id.
    HttpResponse full = admin.PostJson("/api/v1/members", {{"org_id", std::stoll(luding_org_)},
                                                           {"name", Unique("加固正式党员")},
                                                           {"gender", "male"},
                                                           {"birth_date", "1970-06-06"},
                                                           {"stage", "full"},
                                                           {"stage_since", "2000-07-01"},
                                                           {"situation", "rural_labour"}});
    if (full.status != 201) return "creating a full member failed: " + full.body;
    const std::int64_t full_id = full.json["member"]["id"].get<std::int64_t>();
    HttpResponse officer = admin.PostJson("/api/v1/orgs/" + luding_org_ + "/officers",
                                          {{"member_id", full_id}, {"position", "secretary"},
                                           {"term_start", "2021-01-10"}, {"term_end", "2026-01-09"}});
    if (officer.status != 201) return "appointing an officer failed: " + officer.body;
    luding_officer_ = IdOf(officer.json["officer"]);
    HttpResponse task_team = admin.PostJson("/api/v1/orgs/" + luding_org_ + "/task-teams",
                                       {{"name", "加固服务团"}, {"purpose", "探测"}, {"starts_on", "2025-02-01"}});
    if (task_team.status != 201) return "creating a task team failed: " + task_team.body;
    luding_team_ = IdOf(task_team.json["task_team"]);
    HttpResponse card = admin.PostJson("/api/v1/members/" + std::to_string(full_id) + "/cards",
                                       {{"number", Unique("JG")}, {"issued_on", "2025-01-20"}});
    if (card.status != 201) return "issuing a card failed: " + card.body;
    luding_card_ = IdOf(card.json["card"]);
    HttpResponse pairing = admin.PostJson("/api/v1/pairings", {{"org_id", std::stoll(luding_org_)},
                                                               {"partner_org_id", std::stoll(luding_org2)},
                                                               {"kind", "adjacent_area"},
                                                               {"starts_on", "2025-03-01"}});
    if (pairing.status != 201) return "creating a pairing failed: " + pairing.body;
    luding_pairing_ = IdOf(pairing.json["pairing"]);
    std::string ignored;
    if (!RoleSession(admin, "township_staff", luding_town, &luding_user_, &why)) return why;
    auto township = RoleSession(admin, "township_staff", kZhamu, &ignored, &why);
    auto cadre = RoleSession(admin, "village_cadre", village_, &ignored, &why);
    auto team = RoleSession(admin, "work_team", village_, &ignored, &why);
    if (!township || !cadre || !team) return why;
    township_ = township->AuthHeaders();
    cadre_ = cadre->AuthHeaders();
    team_ = team->AuthHeaders();
    return "";
  }

  static inline std::string prepare_error_;
  static inline int counter_ = 0;
  static inline std::string village_, luding_village_, org_, luding_org_, member_, luding_member_,
      luding_transfer_, luding_user_, luding_officer_, luding_team_, luding_card_, luding_pairing_;
  static inline Headers township_, cadre_, team_;
};

// ---------------------------------------------------------------------------
// 1. JSON nlohmann::json throws on

TEST_F(HardeningApi, AnOverflowingNumberIsA400NamingTheFieldOnEveryRoute) {
  struct Case {
    std::string target;
    std::string body;
    std::string field;
    bool anonymous = false;
  };
  const std::vector<Case> cases = {
      {"/api/v1/session", R"({"username":"nobody","password":1e400})", "password", true},
      {"/api/v1/me/password", R"({"current_password":1e400,"new_password":"x"})", "current_password"},
      // A scoped route (the unit is in the path) ...
      {"/api/v1/units/" + village_ + "/groups", R"({"name":1e400})", "name"},
      // ... and one whose unit the scope check reads from the body.
      {"/api/v1/members", R"({"org_id":-1e400,"name":"x"})", "org_id"},
      {"/api/v1/orgs", R"({"unit_code":1E+999})", "unit_code"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target + " " + c.body);
    Http client = c.anonymous ? Anonymous() : Client();
    ExpectError(client.Post(c.target, c.body, "application/json"), 400, "invalid_argument", c.field);
  }
  ExpectStillServing();
}

TEST_F(HardeningApi, AThrowingBodyOnAScopedRouteIsAnsweredAndAudited) {
  const std::string target = "/api/v1/units/" + village_ + "/groups";
  HttpResponse r = http().Post(target, R"({"name":1e400})", "application/json");
  ExpectError(r, 400, "invalid_argument", "name");
  HttpResponse log = http().Get("/api/v1/audit?action=units.groups.add&limit=200");
  ASSERT_EQ(log.status, 200) << log;
  bool found = false;
  for (const json& e : log.json["items"]) {
    if (e.value("path", "") == target && e.value("status", 0) == 400 && e.value("result", "") == "invalid_argument") {
      found = true;
    }
  }
  EXPECT_TRUE(found) << "no audit entry for the refused request" << log;
}

TEST_F(HardeningApi, EveryOtherJsonFailureIsA400) {
  const std::string groups = "/api/v1/units/" + village_ + "/groups";
  const std::string deep = R"({"name":)" + std::string(10000, '[') + std::string(10000, ']') + "}";
  const char kNul[] = "{\"name\":\"a\0b\"}";
  struct Case {
    std::string target;
    std::string body;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {groups, R"({"name":)", "malformed_request", "body"},                  // parse error
      {groups, "{\"name\":\"\xff\xfe\"}", "malformed_request", "body"},       // invalid UTF-8
      {groups, std::string(kNul, sizeof kNul - 1), "malformed_request", "body"},  // raw NUL
      {groups, deep, "malformed_request", "body"},                           // 10,000 levels
      {groups, R"({"name":["a"]})", "invalid_argument", "name"},             // wrong type
      {"/api/v1/members", R"({"org_id":18446744073709551615})", "invalid_argument", "org_id"},  // > int64
      {"/api/v1/session", R"([1,2,3])", "malformed_request", ""},            // not an object
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target + " " + c.body.substr(0, 60));
    Http client = c.target == "/api/v1/session" ? Anonymous() : Client();
    ExpectError(client.Post(c.target, c.body, "application/json"), 400, c.code, c.field);
  }
  // A query value that is not UTF-8 once decoded, escaped or raw.
  HttpResponse escaped = http().Get("/api/v1/units?q=%FF%FE", {{"Accept-Language", "en"}});
  ExpectError(escaped, 400, "invalid_argument", "query");
  EXPECT_NE(escaped.ErrorMessage().find("UTF-8"), std::string::npos) << escaped;
  RawAnswer raw = Exchange(port(), "GET /api/v1/units?q=\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                       RawAuthHeaderLines() + "Connection: close\r\n\r\n");
  EXPECT_EQ(raw.status, 400) << raw;
  EXPECT_EQ(raw.body.value("/error/field"_json_pointer, ""), "q") << raw;
  ExpectStillServing();
}

// ---------------------------------------------------------------------------
// 3. What the HTTP layer refuses is answered, not dropped

TEST_F(HardeningApi, RefusalsAtTheHttpLayerAreAnsweredInTheCallersLanguage) {
  const std::string host = "Host: 127.0.0.1\r\n";
  const char kNulLine[] = "GET /api/v1/un\0its HTTP/1.1\r\n";
  std::string many = "GET /healthz HTTP/1.1\r\n" + host;
  for (int i = 0; i < 120; ++i) many += "X-H" + std::to_string(i) + ": b\r\n";
  struct Case {
    std::string name;
    std::string request_line_and_headers;  // without the final blank line and Accept-Language
    std::string rest;                      // after the blank line
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"120 headers", many, "", 431, "headers_too_large"},
      {"a 100 KB header", "GET /healthz HTTP/1.1\r\n" + host + "X-Big: " + std::string(100 * 1024, 'a') + "\r\n", "",
       431, "headers_too_large"},
      {"an 8 KiB URL", "GET /api/v1/units?q=" + std::string(8 * 1024, 'a') + " HTTP/1.1\r\n" + host, "", 414,
       "uri_too_long"},
      {"an unknown method", "FROB /healthz HTTP/1.1\r\n" + host, "", 405, "method_not_allowed"},
      {"a bad Content-Length", "POST /api/v1/session HTTP/1.1\r\n" + host + "Content-Length: abc\r\n", "", 400,
       "malformed_request"},
      {"a negative Content-Length", "POST /api/v1/session HTTP/1.1\r\n" + host + "Content-Length: -5\r\n", "{}", 400,
       "malformed_request"},
      {"a doubled Content-Length",
       "POST /api/v1/session HTTP/1.1\r\n" + host + "Content-Length: 2\r\nContent-Length: 2\r\n", "{}", 400,
       "malformed_request"},
      {"a Content-Length of 10^12", "POST /api/v1/session HTTP/1.1\r\n" + host + "Content-Length: 1000000000000\r\n",
       "{}", 413, "payload_too_large"},
      {"a NUL in the path", std::string(kNulLine, sizeof kNulLine - 1) + host, "", 400,
       "malformed_request"},
  };
  for (const Case& c : cases) {
    for (bool english : {false, true}) {
      SCOPED_TRACE(c.name + (english ? " (en)" : " (zh)"));
      const std::string lang = english ? "Accept-Language: en-US,en;q=0.9\r\n" : "Accept-Language: zh-CN\r\n";
      // Accept-Language first, so that the gate has read it before the fault.
      const std::size_t first_line = c.request_line_and_headers.find("\r\n") + 2;
      const std::string request = c.request_line_and_headers.substr(0, first_line) + lang +
                                  c.request_line_and_headers.substr(first_line) + "\r\n" + c.rest;
      ExpectRefusal(Exchange(port(), request), c.status, c.code, english);
    }
  }
  ExpectStillServing();
}

TEST_F(HardeningApi, AnUploadOverTheLimitIsToldTheLimitBeforeItsBodyIsRead) {
  const std::size_t size = 50u * 1024 * 1024;
  std::string request = "POST /api/v1/imports/members?dry_run=true HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                        RawAuthHeaderLines() + "Accept-Language: en\r\nContent-Type: text/csv\r\nContent-Length: " +
                        std::to_string(size) + "\r\n\r\n";
  request += std::string(size, 'x');
  RawAnswer a = Exchange(port(), request, /*half_close=*/true, std::chrono::seconds(60));
  ExpectRefusal(a, 413, "payload_too_large", /*english=*/true);
  EXPECT_NE(a.body["error"].value("message", "").find("20 MB"), std::string::npos) << a;
  ExpectStillServing();
}

TEST_F(HardeningApi, ARefusalOnAKeptAliveConnectionComesAfterTheEarlierAnswers) {
  // Two good requests, then one with a bad Content-Length, pipelined.
  const std::string good = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const std::string bad = "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n";
  RawAnswer a = Exchange(port(), good + good + bad);
  EXPECT_TRUE(a.closed) << a;
  std::vector<int> statuses;
  for (std::size_t pos = a.received.find("HTTP/1.1 "); pos != std::string::npos;
       pos = a.received.find("HTTP/1.1 ", pos + 1)) {
    statuses.push_back(std::atoi(a.received.c_str() + pos + 9));
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 400})) << a;
  ExpectStillServing();
}

// ---------------------------------------------------------------------------
// 5. Query strings as the README and curl write them

TEST_F(HardeningApi, QueryValuesWithRfc3986CharactersAreAccepted) {
  // The README's forms, unencoded, answer as their encoded twins do.
  const std::string figures = "/api/v1/figures?indicator=pipeline&unit=" + village_;
  HttpResponse plain = http().Get(figures + "&where=stage:applicant");
  HttpResponse encoded = http().Get(figures + "&where=stage%3Aapplicant");
  ASSERT_EQ(plain.status, 200) << plain;
  ASSERT_EQ(encoded.status, 200) << encoded;
  EXPECT_EQ(plain.json["figures"], encoded.json["figures"]);
  EXPECT_EQ(plain.json["figures"][0].value("total", -1), 1) << plain;
  HttpResponse two = http().Get("/api/v1/figures?indicator=members&unit=" + village_ +
                                "&where=gender:female,situation:rural_labour");
  EXPECT_EQ(two.status, 200) << two;
  HttpResponse audit = http().Get("/api/v1/audit?from=2026-01-01T00:00:00Z&to=2099-01-01T00:00:00Z&limit=1");
  EXPECT_EQ(audit.status, 200) << audit;
  // What curl sends as typed: / ? @ , : ; ! $ ' ( ) * and + as a space.
  HttpResponse search = http().Get("/api/v1/units?q=a/b?c@d,e:f;g!h$i'j(k)l*m+n");
  EXPECT_EQ(search.status, 200) << search;
  // ... and raw UTF-8: 扎木 typed into the URL.
  RawAnswer raw = Exchange(port(), "GET /api/v1/units?q=\xe6\x89\x8e\xe6\x9c\xa8 HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                       RawAuthHeaderLines() + "Connection: close\r\n\r\n");
  EXPECT_EQ(raw.status, 200) << raw;
  EXPECT_NE(raw.received.find(kZhamu), std::string::npos) << raw;
}

TEST_F(HardeningApi, ABadPercentEscapeIsStillA400) {
  for (const char* query : {"q=100%", "q=%zz", "q=%4"}) {
    SCOPED_TRACE(query);
    HttpResponse r = http().Get(std::string("/api/v1/units?") + query, {{"Accept-Language", "en"}});
    ExpectError(r, 400, "invalid_argument", "query");
    EXPECT_NE(r.ErrorMessage().find("%25"), std::string::npos) << r;
  }
}

// ---------------------------------------------------------------------------
// 9. Ids outside the caller's area are not told apart from missing ones

// The body of `r` with `id` written as N, to compare a hidden record's 404
// with a missing one's.
std::string WithoutId(const HttpResponse& r, const std::string& id) {
  std::string body = r.body;
  for (std::size_t p = body.find(id); p != std::string::npos; p = body.find(id, p)) body.replace(p, id.size(), "N");
  return body;
}

TEST_F(HardeningApi, RecordsOutsideTheAreaAnswerExactlyAsMissingOnes) {
  const std::string missing = "987654321";
  struct Probe {
    std::string method;
    std::string path_prefix;  // the id follows
    std::string suffix;
    std::string existing;     // an id outside the caller's area
  };
  const std::vector<Probe> probes = {
      {"GET", "/api/v1/members/", "", luding_member_},
      {"PATCH", "/api/v1/members/", "", luding_member_},
      {"GET", "/api/v1/members/", "/dues", luding_member_},
      {"GET", "/api/v1/orgs/", "", luding_org_},
      {"PATCH", "/api/v1/orgs/", "", luding_org_},
      {"GET", "/api/v1/orgs/", "/officers", luding_org_},
      {"POST", "/api/v1/transfers/", "/confirm", luding_transfer_},
      {"POST", "/api/v1/transfers/", "/cancel", luding_transfer_},
      {"GET", "/api/v1/users/", "", luding_user_},
      {"PATCH", "/api/v1/users/", "", luding_user_},
      {"POST", "/api/v1/officers/", "/end", luding_officer_},
      {"POST", "/api/v1/task-teams/", "/end", luding_team_},
      {"GET", "/api/v1/task-teams/", "/members", luding_team_},
      {"POST", "/api/v1/cards/", "/review", luding_card_},
      {"POST", "/api/v1/pairings/", "/end", luding_pairing_},
      {"GET", "/api/v1/pairings/", "/activities", luding_pairing_},
  };
  for (const Headers* who : {&township_, &cadre_}) {
    Http client(port(), *who);
    for (const Probe& p : probes) {
      SCOPED_TRACE(p.method + " " + p.path_prefix + "{id}" + p.suffix);
      const std::optional<std::string> body =
          p.method == "GET" ? std::nullopt : std::optional<std::string>(json::object().dump());
      const Headers json_type = {{"Content-Type", "application/json"}};
      HttpResponse hidden = client.Request(p.method, p.path_prefix + p.existing + p.suffix, body, json_type);
      HttpResponse absent = client.Request(p.method, p.path_prefix + missing + p.suffix, body, json_type);
      ExpectError(hidden, 404, "not_found", "");
      ExpectError(absent, 404, "not_found", "");
      EXPECT_EQ(WithoutId(hidden, p.existing), WithoutId(absent, missing));
    }
    // An id in the body: the member to transfer.
    HttpResponse hidden = client.PostJson("/api/v1/transfers", {{"member_id", std::stoll(luding_member_)},
                                                                {"to_org_id", std::stoll(org_)}});
    HttpResponse absent = client.PostJson("/api/v1/transfers", {{"member_id", std::stoll(missing)},
                                                                {"to_org_id", std::stoll(org_)}});
    ExpectError(hidden, 404, "not_found", "");
    EXPECT_EQ(WithoutId(hidden, luding_member_), WithoutId(absent, missing));
  }
}

TEST_F(HardeningApi, RecordsTheCallerCanSeeButNotChangeStill403) {
  // A village cadre reads organizations but may not change them.
  Http cadre(port(), cadre_);
  EXPECT_EQ(cadre.Get("/api/v1/orgs/" + org_).status, 200);
  ExpectError(cadre.PatchJson("/api/v1/orgs/" + org_, {{"name", "改不了"}}), 403, "permission_denied", "");
  // A work-team member reads members but may not edit them.
  Http team(port(), team_);
  EXPECT_EQ(team.Get("/api/v1/members/" + member_).status, 200);
  ExpectError(team.PatchJson("/api/v1/members/" + member_, {{"phone", "13900000000"}}), 403, "permission_denied",
              "");
}

}  // namespace
}  // namespace jiceng::apitest
