// Test-suite fixture for the black-box API tests: one `jiceng serve` per
// suite, on the suite's own copy of the imported template database, plus
// assertions on the shapes the HTTP contract promises.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "test_server.h"

namespace jiceng::apitest {

// CRTP so that each suite (Derived) has its own static server.
// Derived declares `static constexpr const char* kSuiteName = "...";`.
//
// The server requires sign-in for everything but /healthz, /readyz and
// POST /api/v1/session: the suite signs in once as the administrator of the
// template database, and http() / Client() send its session cookie and
// X-CSRF-Token with every request. Anonymous() sends neither.
template <typename Derived>
class ApiSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    start_error_.clear();
    session_ = Session{};
    server_ = StartSuiteServer(Derived::kSuiteName, &start_error_);
    if (!server_) return;
    std::optional<Session> signed_in =
        SignIn(server_->port(), AdminUsername(), AdminPassword(), &start_error_);
    if (!signed_in) {
      start_error_ = "the suite " + std::string(Derived::kSuiteName) +
                     " could not sign in as the administrator: " + start_error_ +
                     "\nserver log:\n" + server_->LogTail();
      server_.reset();
      return;
    }
    session_ = std::move(*signed_in);
  }

  static void TearDownTestSuite() {
    if (!server_) return;
    // Nothing in a suite may have crashed the server.
    EXPECT_TRUE(server_->Running()) << "the server died during " << Derived::kSuiteName << ": "
                                    << server_->ExitDescription() << "\nserver log:\n"
                                    << server_->LogTail();
    const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    if (suite != nullptr && suite->failed_test_count() > 0) {
      std::cout << "[ api_test ] server log of " << Derived::kSuiteName << " ("
                << server_->log_file().string() << "):\n"
                << server_->LogTail(4000) << "\n";
    }
    server_.reset();
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr) << start_error_;
    ASSERT_TRUE(server_->Running())
        << "the server is gone: " << server_->ExitDescription() << "\nserver log:\n"
        << server_->LogTail();
    http_.emplace(server_->port(), session_.AuthHeaders());
  }

  // Signed in as the administrator.
  Http& http() { return *http_; }
  // Another signed-in client (for other threads).
  static Http Client() { return Http(server_->port(), session_.AuthHeaders()); }
  // Neither cookie nor CSRF token.
  static Http Anonymous() { return Http(server_->port()); }
  int port() const { return server_->port(); }
  // "Cookie: ...\r\nX-CSRF-Token: ...\r\n", for raw requests.
  static std::string RawAuthHeaderLines() {
    std::string lines;
    for (const auto& [k, v] : session_.AuthHeaders()) lines += k + ": " + v + "\r\n";
    return lines;
  }

  static inline std::unique_ptr<TestServer> server_;
  static inline std::string start_error_;  // why server_ is null
  static inline Session session_;          // the administrator's session
  std::optional<Http> http_;
};

inline const std::set<std::string>& Levels() {
  static const std::set<std::string> kLevels = {"province", "township", "prefecture",
                                                "village",  "county",   "group"};
  return kLevels;
}

// Every member of the unit object, with its JSON type.
inline void ExpectUnitShape(const nlohmann::json& u) {
  ASSERT_TRUE(u.is_object()) << u.dump();
  for (const char* key : {"code", "name", "display_name", "level", "level_zh"}) {
    ASSERT_TRUE(u.contains(key) && u[key].is_string())
        << key << " missing or not a string in " << u.dump();
  }
  for (const char* key : {"retired", "user_defined", "placeholder"}) {
    ASSERT_TRUE(u.contains(key) && u[key].is_boolean())
        << key << " missing or not a bool in " << u.dump();
  }
  for (const char* key : {"version", "child_count"}) {
    ASSERT_TRUE(u.contains(key) && u[key].is_number_integer())
        << key << " missing or not an integer in " << u.dump();
  }
  ASSERT_TRUE(u.contains("parent_code")) << "parent_code missing in " << u.dump();
  const std::string level = u["level"].get<std::string>();
  EXPECT_TRUE(Levels().count(level)) << "unknown level " << level << " in " << u.dump();
  if (level == "province") {
    EXPECT_TRUE(u["parent_code"].is_null() || u["parent_code"].is_string()) << u.dump();
  } else {
    ASSERT_TRUE(u["parent_code"].is_string()) << u.dump();
    const std::string code = u["code"].get<std::string>();
    const std::string parent = u["parent_code"].get<std::string>();
    EXPECT_EQ(code.rfind(parent, 0), 0u) << "code does not extend parent_code: " << u.dump();
  }
  EXPECT_FALSE(u["level_zh"].get<std::string>().empty()) << u.dump();
  EXPECT_FALSE(u["display_name"].get<std::string>().empty()) << u.dump();
  EXPECT_GE(u["version"].get<long long>(), 1) << u.dump();
  EXPECT_GE(u["child_count"].get<long long>(), 0) << u.dump();
}

// {"error":{"code":"...","message":"...","field":"..."}} with a non-empty
// code and message; field, when present, a string.
inline void ExpectErrorShape(const HttpResponse& r) {
  ASSERT_TRUE(r.IsJson()) << "error body is not JSON" << r;
  ASSERT_TRUE(r.json.is_object() && r.json.contains("error") && r.json["error"].is_object())
      << "no error object" << r;
  const auto& e = r.json["error"];
  ASSERT_TRUE(e.contains("code") && e["code"].is_string()) << r;
  ASSERT_TRUE(e.contains("message") && e["message"].is_string()) << r;
  EXPECT_FALSE(e["code"].get<std::string>().empty()) << r;
  EXPECT_FALSE(e["message"].get<std::string>().empty()) << r;
  if (e.contains("field")) {
    EXPECT_TRUE(e["field"].is_string() || e["field"].is_null()) << r;
  }
  const auto type = r.Header("Content-Type");
  EXPECT_TRUE(type && type->find("application/json") != std::string::npos)
      << "error Content-Type is " << (type ? *type : "none") << r;
}

// A 4xx with the error shape, the given status and (if non-empty) error
// code and field.
inline void ExpectError(const HttpResponse& r, long status, const std::string& code,
                        const std::string& field) {
  EXPECT_EQ(r.status, status) << r;
  ExpectErrorShape(r);
  if (!code.empty()) {
    EXPECT_EQ(r.ErrorCode(), code) << r;
  }
  if (!field.empty()) {
    EXPECT_EQ(r.ErrorField(), field) << r;
  }
}

// A 401 "unauthenticated" error, as every route but the public ones answers
// without credentials.
inline void ExpectUnauthenticated(const HttpResponse& r) {
  ExpectError(r, 401, "unauthenticated", "");
}

inline std::vector<std::string> Codes(const nlohmann::json& items) {
  std::vector<std::string> out;
  for (const auto& u : items) out.push_back(u.value("code", std::string()));
  return out;
}

}  // namespace jiceng::apitest
