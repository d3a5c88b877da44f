#include "accounts/account_store.h"

#include "common/clock.h"
#include "db/sql_filters.h"

namespace jiceng::accounts {

using db::Value;

namespace {

Value OptInt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : Value(nullptr); }
Value OptText(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }
std::optional<std::uint64_t> OptCode(const db::Row& row, std::size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return std::stoull(row.Text(i));
}

constexpr const char* kUserColumns =
    "u.id, u.username, u.display_name, u.phone_sealed, un.code, u.enabled, u.version, u.created_at";

// The phone is opened with `vault`; without one it is left out.
Result<User> ReadUser(const db::Row& row, const people::Vault* vault) {
  User u;
  u.id = row.Int(0);
  u.username = row.Text(1);
  u.display_name = row.Text(2);
  if (vault != nullptr) {
    JICENG_ASSIGN_OR_RETURN(u.phone, vault->OpenOptional(row.OptText(3)));
  }
  u.unit_code = OptCode(row, 4);
  u.enabled = row.Int(5) != 0;
  u.version = row.Int(6);
  u.created_at = row.Text(7);
  return u;
}

Result<std::optional<User>> FindUserWhere(db::Session& s, const std::string& where, const db::Params& params,
                                          const people::Vault* vault) {
  JICENG_ASSIGN_OR_RETURN(
      auto row, s.QueryOne(std::string("SELECT ") + kUserColumns +
                               " FROM users u LEFT JOIN units un ON un.id = u.unit_id WHERE " + where,
                           params));
  if (!row) return std::optional<User>();
  JICENG_ASSIGN_OR_RETURN(User user, ReadUser(*row, vault));
  JICENG_ASSIGN_OR_RETURN(user.grants, AccountStore::ActiveGrants(s, user.id));
  return std::optional<User>(std::move(user));
}

SessionRecord ReadSession(const db::Row& row) {
  SessionRecord r;
  r.id = row.Int(0);
  r.user_id = row.Int(1);
  r.csrf_token = row.Text(2);
  r.created_at = row.Text(3);
  r.last_seen_at = row.Text(4);
  r.expires_at = row.Text(5);
  r.ip = row.Text(6);
  r.user_agent = row.Text(7);
  return r;
}

TokenRecord ReadToken(const db::Row& row) {
  TokenRecord r;
  r.id = row.Int(0);
  r.user_id = row.Int(1);
  r.name = row.Text(2);
  r.prefix = row.Text(3);
  r.unit_code = OptCode(row, 4);
  r.created_at = row.Text(5);
  r.last_used_at = row.OptText(6);
  r.expires_at = row.OptText(7);
  return r;
}

constexpr const char* kTokenColumns =
    "t.id, t.user_id, t.name, t.prefix, un.code, t.created_at, t.last_used_at, t.expires_at";

}  // namespace

Result<std::int64_t> AccountStore::InsertUser(db::Session& s, const people::Vault& vault, const User& user,
                                              std::optional<std::int64_t> unit_id, const std::string& password_hash) {
  const std::string now = NowUtcIso();
  return s.InsertReturningId(
      "INSERT INTO users (username, display_name, phone_sealed, unit_id, password_hash, enabled, version, "
      "created_at, updated_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
      {Value(user.username), Value(user.display_name), OptText(vault.SealOptional(user.phone)), OptInt(unit_id),
       Value(password_hash), Value(std::int64_t{user.enabled ? 1 : 0}), Value(now), Value(now), Value(now)});
}

Result<std::optional<Credentials>> AccountStore::FindCredentials(db::Session& s, const std::string& username) {
  JICENG_ASSIGN_OR_RETURN(auto row, s.QueryOne("SELECT id, password_hash, enabled FROM users WHERE username = ?",
                                               {Value(username)}));
  if (!row) return std::optional<Credentials>();
  return std::optional<Credentials>(Credentials{row->Int(0), row->Text(1), row->Int(2) != 0});
}

Result<std::optional<User>> AccountStore::FindUser(db::Session& s, std::int64_t id, const people::Vault* vault) {
  return FindUserWhere(s, "u.id = ?", {Value(id)}, vault);
}

Result<std::optional<User>> AccountStore::FindUserByName(db::Session& s, const std::string& username,
                                                          const people::Vault* vault) {
  return FindUserWhere(s, "u.username = ?", {Value(username)}, vault);
}

Result<std::pair<std::vector<User>, std::size_t>> AccountStore::ListUsers(db::Session& s, const UserFilter& f,
                                                                          const people::Vault* vault) {
  std::string where = "1 = 1";
  db::Params params;
  if (!f.nationwide) {
    // A unit's subtree is the set of codes that start with its code.
    if (f.unit_prefixes.empty()) return std::make_pair(std::vector<User>{}, std::size_t{0});
    where += " AND " + db::CodePrefixCondition("un.code", f.unit_prefixes, params);
  }
  if (!f.text.empty()) {
    const std::string pattern = db::ContainsPattern(f.text);
    where += " AND (u.username LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')";
    params.emplace_back(pattern);
    params.emplace_back(pattern);
  }
  const std::string from = " FROM users u LEFT JOIN units un ON un.id = u.unit_id WHERE " + where;
  JICENG_ASSIGN_OR_RETURN(auto count, s.QueryOne("SELECT COUNT(*)" + from, params));
  db::Params page = params;
  page.emplace_back(static_cast<std::int64_t>(f.limit));
  page.emplace_back(static_cast<std::int64_t>(f.offset));
  JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll(std::string("SELECT ") + kUserColumns + from +
                                                    " ORDER BY u.username LIMIT ? OFFSET ?",
                                                page));
  std::vector<User> users;
  for (const db::Row& row : rows) {
    JICENG_ASSIGN_OR_RETURN(User u, ReadUser(row, vault));
    JICENG_ASSIGN_OR_RETURN(u.grants, ActiveGrants(s, u.id));
    users.push_back(std::move(u));
  }
  return std::make_pair(std::move(users), static_cast<std::size_t>(count->Int(0)));
}

Status AccountStore::UpdateUser(db::Session& s, const people::Vault& vault, const User& user,
                                std::int64_t expected_version) {
  JICENG_ASSIGN_OR_RETURN(
      auto n, s.Exec("UPDATE users SET display_name = ?, phone_sealed = ?, enabled = ?, version = version + 1, "
                     "updated_at = ? WHERE id = ? AND version = ?",
                     {Value(user.display_name), OptText(vault.SealOptional(user.phone)),
                      Value(std::int64_t{user.enabled ? 1 : 0}),
                      Value(NowUtcIso()), Value(user.id), Value(expected_version)}));
  if (n == 0) {
    return Status::Conflict("该账号刚被其他人修改过，请刷新后重试。",
                            "Someone else changed this account meanwhile; reload and try again.", "version");
  }
  return Status::Ok();
}

Status AccountStore::SetPasswordHash(db::Session& s, std::int64_t user_id, const std::string& hash) {
  const std::string now = NowUtcIso();
  return s.Exec("UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, "
                "version = version + 1 WHERE id = ?",
                {Value(hash), Value(now), Value(now), Value(user_id)})
      .status();
}

Result<std::vector<Grant>> AccountStore::ActiveGrants(db::Session& s, std::int64_t user_id) {
  JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll("SELECT g.id, g.role, un.code FROM role_assignments g "
                                                "LEFT JOIN units un ON un.id = g.unit_id "
                                                "WHERE g.user_id = ? AND g.revoked_at IS NULL ORDER BY g.id",
                                                {Value(user_id)}));
  std::vector<Grant> grants;
  for (const db::Row& row : rows) grants.push_back(Grant{row.Int(0), row.Text(1), OptCode(row, 2)});
  return grants;
}

Result<std::int64_t> AccountStore::InsertGrant(db::Session& s, std::int64_t user_id, const std::string& role,
                                               std::optional<std::int64_t> unit_id, std::optional<std::int64_t> by) {
  return s.InsertReturningId(
      "INSERT INTO role_assignments (user_id, role, unit_id, granted_by, granted_at) VALUES (?, ?, ?, ?, ?) "
      "RETURNING id",
      {Value(user_id), Value(role), OptInt(unit_id), OptInt(by), Value(NowUtcIso())});
}

Result<bool> AccountStore::RevokeGrant(db::Session& s, std::int64_t user_id, std::int64_t grant_id,
                                       std::optional<std::int64_t> by) {
  JICENG_ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE role_assignments SET revoked_at = ?, revoked_by = ? "
                                         "WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                                         {Value(NowUtcIso()), OptInt(by), Value(grant_id), Value(user_id)}));
  return n > 0;
}

Result<std::int64_t> AccountStore::InsertSession(db::Session& s, const SessionRecord& r, const std::string& digest) {
  return s.InsertReturningId(
      "INSERT INTO sessions (user_id, token_digest, csrf_token, created_at, last_seen_at, expires_at, ip, "
      "user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {Value(r.user_id), Value(digest), Value(r.csrf_token), Value(r.created_at), Value(r.last_seen_at),
       Value(r.expires_at), Value(r.ip), Value(r.user_agent)});
}

Result<std::optional<SessionRecord>> AccountStore::FindSession(db::Session& s, const std::string& digest) {
  JICENG_ASSIGN_OR_RETURN(
      auto row, s.QueryOne("SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, "
                           "s.ip, s.user_agent FROM sessions s JOIN users u ON u.id = s.user_id "
                           "WHERE s.token_digest = ? AND s.revoked_at IS NULL AND u.enabled = 1",
                           {Value(digest)}));
  if (!row) return std::optional<SessionRecord>();
  return std::optional<SessionRecord>(ReadSession(*row));
}

Status AccountStore::TouchSession(db::Session& s, std::int64_t id, const std::string& now) {
  return s.Exec("UPDATE sessions SET last_seen_at = ? WHERE id = ?", {Value(now), Value(id)}).status();
}

Result<bool> AccountStore::RevokeSession(db::Session& s, std::int64_t user_id, std::int64_t id) {
  JICENG_ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? "
                                         "AND revoked_at IS NULL",
                                         {Value(NowUtcIso()), Value(id), Value(user_id)}));
  return n > 0;
}

Status AccountStore::RevokeAllSessions(db::Session& s, std::int64_t user_id) {
  return s.Exec("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                {Value(NowUtcIso()), Value(user_id)})
      .status();
}

Result<std::vector<SessionRecord>> AccountStore::ActiveSessions(db::Session& s, std::int64_t user_id,
                                                                const std::string& now) {
  JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll("SELECT id, user_id, csrf_token, created_at, last_seen_at, "
                                                "expires_at, ip, user_agent FROM sessions WHERE user_id = ? "
                                                "AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC",
                                                {Value(user_id), Value(now)}));
  std::vector<SessionRecord> out;
  for (const db::Row& row : rows) out.push_back(ReadSession(row));
  return out;
}

Result<std::int64_t> AccountStore::InsertToken(db::Session& s, const TokenRecord& r,
                                               std::optional<std::int64_t> unit_id, const std::string& digest) {
  return s.InsertReturningId(
      "INSERT INTO api_tokens (user_id, name, token_digest, prefix, unit_id, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {Value(r.user_id), Value(r.name), Value(digest), Value(r.prefix), OptInt(unit_id), Value(r.created_at),
       OptText(r.expires_at)});
}

Result<std::optional<TokenRecord>> AccountStore::FindToken(db::Session& s, const std::string& digest) {
  JICENG_ASSIGN_OR_RETURN(
      auto row, s.QueryOne(std::string("SELECT ") + kTokenColumns +
                               " FROM api_tokens t JOIN users u ON u.id = t.user_id "
                               "LEFT JOIN units un ON un.id = t.unit_id "
                               "WHERE t.token_digest = ? AND t.revoked_at IS NULL AND u.enabled = 1",
                           {Value(digest)}));
  if (!row) return std::optional<TokenRecord>();
  return std::optional<TokenRecord>(ReadToken(*row));
}

Status AccountStore::TouchToken(db::Session& s, std::int64_t id, const std::string& now) {
  return s.Exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", {Value(now), Value(id)}).status();
}

Result<bool> AccountStore::RevokeToken(db::Session& s, std::int64_t user_id, std::int64_t id) {
  JICENG_ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? "
                                         "AND revoked_at IS NULL",
                                         {Value(NowUtcIso()), Value(id), Value(user_id)}));
  return n > 0;
}

Result<std::vector<TokenRecord>> AccountStore::ActiveTokens(db::Session& s, std::int64_t user_id) {
  JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll(std::string("SELECT ") + kTokenColumns +
                                                    " FROM api_tokens t LEFT JOIN units un ON un.id = t.unit_id "
                                                    "WHERE t.user_id = ? AND t.revoked_at IS NULL ORDER BY t.id DESC",
                                                {Value(user_id)}));
  std::vector<TokenRecord> out;
  for (const db::Row& row : rows) out.push_back(ReadToken(row));
  return out;
}

Status AccountStore::RecordAttempt(db::Session& s, const std::string& username, const std::string& ip,
                                   const std::string& at, bool success) {
  return s.Exec("INSERT INTO login_attempts (username, ip, at, success) VALUES (?, ?, ?, ?)",
                {Value(username), Value(ip), Value(at), Value(std::int64_t{success ? 1 : 0})})
      .status();
}

Result<std::vector<std::string>> AccountStore::RecentFailures(db::Session& s, const std::string& username,
                                                              const std::string& since) {
  JICENG_ASSIGN_OR_RETURN(
      auto rows, s.QueryAll("SELECT at FROM login_attempts WHERE username = ? AND success = 0 AND at > ? "
                            "AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = ? "
                            "AND success = 1), '') ORDER BY at DESC, id DESC LIMIT 64",
                            {Value(username), Value(since), Value(username)}));
  std::vector<std::string> out;
  for (const db::Row& row : rows) out.push_back(row.Text(0));
  return out;
}

Result<std::vector<std::string>> AccountStore::RecentFailuresFrom(db::Session& s, const std::string& ip,
                                                                  const std::string& since) {
  JICENG_ASSIGN_OR_RETURN(auto rows, s.QueryAll("SELECT at FROM login_attempts WHERE ip = ? AND success = 0 "
                                                "AND at > ? ORDER BY at ASC LIMIT 256",
                                                {Value(ip), Value(since)}));
  std::vector<std::string> out;
  for (const db::Row& row : rows) out.push_back(row.Text(0));
  return out;
}

}  // namespace jiceng::accounts
