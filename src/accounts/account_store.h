// Persistence of accounts, role grants, sessions, API tokens and login
// attempts. Plain functions over a db::Session; the services choose the
// transaction. Units are referred to by id in the tables and by code here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accounts/user.h"
#include "common/result.h"
#include "db/database.h"
#include "people/personal_data.h"

namespace jiceng::accounts {

struct Credentials {
  std::int64_t user_id = {};
  std::string password_hash = {};
  bool enabled = {};
};

struct SessionRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string csrf_token = {};
  std::string created_at = {};
  std::string last_seen_at = {};
  std::string expires_at = {};
  std::string ip = {};
  std::string user_agent = {};
};

struct TokenRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string name = {};
  std::string prefix = {};
  std::optional<std::uint64_t> unit_code = {};
  std::string created_at = {};
  std::optional<std::string> last_used_at = {};
  std::optional<std::string> expires_at = {};
};

struct UserFilter {
  std::string text = {};                          // username or display name contains
  bool nationwide = false;                   // all users
  std::vector<std::string> unit_prefixes = {};    // else: home unit code starts with one of these
  std::size_t offset = 0;
  std::size_t limit = 50;
};

class AccountStore {
 public:
  // The phone is stored sealed with `vault` (people/personal_data.h); the
  // finders open it with `vault`, and leave it out without one.
  static Result<std::int64_t> InsertUser(db::Session& s, const people::Vault& vault, const User& user,
                                         std::optional<std::int64_t> unit_id, const std::string& password_hash);
  static Result<std::optional<Credentials>> FindCredentials(db::Session& s, const std::string& username);
  // The user with active grants, or std::nullopt.
  static Result<std::optional<User>> FindUser(db::Session& s, std::int64_t id, const people::Vault* vault = nullptr);
  static Result<std::optional<User>> FindUserByName(db::Session& s, const std::string& username,
                                                    const people::Vault* vault = nullptr);
  static Result<std::pair<std::vector<User>, std::size_t>> ListUsers(db::Session& s, const UserFilter& f,
                                                                     const people::Vault* vault = nullptr);
  // kConflict (field "version") when the version moved on.
  static Status UpdateUser(db::Session& s, const people::Vault& vault, const User& user, std::int64_t expected_version);
  static Status SetPasswordHash(db::Session& s, std::int64_t user_id, const std::string& hash);

  static Result<std::vector<Grant>> ActiveGrants(db::Session& s, std::int64_t user_id);
  static Result<std::int64_t> InsertGrant(db::Session& s, std::int64_t user_id, const std::string& role,
                                          std::optional<std::int64_t> unit_id, std::optional<std::int64_t> by);
  // Returns false when no such active grant belongs to the user.
  static Result<bool> RevokeGrant(db::Session& s, std::int64_t user_id, std::int64_t grant_id,
                                  std::optional<std::int64_t> by);

  static Result<std::int64_t> InsertSession(db::Session& s, const SessionRecord& r, const std::string& digest);
  // A session that is not revoked, with its user enabled; std::nullopt otherwise.
  static Result<std::optional<SessionRecord>> FindSession(db::Session& s, const std::string& digest);
  static Status TouchSession(db::Session& s, std::int64_t id, const std::string& now);
  static Result<bool> RevokeSession(db::Session& s, std::int64_t user_id, std::int64_t id);
  static Status RevokeAllSessions(db::Session& s, std::int64_t user_id);
  static Result<std::vector<SessionRecord>> ActiveSessions(db::Session& s, std::int64_t user_id,
                                                           const std::string& now);

  static Result<std::int64_t> InsertToken(db::Session& s, const TokenRecord& r, std::optional<std::int64_t> unit_id,
                                          const std::string& digest);
  static Result<std::optional<TokenRecord>> FindToken(db::Session& s, const std::string& digest);
  static Status TouchToken(db::Session& s, std::int64_t id, const std::string& now);
  static Result<bool> RevokeToken(db::Session& s, std::int64_t user_id, std::int64_t id);
  static Result<std::vector<TokenRecord>> ActiveTokens(db::Session& s, std::int64_t user_id);

  static Status RecordAttempt(db::Session& s, const std::string& username, const std::string& ip,
                              const std::string& at, bool success);
  // Failed attempts for `username` since its last success and after `since`, newest first (their times).
  static Result<std::vector<std::string>> RecentFailures(db::Session& s, const std::string& username,
                                                         const std::string& since);
  static Result<std::vector<std::string>> RecentFailuresFrom(db::Session& s, const std::string& ip,
                                                             const std::string& since);
};

}  // namespace jiceng::accounts
