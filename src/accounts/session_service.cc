#include "accounts/session_service.h"

#include "accounts/password.h"
#include "common/clock.h"
#include "common/text.h"

namespace jiceng::accounts {

using std::chrono::seconds;
using std::chrono::system_clock;

Status BadCredentials() {
  return Status::Error(ErrorCode::kUnauthenticated, "用户名或密码错误。", "Wrong username or password.");
}

namespace {

Status NotSignedIn() {
  return Status::Error(ErrorCode::kUnauthenticated, "登录已失效，请重新登录。",
                       "Your sign-in has expired; please sign in again.");
}

Status LockedOut(std::int64_t wait_seconds, std::int64_t* retry_after) {
  if (retry_after) *retry_after = wait_seconds;
  const std::int64_t minutes = (wait_seconds + 59) / 60;
  return Status::Error(ErrorCode::kTooManyRequests,
                       "登录失败次数过多，请在 " + std::to_string(minutes) + " 分钟后再试。",
                       "Too many failed sign-ins; try again in " + std::to_string(minutes) + " minute(s).");
}

std::int64_t SecondsUntil(SystemTime t, SystemTime now) {
  return std::max<std::int64_t>(1, std::chrono::duration_cast<seconds>(t - now).count());
}

}  // namespace

std::optional<PrincipalCache::Entry> PrincipalCache::Get(const std::string& digest) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(digest);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.generation != generation_.load() ||
      std::chrono::steady_clock::now() - it->second.cached_at >= kTtl) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void PrincipalCache::Put(const std::string& digest, Entry entry) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) entries_.clear();  // crude, but bounded
  entries_[digest] = std::move(entry);
}

void PrincipalCache::UpdateLastSeen(const std::string& digest, SystemTime t) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(digest); it != entries_.end()) it->second.last_seen = t;
}

Status SessionService::CheckLockout(const std::string& username, const std::string& ip, std::int64_t* retry_after) {
  const auto now = clock_.Now();
  std::vector<std::string> account_failures, address_failures;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(account_failures,
                            AccountStore::RecentFailures(s, username, UtcIso(now - std::chrono::hours(24))));
    JICENG_ASSIGN_OR_RETURN(address_failures,
                            AccountStore::RecentFailuresFrom(s, ip, UtcIso(now - settings_.address_window)));
    return Status::Ok();
  }));
  // Per account: after `free_failures` in a row, each further failure doubles the wait.
  const int n = static_cast<int>(account_failures.size());
  if (n >= settings_.free_failures) {
    auto lock = settings_.first_lock * (1LL << std::min(n - settings_.free_failures, 20));
    if (lock > settings_.max_lock) lock = settings_.max_lock;
    auto last = ParseUtcIso(account_failures.front());
    if (last && *last + lock > now) return LockedOut(SecondsUntil(*last + lock, now), retry_after);
  }
  // Per address: too many failures in the window, whatever the usernames.
  if (static_cast<int>(address_failures.size()) >= settings_.address_failures) {
    auto oldest = ParseUtcIso(address_failures.front());
    if (oldest && *oldest + settings_.address_window > now) {
      return LockedOut(SecondsUntil(*oldest + settings_.address_window, now), retry_after);
    }
  }
  return Status::Ok();
}

Result<LoginResult> SessionService::Login(const std::string& raw_username, const std::string& password,
                                          const std::string& ip, const std::string& user_agent,
                                          std::int64_t* retry_after) {
  std::string username = Trim(raw_username);
  for (char& c : username) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (username.empty() || username.size() > 64 || password.empty() || password.size() > 1024) {
    return BadCredentials();
  }
  JICENG_RETURN_IF_ERROR(CheckLockout(username, ip, retry_after));

  std::optional<Credentials> creds;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(creds, AccountStore::FindCredentials(s, username));
    return Status::Ok();
  }));
  bool verified = false;
  {
    hashing_.acquire();
    if (creds) {
      verified = VerifyPassword(creds->password_hash, password);
    } else {
      BurnVerificationTime();  // unknown users take as long as wrong passwords
    }
    hashing_.release();
  }
  const std::string now = UtcIso(clock_.Now());
  if (!verified) {
    // Bookkeeping for the lockout, not a change of its own: the refused
    // request's audit entry (401) records the attempt, once.
    db::ScopedCommitHook no_entry(nullptr);
    JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) {
      return AccountStore::RecordAttempt(s, username, ip, now, false);
    }));
    return BadCredentials();
  }
  if (!creds->enabled) {
    return Status::Error(ErrorCode::kUnauthenticated, "该账号已停用，请联系管理员。",
                         "This account is disabled; contact your administrator.");
  }
  LoginResult result;
  result.token = RandomToken(32);
  const auto t = clock_.Now();
  result.session.user_id = creds->user_id;
  result.session.csrf_token = RandomToken(24);
  result.session.created_at = now;
  result.session.last_seen_at = now;
  result.session.expires_at = UtcIso(t + settings_.absolute_timeout);
  result.session.ip = ip;
  result.session.user_agent = user_agent.substr(0, 300);
  std::optional<User> user;
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_RETURN_IF_ERROR(AccountStore::RecordAttempt(s, username, ip, now, true));
    JICENG_ASSIGN_OR_RETURN(result.session.id,
                            AccountStore::InsertSession(s, result.session, TokenDigest(result.token)));
    JICENG_ASSIGN_OR_RETURN(user, AccountStore::FindUser(s, creds->user_id));
    return Status::Ok();
  }));
  result.user = std::move(*user);
  return result;
}

Result<Principal> SessionService::PrincipalOf(std::int64_t user_id) {
  std::optional<User> user;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(user, AccountStore::FindUser(s, user_id));
    return Status::Ok();
  }));
  if (!user || !user->enabled) return NotSignedIn();
  Principal p;
  p.user_id = user->id;
  p.username = user->username;
  p.display_name = user->display_name;
  p.grants = std::move(user->grants);
  return p;
}

Result<Principal> SessionService::AuthenticateSession(const std::string& token) {
  if (token.empty() || token.size() > 128) return NotSignedIn();
  const std::string digest = TokenDigest(token);
  const auto now = clock_.Now();
  std::optional<PrincipalCache::Entry> entry = cache_.Get(digest);
  if (!entry) {
    const std::uint64_t generation = cache_.generation();
    std::optional<SessionRecord> session;
    JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(session, AccountStore::FindSession(s, digest));
      return Status::Ok();
    }));
    if (!session) return NotSignedIn();
    auto last_seen = ParseUtcIso(session->last_seen_at);
    auto expires = ParseUtcIso(session->expires_at);
    if (!last_seen || !expires) return NotSignedIn();
    JICENG_ASSIGN_OR_RETURN(auto principal, PrincipalOf(session->user_id));
    principal.session_id = session->id;
    principal.csrf_token = session->csrf_token;
    entry = PrincipalCache::Entry{std::move(principal), *last_seen, *expires, std::chrono::steady_clock::now(),
                                  generation};
    cache_.Put(digest, *entry);
  }
  if (now >= *entry->expires || now - entry->last_seen >= settings_.idle_timeout) return NotSignedIn();
  // Record activity, but at most every minute (or a quarter of the idle
  // timeout): a write per request would cost more than the request.
  const auto touch_every = std::min<std::chrono::system_clock::duration>(seconds(60), settings_.idle_timeout / 4);
  if (now - entry->last_seen >= touch_every) {
    JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) {
      return AccountStore::TouchSession(s, *entry->principal.session_id, UtcIso(now));
    }));
    cache_.UpdateLastSeen(digest, now);
  }
  return std::move(entry->principal);
}

Result<Principal> SessionService::AuthenticateToken(const std::string& secret) {
  if (secret.rfind("jct_", 0) != 0 || secret.size() > 128) {
    return Status::Error(ErrorCode::kUnauthenticated, "API 令牌无效。", "The API token is not valid.");
  }
  const std::string digest = TokenDigest(secret);
  const auto now = clock_.Now();
  std::optional<PrincipalCache::Entry> entry = cache_.Get(digest);
  if (!entry) {
    const std::uint64_t generation = cache_.generation();
    std::optional<TokenRecord> token;
    JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
      JICENG_ASSIGN_OR_RETURN(token, AccountStore::FindToken(s, digest));
      return Status::Ok();
    }));
    if (!token) {
      return Status::Error(ErrorCode::kUnauthenticated, "API 令牌无效、已撤销或已过期。",
                           "The API token is not valid, revoked or expired.");
    }
    JICENG_ASSIGN_OR_RETURN(auto principal, PrincipalOf(token->user_id));
    principal.token_id = token->id;
    principal.token_unit = token->unit_code;
    std::optional<SystemTime> expires;
    if (token->expires_at) expires = ParseUtcIso(*token->expires_at);
    auto last_used = token->last_used_at ? ParseUtcIso(*token->last_used_at) : std::nullopt;
    entry = PrincipalCache::Entry{std::move(principal), last_used.value_or(SystemTime{}), expires,
                                  std::chrono::steady_clock::now(), generation};
    cache_.Put(digest, *entry);
  }
  if (entry->expires && now >= *entry->expires) {
    return Status::Error(ErrorCode::kUnauthenticated, "API 令牌已过期。", "The API token has expired.");
  }
  if (now - entry->last_seen >= seconds(60)) {
    JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) {
      return AccountStore::TouchToken(s, *entry->principal.token_id, UtcIso(now));
    }));
    cache_.UpdateLastSeen(digest, now);
  }
  return std::move(entry->principal);
}

Status SessionService::Logout(const Principal& principal) {
  if (!principal.session_id) return Status::Ok();
  cache_.Invalidate();
  return db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto done, AccountStore::RevokeSession(s, principal.user_id, *principal.session_id));
    (void)done;
    return Status::Ok();
  });
}

Result<std::vector<SessionRecord>> SessionService::ListSessions(std::int64_t user_id) {
  std::vector<SessionRecord> out;
  const auto now = clock_.Now();
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(out, AccountStore::ActiveSessions(s, user_id, UtcIso(now)));
    return Status::Ok();
  }));
  // Sessions idle past the timeout are over even though not revoked.
  std::erase_if(out, [&](const SessionRecord& r) {
    auto last = ParseUtcIso(r.last_seen_at);
    return !last || now - *last >= settings_.idle_timeout;
  });
  return out;
}

Status SessionService::RevokeSession(std::int64_t user_id, std::int64_t session_id) {
  cache_.Invalidate();
  return db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto done, AccountStore::RevokeSession(s, user_id, session_id));
    if (!done) return Status::NotFound("没有这个会话（或已结束）。", "No such session (or it has ended).", "id");
    return Status::Ok();
  });
}

Result<NewToken> SessionService::CreateToken(const Principal& principal, const std::string& raw_name,
                                             std::optional<std::uint64_t> unit_code,
                                             std::optional<int> expires_in_days) {
  const std::string name = Trim(raw_name);
  if (name.empty() || Utf8Length(name) > 50 || HasControlChars(name)) {
    return Status::InvalidArgument("name", "请给令牌起一个 1–50 字的名称（如“数据同步脚本”）。",
                                   "Give the token a name of 1–50 characters (e.g. \"sync script\").");
  }
  if (expires_in_days && (*expires_in_days < 1 || *expires_in_days > 3650)) {
    return Status::InvalidArgument("expires_in_days", "有效天数应为 1–3650。", "expires_in_days must be 1–3650.");
  }
  std::optional<std::int64_t> unit_id;
  if (unit_code) {
    auto unit = hierarchy_.tree().Find(*unit_code);
    if (!unit) return Status::NotFound("单位不存在。", "No such unit.", "unit_code");
    unit_id = unit->id;
  }
  NewToken out;
  out.secret = "jct_" + RandomToken(32);
  out.token.user_id = principal.user_id;
  out.token.name = name;
  out.token.prefix = out.secret.substr(0, 10);
  out.token.unit_code = unit_code;
  out.token.created_at = UtcIso(clock_.Now());
  if (expires_in_days) {
    out.token.expires_at = UtcIso(clock_.Now() + std::chrono::hours(24) * *expires_in_days);
  }
  JICENG_RETURN_IF_ERROR(db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(out.token.id,
                            AccountStore::InsertToken(s, out.token, unit_id, TokenDigest(out.secret)));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<TokenRecord>> SessionService::ListTokens(std::int64_t user_id) {
  std::vector<TokenRecord> out;
  JICENG_RETURN_IF_ERROR(db_.Read([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(out, AccountStore::ActiveTokens(s, user_id));
    return Status::Ok();
  }));
  return out;
}

Status SessionService::RevokeToken(std::int64_t user_id, std::int64_t token_id) {
  cache_.Invalidate();
  return db_.Write([&](db::Session& s) -> Status {
    JICENG_ASSIGN_OR_RETURN(auto done, AccountStore::RevokeToken(s, user_id, token_id));
    if (!done) return Status::NotFound("没有这个令牌（或已撤销）。", "No such token (or it is revoked).", "id");
    return Status::Ok();
  });
}

}  // namespace jiceng::accounts
