// Black-box tests of how the server fails: the JSON error shape, messages in
// the caller's language, unknown paths and methods, security headers on
// every response, and robustness against malformed HTTP on a raw socket.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_suite.h"
#include "test_server.h"

namespace jiceng::apitest {
namespace {

using nlohmann::json;

class ErrorsApi : public ApiSuite<ErrorsApi> {
 public:
  static constexpr const char* kSuiteName = "errors_api";

  static void SetUpTestSuite() {
    ApiSuite<ErrorsApi>::SetUpTestSuite();
    if (!server_) return;
    Http http(server_->port());
    HttpResponse r = http.Get("/readyz");
    if (r.status == 200 && r.json.contains("units")) units_at_start_ = r.json["units"];
  }

  // After every bad request of the suite the server is still ready and has
  // written nothing.
  static void TearDownTestSuite() {
    if (server_ && server_->Running()) {
      Http http(server_->port());
      HttpResponse r = http.Get("/readyz");
      EXPECT_EQ(r.status, 200) << r;
      EXPECT_GE(units_at_start_, 0) << "readyz gave no unit count at the start";
      EXPECT_EQ(r.json.value("units", -1LL), units_at_start_)
          << "bad input must not write anything" << r;
    }
    ApiSuite<ErrorsApi>::TearDownTestSuite();
  }

 protected:
  // The server still answers a normal request.
  void ExpectStillServing() {
    HttpResponse r = http().Get("/healthz");
    EXPECT_EQ(r.status, 200) << "the server stopped answering" << r;
    EXPECT_TRUE(server_->Running()) << "the server died: " << server_->ExitDescription() << "\n"
                                    << server_->LogTail();
  }

  static inline long long units_at_start_ = -1;
};

// Requests that fail, each with the status it must fail with. None of them
// echoes user text in its message, so the English message can be CJK-free.
struct FailingRequest {
  std::string method;
  std::string target;
  long status;
};

std::vector<FailingRequest> FailingRequests() {
  return {
      {"GET", "/api/v1/units/abc", 400},
      {"GET", "/api/v1/units/999999", 404},
      {"GET", "/api/v1/units/540424/children?limit=201", 400},
      {"GET", "/api/v1/units?q=" + std::string(51, 'x'), 400},
      {"GET", "/api/v1/nope", 404},
      {"DELETE", "/api/v1/units/540424", 405},
  };
}

// ---------------------------------------------------------------------------
// Shape and language

TEST_F(ErrorsApi, EveryErrorHasTheErrorShape) {
  for (const FailingRequest& f : FailingRequests()) {
    SCOPED_TRACE(f.method + " " + f.target);
    HttpResponse r = http().Request(f.method, f.target, std::nullopt, {});
    EXPECT_EQ(r.status, f.status) << r;
    ExpectErrorShape(r);
  }
}

TEST_F(ErrorsApi, FieldNamesTheOffendingParameter) {
  EXPECT_EQ(http().Get("/api/v1/units/abc").ErrorField(), "code");
  EXPECT_EQ(http().Get("/api/v1/units/540424/children?limit=0").ErrorField(), "limit");
  EXPECT_EQ(http().Get("/api/v1/units/540424/children?offset=-1").ErrorField(), "offset");
  EXPECT_EQ(http().Get("/api/v1/units?q=" + std::string(51, 'x')).ErrorField(), "q");
}

TEST_F(ErrorsApi, MessagesAreChineseByDefault) {
  for (const FailingRequest& f : FailingRequests()) {
    for (const std::string lang : {"", "zh-CN", "zh", "zh-CN,zh;q=0.9,en;q=0.8", "fr"}) {
      SCOPED_TRACE(f.method + " " + f.target + " Accept-Language: " + lang);
      Headers headers;
      if (!lang.empty()) headers.emplace_back("Accept-Language", lang);
      HttpResponse r = http().Request(f.method, f.target, std::nullopt, headers);
      EXPECT_EQ(r.status, f.status) << r;
      EXPECT_TRUE(ContainsCjk(r.ErrorMessage())) << "expected a Chinese message" << r;
    }
  }
}

TEST_F(ErrorsApi, MessagesAreEnglishWhenAskedFor) {
  for (const FailingRequest& f : FailingRequests()) {
    for (const std::string lang : {"en", "en-US,en;q=0.9", "en-GB"}) {
      SCOPED_TRACE(f.method + " " + f.target + " Accept-Language: " + lang);
      HttpResponse r =
          http().Request(f.method, f.target, std::nullopt, {{"Accept-Language", lang}});
      EXPECT_EQ(r.status, f.status) << r;
      const std::string message = r.ErrorMessage();
      EXPECT_FALSE(message.empty()) << r;
      EXPECT_FALSE(ContainsCjk(message)) << "expected an English message" << r;
    }
  }
}

// A 403 names the permission it needed, whole: "Create, edit and disable
// accounts" was cut at its comma to "Create" (issue #14 part 6).
TEST_F(ErrorsApi, PermissionDeniedNamesThePermissionWhole) {
  const std::string password = "Errors-Passw0rd!";
  auto u = http().PostJson("/api/v1/users", {{"username", "errors_township"}, {"display_name", "乡镇工作人员"},
                                             {"unit_code", "540424100"}, {"password", password}});
  ASSERT_EQ(u.status, 201) << u;
  const std::string id = std::to_string(u.json["user"]["id"].get<long long>());
  auto g = http().PostJson("/api/v1/users/" + id + "/roles", {{"role", "township_staff"}, {"unit_code", "540424100"}});
  ASSERT_EQ(g.status, 201) << g;
  std::string why;
  auto staff = SignIn(port(), "errors_township", password, &why);
  ASSERT_TRUE(staff) << why;
  Http client(port(), staff->AuthHeaders());
  // Township staff may read accounts but not create them (users.write).
  const json body = {{"username", "errors_new"}, {"display_name", "新人"}, {"unit_code", "540424100"},
                     {"password", password}};
  auto en = client.PostJson("/api/v1/users", body, {{"Accept-Language", "en"}});
  ExpectError(en, 403, "permission_denied", "");
  EXPECT_NE(en.ErrorMessage().find("\"Create, edit and disable accounts\""), std::string::npos) << en;
  auto zh = client.PostJson("/api/v1/users", body);
  ExpectError(zh, 403, "permission_denied", "");
  EXPECT_NE(zh.ErrorMessage().find("“新建、修改、停用账号”"), std::string::npos) << zh;
}

TEST_F(ErrorsApi, CodeAndFieldDoNotDependOnLanguage) {
  for (const FailingRequest& f : FailingRequests()) {
    SCOPED_TRACE(f.method + " " + f.target);
    HttpResponse zh =
        http().Request(f.method, f.target, std::nullopt, {{"Accept-Language", "zh-CN"}});
    HttpResponse en = http().Request(f.method, f.target, std::nullopt, {{"Accept-Language", "en"}});
    EXPECT_EQ(zh.status, en.status);
    EXPECT_EQ(zh.ErrorCode(), en.ErrorCode());
    EXPECT_EQ(zh.ErrorField(), en.ErrorField());
    EXPECT_NE(zh.ErrorMessage(), en.ErrorMessage());
  }
}

TEST_F(ErrorsApi, UnauthenticatedIsAJsonErrorInTheCallersLanguage) {
  Http anonymous = Anonymous();
  for (const std::string target : {"/api/v1/units/540424", "/api/v1/units/abc", "/api/v1/units"}) {
    SCOPED_TRACE(target);
    HttpResponse zh = anonymous.Get(target);
    ExpectUnauthenticated(zh);
    EXPECT_TRUE(ContainsCjk(zh.ErrorMessage())) << "expected a Chinese message" << zh;
    HttpResponse en = anonymous.Get(target, {{"Accept-Language", "en"}});
    ExpectUnauthenticated(en);
    EXPECT_FALSE(ContainsCjk(en.ErrorMessage())) << "expected an English message" << en;
    EXPECT_NE(zh.ErrorMessage(), en.ErrorMessage());
  }
  // A write without credentials is refused the same way.
  ExpectUnauthenticated(
      anonymous.PostJson("/api/v1/units/540424100201/groups", {{"name", "匿名小组"}}));
}

// ---------------------------------------------------------------------------
// Routing

TEST_F(ErrorsApi, UnknownPathIsAJsonNotFound) {
  for (const std::string target : {"/api/v1/nope", "/api/v1/units/540424/nope", "/api/v2/units",
                                   "/api/v1/units/540424/children/extra"}) {
    SCOPED_TRACE(target);
    HttpResponse r = http().Get(target);
    EXPECT_EQ(r.status, 404) << r;
    ExpectErrorShape(r);
  }
}

TEST_F(ErrorsApi, WrongMethodIs405WithAllow) {
  struct Case {
    std::string method;
    std::string target;
    std::string allowed;  // one method the Allow header must list
  };
  for (const Case& c : std::vector<Case>{
           {"DELETE", "/api/v1/units/540424", "GET"},
           {"PUT", "/api/v1/units/540424", "GET"},
           {"DELETE", "/api/v1/units/540424/children", "GET"},
           {"DELETE", "/api/v1/units", "GET"},
           {"GET", "/api/v1/units/540424/retire", "POST"},
       }) {
    SCOPED_TRACE(c.method + " " + c.target);
    HttpResponse r = http().Request(c.method, c.target, std::nullopt, {});
    EXPECT_EQ(r.status, 405) << r;
    ExpectErrorShape(r);
    const auto allow = r.Header("Allow");
    ASSERT_TRUE(allow.has_value()) << "405 without an Allow header" << r;
    EXPECT_NE(allow->find(c.allowed), std::string::npos) << "Allow: " << *allow << r;
    EXPECT_EQ(allow->find(c.method), std::string::npos)
        << "Allow lists the refused method: " << *allow << r;
  }
  // The unit itself was not deleted.
  EXPECT_EQ(http().Get("/api/v1/units/540424").status, 200);
}

// ---------------------------------------------------------------------------
// Headers on every response

TEST_F(ErrorsApi, SecurityHeadersOnEveryKindOfResponse) {
  std::vector<HttpResponse> responses = {
      http().Get("/healthz"),
      http().Get("/readyz"),
      http().Get("/api/v1/units/540424"),
      http().Get("/api/v1/units/540424/children"),
      http().Get("/api/v1/units?q=540424"),
      http().Get("/api/v1/units/abc"),
      http().Get("/api/v1/nope"),
      http().Delete("/api/v1/units/540424"),
      http().Post("/api/v1/units/540424100201/groups", "{bad", "application/json"),
      http().Post("/api/v1/units/540424100201/groups", "{}", "text/plain"),
      Anonymous().Get("/api/v1/units/540424"),
      Anonymous().PostJson("/api/v1/units/540424100201/groups", {{"name", "匿名小组"}}),
  };
  for (const HttpResponse& r : responses) {
    SCOPED_TRACE(r.request);
    EXPECT_EQ(r.Header("X-Content-Type-Options").value_or(""), "nosniff") << r;
    EXPECT_NE(r.Header("Content-Security-Policy").value_or("").find("frame-ancestors"),
              std::string::npos)
        << r;
    EXPECT_NE(r.Header("Content-Type").value_or("").find("application/json"), std::string::npos)
        << r;
  }
}

// ---------------------------------------------------------------------------
// Malformed HTTP on a raw socket

TEST_F(ErrorsApi, MalformedRequestsDoNotCrashTheServer) {
  struct Case {
    std::string bytes;
    bool must_refuse;  // a parser must reject it (4xx or close); else any non-5xx
  };
  const std::vector<Case> cases = {
      {"GARBAGE\r\n\r\n", true},
      {"GET\r\n\r\n", true},
      {std::string("\x00\x01\x02\xff\xfe\r\n\r\n", 8), true},
      {"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n", true},
      {"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n", true},
      // Signed in, so that only the malformation can be what is refused.
      {"POST /api/v1/units/540424100201/groups HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
           RawAuthHeaderLines() +
           "Content-Type: application/json\r\nContent-Length: -5\r\n\r\n{}",
       true},
      {"POST /api/v1/units/540424100201/groups HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
           RawAuthHeaderLines() +
           "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nxx\r\n\r\n",
       true},
      // An HTTP/0.9-style request line: a lenient parser may serve it.
      {"GET /healthz\r\n\r\n", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.bytes));
    RawResult raw = RawExchange(port(), c.bytes);
    ASSERT_TRUE(raw.error.empty()) << raw.error;
    const int status = raw.Status();
    EXPECT_LT(status, 500) << raw.received;
    if (c.must_refuse) {
      EXPECT_TRUE(status == 0 || (status >= 400 && status < 500))
          << "expected a 4xx or a closed connection, got:\n"
          << raw.received;
    }
    EXPECT_TRUE(raw.closed || status != 0)
        << "the server neither answered nor closed the connection within 10 s";
    ExpectStillServing();
  }
}

TEST_F(ErrorsApi, OversizeHeaderIsRefused) {
  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(64 * 1024, 'a') +
      "\r\n\r\n";
  RawResult raw = RawExchange(port(), request);
  ASSERT_TRUE(raw.error.empty()) << raw.error;
  const int status = raw.Status();
  EXPECT_TRUE((status >= 400 && status < 500) || (status == 0 && raw.closed))
      << "expected a 4xx or a closed connection, got status " << status
      << (raw.timed_out ? " (timed out)" : "") << ":\n"
      << raw.received.substr(0, 500);
  ExpectStillServing();
}

TEST_F(ErrorsApi, ManySmallHeadersAreRefusedLikeOneBigOne) {
  // ~130 KiB of headers in 2000 fields of 60 bytes each.
  std::string many = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 2000; ++i)
    many += "X-H" + std::to_string(i) + ": " + std::string(60, 'b') + "\r\n";
  many += "\r\n";
  RawResult raw_many = RawExchange(port(), many);
  const int status_many = raw_many.Status();
  EXPECT_TRUE((status_many >= 400 && status_many < 500) || (status_many == 0 && raw_many.closed))
      << "expected a 4xx or a closed connection for ~130 KiB of headers, got status " << status_many
      << ":\n"
      << raw_many.received.substr(0, 500);
  ExpectStillServing();
}

TEST_F(ErrorsApi, ATruncatedBodyWritesNothing) {
  HttpResponse villages = http().Get("/api/v1/units/540424100/children");
  ASSERT_EQ(villages.status, 200) << villages;
  ASSERT_FALSE(villages.json["items"].empty()) << villages;
  const std::string village = villages.json["items"][0]["code"];

  // Promise 100 bytes, send a few, hang up (signed in, so that only the
  // truncation stands between the request and a write).
  const std::string request = "POST /api/v1/units/" + village +
                              "/groups HTTP/1.1\r\nHost: 127.0.0.1\r\n" + RawAuthHeaderLines() +
                              "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                              R"({"name":"半截小组")";
  RawResult raw = RawExchange(port(), request, std::chrono::milliseconds(500));
  ASSERT_TRUE(raw.error.empty()) << raw.error;
  ExpectStillServing();

  HttpResponse children = http().Get("/api/v1/units/" + village + "/children?include_retired=true");
  ASSERT_EQ(children.status, 200) << children;
  EXPECT_EQ(children.json["total"], 0) << children;
}

TEST_F(ErrorsApi, ReadyAfterAllTheAbuse) {
  // Run last in this file; the suite's teardown checks the unit count too.
  HttpResponse r = http().Get("/readyz");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.json.value("status", ""), "ready") << r;
  EXPECT_EQ(r.json.value("units", -1LL), units_at_start_) << r;
}

}  // namespace
}  // namespace jiceng::apitest
