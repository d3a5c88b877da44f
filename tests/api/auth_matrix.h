// The authorization matrix's fixture (tests/api/auth_api_test.cc): users of
// every role, villages inside and outside their area, and the rules that say
// how to call each route. The rules live in one file per domain under
// tests/api/matrix/.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api_suite.h"
#include "test_server.h"

namespace jiceng::apitest {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using WallClock = std::chrono::system_clock;

constexpr const char* kBomi = "540424";
constexpr const char* kZhamu = "540424100";
constexpr const char* kLuding = "513322";

// A date safely in the past, for dates the server wants no later than today.
constexpr const char* kPastDate = "2025-06-01";
// A year safely in the past, for yearly reviews.
constexpr int kPastYear = 2025;

// The password of every account this file creates.
inline const std::string kPassword = "Matrix-Passw0rd!";

inline std::string UnitPath(const std::string& code) { return "/api/v1/units/" + code; }
inline std::string UserPath(const std::string& id) { return "/api/v1/users/" + id; }

inline bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

inline std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The id of a JSON object's "id" member as text ("" when absent).
inline std::string IdOf(const json& j) {
  if (!j.is_object() || !j.contains("id")) return "";
  return j["id"].is_number_integer() ? std::to_string(j["id"].get<long long>())
                                     : j["id"].get<std::string>();
}

// "2026-11-23T08:30:00Z" -> time point (nullopt when malformed).
inline std::optional<WallClock::time_point> ParseIso(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  if (in.fail()) return std::nullopt;
  return WallClock::from_time_t(timegm(&tm));
}

// Every response carries the security headers, whatever its status.
inline void ExpectSecurityHeaders(const HttpResponse& r) {
  EXPECT_EQ(r.Header("X-Content-Type-Options").value_or(""), "nosniff") << r;
  EXPECT_NE(r.Header("Content-Security-Policy").value_or("").find("frame-ancestors 'none'"),
            std::string::npos)
      << r;
  EXPECT_EQ(r.Header("X-Frame-Options").value_or(""), "DENY") << r;
  EXPECT_EQ(r.Header("Referrer-Policy").value_or(""), "no-referrer") << r;
  EXPECT_NE(r.Header("Cache-Control").value_or("").find("no-store"), std::string::npos) << r;
}

// An error body gives away nothing of the inside: no SQL, no database
// engine, no exception or stack trace.
inline void ExpectNoInternals(const HttpResponse& r) {
  for (const char* word : {"SELECT", "INSERT", "UPDATE ", "DELETE FROM", " WHERE "}) {
    EXPECT_EQ(r.body.find(word), std::string::npos) << "SQL text in a response" << r;
  }
  const std::string lower = Lower(r.body);
  for (const char* word : {"sqlite", "syntax error", "constraint", "stack trace", "exception",
                           "what()", "terminate called", "handler threw", "backtrace"}) {
    EXPECT_EQ(lower.find(word), std::string::npos)
        << "internals (\"" << word << "\") in a response" << r;
  }
}

// ---------------------------------------------------------------------------
// The fixture: users of every role, villages inside and outside their area,
// a villager group in each, and target accounts homed inside and outside.

// One user per role of definitions/roles.yaml, created with the CLI.
struct RoleUser {
  std::string role;
  std::string username;
  std::string grant_unit;  // "" for a nationwide grant
  std::string home_unit;   // "" for none
  // Where "inside" requests of this user point: a village inside its area,
  // a villager group of that village and an account homed in it.
  std::string village;
  std::string group;
  std::string target_user_id;
  std::string target_username;
  // A party branch in that village, a second one (a destination for
  // transfers and merges), and a member of the first, by name.
  std::string org_id;
  std::string org_b_id;
  std::string member_id;
  std::string member_name;
  // Filled after sign-in.
  Session session;
  std::set<std::string> permissions;  // per GET /api/v1/roles
  bool nationwide() const { return grant_unit.empty(); }
};

// One request of the matrix.
struct MatrixRequest {
  MatrixRequest(std::string target_in, std::optional<json> body_in = std::nullopt,
                std::optional<Headers> credentials_in = std::nullopt, long ok_status_in = 0)
      : target(std::move(target_in)),
        body(std::move(body_in)),
        credentials(std::move(credentials_in)),
        ok_status(ok_status_in) {}

  std::string target;              // path and query
  std::optional<json> body;        // JSON body; nullopt: none
  std::optional<std::string> file;  // instead of `body`: a file upload (text/csv)
  std::optional<Headers> credentials;  // instead of the user's session (e.g. a throwaway one)
  long ok_status = 0;              // the status when allowed (0: any but 401/403)
  std::string must_contain;        // when allowed: the body names this
  std::string must_not_contain;    // when allowed and the user is not nationwide: it does not
  // Runs after the request with whether the server should have let it
  // through: checks the effect, cleans up.
  std::function<void(const HttpResponse&, bool allowed)> after;
};

// How to build the requests of one route for one user: inside the user's
// area, and (scoped routes, and unscoped lists that filter by area)
// pointing at 泸定县, outside it.
struct MatrixRule {
  std::function<MatrixRequest(const RoleUser&)> inside;
  std::function<MatrixRequest(const RoleUser&)> outside;  // empty: nothing "outside" to ask for
};
using MatrixRules = std::map<std::string, MatrixRule>;


class AuthApi : public ApiSuite<AuthApi> {
 public:
  static constexpr const char* kSuiteName = "auth_api";

  static void SetUpTestSuite() {
    ApiSuite<AuthApi>::SetUpTestSuite();
    setup_error_.clear();
    if (!server_) return;
    const auto started = Clock::now();
    setup_error_ = Prepare();
    std::cout << "[ api_test ] auth_api fixture ready in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)
                     .count()
              << " ms\n";
  }

  static void TearDownTestSuite() {
    role_users_.clear();
    ApiSuite<AuthApi>::TearDownTestSuite();
  }

 protected:
  void SetUp() override {
    ApiSuite<AuthApi>::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(setup_error_.empty()) << "the auth_api fixture failed: " << setup_error_;
  }

  // A fresh name for a group, account or token.
  static std::string Unique(const std::string& stem) {
    return stem + std::to_string(++counter_);
  }

  // Creates an account as the administrator; returns its id ("" and an
  // error in *why on failure).
  static std::string CreateUser(Http& admin, const std::string& username, const std::string& unit,
                                std::string* why, const std::string& phone = "",
                                const std::string& display_name = "") {
    json body = {{"username", username},
                 {"display_name", display_name.empty() ? username : display_name},
                 {"password", kPassword}};
    if (!unit.empty()) body["unit_code"] = unit;
    if (!phone.empty()) body["phone"] = phone;
    HttpResponse r = admin.PostJson("/api/v1/users", body);
    if (r.status != 201 || !r.json.contains("user")) {
      std::ostringstream out;
      out << "creating the account " << username << " failed" << r;
      *why += out.str();
      return "";
    }
    return IdOf(r.json["user"]);
  }

  // Adds a villager group as the administrator; its code, or "".
  static std::string CreateGroup(Http& admin, const std::string& village, std::string* why) {
    HttpResponse r = admin.PostJson(UnitPath(village) + "/groups", {{"name", Unique("夹具小组")}});
    if (r.status != 201) {
      std::ostringstream out;
      out << "adding a group under " << village << " failed" << r;
      *why += out.str();
      return "";
    }
    return r.json["unit"]["code"];
  }

  // A party branch (党支部) at `unit`, made by the administrator; its id or "".
  static std::string CreateOrg(Http& admin, const std::string& unit, std::string* why) {
    HttpResponse r = admin.PostJson("/api/v1/orgs", {{"unit_code", unit},
                                                     {"kind", "branch"},
                                                     {"name", Unique("中共夹具党支部")},
                                                     {"established_on", "2020-01-01"}});
    if (r.status != 201) {
      std::ostringstream out;
      out << "creating an organization at " << unit << " failed" << r;
      *why += out.str();
      return "";
    }
    return IdOf(r.json.value("org", json::object()));
  }

  // A member (an applicant since 2020) of organization `org`; its id or "".
  static std::string CreateMember(Http& admin, const std::string& org, const std::string& name,
                                  std::string* why) {
    HttpResponse r = admin.PostJson("/api/v1/members", {{"org_id", std::stoll(org.empty() ? "0" : org)},
                                                        {"name", name},
                                                        {"gender", "female"},
                                                        {"birth_date", "1985-03-08"},
                                                        {"stage", "applicant"},
                                                        {"stage_since", "2020-01-01"},
                                                        {"situation", "rural_labour"}});
    if (r.status != 201) {
      std::ostringstream out;
      out << "creating the member " << name << " failed" << r;
      *why += out.str();
      return "";
    }
    return IdOf(r.json.value("member", json::object()));
  }

  // The codes of the children of `code` at `level`, in listing order.
  static std::vector<std::string> ChildrenAt(Http& http, const std::string& code,
                                             const std::string& level) {
    std::vector<std::string> out;
    HttpResponse r = http.Get(UnitPath(code) + "/children?limit=200");
    if (r.status != 200) return out;
    for (const json& u : r.json["items"]) {
      if (u.value("level", "") == level) out.push_back(u["code"]);
    }
    return out;
  }

  static std::string Prepare() {
    Http admin = Client();
    std::string why;

    // Villages: the first two of 扎木镇, and one of 泸定县's first town.
    std::vector<std::string> zhamu = ChildrenAt(admin, kZhamu, "village");
    if (zhamu.size() < 2) return "扎木镇 (540424100) should have at least two villages";
    village1_ = zhamu[0];
    village2_ = zhamu[1];
    std::vector<std::string> luding_towns = ChildrenAt(admin, kLuding, "township");
    if (luding_towns.empty()) return "泸定县 (513322) should have towns";
    std::vector<std::string> luding_villages = ChildrenAt(admin, luding_towns[0], "village");
    if (luding_villages.empty()) return "the first town of 泸定县 should have villages";
    luding_village_ = luding_villages[0];

    // The role users, with the CLI as the brief of the accounts feature
    // says an operator would; two commands at a time (the CLI loads the
    // whole unit tree, so each takes a second or two). Meanwhile the
    // administrator creates the rest through the API.
    struct Spec {
      std::string role, grant_unit, home_unit, village;
    };
    const std::vector<Spec> specs = {
        {"system_admin", "", "", village1_},
        {"org_department", kBomi, kBomi, village1_},
        {"township_staff", kZhamu, kZhamu, village1_},
        {"village_cadre", village1_, village1_, village1_},
        {"work_team", village2_, village2_, village2_},
        {"auditor", kBomi, kBomi, village1_},
    };
    const std::string db = server_->db();
    std::vector<std::vector<std::pair<std::vector<std::string>, std::string>>> chains;
    for (const Spec& s : specs) {
      RoleUser u;
      u.role = s.role;
      u.username = "r." + s.role;
      u.grant_unit = s.grant_unit;
      u.home_unit = s.home_unit;
      u.village = s.village;
      role_users_.push_back(u);
      std::vector<std::pair<std::vector<std::string>, std::string>> chain;
      if (s.role == "system_admin") {
        chain.push_back({{"user", "add", u.username, "--admin", "--password-stdin", "--db", db},
                         kPassword + "\n"});
      } else {
        chain.push_back({{"user", "add", u.username, "--display-name", "角色 " + s.role, "--unit",
                          s.home_unit, "--password-stdin", "--db", db},
                         kPassword + "\n"});
        chain.push_back({{"user", "grant", u.username, s.role, s.grant_unit, "--db", db}, ""});
      }
      chains.push_back(std::move(chain));
    }
    // The route table, from a copy of the template as the server would load it.
    std::string copy_error;
    const std::string routes_db = CopyTemplateDb("auth_routes", &copy_error);
    if (routes_db.empty()) return "copying the template for `jiceng routes`: " + copy_error;
    CommandResult routes_result;
    chains.push_back({{{"routes", "--db", routes_db}, ""}});
    const std::size_t routes_chain = chains.size() - 1;

    std::mutex mutex;
    std::string cli_errors;
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t i = next++; i < chains.size(); i = next++) {
        for (const auto& [args, input] : chains[i]) {
          CommandResult r = RunJiceng(args, input);
          std::lock_guard lock(mutex);
          if (i == routes_chain) routes_result = r;
          if (r.exit_code != 0) {
            std::ostringstream out;
            out << "\n`jiceng` failed:" << r;
            cli_errors += out.str();
            break;
          }
        }
      }
    };
    std::thread w1(worker), w2(worker);

    // Meanwhile: villager groups in both villages of the area and in
    // Luding, and accounts homed inside (each village) and outside.
    group1_ = CreateGroup(admin, village1_, &why);
    group2_ = CreateGroup(admin, village2_, &why);
    luding_group_ = CreateGroup(admin, luding_village_, &why);
    inside1_ = {CreateUser(admin, "target.in1", village1_, &why), "target.in1"};
    inside2_ = {CreateUser(admin, "target.in2", village2_, &why), "target.in2"};
    outside_ = {CreateUser(admin, "target.out", luding_village_, &why), "target.out"};
    // Accounts of the scenario tests below.
    for (const char* name : {"lock.user", "sess.user", "pw.user", "token.free"}) {
      CreateUser(admin, name, village1_, &why);
    }
    phone_user_id_ = CreateUser(admin, "phone.user", village1_, &why, kPhone, kPhoneUserName);
    // Party organizations and members: two branches in each village of the
    // area and in Luding, and a member of the first of each.
    org1_ = CreateOrg(admin, village1_, &why);
    org1b_ = CreateOrg(admin, village1_, &why);
    org2_ = CreateOrg(admin, village2_, &why);
    org2b_ = CreateOrg(admin, village2_, &why);
    luding_org_ = CreateOrg(admin, luding_village_, &why);
    luding_org_b_ = CreateOrg(admin, luding_village_, &why);
    member1_ = {CreateMember(admin, org1_, "扎木党员甲", &why), "扎木党员甲"};
    member2_ = {CreateMember(admin, org2_, "扎木党员乙", &why), "扎木党员乙"};
    luding_member_ = {CreateMember(admin, luding_org_, "泸定党员丙", &why), "泸定党员丙"};
    w1.join();
    w2.join();
    std::error_code ec;
    fs::remove(routes_db, ec);
    if (!cli_errors.empty()) return cli_errors;
    if (!why.empty()) return why;

    routes_ = json::parse(routes_result.out, nullptr, false);
    if (!routes_.is_array() || routes_.empty()) {
      std::ostringstream out;
      out << "`jiceng routes` did not print a JSON array of routes" << routes_result;
      return out.str();
    }

    // What each role may do, as the server says.
    HttpResponse roles = admin.Get("/api/v1/roles");
    if (roles.status != 200 || !roles.json.contains("items")) {
      std::ostringstream out;
      out << "GET /api/v1/roles failed" << roles;
      return out.str();
    }
    roles_ = roles.json;
    for (RoleUser& u : role_users_) {
      bool found = false;
      for (const json& r : roles.json["items"]) {
        if (r.value("id", "") != u.role) continue;
        found = true;
        for (const json& p : r["permissions"]) u.permissions.insert(p.get<std::string>());
      }
      if (!found) return "GET /api/v1/roles does not list the role " + u.role;
      const auto& target = u.village == village2_ ? inside2_ : inside1_;
      u.group = u.village == village2_ ? group2_ : group1_;
      u.target_user_id = target.first;
      u.target_username = target.second;
      const bool second = u.village == village2_;
      u.org_id = second ? org2_ : org1_;
      u.org_b_id = second ? org2b_ : org1b_;
      u.member_id = second ? member2_.first : member1_.first;
      u.member_name = second ? member2_.second : member1_.second;
      std::optional<Session> s = SignIn(server_->port(), u.username, kPassword, &why);
      if (!s) return why;
      u.session = *s;
    }
    return "";
  }

  static RoleUser& User(const std::string& role) {
    for (RoleUser& u : role_users_) {
      if (u.role == role) return u;
    }
    throw std::logic_error("no role user " + role);
  }

  static constexpr const char* kPhone = "13912345678";
  static constexpr const char* kPhoneUserName = "审计张三丰";

  static inline std::string setup_error_;
  static inline std::atomic<int> counter_{0};
  static inline std::string village1_, village2_, luding_village_;
  static inline std::string group1_, group2_, luding_group_;
  static inline std::pair<std::string, std::string> inside1_, inside2_, outside_;  // id, username
  static inline std::string phone_user_id_;
  static inline std::string org1_, org1b_, org2_, org2b_, luding_org_, luding_org_b_;
  static inline std::pair<std::string, std::string> member1_, member2_, luding_member_;  // id, name
  static inline std::vector<RoleUser> role_users_;
  static inline json routes_;
  static inline json roles_;

  // ---- the authorization matrix ----

  // A throwaway session of `user`, separate from the one the matrix uses.
  Session FreshSession(const RoleUser& user) {
    std::string why;
    std::optional<Session> s = SignIn(port(), user.username, kPassword, &why);
    EXPECT_TRUE(s.has_value()) << why;
    return s.value_or(Session{});
  }

  // The id of the session behind `s`, as GET /api/v1/sessions lists it.
  std::string SessionId(const Session& s) {
    HttpResponse r = Http(port(), s.AuthHeaders()).Get("/api/v1/sessions");
    EXPECT_EQ(r.status, 200) << r;
    for (const json& item : r.json.value("items", json::array())) {
      if (item.value("current", false)) return IdOf(item);
    }
    ADD_FAILURE() << "no current session listed" << r;
    return "0";
  }

  // A session cookie still works / no longer works.
  void ExpectSessionAlive(const Session& s, bool alive) {
    HttpResponse r = Http(port(), s.AuthHeaders()).Get("/api/v1/session");
    if (alive) {
      EXPECT_EQ(r.status, 200) << "the session should still work" << r;
    } else {
      ExpectUnauthenticated(r);
    }
  }

  // A villager group made by the administrator just to be acted on.
  std::string ThrowawayGroup(const std::string& village, bool retired) {
    HttpResponse g = http().PostJson(UnitPath(village) + "/groups", {{"name", Unique("一次性小组")}});
    EXPECT_EQ(g.status, 201) << g;
    const std::string code = g.json["unit"].value("code", "0");
    if (retired) {
      HttpResponse r = http().Post(UnitPath(code) + "/retire", "", "");
      EXPECT_EQ(r.status, 200) << r;
    }
    return code;
  }

  // A grant of the role "work_team" on `unit` (a village) to `user_id`, made by the administrator.
  std::string ThrowawayGrant(const std::string& user_id, const std::string& unit) {
    HttpResponse r =
        http().PostJson(UserPath(user_id) + "/roles", {{"role", "work_team"}, {"unit_code", unit}});
    EXPECT_EQ(r.status, 201) << r;
    return IdOf(r.json.value("role", json::object()));
  }

  void RevokeAsAdmin(const std::string& user_id, const std::string& grant_id) {
    HttpResponse r = http().Delete(UserPath(user_id) + "/roles/" + grant_id);
    EXPECT_EQ(r.status, 204) << r;
  }

  // Organizations, members, transfers and cards made by the administrator
  // just to be acted on (dissolved, merged, advanced, transferred, reviewed).
  std::string ThrowawayOrg(const std::string& village) {
    std::string why;
    const std::string id = CreateOrg(http(), village, &why);
    EXPECT_TRUE(why.empty()) << why;
    return id.empty() ? "0" : id;
  }
  std::string ThrowawayMember(const std::string& org) {
    std::string why;
    const std::string id = CreateMember(http(), org, Unique("临时党员"), &why);
    EXPECT_TRUE(why.empty()) << why;
    return id.empty() ? "0" : id;
  }
  std::string ThrowawayTransfer(const std::string& from_org, const std::string& to_org) {
    const std::string member = ThrowawayMember(from_org);
    HttpResponse r = http().PostJson(
        "/api/v1/transfers", {{"member_id", std::stoll(member)}, {"to_org_id", std::stoll(to_org)}});
    EXPECT_EQ(r.status, 201) << r;
    const std::string id = IdOf(r.json.value("transfer", json::object()));
    return id.empty() ? "0" : id;
  }
  std::string ThrowawayCard(const std::string& org) {
    const std::string member = ThrowawayMember(org);
    HttpResponse r =
        http().PostJson("/api/v1/members/" + member + "/cards", {{"number", Unique("JC-")}});
    EXPECT_EQ(r.status, 201) << r;
    const std::string id = IdOf(r.json.value("card", json::object()));
    return id.empty() ? "0" : id;
  }
  // Officers, pairings and task teams made by the administrator just to be
  // acted on (terms ended, pairings ended or given activities, teams joined).
  std::string ThrowawayFullMember(const std::string& org) {
    HttpResponse r = http().PostJson("/api/v1/members", {{"org_id", std::stoll(org)},
                                                         {"name", Unique("任职党员")},
                                                         {"gender", "male"},
                                                         {"birth_date", "1975-05-05"},
                                                         {"stage", "full"},
                                                         {"stage_since", "2001-07-01"},
                                                         {"situation", "rural_labour"}});
    EXPECT_EQ(r.status, 201) << r;
    const std::string id = IdOf(r.json.value("member", json::object()));
    return id.empty() ? "0" : id;
  }
  std::string ThrowawayOfficer(const std::string& org) {
    HttpResponse r = http().PostJson("/api/v1/orgs/" + org + "/officers",
                                     {{"member_id", std::stoll(ThrowawayFullMember(org))},
                                      {"position", "committee_member"},
                                      {"term_start", "2024-01-01"},
                                      {"term_end", "2028-12-31"}});
    EXPECT_EQ(r.status, 201) << r;
    const std::string id = IdOf(r.json.value("officer", json::object()));
    return id.empty() ? "0" : id;
  }
  // A pairing of `org` with a new organization in `village`.
  std::string ThrowawayPairing(const std::string& village, const std::string& org) {
    HttpResponse r = http().PostJson("/api/v1/pairings", {{"org_id", std::stoll(ThrowawayOrg(village))},
                                                          {"partner_org_id", std::stoll(org)},
                                                          {"kind", "adjacent_area"},
                                                          {"starts_on", "2024-01-01"}});
    EXPECT_EQ(r.status, 201) << r;
    const std::string id = IdOf(r.json.value("pairing", json::object()));
    return id.empty() ? "0" : id;
  }
  // A task team of `org`; with `member`, who joined it on 2024-06-01.
  std::string ThrowawayTeam(const std::string& org, const std::string& member = "") {
    HttpResponse r = http().PostJson("/api/v1/orgs/" + org + "/task-teams",
                                     {{"name", Unique("矩阵任务团")}, {"purpose", "矩阵测试"}, {"starts_on", "2024-01-01"}});
    EXPECT_EQ(r.status, 201) << r;
    const std::string id = IdOf(r.json.value("task_team", json::object()));
    if (!member.empty() && !id.empty()) {
      HttpResponse j = http().PostJson("/api/v1/task-teams/" + id + "/members",
                                       {{"member_id", std::stoll(member)}, {"joined_on", "2024-06-01"}});
      EXPECT_EQ(j.status, 201) << j;
    }
    return id.empty() ? "0" : id;
  }
  // A dry-run import job of the administrator's, with a bad row (so it can
  // never be committed); made once.
  std::string AdminJob() {
    if (admin_job_.empty()) {
      HttpResponse r = http().Post("/api/v1/jobs/imports/members?dry_run=true",
                                   "姓名,性别,出生日期,组织编号,状态,分类\n,男,1990-01-01,1,正式党员,在职\n", "text/csv");
      EXPECT_EQ(r.status, 202) << r;
      admin_job_ = r.status == 202 ? std::to_string(r.json["job"]["id"].get<long long>()) : "0";
    }
    return admin_job_;
  }
  std::string admin_job_;
  // A month not used before, for dues payments (one per member and month).
  static std::string FreshMonth() {
    const int n = ++counter_;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", 2024 - (n / 12) % 20, n % 12 + 1);
    return buf;
  }

  // What party-work requests point at: the user's village with its
  // branches and member, or the same in Luding.
  struct Where {
    std::string village, org, org_b, member, member_name;
  };
  static Where In(const RoleUser& u) {
    return {u.village, u.org_id, u.org_b_id, u.member_id, u.member_name};
  }
  static Where Out() {
    return {luding_village_, luding_org_, luding_org_b_, luding_member_.first,
            luding_member_.second};
  }
  // A rule whose inside and outside requests differ only in where they point.
  MatrixRule Both(std::function<MatrixRequest(const Where&)> build) {
    return MatrixRule{[build](const RoleUser& u) { return build(In(u)); },
                      [build](const RoleUser&) { return build(Out()); }};
  }

  // "METHOD pattern" -> how to build its requests. EVERY route of the server
  // needs an entry: the test fails for a route without one. Each domain's
  // rules are in a file of their own under tests/api/matrix/; a new domain
  // adds its file (to api_test in tests/api/CMakeLists.txt), declares its
  // function here and calls it below.
  void AccountRules(MatrixRules& rules);  // matrix/accounts_rules.cc
  void UnitRules(MatrixRules& rules);  // matrix/units_rules.cc
  void OrgRules(MatrixRules& rules);  // matrix/orgs_rules.cc
  void MemberRules(MatrixRules& rules);  // matrix/members_rules.cc
  void DuesAndMeetingRules(MatrixRules& rules);  // matrix/dues_meetings_rules.cc
  void OrgWorkRules(MatrixRules& rules);  // matrix/org_work_rules.cc
  void ImportAndJobRules(MatrixRules& rules);  // matrix/imports_jobs_rules.cc
  void FigureAndAuditRules(MatrixRules& rules);  // matrix/figures_audit_rules.cc
  void CalendarRules(MatrixRules& rules);  // matrix/calendar_rules.cc
  void SearchRules(MatrixRules& rules);  // matrix/search_rules.cc
  MatrixRules Rules() {
    MatrixRules rules;
    AccountRules(rules);
    UnitRules(rules);
    OrgRules(rules);
    MemberRules(rules);
    DuesAndMeetingRules(rules);
    OrgWorkRules(rules);
    ImportAndJobRules(rules);
    FigureAndAuditRules(rules);
    CalendarRules(rules);
    SearchRules(rules);
    return rules;
  }

  HttpResponse Send(const std::string& method, const MatrixRequest& m, const Headers& credentials) {
    Http client(port(), credentials);
    if (m.file) return client.Request(method, m.target, *m.file, {{"Content-Type", "text/csv"}});
    if (m.body) {
      return client.Request(method, m.target, m.body->dump(),
                            {{"Content-Type", "application/json"}});
    }
    return client.Request(method, m.target, std::nullopt, {});
  }

  // Checks one answer against what the user may do.
  void Check(const HttpResponse& r, const MatrixRequest& m, bool allowed, bool anonymous,
             bool nationwide) {
    if (r.status >= 400) ExpectNoInternals(r);
    if (anonymous && !allowed) {
      ExpectUnauthenticated(r);
    } else if (!allowed && r.status == 404) {
      // A record outside the caller's area answers as a missing one.
      ExpectError(r, 404, "not_found", "");
    } else if (!allowed) {
      ExpectError(r, 403, "permission_denied", "");
    } else {
      EXPECT_NE(r.status, 401) << r;
      EXPECT_NE(r.status, 403) << r;
      if (m.ok_status != 0) {
        EXPECT_EQ(r.status, m.ok_status) << r;
      }
      if (!m.must_contain.empty()) {
        EXPECT_NE(r.body.find(m.must_contain), std::string::npos)
            << "the answer should name " << m.must_contain << r;
      }
      if (!m.must_not_contain.empty() && !nationwide) {
        EXPECT_EQ(r.body.find(m.must_not_contain), std::string::npos)
            << "the answer shows something outside the user's area: " << m.must_not_contain << r;
      }
    }
    if (m.after) m.after(r, allowed);
  }

};

}  // namespace jiceng::apitest
