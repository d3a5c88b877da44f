// Signing in (登录) and the credentials that follow: browser sessions
// (an HttpOnly cookie plus a CSRF token) and API tokens for scripts. Also
// the lockout with back-off after repeated failures, per account and per
// address, and turning a cookie or token into the Principal of a request.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <unordered_map>
#include <vector>

#include "accounts/account_store.h"
#include "accounts/principal.h"
#include "accounts/user.h"
#include "common/clock.h"
#include "common/result.h"
#include "db/database.h"
#include "hierarchy/hierarchy_service.h"

namespace jiceng::accounts {

struct SessionSettings {
  std::chrono::seconds idle_timeout{2 * 60 * 60};       // signed out after 2 h without a request
  std::chrono::seconds absolute_timeout{12 * 60 * 60};  // and after 12 h in any case
  int free_failures = 5;                     // failures per account before the first lock
  std::chrono::seconds first_lock{60};       // doubled with each further failure
  std::chrono::seconds max_lock{60 * 60};
  int address_failures = 30;                 // failures from one address in the window
  std::chrono::seconds address_window{15 * 60};
};

// Recently authenticated credentials, so that a request does not cost four
// queries before its real work. An entry is trusted for `kTtl` at most and
// only while no account change has happened in this process since it was
// made (Invalidate() is called on every such change); another process's
// revocation is therefore seen within kTtl.
class PrincipalCache {
 public:
  static constexpr std::chrono::seconds kTtl{5};
  static constexpr std::size_t kMaxEntries = 20000;

  struct Entry {
    Principal principal = {};
    SystemTime last_seen = {};                   // sessions: for the idle timeout
    std::optional<SystemTime> expires = {};      // absolute expiry, if any
    std::chrono::steady_clock::time_point cached_at = {};
    std::uint64_t generation = {};
  };

  std::optional<Entry> Get(const std::string& digest);
  void Put(const std::string& digest, Entry entry);
  void UpdateLastSeen(const std::string& digest, SystemTime t);
  void Invalidate() { ++generation_; }
  std::uint64_t generation() const { return generation_.load(); }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // GUARDED_BY(mutex_)
  std::atomic<std::uint64_t> generation_{0};
};

struct LoginResult {
  std::string token = {};  // the cookie value; shown to no one else
  SessionRecord session = {};
  User user = {};
};

struct NewToken {
  TokenRecord token = {};
  std::string secret = {};  // "jct_..."; shown once
};

class SessionService {
 public:
  // Idle and absolute expiry are measured on `clock` (tests move it).
  SessionService(db::Database& db, const hierarchy::HierarchyService& hierarchy, SessionSettings settings,
                 const BusinessClock& clock)
      : db_(db), clock_(clock), hierarchy_(hierarchy), settings_(settings) {}

  const SessionSettings& settings() const { return settings_; }

  // Checks the password and opens a session. Unknown user and wrong password
  // give the same kUnauthenticated message; a locked account or address gives
  // kTooManyRequests with `retry_after` set (seconds).
  Result<LoginResult> Login(const std::string& username, const std::string& password, const std::string& ip,
                            const std::string& user_agent, std::int64_t* retry_after = nullptr);
  // The principal behind a session cookie; kUnauthenticated when it is
  // unknown, revoked, idle too long or past its absolute expiry.
  Result<Principal> AuthenticateSession(const std::string& token);
  // The principal behind "Authorization: Bearer jct_...".
  Result<Principal> AuthenticateToken(const std::string& secret);

  Status Logout(const Principal& principal);
  Result<std::vector<SessionRecord>> ListSessions(std::int64_t user_id);
  Status RevokeSession(std::int64_t user_id, std::int64_t session_id);

  // Creates a token for the principal's user, narrowed to `unit_code` when
  // given (it must lie within what the user may reach).
  Result<NewToken> CreateToken(const Principal& principal, const std::string& name,
                               std::optional<std::uint64_t> unit_code, std::optional<int> expires_in_days);
  Result<std::vector<TokenRecord>> ListTokens(std::int64_t user_id);
  Status RevokeToken(std::int64_t user_id, std::int64_t token_id);

  // Builds the principal of `user_id` (grants included).
  Result<Principal> PrincipalOf(std::int64_t user_id);

  // Forget cached principals: call after any change to accounts, grants,
  // sessions or tokens.
  void InvalidateCache() { cache_.Invalidate(); }

 private:
  // kTooManyRequests when `username` or `ip` is locked out now.
  Status CheckLockout(const std::string& username, const std::string& ip, std::int64_t* retry_after);

  db::Database& db_;
  const BusinessClock& clock_;
  const hierarchy::HierarchyService& hierarchy_;
  SessionSettings settings_;
  // argon2id takes 64 MiB and ~65 ms: at most two at once (the machine's cores).
  std::counting_semaphore<2> hashing_{2};
  PrincipalCache cache_;
};

// The message for a failed sign-in: the same for unknown users and wrong passwords.
Status BadCredentials();

}  // namespace jiceng::accounts
